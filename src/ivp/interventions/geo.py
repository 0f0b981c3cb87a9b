"""The area checks that look at coordinates: a GeoJSON polygon and a point, both WGS84 inside the Netherlands.

Each returns the checked value, or None and a problem (message, fix) in Dutch.
"""

from __future__ import annotations

import json
from typing import Any

import shapely
from shapely.geometry import shape

from ivp.lib.i18n import _

#: Plausible bounds of the Netherlands in WGS84 (lon, lat), with a margin for border areas.
NL_LON = (3.0, 7.5)
NL_LAT = (50.6, 53.8)

_POLYGONAL = ("Polygon", "MultiPolygon")

Problem = tuple[str, str] | None


def _inside(lon_min: float, lat_min: float, lon_max: float, lat_max: float) -> bool:
    return NL_LON[0] <= lon_min <= lon_max <= NL_LON[1] and NL_LAT[0] <= lat_min <= lat_max <= NL_LAT[1]


def polygon(data: Any) -> tuple[dict[str, Any] | None, Problem]:
    """A GeoJSON Polygon/MultiPolygon (or a Feature of one, or its JSON text), checked; kept as written."""
    fix = _("geef een GeoJSON-geometrie van het type Polygon of MultiPolygon in WGS84 (lengte, breedte).")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            return None, (_("de polygoon is geen leesbare GeoJSON: {e}").format(e=exc.msg), fix)
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in _POLYGONAL:
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        return None, (_("geen GeoJSON-polygoon (type {kind}).").format(kind=kind or "?"), fix)
    try:
        geom = shape(data)
        valid, empty = bool(geom.is_valid), bool(geom.is_empty)
        bounds = geom.bounds
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, shapely.errors.GEOSException) as exc:
        return None, (_("de coördinaten vormen geen polygoon: {e}").format(e=exc), fix)
    if empty:
        return None, (_("de polygoon is leeg."), fix)
    if not _inside(*bounds):
        rd = min(bounds[0], bounds[1]) > 1000
        message = _("de polygoon ligt niet in Nederland in WGS84 (lengte 3-7,5, breedte 50,6-53,8).")
        if rd:
            message += " " + _("De coördinaten lijken in RD (EPSG:28992) te staan.")
        return None, (message, _("zet de coördinaten om naar WGS84 (EPSG:4326): eerst lengte, dan breedte."))
    if not valid:
        return None, (
            _("de polygoon is ongeldig: {reason}.").format(reason=shapely.is_valid_reason(geom)),
            _(
                "teken de rand opnieuw zonder dat die zichzelf snijdt, en sluit de ring (eerste punt = laatste)."
            ),
        )
    # Kept as written (plain lists), so an export reads back to the same polygon.
    kept: dict[str, Any] = json.loads(json.dumps({"type": data["type"], "coordinates": data["coordinates"]}))
    return kept, None


def point(items: Any) -> tuple[tuple[float, float] | None, Problem]:
    """``[lon, lat]`` in WGS84 inside the Netherlands."""
    fix = _("schrijf 'punt: [4.67, 51.81]': eerst lengte, dan breedte (WGS84).")
    if not isinstance(items, list | tuple) or len(items) != 2:
        return None, (_("'punt' is geen paar [lengte, breedte]."), fix)
    try:
        lon, lat = (float(str(v).strip().replace(",", ".")) for v in items)
    except ValueError:
        return None, (_("'punt' bevat geen getallen."), fix)
    if not _inside(lon, lat, lon, lat):
        message = _("het punt ({lon}, {lat}) ligt niet in Nederland.").format(lon=lon, lat=lat)
        if _inside(lat, lon, lat, lon):
            message += " " + _("Lengte en breedte lijken verwisseld.")
        return None, (message, fix)
    return (lon, lat), None
