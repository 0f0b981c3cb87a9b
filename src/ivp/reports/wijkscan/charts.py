"""The wijkscan's own charts as accessible SVG: the heat table of hot times and the hot-place map.

Both are pure functions of the analysis results (:mod:`ivp.reports.wijkscan.analysis`) and return the SVG
that goes into the HTML, the PDF (WeasyPrint) and, drawn by :mod:`.raster`, the Word document. Colours
are ColorBrewer YlGnBu (sequential, colour-blind safe) in equal steps from zero to the largest value, so
a darker cell always means more events; cells that pass the test (after Benjamini-Hochberg) are outlined
orange (more than expected) or blue (fewer than expected), the Okabe-Ito pair of the other charts.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pyproj import Transformer

from ivp.lib.fmt import number
from ivp.lib.i18n import _
from ivp.reports.core.svg import FONT, OKABE_ITO
from ivp.reports.veiligheidsbeeld.maps import SEQUENTIAL

if TYPE_CHECKING:
    from ivp.reports.wijkscan.analysis import HotPlaces
    from ivp.stats.aoristic import Aoristic
    from ivp.stats.hottimes import Concentration

#: Outline of a cell with more events than expected (passes the test), and of one with fewer.
HOT = OKABE_ITO[1]
COLD = OKABE_ITO[0]


def _classes(values: NDArray[np.float64], k: int = len(SEQUENTIAL)) -> tuple[float, ...]:
    """Equal-width class breaks from 0 to a rounded maximum (k classes).

    >>> _classes(np.array([0.0, 3.2, 9.7]))
    (0.0, 2.0, 4.0, 6.0, 8.0, 10.0)
    """
    top = float(np.nanmax(values)) if values.size and np.isfinite(values).any() else 0.0
    step = max(math.ceil(top / k * 10) / 10, 0.1) if top < k else float(math.ceil(top / k))
    return tuple(round(i * step, 6) for i in range(k + 1))


def _fill(value: float, breaks: Sequence[float]) -> str:
    if not np.isfinite(value) or value <= 0:
        return "#ffffff"
    for i in range(len(breaks) - 2, -1, -1):
        if value > breaks[i] or i == 0:
            return SEQUENTIAL[min(i, len(SEQUENTIAL) - 1)]
    return SEQUENTIAL[0]  # pragma: no cover


def _legend(x: float, y: float, breaks: Sequence[float], title: str, decimals: int) -> list[str]:
    out = [f'<text x="{x:.1f}" y="{y:.1f}" font-size="10" font-weight="bold" {FONT}>{escape(title)}</text>']
    for i, (lo, hi) in enumerate(itertools.pairwise(breaks)):
        lx = x + i * 62
        out.append(
            f'<rect x="{lx:.1f}" y="{y + 6:.1f}" width="16" height="12" fill="{SEQUENTIAL[i]}" stroke="#888" '
            f'stroke-width="0.5"/><text x="{lx + 19:.1f}" y="{y + 16:.1f}" font-size="9" {FONT}>'
            f"{number(lo, decimals)}–{number(hi, decimals)}</text>"
        )
    return out


def _outline_legend(x: float, y: float) -> list[str]:
    return [
        f'<rect x="{x:.1f}" y="{y:.1f}" width="16" height="12" fill="#ffffff" stroke="{HOT}" stroke-width="2.5"/>'
        f'<text x="{x + 21:.1f}" y="{y + 10:.1f}" font-size="9" {FONT}>'
        f"{escape(_('meer dan verwacht (aantoonbaar)'))}</text>",
        f'<rect x="{x + 210:.1f}" y="{y:.1f}" width="16" height="12" fill="#ffffff" stroke="{COLD}" '
        f'stroke-width="2.5"/><text x="{x + 231:.1f}" y="{y + 10:.1f}" font-size="9" {FONT}>'
        f"{escape(_('minder dan verwacht (aantoonbaar)'))}</text>",
    ]


def heat_table_svg(table: Aoristic, concentration: Concentration | None = None, *, title: str = "") -> str:
    """A weekday x hour (or any 2-D) heat table: one cell per row x column, coloured by the aoristic count;
    cells the concentration test flags (after FDR) outlined. A 1-D table is drawn as a single row."""
    values = np.atleast_2d(np.asarray(table.table, dtype=float))
    rows, cols = values.shape
    row_labels = list(table.row_labels) if len(table.row_labels) == rows else [""] * rows
    col_labels = list(table.col_labels) if len(table.col_labels) == cols else [str(c) for c in range(cols)]
    hot = _mask(concentration, "hot", values.shape)
    cold = _mask(concentration, "cold", values.shape)
    width, left, top = 680.0, 78.0, 22.0
    cw = (width - left - 8) / cols
    ch = 22.0 if cols > 8 else 26.0
    breaks = _classes(values)
    decimals = 0 if breaks[-1] >= 10 else 1
    height = top + rows * ch + 58
    title = title or _("Tijdstippen: aantal per {rows} en {cols}").format(rows=_("dag"), cols=_("uur"))
    desc = _describe(values, hot, row_labels, col_labels)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" class="chart heat">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]
    step = 1 if cw >= 18 else 2
    for c, label in enumerate(col_labels):
        if c % step == 0:
            parts.append(
                f'<text x="{left + (c + 0.5) * cw:.1f}" y="{top - 6:.1f}" font-size="9" text-anchor="middle" '
                f'{FONT} fill="#444">{escape(label)}</text>'
            )
    for r in range(rows):
        y = top + r * ch
        parts.append(
            f'<text x="{left - 6:.1f}" y="{y + ch / 2 + 3.5:.1f}" font-size="10" text-anchor="end" {FONT} '
            f'fill="#222">{escape(row_labels[r])}</text>'
        )
        for c in range(cols):
            v = float(values[r, c])
            parts.append(
                f'<rect x="{left + c * cw:.1f}" y="{y:.1f}" width="{cw:.1f}" height="{ch:.1f}" '
                f'fill="{_fill(v, breaks)}" stroke="#ffffff" stroke-width="1">'
                f"<title>{escape(row_labels[r])} {escape(col_labels[c])}: {number(v, 1)}</title></rect>"
            )
    for mask, colour in ((hot, HOT), (cold, COLD)):
        for r, c in zip(*np.nonzero(mask), strict=True):
            parts.append(
                f'<rect x="{left + c * cw + 1.2:.1f}" y="{top + r * ch + 1.2:.1f}" width="{cw - 2.4:.1f}" '
                f'height="{ch - 2.4:.1f}" fill="none" stroke="{colour}" stroke-width="2.4"/>'
            )
    ly = top + rows * ch + 16
    parts.extend(_legend(left, ly, breaks, _("Aantal (aoristisch gewogen)"), decimals))
    parts.extend(_outline_legend(left, ly + 26))
    parts.append("</svg>")
    return "".join(parts)


def _mask(result: object, name: str, shape: tuple[int, ...]) -> NDArray[np.bool_]:
    values = getattr(result, name, None) if result is not None else None
    if values is None:
        return np.zeros(shape, dtype=bool)
    arr = np.atleast_2d(np.asarray(values, dtype=bool))
    return arr if arr.shape == shape else np.zeros(shape, dtype=bool)


def _describe(values: NDArray[np.float64], hot: NDArray[np.bool_], rows: list[str], cols: list[str]) -> str:
    """The busiest cells and the flagged ones in words, for screen readers."""
    order = np.argsort(values, axis=None)[::-1][:3]
    busiest = [
        f"{rows[i // values.shape[1]]} {cols[i % values.shape[1]]} ({number(float(values.flat[i]), 1)})"
        for i in order
        if values.flat[i] > 0
    ]
    text = _("Drukste tijden: {cells}.").format(cells=", ".join(busiest) or "–")
    flagged = [f"{rows[r]} {cols[c]}" for r, c in zip(*np.nonzero(hot), strict=True)]
    if flagged:
        text += " " + _("Aantoonbaar meer dan verwacht: {cells}.").format(cells=", ".join(flagged))
    return text


# -- the hot-place map ----------------------------------------------------------------------------------


_TO_RD = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)


def rings_rd(geometry: dict[str, Any] | str | None) -> list[list[tuple[float, float]]]:
    """The rings of a GeoJSON (WGS84) polygon geometry in RD New metres."""
    if geometry is None:
        return []
    geo = json.loads(geometry) if isinstance(geometry, str) else geometry
    kind = geo.get("type")
    if kind == "Polygon":
        polys = [geo["coordinates"]]
    elif kind == "MultiPolygon":
        polys = list(geo["coordinates"])
    elif kind == "GeometryCollection":
        return [r for g in geo.get("geometries", []) for r in rings_rd(g)]
    else:
        return []
    out = []
    for poly in polys:
        for ring in poly:
            lon = np.array([p[0] for p in ring], dtype=float)
            lat = np.array([p[1] for p in ring], dtype=float)
            x, y = _TO_RD.transform(lon, lat)
            out.append(list(zip(np.asarray(x).tolist(), np.asarray(y).tolist(), strict=True)))
    return out


def hot_place_map_svg(hp: HotPlaces, *, buurten: pd.DataFrame | None = None, title: str = "") -> str:
    """Grid cells coloured by their count, hot and cold cells outlined, buurt borders (``buurten`` with a
    ``geometry`` column of GeoJSON text in WGS84) and the area's outline; north up, RD New metres."""
    grid = hp.grid
    counts = np.asarray(hp.counts, dtype=float)
    hot = np.asarray(hp.result.hot, dtype=bool)
    cold = np.asarray(hp.result.cold, dtype=bool)
    outline = rings_rd(hp.area.geometry)
    borders = [r for g in (buurten["geometry"] if buurten is not None else []) for r in rings_rd(g)]
    if outline:
        xs = [p[0] for ring in outline for p in ring]
        ys = [p[1] for ring in outline for p in ring]
        x_min, x_max, y_min, y_max = min(xs), max(xs), min(ys), max(ys)
    else:
        x_min, y_min = grid.x0, grid.y0
        x_max, y_max = grid.x0 + grid.nx * grid.cell, grid.y0 + grid.ny * grid.cell
    pad = grid.cell
    x_min, y_min, x_max, y_max = x_min - pad, y_min - pad, x_max + pad, y_max + pad
    width, legend_w = 680.0, 190.0
    map_w = width - legend_w - 10
    scale = map_w / max(x_max - x_min, 1.0)
    map_h = min((y_max - y_min) * scale, 560.0)
    scale = min(scale, map_h / max(y_max - y_min, 1.0))
    height = max(map_h, 200.0) + 10

    def px(x: float, y: float) -> tuple[float, float]:
        return (x - x_min) * scale + 5, (y_max - y) * scale + 5

    def path(rings: list[list[tuple[float, float]]]) -> str:
        return " ".join(
            "M" + " L".join("{:.1f},{:.1f}".format(*px(x, y)) for x, y in ring) + " Z" for ring in rings
        )

    breaks = _classes(counts[counts > 0] if (counts > 0).any() else np.zeros(1))
    title = title or _("Kaart: aantal per cel van {cell} m, {naam}").format(
        cell=number(grid.cell), naam=hp.area.naam
    )
    n_hot, n_cold = int(hot.sum()), int(cold.sum())
    desc = _("{n} cellen met meer en {m} met minder dan verwacht (aantoonbaar, na correctie).").format(
        n=n_hot, m=n_cold
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" class="map hotplaces">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        f'<rect x="5" y="5" width="{(x_max - x_min) * scale:.1f}" height="{(y_max - y_min) * scale:.1f}" '
        'fill="#f7f7f7"/>',
    ]
    cells: list[tuple[int, int]] = [
        (int(r), int(c)) for r, c in zip(*np.nonzero((counts > 0) | hot | cold), strict=True)
    ]
    for r, c in cells:
        bx0, by0, bx1, by1 = grid.bounds(r, c)
        if bx1 <= x_min or bx0 >= x_max or by1 <= y_min or by0 >= y_max:
            continue
        bx0, by0, bx1, by1 = max(bx0, x_min), max(by0, y_min), min(bx1, x_max), min(by1, y_max)
        x0, y0 = px(bx0, by1)
        v = float(counts[r, c])
        parts.append(
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{(bx1 - bx0) * scale:.1f}" height="{(by1 - by0) * scale:.1f}" '
            f'fill="{_fill(v, breaks)}"><title>{number(v, 1)}</title></rect>'
        )
    if borders:
        parts.append(f'<path d="{path(borders)}" fill="none" stroke="#777" stroke-width="0.6"/>')
    for mask, colour in ((hot, HOT), (cold, COLD)):
        for r, c in zip(*np.nonzero(mask), strict=True):
            bx0, by0, bx1, by1 = grid.bounds(int(r), int(c))
            if bx1 <= x_min or bx0 >= x_max or by1 <= y_min or by0 >= y_max:
                continue
            x0, y0 = px(bx0, by1)
            parts.append(
                f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{(bx1 - bx0) * scale:.1f}" '
                f'height="{(by1 - by0) * scale:.1f}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
    if outline:
        parts.append(f'<path d="{path(outline)}" fill="none" stroke="#1a1a1a" stroke-width="1.6"/>')
    lx = map_w + 22
    decimals = 0 if breaks[-1] >= 10 else 1
    y = 20.0
    parts.append(f'<text x="{lx}" y="{y}" font-size="11" font-weight="bold" {FONT}>'
                 f"{escape(_('Aantal per cel'))}</text>")  # fmt: skip
    for i, (lo, hi) in enumerate(itertools.pairwise(breaks)):
        y += 19
        parts.append(
            f'<rect x="{lx}" y="{y - 11}" width="16" height="14" fill="{SEQUENTIAL[i]}" stroke="#888" '
            f'stroke-width="0.5"/><text x="{lx + 22}" y="{y}" font-size="10" {FONT}>'
            f"{number(lo, decimals)}–{number(hi, decimals)}</text>"
        )
    for colour, label in (
        (HOT, _("meer dan verwacht")),
        (COLD, _("minder dan verwacht")),
    ):
        y += 22
        parts.append(
            f'<rect x="{lx}" y="{y - 11}" width="16" height="14" fill="#ffffff" stroke="{colour}" '
            f'stroke-width="2"/><text x="{lx + 22}" y="{y}" font-size="10" {FONT}>{escape(label)}</text>'
        )
    y += 22
    parts.append(
        f'<line x1="{lx}" y1="{y - 4}" x2="{lx + 16}" y2="{y - 4}" stroke="#1a1a1a" stroke-width="1.6"/>'
        f'<text x="{lx + 22}" y="{y}" font-size="10" {FONT}>{escape(_("grens van het gebied"))}</text>'
    )
    if borders:
        y += 19
        parts.append(
            f'<line x1="{lx}" y1="{y - 4}" x2="{lx + 16}" y2="{y - 4}" stroke="#777" stroke-width="0.8"/>'
            f'<text x="{lx + 22}" y="{y}" font-size="10" {FONT}>{escape(_("buurtgrens"))}</text>'
        )
    y += 24
    bar = 500.0 if (x_max - x_min) > 1500 else 100.0
    parts.append(
        f'<line x1="{lx}" y1="{y}" x2="{lx + bar * scale:.1f}" y2="{y}" stroke="#1a1a1a" stroke-width="2"/>'
        f'<text x="{lx}" y="{y + 13}" font-size="9" {FONT}>{number(bar)} m</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
