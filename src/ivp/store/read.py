"""Typed reads of the store: the one place where reports, the plan and the CLI get their SQL.

Every function takes an open :class:`~ivp.store.Store` and returns a frozen dataclass, a plain mapping or
a DataFrame with the columns its docstring lists (in that order, with those dtypes). Nothing here formats
text or computes statistics; callers do.

Population: one rule for every reader
-------------------------------------
Two adapters load inhabitants into ``population``: ``bevolking`` (a csv of CBS's *average* population per
municipality and year) and ``cbs`` (the key-figure table 85984NED: inhabitants on *1 January* of its one
year, for the municipality, its wijken and buurten). When both give a figure for the same region and year,
:func:`population` keeps exactly one, chosen in this order:

1. the source: ``bevolking`` before ``cbs`` before any other adapter (:data:`POPULATION_PRECEDENCE`).
   A yearly count of crimes happens over the whole year, so the average population is its exposure; and
   the csv gives the same kind of figure for every year, while 85984NED would put a 1-January figure
   into one year of a series of averages;
2. within one source, the dataset loaded last (``sources.loaded_at``): loading a newer file is how an
   advisor says which figure counts;
3. then the dataset name (alphabetical), so the choice never depends on the order of rows.

Category titles follow a rule of the same kind: two datasets may title one code differently (47018NED
'Diefstal/inbraak woning', the police's NL_Crime '1.1.1 Diefstal/inbraak woning'); the title loaded by the
``cbs`` adapter wins (CBS publishes the code lists), else the alphabetically first dataset's.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from ivp.store import areas
from ivp.store.db import Store

Grain = Literal["jaar", "maand"]
Status = Literal["definitief", "voorlopig"]
Level = Literal["land", "gemeente", "wijk", "buurt", "grid"]

#: Population sources in order of precedence; an adapter not listed comes after these.
POPULATION_PRECEDENCE: tuple[str, ...] = ("bevolking", "cbs")
#: The adapter whose category titles win (CBS publishes the code lists).
TITLE_SOURCE = "cbs"
#: The codes CBS uses for "unknown municipality": never a municipality, never a total.
UNKNOWN_MUNICIPALITY = "GM0000"

#: Columns of :func:`counts`, in order.
COUNT_COLUMNS = (
    "measure", "scheme", "category", "title", "region", "grain", "year", "month", "value", "status",
    "source_id", "dataset",
)  # fmt: skip
#: Columns of :func:`population`, in order.
POPULATION_COLUMNS = ("region", "year", "value", "source_id", "dataset")
#: Columns of :func:`incidents`, in order.
INCIDENT_COLUMNS = (
    "incident_id", "scheme", "category", "category_label", "begin_at", "end_at", "reported_at",
    "x_rd", "y_rd", "lon", "lat", "gemeente_name", "wijk_name", "buurt_name", "region",
    "source_id", "dataset",
)  # fmt: skip
#: Columns of :func:`indicators`, in order.
INDICATOR_COLUMNS = (
    "indicator", "name", "theme", "unit", "region", "grain", "period", "period_start", "period_end",
    "value", "lower", "upper", "n", "source", "licence", "definition", "status", "source_id", "dataset",
)  # fmt: skip
#: Columns of :func:`areas_of`, in order.
AREA_COLUMNS = ("code", "level", "name", "parent", "geometry")


class _Where:
    """WHERE clauses with their parameters, built in order."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def add_in(self, column: str, values: Sequence[str] | None) -> None:
        if values is not None:
            if not values:
                self.clauses.append("false")
            else:
                self.add(f"{column} IN ({', '.join('?' for _v in values)})", *values)

    def sql(self) -> str:
        return ("WHERE " + " AND ".join(self.clauses)) if self.clauses else ""


def _area_filter(where: _Where, alias: str, level: Level | None, within: str | None) -> str:
    """Add level/municipality clauses on region_current; return the JOIN they need ('' when none)."""
    if level is None and within is None:
        return ""
    if level is not None:
        where.add("r.level = ?", level)
    if within is not None:
        where.add("r.gemeente = ?", within)
    return f"JOIN region_current r ON r.code = {alias}.region"


#: One title per (scheme, code): the rule in the module docstring.
_TITLES = f"""
    SELECT scheme, code, title FROM (
        SELECT scheme, code, title,
               row_number() OVER (
                   PARTITION BY scheme, code ORDER BY source_id <> '{TITLE_SOURCE}', dataset, title
               ) AS choice
        FROM categories)
    WHERE choice = 1"""


