"""One call per question about an area: hot places, hot times, near repeats.

Each function takes the event frame (:mod:`ivp.reports.wijkscan.events`, usually the whole municipality)
and an :class:`~ivp.reports.wijkscan.focus.Area`, limits the events to the area, runs the statistics of
:mod:`ivp.stats` and returns a frozen dataclass with everything a command, report or web page shows,
including the answer to "is this enough data?" (:class:`~ivp.stats.sufficiency.Sufficiency`). Pure
functions of their inputs: no printing, no store access.

Choices made here (the statistics themselves are documented in their modules):

- Hot places: a grid of ``cell`` metres over the area's bounds; only cells whose centre lies inside the
  area's geometry (or that hold an event) take part in the test, so the sea, a neighbouring
  municipality or the rest of the city does not dilute the false-discovery correction. Gi* per cell with
  its 3 x 3 window. The sufficiency question: a 3 x 3 window at twice the average rate.
- Hot times: aoristic weekday x hour (and weekday x dagdeel, and month); the expected count per cell is
  proportional to how often the cell occurs in the period (a period of 10 weeks and 3 days has one more
  Tuesday than Friday); overdispersion ``phi`` from week-to-week variation when the period spans at least
  :data:`MIN_WEEKS_FOR_PHI` weeks, else 1. The sufficiency question: one weekday-hour (and one
  weekday-dagdeel) at twice the average of the others.
- Near repeats: Knox on the events with a place, each at the midpoint of its interval (intervals longer
  than the aoristic limit are left out: their day is too uncertain), from :data:`MIN_NEAR_REPEAT` events.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from shapely.geometry import shape

from ivp.lib.errors import IvpError
from ivp.lib.i18n import _
from ivp.reports.wijkscan.events import check_events, is_illustrative, period_of
from ivp.reports.wijkscan.focus import Area, in_area, rd_geometry
from ivp.stats import hotspots, hottimes
from ivp.stats.aoristic import MAX_HOURS, Aoristic, aoristic, exposure
from ivp.stats.grid import Grid, grid_counts, grid_for
from ivp.stats.hotspots import HotspotResult, Method
from ivp.stats.hottimes import Concentration, ProfileComparison
from ivp.stats.nearrepeat import Knox, knox
from ivp.stats.sufficiency import DEFAULT_RATIO, Sufficiency

#: Fewer events with a place than this: no near-repeat test (the Knox table would be mostly empty).
MIN_NEAR_REPEAT = 30
#: Weeks the period must span before overdispersion is estimated from week-to-week variation.
MIN_WEEKS_FOR_PHI = 8
#: Fewest buurten with a boundary for a Gi* over buurten.
MIN_BUURTEN = 5


class NoEventsError(IvpError):
    """No events to analyse in the area and period."""


@dataclass(frozen=True, eq=False)
class HotPlaces:
    """Hot and cold places of ``area``: Gi* on a grid of ``cell`` metres (and over buurten)."""

    area: Area
    grid: Grid
    counts: NDArray[np.float64]
    result: HotspotResult
    sufficiency: Sufficiency
    n_events: int  # events with a place, counted on the grid
    n_without_location: int
    cell: float
    period: tuple[dt.date, dt.date]
    illustrative: bool
    buurt_result: HotspotResult | None
    buurt_codes: tuple[str, ...] = ()
    buurt_names: tuple[str, ...] = ()
    mask: NDArray[np.bool_] | None = None
    periods: int = 1
    period_bounds: tuple[tuple[dt.date, dt.date], ...] = ()
    period_results: tuple[HotspotResult, ...] = ()
    trend: NDArray[np.str_] | None = None  # per cell, from classify_periods when periods > 1


@dataclass(frozen=True, eq=False)
class HotTimes:
    """Hot times of ``area``: aoristic tables, concentration tests and their sufficiency."""

    area: Area
    table: Aoristic  # weekday x hour
    concentration: Concentration
    versus_rest: ProfileComparison | None
    sufficiency: Sufficiency  # one weekday-hour at twice the average
    dagdeel: Aoristic  # weekday x dagdeel (7 x 4)
    month: Aoristic
    period: tuple[dt.date, dt.date]
    illustrative: bool
    concentration_dagdeel: Concentration | None = None
    sufficiency_dagdeel: Sufficiency | None = None  # one weekday-dagdeel at twice the average
    concentration_month: Concentration | None = None
    sufficiency_month: Sufficiency | None = None  # one month at twice the average
    phi: float = 1.0
    n_rest: int = 0


def _own(events: pd.DataFrame, area: Area) -> pd.DataFrame:
    frame = check_events(events)
    return frame[in_area(area, frame)].reset_index(drop=True)


def _located(frame: pd.DataFrame) -> NDArray[np.bool_]:
    x = frame["x_rd"].to_numpy(dtype="float64")
    y = frame["y_rd"].to_numpy(dtype="float64")
    return np.asarray(np.isfinite(x) & np.isfinite(y))


def _no_events(area: Area, what: str) -> NoEventsError:
    return NoEventsError(
        _("Geen {what} in {area} in deze periode: kies een ander gebied, een andere periode of bron.").format(
            what=what, area=area.label()
        )
    )


def _split(
    frame: pd.DataFrame, period: tuple[dt.date, dt.date], parts: int
) -> list[tuple[tuple[dt.date, dt.date], NDArray[np.bool_]]]:
    """``parts`` consecutive periods of equal length and which events (by begin) fall in each."""
    start = np.datetime64(period[0], "D")
    stop = np.datetime64(period[1], "D") + np.timedelta64(1, "D")
    edges = start + (stop - start) * np.arange(parts + 1) / parts
    edges = edges.astype("datetime64[D]")
    begin = frame["begin_at"].to_numpy(dtype="datetime64[ns]")
    out = []
    for i in range(parts):
        lo, hi = edges[i].astype("datetime64[ns]"), edges[i + 1].astype("datetime64[ns]")
        keep = (begin >= lo) & ((begin < hi) if i < parts - 1 else (begin <= hi))
        first = edges[i].astype(dt.date)
        last = (edges[i + 1] - np.timedelta64(1, "D")).astype(dt.date)
        out.append(((first, last), np.asarray(keep)))
    return out


def _buurt_hotspots(
    own: pd.DataFrame,
    area: Area,
    buurten: pd.DataFrame | None,
    method: Method,
    alpha: float,
    seed: int | None,
) -> tuple[HotspotResult | None, tuple[str, ...], tuple[str, ...]]:
    """Gi* over the area's buurten (counts by ``region``), queen contiguity from their boundaries."""
    if buurten is None or not len(buurten) or "region" not in own:
        return None, (), ()
    rows = buurten[buurten["code"].isin(area.buurten) & buurten["geometry"].notna()]
    if len(rows) < MIN_BUURTEN:
        return None, (), ()
    codes = tuple(str(c) for c in rows["code"])
    geoms = [shape(json.loads(str(g))) for g in rows["geometry"]]
    counts = own["region"].value_counts().reindex(list(codes), fill_value=0).to_numpy(dtype="float64")
    if counts.sum() == 0:
        return None, (), ()
    neighbours = hotspots.area_neighbours(geoms)
    result = hotspots.gi_star_areas(counts, neighbours, method=method, alpha=alpha, seed=seed)
    names = tuple(str(n) if isinstance(n, str) and n else c for n, c in zip(rows["name"], codes, strict=True))
    return result, codes, names


