"""Figures per wijk and buurt: counts, rates per 1,000 with exact intervals, smoothed rates for ranking.

Buurt counts come straight from the store. Wijk counts are sums of their buurten (the report says so):
crimes that the police could not place in a buurt count only for the municipality, so the sums are below
the municipal total. Inhabitants come from the nearest year with buurt population (CBS publishes it
later than the crime figures). Areas below ``min_population`` inhabitants are flagged and not ranked.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ivp.reports.veiligheidsbeeld.model import AreaRow, AreaSection, clean_title
from ivp.stats import eb_smooth, flag_small_population, poisson_rate
from ivp.store import Store, read

__all__ = ["AreaRow", "AreaSection", "build_areas"]

MEASURE = "geregistreerde_misdrijven"
SCHEME = "cbs-misdrijf"


def build_areas(
    store: Store, gemeente: str, min_population: int, *, obs_totals: pd.DataFrame | None = None
) -> tuple[AreaSection, ...]:
    """One buurt and one wijk section per crime type with buurt figures (latest year of each)."""
    loaded = read.counts(store, MEASURE, SCHEME, level="buurt", within=gemeente)
    if loaded.empty:
        return ()
    # One count per crime type, year and buurt (the first loaded, as when two datasets give one).
    buurt = (
        loaded.assign(provisional=loaded["status"] == "voorlopig")
        .groupby(["category", "year", "region"], sort=False)
        .agg(title=("title", "first"), value=("value", "first"), provisional=("provisional", "any"))
        .reset_index()
        .rename(columns={"region": "code"})
    )
    regions = read.areas_of(store, gemeente, ("wijk", "buurt"))
    pops = read.population(store, level="buurt", within=gemeente).rename(columns={"region": "code"})
    sections: list[AreaSection] = []
    for category, frame in buurt.groupby("category", sort=True):
        year = int(frame["year"].max())
        rows = frame[frame["year"] == year]
        title = clean_title(str(rows["title"].iloc[0]))
        provisional = bool(rows["provisional"].any())
        pop_year = _nearest(sorted(int(y) for y in pops["year"].unique()), year)
        pop = pops[pops["year"] == pop_year].set_index("code")["value"] if pop_year else pd.Series()
        all_buurten = regions[regions["level"] == "buurt"].set_index("code")
        counts = rows.set_index("code")["value"]
        codes = sorted(set(all_buurten.index) | set(counts.index))
        b = pd.DataFrame(
            {
                "code": codes,
                "name": [_get(all_buurten, c, "name") or c for c in codes],
                "parent": [_get(all_buurten, c, "parent") or "WK" + c[2:8] for c in codes],
                "geometry": [_get(all_buurten, c, "geometry") for c in codes],
                "count": [counts.get(c) for c in codes],
                "population": [pop.get(c) for c in codes],
            }
        )
        municipal = None
        if obs_totals is not None:
            hit = obs_totals[(obs_totals["code"] == category) & (obs_totals["year"] == year)]
            if not hit.empty and pd.notna(hit["value"].iloc[0]):
                municipal = float(hit["value"].iloc[0])
        total = float(pd.to_numeric(b["count"], errors="coerce").fillna(0).sum())
        common: dict[str, Any] = {
            "category": str(category),
            "title": title,
            "year": year,
            "population_year": pop_year,
            "provisional": provisional,
            "total": total,
            "municipal_total": municipal,
        }
        wijken = regions[regions["level"] == "wijk"].set_index("code")
        w = (
            b.assign(
                count=pd.to_numeric(b["count"], errors="coerce"),
                population=pd.to_numeric(b["population"], errors="coerce"),
            )
            .groupby("parent", sort=True)
            .agg(count=("count", lambda s: s.sum(min_count=1)), population=("population", "sum"))
            .reset_index()
            .rename(columns={"parent": "code"})
        )
        w["name"] = [_get(wijken, c, "name") or c for c in w["code"]]
        w["geometry"] = [_get(wijken, c, "geometry") for c in w["code"]]
        sections.append(
            AreaSection(level="wijk", summed_from_buurten=True, rows=_rows(w, min_population), **common)
        )
        sections.append(
            AreaSection(level="buurt", summed_from_buurten=False, rows=_rows(b, min_population), **common)
        )
    return tuple(sections)


def _nearest(years: list[int], year: int) -> int | None:
    if not years:
        return None
    return min(years, key=lambda y: (abs(y - year), -y))


def _get(frame: pd.DataFrame, code: str, column: str) -> str | None:
    if code not in frame.index:
        return None
    value = frame.at[code, column]
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _rows(frame: pd.DataFrame, min_population: int) -> tuple[AreaRow, ...]:
    counts = pd.to_numeric(frame["count"], errors="coerce").to_numpy(dtype=float)
    pops = pd.to_numeric(frame["population"], errors="coerce").fillna(0).to_numpy(dtype=float)
    usable = ~np.isnan(counts) & (pops > 0)
    flagged = np.ones(len(frame), dtype=bool)
    rate = np.full(len(frame), np.nan)
    low = np.full(len(frame), np.nan)
    high = np.full(len(frame), np.nan)
    small = np.zeros(len(frame), dtype=bool)
    smoothed = np.full(len(frame), np.nan)
    has_pop = pops > 0
    if has_pop.any():
        flagged[has_pop] = np.asarray(flag_small_population(pops[has_pop], min_population=min_population))
    if usable.any():
        rates = poisson_rate(counts[usable], pops[usable], per=1000.0)
        rate[usable], low[usable], high[usable] = rates.rate, rates.ci_low, rates.ci_high
        small[usable] = rates.small_numbers
        ok = usable & ~flagged
        if ok.sum() >= 2:
            smoothed[ok] = eb_smooth(counts[ok], pops[ok], per=1000.0).smoothed_rate
    order = [i for i in np.argsort(-np.nan_to_num(smoothed, nan=-1.0)) if not np.isnan(smoothed[i])]
    ranks = {int(i): r + 1 for r, i in enumerate(order)}

    def opt(values: NDArray[np.float64], i: int) -> float | None:
        return None if np.isnan(values[i]) else float(values[i])

    return tuple(
        AreaRow(
            code=str(frame["code"].iloc[i]),
            name=str(frame["name"].iloc[i]),
            count=opt(counts, i),
            population=float(pops[i]) if pops[i] > 0 else None,
            rate=opt(rate, i),
            ci_low=opt(low, i),
            ci_high=opt(high, i),
            smoothed=opt(smoothed, i),
            flagged=bool(flagged[i]),
            small_numbers=bool(small[i]),
            rank=ranks.get(i),
            geometry=frame["geometry"].iloc[i],
        )
        for i in range(len(frame))
    )
