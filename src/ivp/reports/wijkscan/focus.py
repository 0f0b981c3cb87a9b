"""Focus areas ("aandachtsgebieden") and the one way to name an area: gemeente, wijk, buurt or focus area.

A workspace may hold ``aandachtsgebieden.yaml`` in its root: the areas where partners meet often (a set of
buurten, or a polygon drawn on a map). Every analysis of hot places and hot times can be limited to one of
them. The file::

    aandachtsgebieden:
      - id: kromhout
        naam: Kromhout
        buurten: [BU05050301, BU05050302]
      - id: leerpark
        naam: Leerpark
        polygoon: {type: Polygon, coordinates: [[[4.70, 51.80], [4.71, 51.80], [4.71, 51.81], [4.70, 51.80]]]}
      - id: spuiboulevard
        naam: Spuiboulevard
        bestand: gebieden/spuiboulevard.geojson
        toelichting: "Uitgaansgebied; wekelijks overleg met politie en horeca."

Exactly one of ``buurten``, ``polygoon`` (a GeoJSON geometry in WGS84 lon/lat) and ``bestand`` (a GeoJSON
file relative to the workspace: geometry, Feature or FeatureCollection) per area. The YAML is read with
the line of every key, so each problem names the file, the line and the field, and says how to fix it;
all problems are collected and raised together (:class:`FocusFileError`).
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from ivp.lib.errors import IvpError
from ivp.lib.i18n import _
from ivp.reports.wijkscan.focus_file import (
    FILE_NAME,
    FocusArea,
    FocusError,
    FocusFileError,
    read_focus_file,
)

if TYPE_CHECKING:
    from ivp.store import Store
    from ivp.workspace import Workspace

AreaKind = Literal["gemeente", "wijk", "buurt", "aandachtsgebied"]

__all__ = [
    "FILE_NAME",
    "Area",
    "AreaError",
    "AreaKind",
    "FocusArea",
    "FocusError",
    "FocusFileError",
    "in_area",
    "list_areas",
    "load_focus_areas",
    "rd_geometry",
    "resolve_area",
]


@dataclass(frozen=True)
class Area:
    """An area an analysis is limited to.

    ``buurten``: the buurt codes inside (for a polygon: the buurten whose centroid lies in it);
    ``geometry``: GeoJSON geometry in WGS84 (the polygon, or the union of the buurten), None when unknown.
    """

    kind: AreaKind
    code: str
    naam: str
    buurten: tuple[str, ...]
    geometry: dict[str, Any] | None
    #: True for a focus area drawn as a polygon: membership is point in polygon, not by buurt code.
    polygon: bool = False

    def label(self) -> str:
        """The area as a user names it: 'wijk Centrum (WK001400)'."""
        kinds = {"gemeente": _("gemeente"), "wijk": _("wijk"), "buurt": _("buurt")}
        kind = kinds.get(self.kind, _("aandachtsgebied"))
        return f"{kind} {self.naam} ({self.code})"


class AreaError(IvpError):
    """An area name or code that matches no area, or more than one."""


def load_focus_areas(ws: Workspace, store: Store | None = None) -> tuple[FocusArea, ...]:
    """The focus areas of ``aandachtsgebieden.yaml`` in the workspace root (none when the file is absent).

    With ``store`` the buurt codes are checked against the buurten of the municipality loaded there.
    Raises :class:`FocusFileError` listing every problem (file, line, field, fix).
    """
    path = ws.root / FILE_NAME
    if not path.exists():
        return ()
    buurten = None
    if store is not None:
        frame = _areas(store, ws.gemeente)
        buurten = frame.loc[frame["level"] == "buurt", "code"].tolist() or None
    return read_focus_file(path, ws.root, buurten)


# -- areas from the store -------------------------------------------------------------------------------


def _areas(store: Store | None, gemeente: str) -> pd.DataFrame:
    if store is None:
        return pd.DataFrame(columns=["code", "level", "name", "parent", "geometry"])
    from ivp.store.read import areas_of

    return areas_of(store, gemeente, ("gemeente", "wijk", "buurt"))


def _union(texts: Sequence[object]) -> dict[str, Any] | None:
    geoms = [shape(json.loads(t)) for t in texts if isinstance(t, str) and t]
    if not geoms:
        return None
    return dict(mapping(shapely.union_all(geoms)))


def _buurten_in_polygon(frame: pd.DataFrame, geometry: dict[str, Any]) -> tuple[str, ...]:
    poly = shape(geometry)
    out = []
    for code, text in zip(frame["code"], frame["geometry"], strict=True):
        if isinstance(text, str) and text and poly.contains(shape(json.loads(text)).representative_point()):
            out.append(str(code))
    return tuple(out)


def _gemeente_name(ws: Workspace, frame: pd.DataFrame) -> str:
    row = frame.loc[frame["code"] == ws.gemeente, "name"]
    stored = str(row.iloc[0]) if len(row) and isinstance(row.iloc[0], str) else None
    return ws.display_name(stored)


def list_areas(ws: Workspace, store: Store | None) -> list[Area]:
    """Every area a user can pick: the municipality, its wijken, its buurten and the focus areas."""
    frame = _areas(store, ws.gemeente)
    buurt_rows = frame[frame["level"] == "buurt"]
    wijk_rows = frame[frame["level"] == "wijk"]
    all_buurten = tuple(str(c) for c in buurt_rows["code"])
    city_geometry = _union(list(wijk_rows["geometry"])) or _union(list(buurt_rows["geometry"]))
    out = [Area("gemeente", ws.gemeente, _gemeente_name(ws, frame), all_buurten, city_geometry)]
    for row in wijk_rows.itertuples(index=False):
        inside = buurt_rows[buurt_rows["parent"] == row.code]
        geometry = _union([row.geometry]) or _union(list(inside["geometry"]))
        out.append(
            Area("wijk", str(row.code), str(row.name or row.code), tuple(map(str, inside["code"])), geometry)
        )
    for row in buurt_rows.itertuples(index=False):
        out.append(
            Area("buurt", str(row.code), str(row.name or row.code), (str(row.code),), _union([row.geometry]))
        )
    for focus in load_focus_areas(ws, store):
        if focus.buurten:
            geoms = buurt_rows.loc[buurt_rows["code"].isin(focus.buurten), "geometry"]
            out.append(Area("aandachtsgebied", focus.id, focus.naam, focus.buurten, _union(list(geoms))))
        else:
            assert focus.geometry is not None
            out.append(
                Area(
                    "aandachtsgebied",
                    focus.id,
                    focus.naam,
                    _buurten_in_polygon(buurt_rows, focus.geometry),
                    focus.geometry,
                    polygon=True,
                )
            )
    return out


def resolve_area(ws: Workspace, store: Store | None, text: str | None) -> Area:
    """The area ``text`` names: a wijk or buurt code, a focus-area id, the gemeente code, or a name.

    Names are matched case-insensitively (also the municipality's own name for the whole city); an empty
    text is the whole municipality. Unknown or ambiguous text raises :class:`AreaError` listing the
    nearest candidates.
    """
    areas = list_areas(ws, store)
    wanted = (text or "").strip()
    if not wanted:
        return areas[0]
    key = wanted.casefold()
    by_code = [a for a in areas if a.code.casefold() == key]
    if by_code:
        # A focus id equal to a code cannot happen (ids are lower case, codes are not), so at most one.
        return by_code[0]
    by_name = [a for a in areas if a.naam.casefold() == key]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise AreaError(
            _("'{text}' is de naam van meer dan één gebied: {candidates}. Geef de code of het id.").format(
                text=wanted, candidates="; ".join(a.label() for a in by_name)
            )
        )
    names = {a.naam.casefold(): a for a in reversed(areas)} | {a.code.casefold(): a for a in areas}
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.6)
    partial = [a for a in areas if key in a.naam.casefold()][:5]
    unique = {a.code: a for a in [names[c] for c in close] + partial}
    candidates = list(unique.values())[:5]
    hint = (
        _("Bedoelt u: {candidates}?").format(candidates="; ".join(a.label() for a in candidates))
        if candidates
        else _("Zie 'ivp aandachtsgebieden' voor de aandachtsgebieden, of geef een wijk- of buurtcode.")
    )
    raise AreaError(_("Onbekend gebied '{text}'.").format(text=wanted) + " " + hint)


# -- membership -----------------------------------------------------------------------------------------


@functools.cache
def _rd_transform() -> Callable[..., Any]:
    from pyproj import Transformer

    transformer = Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
    return transformer.transform


@functools.lru_cache(maxsize=64)
def _rd_shape(geojson: str) -> BaseGeometry:
    geom = shape(json.loads(geojson))
    return shapely.transform(geom, lambda xy: np.column_stack(_rd_transform()(xy[:, 0], xy[:, 1])))


def rd_geometry(area: Area) -> BaseGeometry | None:
    """The area's geometry in RD New (EPSG:28992) metres, or None."""
    if area.geometry is None:
        return None
    return _rd_shape(json.dumps(area.geometry, sort_keys=True))


def _points_in(geom: BaseGeometry, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.bool_]:
    out = np.zeros(len(x), dtype=bool)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.any():
        shapely.prepare(geom)
        out[ok] = shapely.contains_xy(geom, x[ok], y[ok])
    return out


def in_area(area: Area, events: pd.DataFrame) -> NDArray[np.bool_]:
    """Which events lie in ``area``.

    Gemeente: every event (the frame is already limited to the municipality). A polygon focus area: point
    in polygon on ``x_rd``/``y_rd`` (events without a place are outside). Wijk, buurt or a focus area of
    buurten: ``region`` is one of its buurten or the area code itself; an event whose region is coarser
    (the municipality, or missing) counts when its point lies in the area's geometry.
    """
    n = len(events)
    if area.kind == "gemeente":
        return np.ones(n, dtype=bool)
    x = events["x_rd"].to_numpy(dtype="float64")
    y = events["y_rd"].to_numpy(dtype="float64")
    geom = rd_geometry(area)
    if area.polygon and geom is not None:
        return _points_in(geom, x, y)
    region = events["region"].astype("object").where(events["region"].notna(), "")
    codes = set(area.buurten) | {area.code}
    inside = np.array(region.isin(codes).to_numpy(dtype=bool), copy=True)
    if geom is not None:
        coarse = ~np.array(region.str.startswith("BU").to_numpy(dtype=bool)) & ~inside
        if coarse.any():
            inside[coarse] = _points_in(geom, x[coarse], y[coarse])
    return inside
