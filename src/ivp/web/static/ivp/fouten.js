// After a refused form, move focus to the error summary so that a screen reader reads it first and a
// keyboard user starts there; its links lead to each field. Not when a field has autofocus (the login
// page), and the page works the same without JavaScript.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary[tabindex='-1']");
  if (summary && !document.querySelector("[autofocus]")) {
    summary.focus();
  }
})();
