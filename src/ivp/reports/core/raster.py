"""The report's SVG charts as PNG images for Word, drawn with Pillow (no SVG library needed).

Word cannot show SVG from python-docx, and neither cairosvg nor a browser is a dependency of ivp. The
charts of the reports use a small part of SVG: ``rect``, ``line``, ``circle``, ``text``, ``polyline``,
``polygon`` and ``path`` with straight segments only (``M``, ``L``, ``Z``), plain colours, no transforms.
This module draws exactly that part, at ``scale`` pixels per SVG unit, so the Word document shows the same
chart as the HTML and PDF. Anything else (patterns, dashes, gradients) is drawn in the nearest plain
form: a ``url(#...)`` fill becomes light grey, a dashed line a solid one.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import cache

from PIL import Image, ImageDraw, ImageFont

_NS = "{http://www.w3.org/2000/svg}"
#: Fill drawn for a pattern (``url(#...)``): the hatch's base colour.
PATTERN_FILL = "#d9d9d9"
_FONTS = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(_FONTS[bold], size)
    except OSError:  # pragma: no cover - DejaVu is on every machine WeasyPrint runs on
        return ImageFont.load_default(size)


def _colour(value: str | None) -> str | None:
    if value is None or value in ("none", "transparent"):
        return None
    if value.startswith("url("):
        return PATTERN_FILL
    return value


def _num(value: str | None, default: float = 0.0) -> float:
    if value is None:
        return default
    match = re.match(r"\s*(-?[\d.]+(?:e-?\d+)?)", value)
    return float(match.group(1)) if match else default


def _points(text: str) -> list[tuple[float, float]]:
    values = [float(v) for v in re.findall(r"-?[\d.]+(?:e-?\d+)?", text)]
    return list(zip(values[::2], values[1::2], strict=False))


def _subpaths(d: str) -> list[list[tuple[float, float]]]:
    """Straight-segment subpaths of a path's ``d`` (absolute M, L, Z)."""
    out: list[list[tuple[float, float]]] = []
    for chunk in re.split(r"(?=[Mm])", d):
        pts = _points(re.sub(r"[MLZmlz]", " ", chunk))
        if pts:
            out.append(pts)
    return out


def svg_to_png(svg: str, *, scale: float = 2.0, background: str = "#ffffff") -> bytes:
    """Draw ``svg`` (the subset in the module docstring) as PNG bytes, ``scale`` pixels per SVG unit."""
    root = ET.fromstring(svg)  # noqa: S314 - our own chart markup, never user input
    box = [float(v) for v in (root.get("viewBox") or "0 0 640 400").replace(",", " ").split()]
    width, height = max(int(box[2] * scale), 1), max(int(box[3] * scale), 1)
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)

    def xy(x: float, y: float) -> tuple[float, float]:
        return ((x - box[0]) * scale, (y - box[1]) * scale)

    hidden = {id(e) for d in root.iter() if d.tag.removeprefix(_NS) == "defs" for e in d.iter()}
    for el in root.iter():
        tag = el.tag.removeprefix(_NS)
        if tag in ("title", "desc") or id(el) in hidden:
            continue
        fill = _colour(el.get("fill", "#000000" if tag in ("text", "path", "polygon", "circle") else None))
        stroke = _colour(el.get("stroke"))
        sw = max(round(_num(el.get("stroke-width"), 1.0) * scale), 1)
        if tag == "rect":
            x0, y0 = xy(_num(el.get("x")), _num(el.get("y")))
            x1, y1 = xy(_num(el.get("x")) + _num(el.get("width")), _num(el.get("y")) + _num(el.get("height")))
            draw.rectangle((x0, y0, x1, y1), fill=_colour(el.get("fill", "#000000")), outline=stroke,
                           width=sw if stroke else 0)  # fmt: skip
        elif tag == "line":
            p0 = xy(_num(el.get("x1")), _num(el.get("y1")))
            p1 = xy(_num(el.get("x2")), _num(el.get("y2")))
            draw.line((p0, p1), fill=stroke or "#000000", width=sw)
        elif tag == "circle":
            cx, cy = xy(_num(el.get("cx")), _num(el.get("cy")))
            r = _num(el.get("r")) * scale
            draw.ellipse(
                (cx - r, cy - r, cx + r, cy + r), fill=fill, outline=stroke, width=sw if stroke else 0
            )
        elif tag in ("polyline", "polygon", "path"):
            rings = _subpaths(el.get("d", "")) if tag == "path" else [_points(el.get("points", ""))]
            for ring in rings:
                pts = [xy(x, y) for x, y in ring]
                if len(pts) < 2:
                    continue
                if tag != "polyline" and fill is not None and len(pts) >= 3:
                    draw.polygon(pts, fill=fill)
                if stroke is not None:
                    closed = [*pts, pts[0]] if tag != "polyline" else pts
                    draw.line(closed, fill=stroke, width=sw, joint="curve")
        elif tag == "text":
            _text(draw, el, xy, scale, fill or "#000000")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _text(
    draw: ImageDraw.ImageDraw,
    el: ET.Element,
    xy: Callable[[float, float], tuple[float, float]],
    scale: float,
    fill: str,
) -> None:
    content = "".join(
        t for child in [el, *el] if child.tag.removeprefix(_NS) != "title" for t in [child.text or ""]
    ) + "".join((child.tail or "") for child in el)
    content = content.strip()
    if not content:
        return
    size = max(round(_num(el.get("font-size"), 11.0) * scale), 6)
    font = _font(size, el.get("font-weight") == "bold")
    anchor = {"middle": "ms", "end": "rs"}.get(el.get("text-anchor", ""), "ls")
    draw.text(xy(_num(el.get("x")), _num(el.get("y"))), content, fill=fill, font=font, anchor=anchor)