def hot_places(
    events: pd.DataFrame,
    area: Area,
    *,
    cell: float = 100.0,
    method: Method = "exact",
    alpha: float = 0.05,
    periods: int = 1,
    period: tuple[dt.date, dt.date] | None = None,
    buurten: pd.DataFrame | None = None,
    n_permutations: int | None = None,
    seed: int | None = 0,
    ratio: float = DEFAULT_RATIO,
) -> HotPlaces:
    """Hot and cold places of ``area`` in ``events`` (Gi* on a grid; see the module docstring).

    ``buurten``: the municipality's buurten (``ivp.store.read.areas_of(..., ("buurt",))``, with
    ``geometry``) for a Gi* over the area's buurten as well; ``periods`` > 1 splits the period into that
    many equal parts and classifies each hot cell as new, persistent, intensifying, fading ...
    (:func:`ivp.stats.hotspots.classify_periods`). Raises :class:`NoEventsError` when no event in the
    area has a place.
    """
    if periods < 1:
        raise ValueError(f"periods must be 1 or more, not {periods}")
    own = _own(events, area)
    span = period or period_of(own)
    located = _located(own)
    placed = own[located].reset_index(drop=True)
    if placed.empty:
        raise _no_events(area, _("meldingen met een locatie"))
    x = placed["x_rd"].to_numpy(dtype="float64")
    y = placed["y_rd"].to_numpy(dtype="float64")
    geom = rd_geometry(area)
    bounds = None
    if geom is not None:
        gx0, gy0, gx1, gy1 = geom.bounds
        bounds = (
            min(gx0, float(x.min())),
            min(gy0, float(y.min())),
            max(gx1, float(x.max())),
            max(gy1, float(y.max())),
        )
    grid = grid_for(x, y, cell, bounds=bounds)
    counts = grid_counts(grid, x, y)
    mask = None
    if geom is not None:
        cx, cy = grid.centres()
        shapely.prepare(geom)
        mask = np.asarray(shapely.contains_xy(geom, cx, cy)) | (counts > 0)
    result = hotspots.gi_star(
        counts, mask=mask, method=method, alpha=alpha, n_permutations=n_permutations, seed=seed
    )
    n_cells = int(mask.sum()) if mask is not None else int(counts.size)
    # The spread between cells that the test's null carries (variance / mean of the cell counts): a few
    # very busy cells make a modest concentration elsewhere harder to see, and the statement says so.
    spread = result.phi if np.isfinite(result.phi) and result.phi > 1.0 else 1.0
    suff = hotspots.sufficiency(
        len(placed), n_cells, ratio=ratio, window_cells=9, alpha=alpha, method=method, phi=spread
    )
    buurt_result, codes, names = _buurt_hotspots(own, area, buurten, method, alpha, seed)
    bounds_list: list[tuple[dt.date, dt.date]] = []
    results: list[HotspotResult] = []
    trend = None
    if periods > 1:
        for sub, keep in _split(placed, span, periods):
            sub_counts = grid_counts(grid, x[keep], y[keep])
            results.append(
                hotspots.gi_star(
                    sub_counts,
                    mask=mask,
                    method=method,
                    alpha=alpha,
                    n_permutations=n_permutations,
                    seed=seed,
                )
            )
            bounds_list.append(sub)
        trend = hotspots.classify_periods(results)
    return HotPlaces(
        area=area,
        grid=grid,
        counts=counts,
        result=result,
        sufficiency=suff,
        n_events=len(placed),
        n_without_location=int((~located).sum()),
        cell=float(cell),
        period=span,
        illustrative=is_illustrative(own),
        buurt_result=buurt_result,
        buurt_codes=codes,
        buurt_names=names,
        mask=mask,
        periods=periods,
        period_bounds=tuple(bounds_list),
        period_results=tuple(results),
        trend=trend,
    )


