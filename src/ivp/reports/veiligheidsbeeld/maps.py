"""SVG choropleth maps drawn from the boundaries in the store (GeoJSON, WGS84); no tiles, no network.

Projection: a plain equirectangular projection scaled by the cosine of the mean latitude, which is
accurate to well under a percent across one municipality. Areas that are not ranked (too few
inhabitants or crimes, visitor areas) are hatched grey and kept out of the classes; areas without a
figure, or whose figure is suppressed, are white.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import shapely
from shapely.geometry import shape

from ivp.lib.fmt import number
from ivp.reports.core.svg import FONT

#: Kilometres per degree of latitude on a sphere of the mean Earth radius (6,371 km).
KM_PER_DEGREE = 6371.0 * math.pi / 180.0

#: ColorBrewer YlGnBu, 5 classes: sequential and colour-blind safe.
SEQUENTIAL = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
#: Fill of the hatch overlay on flagged areas: a pattern whose id is unique per map (see :func:`hatch_id`).
#: The flagged areas themselves are filled grey and the hatch is drawn once over all of them together
#: (one path), because PDF renderers paint a pattern anew for every shape that uses it.
FLAGGED_FILL = "url(#{id})"
FLAGGED_BASE = "#d9d9d9"
MISSING_FILL = "#ffffff"


@dataclass(frozen=True)
class MapArea:
    """One area on the map: its GeoJSON geometry text, the value that sets its class, and flags."""

    code: str
    name: str
    geometry: str | None
    value: float | None
    flagged: bool = False
    label: str = ""  # extra text for the tooltip, e.g. the raw rate and interval


@dataclass(frozen=True)
class Classes:
    """Class breaks: class i holds values in [breaks[i], breaks[i+1])."""

    breaks: tuple[float, ...]

    def index(self, value: float) -> int:
        for i in range(len(self.breaks) - 2, -1, -1):
            if value >= self.breaks[i]:
                return i
        return 0

    def labels(self, decimals: int = 1) -> list[str]:
        return [
            f"{number(lo, decimals)} – {number(hi, decimals)}"
            for lo, hi in zip(self.breaks, self.breaks[1:], strict=False)
        ]


def quantile_classes(values: Sequence[float], k: int = 5) -> Classes:
    """Quantile class breaks over ``values`` (at most ``k`` classes, duplicates merged).

    >>> quantile_classes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], k=2).breaks
    (1.0, 5.5, 10.0)
    """
    data = sorted(float(v) for v in values if not math.isnan(v))
    if not data:
        return Classes((0.0, 1.0))
    if data[0] == data[-1]:
        return Classes((data[0], data[0] + 1.0))
    breaks = [data[0]]
    for i in range(1, k):
        pos = i * (len(data) - 1) / k
        lo = math.floor(pos)
        q = data[lo] + (data[min(lo + 1, len(data) - 1)] - data[lo]) * (pos - lo)
        if q > breaks[-1]:
            breaks.append(round(q, 1) if round(q, 1) > breaks[-1] else q)
    if data[-1] > breaks[-1]:
        breaks.append(data[-1])
    return Classes(tuple(float(b) for b in breaks))


def hatch_id(title: str) -> str:
    """Id of a map's hatch pattern, unique per title: two maps in one document must not share an id.

    >>> hatch_id("Kaart A") != hatch_id("Kaart B")
    True
    """
    return "ivp-hatch-" + hashlib.sha1(title.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]


def area_km2(geometry: str | None) -> float | None:
    """Surface of a GeoJSON (WGS84) geometry in km2, in the map's projection; None when unknown.

    >>> round(area_km2('{"type": "Polygon", "coordinates": [[[4.6, 51.8], [4.61, 51.8], [4.61, 51.81], '
    ...                '[4.6, 51.81], [4.6, 51.8]]]}'), 2)
    0.76
    """
    if not geometry:
        return None
    try:
        geom = shape(json.loads(geometry))
    except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.GEOSException):
        return None
    if geom.is_empty:
        return None
    lat = geom.centroid.y
    km2 = float(geom.area) * KM_PER_DEGREE**2 * math.cos(math.radians(lat))
    return km2 if km2 > 0 else None


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return list(geometry["coordinates"])
    if kind == "MultiPolygon":
        return [ring for poly in geometry["coordinates"] for ring in poly]
    if kind == "GeometryCollection":
        return [r for g in geometry.get("geometries", []) for r in _rings(g)]
    return []


def choropleth(
    areas: Sequence[MapArea],
    *,
    title: str,
    legend_title: str,
    description: str,
    flagged_label: str = "te weinig inwoners",
    missing_label: str = "geen gegevens",
    width: float = 640.0,
) -> str:
    """Return an accessible SVG choropleth with a legend; raise ValueError without any geometry."""
    shapes: list[tuple[MapArea, list[list[list[float]]]]] = []
    for area in areas:
        if area.geometry:
            rings = _rings(json.loads(area.geometry))
            if rings:
                shapes.append((area, rings))
    if not shapes:
        raise ValueError("choropleth needs at least one area with a geometry")
    lons = [pt[0] for _, rings in shapes for ring in rings for pt in ring]
    lats = [pt[1] for _, rings in shapes for ring in rings for pt in ring]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    x_min, x_max = min(lons) * k, max(lons) * k
    y_min, y_max = min(lats), max(lats)
    legend_w = 200.0
    map_w = width - legend_w - 10
    scale = map_w / max(x_max - x_min, 1e-9)
    map_h = (y_max - y_min) * scale
    height = max(map_h, 190.0) + 10

    def project(pt: list[float]) -> str:
        return f"{(pt[0] * k - x_min) * scale + 5:.1f},{(y_max - pt[1]) * scale + 5:.1f}"

    hatch = hatch_id(title)
    flagged_fill = FLAGGED_FILL.format(id=hatch)
    classes = quantile_classes([a.value for a, _ in shapes if a.value is not None and not a.flagged])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" class="map">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description)}</desc>",
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#d9d9d9"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#888" stroke-width="2"/></pattern></defs>',
    ]
    for area, rings in shapes:
        if area.flagged:
            fill = FLAGGED_BASE
        elif area.value is None:
            fill = MISSING_FILL
        else:
            fill = SEQUENTIAL[min(classes.index(area.value), len(SEQUENTIAL) - 1)]
        d = " ".join("M" + " L".join(project(pt) for pt in ring) + " Z" for ring in rings)
        tip = f"{area.name}: {area.label}" if area.label else area.name
        parts.append(
            f'<path d="{d}" fill="{fill}" fill-rule="evenodd" stroke="#555" stroke-width="0.5" '
            f'data-code="{escape(area.code)}"><title>{escape(tip)}</title></path>'
        )
    hatched = [ring for area, rings in shapes if area.flagged for ring in rings]
    if hatched:
        d = " ".join("M" + " L".join(project(pt) for pt in ring) + " Z" for ring in hatched)
        parts.append(
            f'<path class="hatch" d="{d}" fill="{flagged_fill}" fill-rule="nonzero" stroke="#555" '
            'stroke-width="0.5" aria-hidden="true" pointer-events="none"/>'
        )
    lx = map_w + 20
    parts.append(f'<g class="legend" aria-label="{escape("Legenda: " + legend_title)}">')
    y = 20.0
    for line in legend_title.replace(" (", "\n(").splitlines():
        parts.append(f'<text x="{lx}" y="{y}" font-size="11" font-weight="bold" {FONT}>{escape(line)}</text>')
        y += 14
    y -= 2
    decimals = 0 if classes.breaks[-1] >= 100 else 1
    for i, text in enumerate(classes.labels(decimals)):
        parts.append(
            f'<rect x="{lx}" y="{y}" width="16" height="14" fill="{SEQUENTIAL[i]}" stroke="#555" '
            f'stroke-width="0.5"/><text x="{lx + 22}" y="{y + 11}" font-size="10" {FONT}>{text}</text>'
        )
        y += 19
    parts.append(
        f'<rect x="{lx}" y="{y}" width="16" height="14" fill="{flagged_fill}" stroke="#555" '
        f'stroke-width="0.5"/><text x="{lx + 22}" y="{y + 11}" font-size="10" {FONT}>'
        f"{escape(flagged_label)}</text>"
    )
    y += 19
    if any(a.value is None and not a.flagged for a, _ in shapes):
        parts.append(
            f'<rect x="{lx}" y="{y}" width="16" height="14" fill="{MISSING_FILL}" stroke="#555" '
            f'stroke-width="0.5"/><text x="{lx + 22}" y="{y + 11}" font-size="10" {FONT}>'
            f"{escape(missing_label)}</text>"
        )
    parts.append("</g></svg>")
    return "".join(parts)