# -- counts -------------------------------------------------------------------------------------------


def counts(
    store: Store,
    measure: str,
    scheme: str | None = None,
    *,
    categories: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    level: Level | None = None,
    within: str | None = None,
    grain: Grain = "jaar",
    first_year: int | None = None,
    last_year: int | None = None,
    status: Status | None = None,
    source_id: str | None = None,
    present_only: bool = False,
) -> pd.DataFrame:
    """Observations of ``measure``, as loaded (no sums, no deduplication over datasets).

    Filters (all optional, combined with AND): ``scheme``; ``categories`` and ``regions`` (exact codes);
    ``level`` and ``within`` (the region's level and municipality code in ``region_current``, so rows
    of regions without a loaded name are left out when they are used); ``grain``; the years
    ``first_year`` .. ``last_year`` (inclusive); ``status``; ``source_id``; ``present_only`` drops rows
    whose value the publisher suppressed.

    Columns: ``measure``, ``scheme``, ``category``, ``title`` (the category's title as loaded, e.g.
    '1.1.1 Diefstal/inbraak woning'; the code when no title is loaded), ``region``, ``grain``, ``year``
    (int), ``month`` (float, NaN for yearly rows), ``value`` (float, NaN when suppressed), ``status``
    ('definitief' | 'voorlopig'), ``source_id``, ``dataset``; ordered by region, category, year, month.
    """
    where = _Where()
    where.add("o.measure = ?", measure)
    where.add("o.grain = ?", grain)
    if scheme is not None:
        where.add("o.scheme = ?", scheme)
    where.add_in("o.category", categories)
    where.add_in("o.region", regions)
    join = _area_filter(where, "o", level, within)
    if first_year is not None:
        where.add("o.year >= ?", first_year)
    if last_year is not None:
        where.add("o.year <= ?", last_year)
    if status is not None:
        where.add("o.status = ?", status)
    if source_id is not None:
        where.add("o.source_id = ?", source_id)
    if present_only:
        where.add("o.value IS NOT NULL")
    frame = store.query(
        f"""
        SELECT o.measure, o.scheme, o.category, coalesce(c.title, o.category) AS title, o.region,
               o.grain, o.year, o.month, o.value, o.status, o.source_id, o.dataset
        FROM observations o
        LEFT JOIN ({_TITLES}) c ON c.scheme = o.scheme AND c.code = o.category
        {join}
        {where.sql()}
        ORDER BY o.region, o.category, o.year, o.month
        """,
        where.params,
    )
    return frame.astype({"year": "int64", "month": "float64", "value": "float64"})


def category_titles(store: Store, scheme: str) -> dict[str, str]:
    """Title per category code of ``scheme`` as loaded (e.g. '1.1.1' -> '1.1.1 Diefstal/inbraak woning')."""
    frame = store.query(f"SELECT code, title FROM ({_TITLES}) WHERE scheme = ? ORDER BY code", [scheme])
    return {str(c): str(t) for c, t in zip(frame["code"], frame["title"], strict=True)}


def loaded_codes(store: Store) -> dict[str, tuple[str, ...]]:
    """The category codes with observations, per scheme: ``{scheme: (code, ...)}``, both sorted."""
    frame = store.query("SELECT DISTINCT scheme, category FROM observations ORDER BY scheme, category")
    out: dict[str, list[str]] = {}
    for scheme, code in zip(frame["scheme"], frame["category"], strict=True):
        out.setdefault(str(scheme), []).append(str(code))
    return {s: tuple(c) for s, c in out.items()}


# -- population ---------------------------------------------------------------------------------------


