"""The effect report's two pictures, as SVG (HTML and PDF draw them; the DOCX gets them as PNG).

- :func:`series_svg`: the treated area per bin, what the comparison area predicted for it without the
  intervention (the difference-in-differences counterfactual), and the bins when it was on, shaded.
- :func:`areas_map_svg`: the treated area, the buffer ring and the buurt borders, north up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from markupsafe import escape
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from ivp.lib.fmt import number
from ivp.lib.i18n import _
from ivp.reports.core.svg import FONT, OKABE_ITO, nice_max
from ivp.reports.effect.areas import TREATED
from ivp.reports.effect.evaluate import Evaluation
from ivp.reports.wijkscan.charts import rings_rd

OBSERVED, EXPECTED, ACTIVE = "#222222", OKABE_ITO[1], "#dbe9f6"


def series_svg(ev: Evaluation, *, title: str = "") -> str:
    """Observed counts in the treated area and the counterfactual, per bin, active bins shaded."""
    t = ev.table
    observed = t.counts[TREATED].astype(float)
    expected = np.asarray(ev.did.counterfactual[TREATED], dtype=float)
    n = len(observed)
    width, height, left, right, top, bottom = 680.0, 260.0, 48.0, 12.0, 28.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    finite = expected[np.isfinite(expected)]
    top_value = nice_max(float(max(observed.max(initial=0.0), finite.max(initial=0.0))))
    step = plot_w / max(n, 1)

    def px(i: float) -> float:
        return left + (i + 0.5) * step

    def py(v: float) -> float:
        return top + plot_h * (1 - v / top_value)

    title = title or _("{naam}: aantal per {grain} in het interventiegebied").format(
        naam=ev.intervention.naam, grain=ev.grain
    )
    desc = _(
        "Zwart: geteld. Oranje, gestreept: verwacht zonder de interventie, uit de ontwikkeling in het "
        "vergelijkingsgebied en de eigen trend van het gebied. Blauw vlak: de interventie liep."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" class="chart effect-series" {FONT}>',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]
    for i, on in enumerate(t.active):
        if on:
            parts.append(
                f'<rect x="{left + i * step:.1f}" y="{top:.1f}" width="{step + 0.2:.1f}" '
                f'height="{plot_h:.1f}" fill="{ACTIVE}"/>'
            )
    for k in range(5):
        v = top_value * k / 4
        y = py(v)
        parts.append(
            f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{number(v)}</text>'
        )
    labels = [b.label(t.grain) for b in t.bins]
    every = max(1, math.ceil(n / 8))
    for i in range(0, n, every):
        parts.append(
            f'<text x="{px(i):.1f}" y="{height - bottom + 16:.1f}" font-size="11" '
            f'text-anchor="middle">{escape(labels[i])}</text>'
        )
    pts = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(expected) if math.isfinite(v))
    if pts:
        parts.append(
            f'<polyline points="{pts}" fill="none" stroke="{EXPECTED}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
    pts = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(observed))
    parts.append(f'<polyline points="{pts}" fill="none" stroke="{OBSERVED}" stroke-width="1.6"/>')
    for i, v in enumerate(observed):
        parts.append(
            f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="2.2" fill="{OBSERVED}">'
            f"<title>{escape(labels[i])}: {number(v)}</title></circle>"
        )
    legend_y = 16.0
    parts += [
        f'<line x1="{left:.1f}" x2="{left + 22:.1f}" y1="{legend_y - 4:.1f}" y2="{legend_y - 4:.1f}" '
        f'stroke="{OBSERVED}" stroke-width="2"/>',
        f'<text x="{left + 28:.1f}" y="{legend_y:.1f}" font-size="11">{escape(_("geteld"))}</text>',
        f'<line x1="{left + 90:.1f}" x2="{left + 112:.1f}" y1="{legend_y - 4:.1f}" y2="{legend_y - 4:.1f}" '
        f'stroke="{EXPECTED}" stroke-width="2" stroke-dasharray="6 4"/>',
        f'<text x="{left + 118:.1f}" y="{legend_y:.1f}" font-size="11">'
        f"{escape(_('verwacht zonder interventie'))}</text>",
        f'<rect x="{left + 300:.1f}" y="{legend_y - 10:.1f}" width="18" height="10" fill="{ACTIVE}"/>',
        f'<text x="{left + 324:.1f}" y="{legend_y:.1f}" font-size="11">{escape(_("interventie liep"))}</text>',
        "</svg>",
    ]
    return "".join(parts)


def _rings(geom: BaseGeometry) -> list[list[tuple[float, float]]]:
    geo: dict[str, Any] = dict(mapping(geom))
    polys: Sequence[Any]
    if geo["type"] == "Polygon":
        polys = [geo["coordinates"]]
    elif geo["type"] == "MultiPolygon":
        polys = geo["coordinates"]
    elif geo["type"] == "GeometryCollection":
        return [r for g in getattr(geom, "geoms", []) for r in _rings(g)]
    else:
        return []
    return [[(float(x), float(y)) for x, y, *_z in ring] for poly in polys for ring in poly]


def areas_map_svg(ev: Evaluation, buurt_geometries: Sequence[object], *, title: str = "") -> str:
    """The treated area (filled), the buffer ring (hatched outline) and the buurt borders around them."""
    treated = _rings(ev.areas.treated)
    ring = _rings(ev.areas.buffer)
    minx, miny, maxx, maxy = ev.areas.buffer.union(ev.areas.treated).bounds
    pad = max(maxx - minx, maxy - miny) * 0.25 + 100
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    width = 520.0
    scale = (width - 10) / max(maxx - minx, 1.0)
    height = min((maxy - miny) * scale, 520.0) + 10
    scale = min(scale, (height - 10) / max(maxy - miny, 1.0))

    def path(rings: list[list[tuple[float, float]]]) -> str:
        return " ".join(
            "M" + " L".join(f"{(x - minx) * scale + 5:.1f},{(maxy - y) * scale + 5:.1f}" for x, y in r) + " Z"
            for r in rings
        )

    borders = [r for g in buurt_geometries for r in rings_rd(g)]  # type: ignore[arg-type]
    title = title or _("Kaart: {naam}, met de omgeving tot {m} m").format(
        naam=ev.intervention.naam, m=round(ev.areas.buffer_m)
    )
    desc = _(
        "Donkerblauw: interventiegebied ({desc}). Oranje rand: omgeving. Grijze lijnen: buurtgrenzen."
    ).format(desc=ev.areas.description)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" class="map effect-areas" {FONT}>',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        f'<rect x="5" y="5" width="{width - 10:.0f}" height="{height - 10:.0f}" fill="#f7f7f7"/>',
    ]
    if borders:
        parts.append(f'<path d="{path(borders)}" fill="none" stroke="#999" stroke-width="0.6"/>')
    parts.append(
        f'<path d="{path(ring)}" fill="{OKABE_ITO[1]}" fill-opacity="0.18" fill-rule="evenodd" '
        f'stroke="{OKABE_ITO[1]}" stroke-width="1.2"/>'
    )
    parts.append(
        f'<path d="{path(treated)}" fill="{OKABE_ITO[0]}" fill-opacity="0.55" stroke="{OKABE_ITO[0]}" '
        'stroke-width="1.5"/>'
    )
    bar = 500.0 * scale
    parts += [
        f'<line x1="12" x2="{12 + bar:.1f}" y1="{height - 14:.1f}" y2="{height - 14:.1f}" stroke="#222" stroke-width="2"/>',
        f'<text x="12" y="{height - 20:.1f}" font-size="11">500 m</text>',
        "</svg>",
    ]
    return "".join(parts)
