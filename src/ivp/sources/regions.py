"""The one region resolver of every adapter: which gemeente, wijk or buurt a record belongs to.

Pure: it works on an :class:`AreaIndex` (read from the store by :func:`ivp.store.areas.region_index`,
:func:`~ivp.store.areas.boundaries` and :func:`~ivp.store.areas.area_names`) and on the record values. The
precedence (docs/sources.md, "Gebieden"; ADR 0006):

1. a record with coordinates is placed by point-in-polygon in the loaded boundaries: the finest level
   that contains it (buurt, else wijk, else gemeente), in the division of the record's year (the newest
   loaded division whose first year is not after it; else the oldest), then in the other divisions;
2. otherwise by its codes and names, within the record's municipality (its gemeente column, else the
   workspace's): a CBS code wins over a name; a buurt name within the named wijk when both match, or a
   buurt name unique in the municipality (also when the wijk name is from another year's division);
   then the wijk; names compare without regard to case and whitespace, with or without 'Wijk 01 ';
3. otherwise the municipality itself (a fallback, counted as such).

A name that fits more than one area is refused (:class:`AmbiguousRegionError`, with the candidates). A code
found in an older division is kept as it is: a code that still exists is the current code (CBS gives an
area a new code when its boundary changes), and one that does not is an area of that older division.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from ivp.lib.i18n import _

LEVEL_RANK = {"buurt": 0, "wijk": 1, "gemeente": 2}
CODE = re.compile(r"^(GM\d{4}|WK\d{6}|BU\d{8})$")
_WIJK_PREFIX = re.compile(r"^wijk\s+\d+\s+")
_GEMEENTE_PREFIX = re.compile(r"^gemeente\s+")
#: Slots of :func:`resolve`: the columns of ``names`` it reads.
SLOTS = ("gemeente", "wijk", "buurt", "gebied")
#: Method labels in :attr:`Resolution.how`.
BY_POINT, BY_CODE, BY_NAME, FALLBACK, UNKNOWN = "coordinaten", "code", "naam", "terugval", "onbekend"


def key(text: str) -> str:
    """Compare names loosely: case, surrounding and repeated whitespace, spaces around '/' do not matter."""
    return re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", str(text).strip().casefold()))


def _short(text_key: str) -> str:
    return _GEMEENTE_PREFIX.sub("", _WIJK_PREFIX.sub("", text_key))


@dataclass(frozen=True)
class Candidate:
    """One area a name may mean."""

    code: str
    name: str
    parent: str | None
    parent_name: str | None

    def describe(self) -> str:
        parent = f" in {self.parent_name} ({self.parent})" if self.parent else ""
        return f"{self.code} {self.name}{parent}"


@dataclass(frozen=True)
class Ambiguity:
    """A name in row ``row`` (index label) of slot ``slot`` that fits several areas."""

    row: object
    slot: str
    value: str
    candidates: tuple[Candidate, ...]

    def message(self) -> str:
        return _("gebied '{value}' is niet eenduidig: {n} gebieden heten zo: {candidates}.").format(
            value=self.value,
            n=len(self.candidates),
            candidates="; ".join(c.describe() for c in self.candidates),
        )

    def hint(self) -> str:
        return _(
            "geef de CBS-code van het bedoelde gebied (bijvoorbeeld {code}), of vul ook de wijk in "
            "(kolom wijk of pleegwijk) zodat de buurt binnen die wijk gezocht wordt."
        ).format(code=self.candidates[0].code)


class AmbiguousRegionError(ValueError):
    """Raised by :func:`resolve` for the first ambiguous name; adapters turn it into an ``InputError``."""

    def __init__(self, ambiguity: Ambiguity) -> None:
        super().__init__(ambiguity.message())
        self.ambiguity = ambiguity


@dataclass(frozen=True)
class AreaIndex:
    """What the resolver knows: regions (one row per code), boundaries (per code and division), names.

    Columns as in :mod:`ivp.store.areas` (``AREA_COLUMNS``, ``BOUNDARY_COLUMNS``, ``NAME_COLUMNS``).
    """

    regions: pd.DataFrame = field(default_factory=pd.DataFrame)
    boundaries: pd.DataFrame = field(default_factory=pd.DataFrame)
    names: pd.DataFrame = field(default_factory=pd.DataFrame)

    @functools.cached_property
    def _info(self) -> dict[str, tuple[str, str, str | None, str | None]]:
        """code -> (level, name, parent, gemeente)."""
        if self.regions.empty:
            return {}
        return {
            str(c): (str(lv), str(n), p, g)
            for c, lv, n, p, g in self.regions[["code", "level", "name", "parent", "gemeente"]].itertuples(
                index=False, name=None
            )
        }

    @functools.cached_property
    def _by_key(self) -> dict[tuple[str | None, str, str], tuple[str, ...]]:
        """(gemeente or None for municipalities, level, name key) -> codes; also under the short key."""
        found: dict[tuple[str | None, str, str], set[str]] = {}
        frames = [f for f in (self.names, self.regions) if not f.empty]
        if not frames:
            return {}
        rows = pd.concat([f[["code", "level", "name", "gemeente"]] for f in frames]).drop_duplicates()
        for code, level, name, gemeente in rows.itertuples(index=False, name=None):
            if level not in LEVEL_RANK or name is None:
                continue
            scope = None if level == "gemeente" else gemeente
            full = key(name)
            for variant in {full, _short(full)}:
                found.setdefault((scope, level, variant), set()).add(str(code))
        return {k: tuple(sorted(v)) for k, v in found.items()}

    def level(self, code: str) -> str | None:
        info = self._info.get(code)
        return info[0] if info else None

    def candidate(self, code: str) -> Candidate:
        _level, name, parent, _g = self._info.get(code, ("", code, None, None))
        parent_name = self._info[parent][1] if parent and parent in self._info else None
        return Candidate(code, name, parent, parent_name)

    def parent(self, code: str) -> str | None:
        info = self._info.get(code)
        return info[2] if info else None

    def find(self, value: str, level: str, gemeente: str | None) -> tuple[str, ...]:
        """Codes of ``level`` named ``value`` (within ``gemeente``; ``None``: anywhere)."""
        text = key(value)
        scope = None if level == "gemeente" else gemeente
        if scope is None and level != "gemeente":
            hits = sorted(
                {c for (g, lv, k), codes in self._by_key.items() if lv == level and k == text for c in codes}
            )
            if not hits:
                short = _short(text)
                hits = sorted(
                    {
                        c
                        for (g, lv, k), codes in self._by_key.items()
                        if lv == level and k == short
                        for c in codes
                    }
                )
            return tuple(hits)
        exact = self._by_key.get((scope, level, text))
        return exact if exact else self._by_key.get((scope, level, _short(text)), ())

    @functools.cached_property
    def current_codes(self) -> frozenset[str]:
        """Codes of the newest loaded division of their municipality (or loaded without a year)."""
        if self.regions.empty:
            return frozenset()
        frame = self.regions
        latest = frame["latest"] if "latest" in frame.columns else frame["valid_from"]
        newest = latest.groupby(frame["gemeente"].fillna(frame["code"])).transform("max")
        current = latest.isna() | newest.isna() | (latest == newest)
        return frozenset(str(c) for c in frame.loc[current.fillna(True).astype(bool), "code"])

    @functools.cached_property
    def _divisions(self) -> list[tuple[float, np.ndarray, np.ndarray, shapely.STRtree]]:
        """Per division year (undated = +inf), oldest first: codes, level ranks and an STRtree."""
        frame = self.boundaries
        if frame.empty:
            return []
        years = frame["valid_from"].astype("Float64").fillna(np.inf).to_numpy(dtype="float64")
        geometries = shapely.from_geojson(frame["geometry"].to_numpy(dtype=object))
        out = []
        for year in sorted(set(years.tolist())):
            mask = years == year
            geoms = geometries[mask]
            shapely.prepare(geoms)
            ranks = frame.loc[mask, "level"].map(LEVEL_RANK).fillna(9).to_numpy(dtype="int64")
            codes = frame.loc[mask, "code"].to_numpy(dtype=object)
            out.append((float(year), codes, ranks, shapely.STRtree(geoms)))
        return out

    def place_points(self, lon: np.ndarray, lat: np.ndarray, years: np.ndarray | None = None) -> np.ndarray:
        """The finest boundary containing each point (WGS84), or None; vectorised (STRtree)."""
        n = len(lon)
        result = np.full(n, None, dtype=object)
        divisions = self._divisions
        if not divisions or n == 0:
            return result
        lon = np.asarray(lon, dtype="float64")
        lat = np.asarray(lat, dtype="float64")
        valid = ~(np.isnan(lon) | np.isnan(lat))
        starts = np.array([d[0] for d in divisions])
        # The division of each record's year: the newest starting no later than the year, else the oldest.
        if years is None:
            first = np.full(n, len(divisions) - 1)
        else:
            year_values = np.asarray(pd.to_numeric(pd.Series(years), errors="coerce"), dtype="float64")
            first = np.searchsorted(starts, np.where(np.isnan(year_values), np.inf, year_values), "right") - 1
            first = np.where(first < 0, 0, first)
        order = [[d] + [o for o in reversed(range(len(divisions))) if o != d] for d in range(len(divisions))]
        for attempt in range(len(divisions)):
            for chosen in range(len(divisions)):
                division = order[chosen][attempt]
                todo = np.flatnonzero(valid & (first == chosen) & (result == None))  # noqa: E711
                if len(todo) == 0:
                    continue
                _year, codes, ranks, tree = divisions[division]
                points = shapely.points(lon[todo], lat[todo])
                pairs = tree.query(points, predicate="intersects")
                if pairs.shape[1] == 0:
                    continue
                point_idx, geom_idx = pairs
                # finest level first, then the smallest code (a point on a shared border: one answer)
                sort = np.lexsort((codes[geom_idx].astype(str), ranks[geom_idx], point_idx))
                point_idx, geom_idx = point_idx[sort], geom_idx[sort]
                keep = np.r_[True, point_idx[1:] != point_idx[:-1]]
                result[todo[point_idx[keep]]] = codes[geom_idx[keep]]
        return result


@dataclass(frozen=True)
class Resolution:
    """Per record: ``code`` (None when nothing was found), ``how`` (method), ``unknown`` (a name not found)."""

    code: pd.Series
    how: pd.Series
    unknown: pd.Series
    unknown_slot: pd.Series

    def summary(self, index: AreaIndex) -> dict[tuple[str, str], int]:
        """(level, method) -> number of records."""
        prefixes = {"BU": "buurt", "WK": "wijk", "GM": "gemeente"}
        counts: Counter[tuple[str, str]] = Counter()
        for code, how in zip(self.code, self.how, strict=True):
            level = (index.level(code) or prefixes.get(str(code)[:2], "onbekend")) if code else "geen"
            counts[(level, str(how))] += 1
        return dict(counts)

    def notes(self, index: AreaIndex) -> str:
        """Dutch provenance note: how many records landed at which level, by which method."""
        labels = {
            BY_POINT: _("op coördinaten"),
            BY_CODE: _("op code"),
            BY_NAME: _("op naam"),
            FALLBACK: _("terugval op de gemeente"),
            UNKNOWN: _("onbekend"),
        }
        order = {lv: i for i, lv in enumerate(("buurt", "wijk", "gemeente", "onbekend", "geen"))}
        parts = [
            _("{n} {level} ({how})").format(n=n, level=level, how=labels.get(how, how))
            for (level, how), n in sorted(
                self.summary(index).items(), key=lambda item: (order.get(item[0][0], 9), item[0][1])
            )
        ]
        text = _("gebieden: {parts}").format(parts=", ".join(parts))
        codes = self.code.dropna()
        old = int((~codes.isin(index.current_codes)).sum()) if index.current_codes else 0
        if old:
            text += "; " + _("{n} in een gebied dat alleen in een oudere indeling bestaat").format(n=old)
        return text


def resolve(
    index: AreaIndex,
    names: pd.DataFrame,
    *,
    gemeente: str | None,
    lon: Sequence[float] | np.ndarray | pd.Series | None = None,
    lat: Sequence[float] | np.ndarray | pd.Series | None = None,
    years: Sequence[int] | np.ndarray | pd.Series | None = None,
) -> Resolution:
    """Resolve every record (rule in the module docstring).

    ``names`` has any of the columns :data:`SLOTS` (text; '' or None = empty), one row per record; its
    index labels the records (the line numbers). ``gemeente`` is the workspace municipality. Raises
    :class:`AmbiguousRegionError` for the first ambiguous name of a record not placed by its coordinates.
    """
    frame = pd.DataFrame(index=names.index)
    for slot in SLOTS:
        column = names[slot] if slot in names.columns else pd.Series("", index=names.index)
        frame[slot] = column.fillna("").astype(str).str.strip()
    code = pd.Series(None, index=names.index, dtype=object)
    how = pd.Series(UNKNOWN, index=names.index, dtype=object)
    if lon is not None and lat is not None:
        placed = index.place_points(
            np.asarray(lon, dtype="float64"),
            np.asarray(lat, dtype="float64"),
            None if years is None else np.asarray(years, dtype="float64"),
        )
        hit = pd.Series(placed, index=names.index).notna()
        code[hit] = placed[hit.to_numpy()]
        how[hit] = BY_POINT
    unknown = pd.Series(False, index=names.index)
    unknown_slot = pd.Series("", index=names.index, dtype=object)
    rest = frame[code.isna()]
    combos = rest.drop_duplicates()
    mapping: dict[tuple[str, ...], tuple[str | None, str, str]] = {}
    for row, values in zip(combos.index, combos.itertuples(index=False, name=None), strict=True):
        mapping[values] = _by_names(index, dict(zip(SLOTS, values, strict=True)), gemeente, row)
    if len(rest):
        found = [mapping[v] for v in rest.itertuples(index=False, name=None)]
        code.loc[rest.index] = pd.Series([f[0] for f in found], index=rest.index, dtype=object)
        how.loc[rest.index] = pd.Series([f[1] for f in found], index=rest.index, dtype=object)
        unknown_slot.loc[rest.index] = pd.Series([f[2] for f in found], index=rest.index, dtype=object)
        unknown.loc[rest.index] = pd.Series([bool(f[2]) for f in found], index=rest.index, dtype=bool)
    return Resolution(code, how, unknown, unknown_slot)


def _by_names(
    index: AreaIndex, values: dict[str, str], workspace: str | None, row: object
) -> tuple[str | None, str, str]:
    """(code, method, slot of a name that was given but not found ('' if none)) for one combination."""
    missing = ""
    gemeente_text = values["gemeente"]
    municipality = workspace
    given_municipality = False
    method = BY_NAME
    if gemeente_text:
        if CODE.match(gemeente_text.upper()) and gemeente_text.upper().startswith("GM"):
            municipality, given_municipality, method = gemeente_text.upper(), True, BY_CODE
        else:
            hits = index.find(gemeente_text, "gemeente", None)
            if len(hits) > 1:
                raise AmbiguousRegionError(
                    Ambiguity(row, "gemeente", gemeente_text, tuple(index.candidate(c) for c in hits))
                )
            if hits:
                municipality, given_municipality = hits[0], True
            else:
                missing = "gemeente"
    for slot in ("buurt", "wijk", "gebied"):
        text = values[slot]
        if not text:
            continue
        upper = text.upper()
        if CODE.match(upper):
            return upper, BY_CODE, missing
        if slot == "gebied":
            hits = index.find(text, "gemeente", None)
            if len(hits) == 1:
                return hits[0], BY_NAME, missing
        levels = ("buurt",) if slot == "buurt" else ("wijk",) if slot == "wijk" else ("buurt", "wijk")
        candidates = tuple(c for level in levels for c in index.find(text, level, municipality))
        if slot == "buurt" and len(candidates) > 1 and values["wijk"]:
            wijken = _wijken(index, values["wijk"], municipality)
            within = tuple(c for c in candidates if index.parent(c) in wijken)
            candidates = within or candidates
        if len(candidates) == 1:
            return candidates[0], BY_NAME, missing
        if len(candidates) > 1:
            raise AmbiguousRegionError(
                Ambiguity(row, slot, text, tuple(index.candidate(c) for c in candidates))
            )
        missing = missing or slot
    if municipality is None:
        return None, UNKNOWN, missing
    return municipality, (method if given_municipality and not missing else FALLBACK), missing


def _wijken(index: AreaIndex, text: str, municipality: str | None) -> set[str]:
    if CODE.match(text.upper()):
        return {text.upper()}
    return set(index.find(text, "wijk", municipality))
