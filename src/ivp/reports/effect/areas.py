"""The three areas of an effect evaluation: the treated area, a buffer ring around it, and the comparison.

- **Treated** (*interventiegebied*): the intervention's buurten, its polygon, or a circle of ``straal_m``
  around its point.
- **Buffer** (*omgeving*): a ring of ``buffer_m`` metres around the treated area (default
  :data:`DEFAULT_BUFFER_M`), where crime may move to (displacement) or also fall (diffusion of benefits;
  Clarke & Weisburd 1994).
- **Comparison** (*vergelijkingsgebied*): the rest of the municipality outside both.

An event with a place (RD New coordinates) is placed by its point. An event known only by its buurt counts
as treated when the buurt is one of the intervention's; otherwise it is placed by the buurt's
representative point, and events known only for the whole municipality count for the comparison.

References
----------
.. [1] Clarke, R. V. and Weisburd, D. (1994). Diffusion of crime control benefits: observations on the
   reverse of displacement. *Crime Prevention Studies* 2, 165-184.
.. [2] Bowers, K. J., Johnson, S. D., Guerette, R. T., Summers, L. and Poynton, S. (2011). Spatial
   displacement and diffusion of benefits among geographically focused policing initiatives: a
   meta-analytical review. *Journal of Experimental Criminology* 7, 347-374.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from ivp.lib.errors import IvpError
from ivp.lib.i18n import _
from ivp.reports.wijkscan.focus import Area, rd_geometry

if TYPE_CHECKING:
    from ivp.interventions.model import Intervention

#: Width of the buffer ring when the intervention does not give ``buffer_m`` (metres): about two street
#: blocks, the distance most displacement studies look at (Bowers et al. 2011).
DEFAULT_BUFFER_M = 250.0

TREATED, BUFFER, CONTROL = 0, 1, 2
UNIT_NAMES = ("interventiegebied", "omgeving", "vergelijkingsgebied")


class InterventionAreaError(IvpError):
    """An intervention whose area cannot be placed in the municipality's boundaries."""


@dataclass(frozen=True)
class EvaluationAreas:
    """The treated area and the buffer ring in RD New metres, with the buurten each holds."""

    treated: BaseGeometry
    buffer: BaseGeometry
    buffer_m: float
    treated_buurten: tuple[str, ...]
    #: Buurten whose representative point lies in the buffer ring (for events known only by buurt).
    buffer_buurten: tuple[str, ...]
    description: str

    def geojson_rd(self) -> dict[str, Any]:
        """Both shapes as RD GeoJSON (for the map)."""
        return {"treated": dict(mapping(self.treated)), "buffer": dict(mapping(self.buffer))}


def buurt_shapes(buurten: pd.DataFrame) -> dict[str, BaseGeometry]:
    out: dict[str, BaseGeometry] = {}
    for code, text in zip(buurten["code"], buurten["geometry"], strict=True):
        if isinstance(text, str) and text:
            area = Area("buurt", str(code), str(code), (str(code),), json.loads(text))
            geom = rd_geometry(area)
            if geom is not None:
                out[str(code)] = shapely.make_valid(geom)
    return out


def _rd_point(lon: float, lat: float) -> BaseGeometry:
    probe = Area("aandachtsgebied", "punt", "punt", (), {"type": "Point", "coordinates": [lon, lat]})
    geom = rd_geometry(probe)
    assert geom is not None
    return geom


def evaluation_areas(
    intervention: Intervention, buurten: pd.DataFrame, *, buffer_m: float | None = None
) -> EvaluationAreas:
    """The treated area and buffer of ``intervention``; ``buurten`` the store's buurten (code, geometry).

    ``buffer_m`` overrides the intervention's own ``buffer_m`` and the default. Raises
    :class:`InterventionAreaError` when a buurt is unknown or has no boundary.
    """
    gebied = intervention.gebied
    width = float(buffer_m or intervention.buffer_m or DEFAULT_BUFFER_M)
    shapes = buurt_shapes(buurten)
    treated_buurten: tuple[str, ...] = ()
    if gebied.buurten:
        missing = [b for b in gebied.buurten if b not in shapes]
        if missing:
            raise InterventionAreaError(
                _(
                    "Interventie '{id}': buurt {codes} staat niet (met grens) in de store. Laad de "
                    "wijk- en buurtgrenzen ('ivp ingest grenzen') of verbeter de buurtcode."
                ).format(id=intervention.id, codes=", ".join(missing))
            )
        treated_buurten = tuple(gebied.buurten)
        treated = shapely.union_all([shapes[b] for b in treated_buurten])
        description = (
            _("{n} buurten").format(n=len(treated_buurten))
            if len(treated_buurten) > 1
            else _("buurt {code}").format(code=treated_buurten[0])
        )
    elif gebied.polygoon is not None:
        geom = rd_geometry(Area("aandachtsgebied", intervention.id, intervention.naam, (), gebied.polygoon))
        assert geom is not None
        treated = shapely.make_valid(geom)
        description = _("getekend gebied van {ha} ha").format(ha=round(treated.area / 10_000, 1))
    elif gebied.punt is not None and gebied.straal_m:
        treated = _rd_point(*gebied.punt).buffer(float(gebied.straal_m), quad_segs=32)
        description = _("cirkel van {r} m om een punt").format(r=round(float(gebied.straal_m)))
    else:
        raise InterventionAreaError(_("Interventie '{id}' heeft geen gebied.").format(id=intervention.id))
    ring = treated.buffer(width, quad_segs=16).difference(treated)
    if not treated_buurten:
        treated_buurten = tuple(c for c, g in shapes.items() if treated.contains(g.representative_point()))
    buffer_buurten = tuple(
        c for c, g in shapes.items() if c not in treated_buurten and ring.contains(g.representative_point())
    )
    return EvaluationAreas(treated, ring, width, treated_buurten, buffer_buurten, description)


def within(geom: BaseGeometry, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.bool_]:
    shapely.prepare(geom)
    return np.asarray(shapely.contains_xy(geom, x, y), dtype=bool)


def assign_units(areas: EvaluationAreas, events: pd.DataFrame) -> NDArray[np.int8]:
    """For each event of the frame: :data:`TREATED`, :data:`BUFFER` or :data:`CONTROL`."""
    n = len(events)
    out = np.full(n, CONTROL, dtype=np.int8)
    if n == 0:
        return out
    x = events["x_rd"].to_numpy(dtype="float64")
    y = events["y_rd"].to_numpy(dtype="float64")
    placed = np.isfinite(x) & np.isfinite(y)
    if placed.any():
        xs, ys = x[placed], y[placed]
        unit = np.full(int(placed.sum()), CONTROL, dtype=np.int8)
        unit[within(areas.buffer, xs, ys)] = BUFFER
        unit[within(areas.treated, xs, ys)] = TREATED
        out[placed] = unit
    region = events["region"].astype("object").where(events["region"].notna(), "").astype(str).to_numpy()
    unplaced = ~placed
    out[unplaced & np.isin(region, areas.buffer_buurten)] = BUFFER
    out[unplaced & np.isin(region, areas.treated_buurten)] = TREATED
    return out


__all__ = [
    "BUFFER",
    "CONTROL",
    "DEFAULT_BUFFER_M",
    "TREATED",
    "UNIT_NAMES",
    "EvaluationAreas",
    "InterventionAreaError",
    "assign_units",
    "buurt_shapes",
    "evaluation_areas",
    "within",
]
