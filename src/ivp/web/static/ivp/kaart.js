// Progressive enhancement: a click on the map sets lat/lon and selects the buurt. Without JavaScript the
// buurt list and the street field do the same job.
(function () {
  "use strict";
  var box = document.getElementById("kaart");
  if (!box) { return; }
  box.hidden = false;
  var svg = box.querySelector("svg");
  var b = svg.getAttribute("data-bounds").split(",").map(Number);
  var vb = svg.viewBox.baseVal;
  var lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon");
  var select = document.getElementById("id_buurt"), dot = document.getElementById("kaart-punt");
  var out = document.getElementById("kaart-keuze");
  svg.addEventListener("click", function (ev) {
    var pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    var x = b[0] + (p.x / vb.width) * (b[2] - b[0]);
    var y = b[3] - (p.y / vb.height) * (b[3] - b[1]);
    lon.value = x.toFixed(6); lat.value = y.toFixed(6);
    dot.setAttribute("cx", p.x); dot.setAttribute("cy", p.y);
    svg.querySelectorAll("path.selected").forEach(function (el) { el.classList.remove("selected"); });
    var target = ev.target.closest("path");
    if (target) {
      target.classList.add("selected");
      select.value = target.getAttribute("data-code");
      out.textContent = "Gekozen: " + target.querySelector("title").textContent;
    } else {
      out.textContent = "Plek gekozen op de kaart.";
    }
  });
})();