def population(
    store: Store,
    *,
    regions: Sequence[str] | None = None,
    municipalities: bool = False,
    level: Level | None = None,
    within: str | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """Inhabitants, one row per region and year, chosen by the rule in the module docstring.

    Filters (optional, combined with AND): ``regions`` (exact codes); ``municipalities`` (every code
    GMxxxx except GM0000, also without loaded regions); ``level`` and ``within`` (level and
    municipality in ``region_current``); ``year``.

    Columns: ``region``, ``year`` (int), ``value`` (float), ``source_id`` and ``dataset`` (where the
    chosen figure came from); ordered by region, year.
    """
    where = _Where()
    where.add_in("p.region", regions)
    if municipalities:
        where.add("p.region LIKE 'GM%' AND p.region <> ?", UNKNOWN_MUNICIPALITY)
    join = _area_filter(where, "p", level, within)
    if year is not None:
        where.add("p.year = ?", year)
    order = " ".join(f"WHEN ? THEN {rank}" for rank in range(len(POPULATION_PRECEDENCE)))
    frame = store.query(
        f"""
        WITH ranked AS (
            SELECT p.region, p.year, p.value, p.source_id, p.dataset,
                   row_number() OVER (
                       PARTITION BY p.region, p.year
                       ORDER BY CASE p.source_id {order} ELSE {len(POPULATION_PRECEDENCE)} END,
                                s.loaded_at DESC NULLS LAST, p.dataset
                   ) AS choice
            FROM population p
            LEFT JOIN sources s ON s.source_id = p.source_id AND s.dataset = p.dataset
            {join}
            {where.sql()}
        )
        SELECT region, year, value, source_id, dataset FROM ranked WHERE choice = 1 ORDER BY region, year
        """,
        [*POPULATION_PRECEDENCE, *where.params],
    )
    return frame.astype({"year": "int64", "value": "float64"})


def population_by_year(store: Store, region: str) -> dict[int, float]:
    """Inhabitants of one region per year: ``{year: value}`` (rule in the module docstring)."""
    frame = population(store, regions=[region])
    return {int(y): float(v) for y, v in zip(frame["year"], frame["value"], strict=True)}


# -- regions ------------------------------------------------------------------------------------------


def region_names(store: Store, codes: Sequence[str]) -> dict[str, str]:
    """Loaded name per region code; codes without a loaded name are left out."""
    where = _Where()
    where.add_in("code", codes)
    where.add("name IS NOT NULL")
    frame = store.query(f"SELECT code, name FROM region_current {where.sql()}", where.params)
    return {str(c): str(n) for c, n in zip(frame["code"], frame["name"], strict=True)}


def areas_of(store: Store, gemeente: str, levels: Sequence[Level] = ("wijk", "buurt")) -> pd.DataFrame:
    """The loaded regions of ``levels`` inside municipality ``gemeente``, one row per code.

    Columns: ``code``, ``level``, ``name``, ``parent``, ``geometry`` (GeoJSON text or None); by code. The
    name and geometry per code follow the rule of :mod:`ivp.store.areas`.
    """
    frame = areas.areas(store, gemeente, tuple(levels))
    return frame[list(AREA_COLUMNS)].reset_index(drop=True)


# -- incidents ----------------------------------------------------------------------------------------


def incidents(
    store: Store,
    *,
    regions: Sequence[str] | None = None,
    within: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    scheme: str | None = None,
    categories: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Incidents in an area whose interval overlaps ``[start, end)``.

    ``regions``: exact region codes; ``within``: incidents whose region is the municipality itself or
    lies in it (``region_current.gemeente``). An incident known only as an interval counts when
    ``begin_at < end`` and ``coalesce(end_at, begin_at) >= start``; incidents without a begin are left
    out as soon as ``start`` or ``end`` is given.

    Columns: the ``incidents`` table's (:data:`INCIDENT_COLUMNS`), timestamps as datetime64; ordered by
    begin_at, incident_id.
    """
    where = _Where()
    where.add_in("i.region", regions)
    if within is not None:
        where.add(
            "(i.region = ? OR i.region IN (SELECT code FROM region_current WHERE gemeente = ?))",
            within,
            within,
        )
    if start is not None:
        where.add("coalesce(i.end_at, i.begin_at) >= ?", start)
    if end is not None:
        where.add("i.begin_at < ?", end)
    if scheme is not None:
        where.add("i.scheme = ?", scheme)
    where.add_in("i.category", categories)
    columns = ", ".join(f"i.{c}" for c in INCIDENT_COLUMNS)
    return store.query(
        f"SELECT {columns} FROM incidents i {where.sql()} ORDER BY i.begin_at, i.incident_id",
        where.params,
    )


# -- municipal registers -----------------------------------------------------------------------------


def indicators(
    store: Store,
    *,
    regions: Sequence[str] | None = None,
    themes: Sequence[str] | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows of the municipal registers loaded with ``ivp ingest reeks``, as loaded.

    Filters (optional, AND): ``regions`` (exact codes), ``themes`` (theme ids), ``ids`` (indicator ids).
    Columns: :data:`INDICATOR_COLUMNS`; ``period_start``/``period_end`` as datetime64, ``value``,
    ``lower``, ``upper``, ``n`` as float (NaN when not given), text columns None when not given; ordered
    by theme, indicator, region, period_start.
    """
    where = _Where()
    where.add_in("region", regions)
    where.add_in("theme", themes)
    where.add_in("indicator", ids)
    columns = ", ".join(INDICATOR_COLUMNS)
    frame = store.query(
        f"SELECT {columns} FROM indicators {where.sql()} ORDER BY theme, indicator, region, period_start",
        where.params,
    )
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame.astype({"value": "float64", "lower": "float64", "upper": "float64", "n": "float64"})


# -- provenance ---------------------------------------------------------------------------------------


#: Licences of open data: a dataset under one of these is public (CBS StatLine, police open data, PDOK
#: boundaries). Anything else is not: a police extract ("aangeleverd door de politie (niet openbaar)"),
#: meldingen, cases, a file without a stated licence. Reports suppress small counts of non-public data.
OPEN_LICENCES = ("cc by", "cc-by", "cc0", "odbl", "pddl", "public domain", "publiek domein")


def is_public_licence(licence: str | None) -> bool:
    """Whether ``licence`` is an open-data licence (see ``OPEN_LICENCES``); unknown counts as not public.

    >>> is_public_licence("CC BY 4.0"), is_public_licence("aangeleverd door de politie (niet openbaar)")
    (True, False)
    """
    text = (licence or "").strip().lower()
    return "niet openbaar" not in text and text.startswith(OPEN_LICENCES)


@dataclass(frozen=True)
class SourceRecord:
    """One loaded dataset, as recorded on load, with the years its rows cover."""

    source_id: str
    dataset: str
    title: str
    publisher: str
    licence: str
    origin: str
    vintage: str | None
    period: str | None
    retrieved_at: dt.datetime
    loaded_at: dt.datetime
    file_hash: str
    row_count: int
    notes: str | None
    years: tuple[int, ...]  # years of its observations and population rows
    provisional_years: tuple[int, ...]  # years of its observations with status 'voorlopig'

    @property
    def public(self) -> bool:
        """Whether the dataset is open data (by its licence, see :func:`is_public_licence`)."""
        return is_public_licence(self.licence)


def provenance(store: Store) -> tuple[SourceRecord, ...]:
    """Every loaded dataset, ordered by source_id and dataset."""
    frame = store.sources()
    years = store.query(
        """
        SELECT source_id, dataset, list(DISTINCT year ORDER BY year) AS years,
               list(DISTINCT year ORDER BY year) FILTER (WHERE provisional) AS provisional
        FROM (SELECT source_id, dataset, year, status = 'voorlopig' AS provisional FROM observations
              UNION ALL
              SELECT source_id, dataset, year, false FROM population
              UNION ALL
              SELECT source_id, dataset, year(period_start), status = 'voorlopig' FROM indicators)
        GROUP BY source_id, dataset
        """
    )
    by_key = {
        (str(s), str(d)): (_years(y), _years(p))
        for s, d, y, p in zip(
            years["source_id"], years["dataset"], years["years"], years["provisional"], strict=True
        )
    }
    return tuple(
        SourceRecord(
            source_id=str(rec.source_id),
            dataset=str(rec.dataset),
            title=str(rec.title),
            publisher=str(rec.publisher),
            licence=str(rec.licence),
            origin=str(rec.origin),
            vintage=_opt_str(rec.vintage),
            period=_opt_str(rec.period),
            retrieved_at=pd.Timestamp(str(rec.retrieved_at)).to_pydatetime(),
            loaded_at=pd.Timestamp(str(rec.loaded_at)).to_pydatetime(),
            file_hash=str(rec.file_hash),
            row_count=int(str(rec.row_count)),
            notes=_opt_str(rec.notes),
            years=by_key.get((str(rec.source_id), str(rec.dataset)), ((), ()))[0],
            provisional_years=by_key.get((str(rec.source_id), str(rec.dataset)), ((), ()))[1],
        )
        for rec in frame.itertuples()
    )


def _years(values: object) -> tuple[int, ...]:
    """A DuckDB list as a tuple; a NULL list (no rows matched the FILTER) comes back as None or NaN."""
    if isinstance(values, Iterable) and not isinstance(values, str):
        return tuple(int(y) for y in values)
    return ()


def _opt_str(value: object) -> str | None:
    """Return ``value`` as text, or None for a missing value (None/NaN/NA)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return str(value)