def _times(frame: pd.DataFrame) -> tuple[NDArray[np.datetime64], NDArray[np.datetime64]]:
    return (
        frame["begin_at"].to_numpy(dtype="datetime64[ns]"),
        frame["end_at"].to_numpy(dtype="datetime64[ns]"),
    )


def hot_times(
    events: pd.DataFrame,
    area: Area,
    *,
    max_hours: float = MAX_HOURS,
    alpha: float = 0.05,
    compare_rest: bool = True,
    city_events: pd.DataFrame | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    ratio: float = DEFAULT_RATIO,
) -> HotTimes:
    """Hot times of ``area``: weekday x hour, weekday x dagdeel and month (see the module docstring).

    The rest of the city for the comparison is ``city_events`` (or, without it, ``events``) outside the
    area; no comparison for the whole municipality or when ``compare_rest`` is False. Raises
    :class:`NoEventsError` when the area has no events.
    """
    own = _own(events, area)
    if own.empty:
        raise _no_events(area, _("meldingen"))
    span = period or period_of(own)
    begin, end = _times(own)
    start = np.datetime64(span[0], "ns")
    stop = (np.datetime64(span[1], "D") + np.timedelta64(1, "D")).astype("datetime64[ns]")
    weeks = (span[1] - span[0]).days / 7
    phi = hottimes.week_dispersion(begin, end, max_hours=max_hours) if weeks >= MIN_WEEKS_FOR_PHI else 1.0

    def test(layout: str) -> tuple[Aoristic, Concentration]:
        table = aoristic(begin, end, layout=layout, max_hours=max_hours)  # type: ignore[arg-type]
        share = exposure(start, stop, layout)  # type: ignore[arg-type]
        return table, hottimes.concentration(table, exposure=share, phi=phi, alpha=alpha)

    table, conc = test("weekday_hour")
    dagdeel, conc_dd = test("weekday_dagdeel")
    month = aoristic(begin, end, layout="month", max_hours=max_hours)
    # Months are tested against their own year-to-year spread (the week-level phi above removes the
    # variation between weeks, which is exactly what makes monthly counts vary); without two whole
    # years there is no such spread to estimate and the months are shown without a test.
    phi_month = _month_dispersion(begin, end, span, max_hours)
    conc_month = (
        hottimes.concentration(month, exposure=exposure(start, stop, "month"), phi=phi_month, alpha=alpha)
        if phi_month is not None
        else None
    )
    versus = None
    n_rest = 0
    if compare_rest and area.kind != "gemeente":
        city = check_events(city_events if city_events is not None else events)
        rest = city[~in_area(area, city)]
        n_rest = len(rest)
        if n_rest and table.n_used:
            rb, re_ = _times(rest)
            rest_table = aoristic(rb, re_, layout="weekday_hour", max_hours=max_hours)
            if rest_table.n_used:
                versus = hottimes.compare_profiles(table, rest_table, alpha=alpha, phi=phi)
    used = table.n_used
    return HotTimes(
        area=area,
        table=table,
        concentration=conc,
        versus_rest=versus,
        sufficiency=hottimes.sufficiency(
            used, 168, ratio=ratio, alpha=alpha, phi=phi, retention=_retention(table)
        ),
        dagdeel=dagdeel,
        month=month,
        period=span,
        illustrative=is_illustrative(own),
        concentration_dagdeel=conc_dd,
        sufficiency_dagdeel=hottimes.sufficiency(
            used, 28, ratio=ratio, alpha=alpha, phi=phi, retention=_retention(dagdeel)
        ),
        concentration_month=conc_month,
        sufficiency_month=hottimes.sufficiency(
            used, 12, ratio=ratio, alpha=alpha, phi=phi_month or 1.0, retention=_retention(month)
        ),
        phi=float(phi),
        n_rest=n_rest,
    )


def near_repeats(
    events: pd.DataFrame,
    area: Area,
    *,
    distance_edges: Sequence[float] = (0, 100, 200, 300, 400),
    time_edges: Sequence[float] = (0, 7, 14, 21, 28),
    n_permutations: int = 999,
    alpha: float = 0.05,
    seed: int | None = 0,
    max_hours: float = MAX_HOURS,
    min_events: int = MIN_NEAR_REPEAT,
) -> Knox | None:
    """Knox test of near repeats in ``area``, or None with fewer than ``min_events`` usable events.

    Usable: a place, and an interval of at most ``max_hours`` (its midpoint is the event's moment).
    """
    own = _own(events, area)
    begin, end = _times(own)
    length = (end - begin) / np.timedelta64(1, "h")
    usable = _located(own) & ~np.isnat(begin) & ~np.isnat(end) & (length >= 0) & (length <= max_hours)
    if int(usable.sum()) < min_events:
        return None
    sub = own[usable]
    b, e = begin[usable], end[usable]
    mid = b + (e - b) / 2
    t_days = (mid - mid.min()) / np.timedelta64(1, "D")
    return knox(
        sub["x_rd"].to_numpy(dtype="float64"),
        sub["y_rd"].to_numpy(dtype="float64"),
        np.asarray(t_days, dtype="float64"),
        distance_edges=distance_edges,
        time_edges=time_edges,
        n_permutations=n_permutations,
        alpha=alpha,
        seed=seed,
    )


def _retention(table: Aoristic) -> float:
    """Mean share of an event's weight in the cell where it happened (1 for exact moments)."""
    if not table.n_used:
        return 1.0
    value = float(np.sum(table.sq)) / float(table.n_used)
    return min(1.0, max(value, 1e-6))


def _month_dispersion(
    begin: NDArray[np.datetime64],
    end: NDArray[np.datetime64],
    span: tuple[dt.date, dt.date],
    max_hours: float,
) -> float | None:
    """Spread of the monthly counts between whole calendar years (Pearson X^2 / df of a year x month
    table against year totals times month shares; at least 1), or None with fewer than two whole years."""
    first = span[0].year + (0 if (span[0].month, span[0].day) == (1, 1) else 1)
    last = span[1].year - (0 if (span[1].month, span[1].day) == (12, 31) else 1)
    years = list(range(first, last + 1))
    if len(years) < 2:
        return None
    starts = np.array([np.datetime64(f"{y}-01-01", "ns") for y in years])
    rows = []
    for y0 in starts:
        y1 = (y0.astype("datetime64[Y]") + np.timedelta64(1, "Y")).astype("datetime64[ns]")
        keep = (begin >= y0) & (begin < y1)
        rows.append(aoristic(begin[keep], end[keep], layout="month", max_hours=max_hours).table)
    obs = np.vstack(rows)
    total = obs.sum()
    if total <= 0:
        return None
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / total
    used = expected > 0
    x2 = float(np.sum((obs[used] - expected[used]) ** 2 / expected[used]))
    df = (len(years) - 1) * (int(used.any(axis=0).sum()) - 1)
    return max(1.0, x2 / df) if df > 0 else None
