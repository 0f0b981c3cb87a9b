"""Figures per wijk and buurt: counts, rates per 1,000 with exact intervals, a ranking with rank intervals.

Buurt counts come straight from the store. Wijk counts are sums of their buurten (the report says so):
crimes that the police could not place in a buurt count only for the municipality, so the sums are below
the municipal total. Inhabitants come from the nearest year with buurt population (CBS publishes it
later than the crime figures).

Ranking (see ``docs/statistics.md``, "Wijken en buurten rangschikken"): an area is ranked on its
empirical-Bayes smoothed rate only when its expected count at the overall rate is at least
:data:`ivp.stats.smoothing.MIN_EXPECTED` (precision), it has at least ``min_population`` inhabitants (a
secondary guard against dividing by a shaky population figure) and it is not a visitor area
(:func:`ivp.stats.smoothing.flag_visitor_areas`). Every rank comes with its 95% interval from the
posterior of the empirical-Bayes model. Areas that are not ranked are listed with the reason.

Disclosure: when the counts of a section come from a non-public source (anything whose licence is not
open data), small counts are suppressed jointly over the buurt cells, the wijk sums, the sum of the
buurten and the municipal total (:func:`ivp.stats.disclosure.protect`), and suppressed areas get no rate
or rank; the smoothing prior and the visitor rule then use only the areas that are shown, so the
published rates do not give away the suppressed counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ivp.lib.i18n import _
from ivp.reports.veiligheidsbeeld import area_nuisance, maps
from ivp.reports.veiligheidsbeeld.area_model import AreaRow, AreaSection
from ivp.reports.veiligheidsbeeld.model import clean_title
from ivp.stats import poisson_rate
from ivp.stats.disclosure import hierarchy_relations, protect
from ivp.stats.smoothing import (
    MIN_EXPECTED,
    eb_posterior,
    expected_counts,
    flag_visitor_areas,
    precise_enough,
    rank_intervals,
)
from ivp.store import Store, read

__all__ = ["AreaRow", "AreaSection", "build_areas", "build_nuisance_areas"]

MEASURE = "geregistreerde_misdrijven"
SCHEME = "cbs-misdrijf"


def build_areas(
    store: Store,
    gemeente: str,
    min_population: int,
    *,
    obs_totals: pd.DataFrame | None = None,
    threshold: int = 5,
    min_expected: float = MIN_EXPECTED,
    draws: int = 4000,
    nuisance: bool = False,
    nuisance_codes: Sequence[str] | None = None,
) -> tuple[AreaSection, ...]:
    """One buurt and one wijk section per crime type with buurt figures (latest year of each).

    ``threshold`` is the workspace's disclosure threshold (``onthul_drempel``), applied to sections whose
    counts come from a non-public source; ``min_population`` the workspace's ``min_inwoners``. With
    ``nuisance`` the police nuisance sections of :func:`build_nuisance_areas` follow the crime sections;
    ``nuisance_codes`` are the classes the workspace taxonomy maps to a theme (default: the default's).
    """
    loaded = read.counts(store, MEASURE, SCHEME, level="buurt", within=gemeente)
    sections: list[AreaSection] = []
    if not loaded.empty:
        sections += _sections(
            store, gemeente, _crime_frame(loaded), min_population, obs_totals, threshold, min_expected, draws
        )
    if nuisance:
        sections += build_nuisance_areas(
            store, gemeente, min_population, threshold=threshold, min_expected=min_expected, draws=draws,
            codes=nuisance_codes,
        )  # fmt: skip
    return tuple(sections)


def build_nuisance_areas(
    store: Store,
    gemeente: str,
    min_population: int,
    *,
    threshold: int = 5,
    min_expected: float = MIN_EXPECTED,
    draws: int = 4000,
    codes: Sequence[str] | None = None,
) -> tuple[AreaSection, ...]:
    """A wijk and a buurt section of police nuisance registrations (latest complete year), when the store
    has them per buurt (:func:`.area_nuisance.area_counts`, summing ``codes`` without a total row); the same
    statistics as crime."""
    found = area_nuisance.area_counts(store, gemeente, codes)
    if found is None:
        return ()
    counts = found.counts
    (source_id, dataset) = found.keys[0] if found.keys else ("politie-overlast", "")
    frame = pd.DataFrame(
        {
            "category": area_nuisance.TOTAL if found.basis == "totaal" else "+".join(found.codes),
            "year": found.year,
            "code": [str(c) for c in counts.index],
            "title": _("Overlastregistraties"),
            "value": counts.to_numpy(dtype=float),
            "provisional": found.provisional,
            "source_id": source_id,
            "dataset": dataset,
        }
    )
    totals = None
    if found.municipal is not None:
        totals = pd.DataFrame(
            {"code": [frame["category"].iloc[0]], "year": [found.year], "value": [found.municipal]}
        )
    extra = {
        "measure": area_nuisance.MEASURE,
        "basis": found.basis,
        "illustrative": found.illustrative,
    }
    return tuple(
        _sections(
            store,
            gemeente,
            frame,
            min_population,
            totals,
            threshold,
            min_expected,
            draws,
            extra=extra,
            per_wijk=found.level == "wijk",
        )
    )


def _crime_frame(loaded: pd.DataFrame) -> pd.DataFrame:
    # One count per crime type, year and buurt (the first loaded, as when two datasets give one).
    return (
        loaded.assign(provisional=loaded["status"] == "voorlopig")
        .groupby(["category", "year", "region"], sort=False)
        .agg(
            title=("title", "first"),
            value=("value", "first"),
            provisional=("provisional", "any"),
            source_id=("source_id", "first"),
            dataset=("dataset", "first"),
        )
        .reset_index()
        .rename(columns={"region": "code"})
    )


def _sections(
    store: Store,
    gemeente: str,
    buurt: pd.DataFrame,
    min_population: int,
    obs_totals: pd.DataFrame | None,
    threshold: int,
    min_expected: float,
    draws: int,
    *,
    extra: dict[str, Any] | None = None,
    per_wijk: bool = False,
) -> list[AreaSection]:
    """A wijk and a buurt section per category of ``buurt`` (columns category, year, code, title, value,
    provisional, source_id, dataset). With ``per_wijk`` the codes are wijk codes: one wijk section, the
    inhabitants of each wijk summed from its buurten."""
    records = {(r.source_id, r.dataset): r for r in read.provenance(store)}
    regions = read.areas_of(store, gemeente, ("wijk", "buurt"))
    pops = read.population(store, level="buurt", within=gemeente).rename(columns={"region": "code"})
    all_buurten = regions[regions["level"] == "buurt"].set_index("code")
    wijken = regions[regions["level"] == "wijk"].set_index("code")
    sections: list[AreaSection] = []
    for category, frame in buurt.groupby("category", sort=True):
        year = int(frame["year"].max())
        rows = frame[frame["year"] == year]
        keys = sorted({(str(s), str(d)) for s, d in zip(rows["source_id"], rows["dataset"], strict=True)})
        public = all(k in records and records[k].public for k in keys)
        pop_year = _nearest(sorted(int(y) for y in pops["year"].unique()), year)
        pop = pops[pops["year"] == pop_year].set_index("code")["value"] if pop_year else pd.Series()
        counts = rows.set_index("code")["value"]
        wijk_counts = counts if per_wijk else None
        if per_wijk:
            counts = pd.Series(dtype=float)
        codes = sorted(set(all_buurten.index) | set(counts.index))
        b = pd.DataFrame(
            {
                "code": codes,
                "name": [_get(all_buurten, c, "name") or c for c in codes],
                "parent": [_get(all_buurten, c, "parent") or "WK" + c[2:8] for c in codes],
                "geometry": [_get(all_buurten, c, "geometry") for c in codes],
                "count": pd.to_numeric(pd.Series([counts.get(c) for c in codes], dtype=object)),
                "population": pd.to_numeric(pd.Series([pop.get(c) for c in codes], dtype=object)),
            }
        )
        w = (
            b.groupby("parent", sort=True)
            .agg(count=("count", lambda s: s.sum(min_count=1)), population=("population", "sum"))
            .reset_index()
            .rename(columns={"parent": "code"})
        )
        w["name"] = [_get(wijken, c, "name") or c for c in w["code"]]
        w["geometry"] = [_get(wijken, c, "geometry") for c in w["code"]]
        if wijk_counts is not None:
            missing = sorted(set(wijk_counts.index) - set(w["code"]))
            extra_rows = pd.DataFrame({"code": missing, "count": np.nan, "population": 0.0,
                                       "name": [_get(wijken, c, "name") or c for c in missing],
                                       "geometry": [_get(wijken, c, "geometry") for c in missing]})  # fmt: skip
            w = pd.concat([w, extra_rows], ignore_index=True) if missing else w
            w["count"] = pd.to_numeric(pd.Series([wijk_counts.get(c) for c in w["code"]], dtype=object))
            b = b.iloc[0:0]
        municipal = _municipal(obs_totals, str(category), year)
        total = float((w if per_wijk else b)["count"].fillna(0).sum())
        hidden = _suppression(b, w, total, municipal, threshold) if not public else _Hidden.none(b, w)
        if not public and municipal is not None and municipal < total:
            municipal = None  # inconsistent with the buurten: not protectable, so not shown
        first = records.get(keys[0]) if keys else None
        common: dict[str, Any] = {
            "category": str(category),
            "title": clean_title(str(rows["title"].iloc[0])),
            "year": year,
            "population_year": pop_year,
            "provisional": bool(rows["provisional"].any()),
            "total": None if hidden.total else total,
            "municipal_total": None if hidden.municipal else municipal,
            "total_suppressed": hidden.total,
            "municipal_suppressed": hidden.municipal,
            "public": public,
            "threshold": threshold,
            "min_population": min_population,
            "min_expected": min_expected,
            "publisher": first.publisher if first else "CBS / Politie",
            "dataset": ", ".join(d for _s, d in keys) or "47018NED",
            "illustrative": any(area_nuisance.is_illustrative(d) for _s, d in keys),
            **(extra or {}),
        }
        for level, data, mask in (("wijk", w, hidden.wijk), ("buurt", b, hidden.buurt)):
            if per_wijk and level == "buurt":
                continue
            area_rows, ranking = _rows(data, mask, min_population, min_expected, draws)
            sections.append(
                AreaSection(
                    level=level,
                    summed_from_buurten=level == "wijk" and not per_wijk,
                    rows=area_rows,
                    ranking=ranking,
                    **common,
                )
            )
    return sections


class _Hidden:
    """Which cells of one crime type are suppressed: buurt rows, wijk rows, the sum, the municipal total."""

    def __init__(
        self, buurt: NDArray[np.bool_], wijk: NDArray[np.bool_], total: bool, municipal: bool
    ) -> None:
        self.buurt, self.wijk, self.total, self.municipal = buurt, wijk, total, municipal

    @classmethod
    def none(cls, b: pd.DataFrame, w: pd.DataFrame) -> _Hidden:
        return cls(np.zeros(len(b), dtype=bool), np.zeros(len(w), dtype=bool), False, False)


def _suppression(
    b: pd.DataFrame, w: pd.DataFrame, total: float, municipal: float | None, threshold: int
) -> _Hidden:
    """Protect the buurt counts, wijk sums, their total and the municipal total jointly.

    Cells: the buurten with a count, the wijken with a count, the sum of the buurten, and, when the
    municipal total is known and not below that sum, a remainder (crimes not placed in a buurt: it is
    published implicitly as municipal total minus sum) and the municipal total. Each parent equals the
    sum of its children (:func:`ivp.stats.disclosure.hierarchy_relations`).
    """
    b_idx = np.flatnonzero(b["count"].notna().to_numpy())
    w_idx = np.flatnonzero(w["count"].notna().to_numpy())
    w_pos = {str(w["code"].iloc[j]): k for k, j in enumerate(w_idx)}
    nb, nw = len(b_idx), len(w_idx)
    values = [float(b["count"].iloc[i]) for i in b_idx] + [float(w["count"].iloc[j]) for j in w_idx]
    parents = [nb + w_pos[str(b["parent"].iloc[i])] for i in b_idx] + [nb + nw] * nw
    values.append(total)
    with_municipal = municipal is not None and municipal >= total
    if with_municipal and municipal is not None:
        root = nb + nw + 2
        parents += [root, root, -1]  # the sum, the remainder, the municipal total
        values += [municipal - total, municipal]
    else:
        parents.append(-1)
    mask = protect(np.round(values), hierarchy_relations(parents), threshold=threshold)
    buurt = np.zeros(len(b), dtype=bool)
    wijk = np.zeros(len(w), dtype=bool)
    buurt[b_idx] = mask[:nb]
    wijk[w_idx] = mask[nb : nb + nw]
    return _Hidden(buurt, wijk, bool(mask[nb + nw]), bool(with_municipal and mask[-1]))


def _municipal(obs_totals: pd.DataFrame | None, category: str, year: int) -> float | None:
    if obs_totals is None:
        return None
    hit = obs_totals[(obs_totals["code"] == category) & (obs_totals["year"] == year)]
    if hit.empty or pd.isna(hit["value"].iloc[0]):
        return None
    return float(hit["value"].iloc[0])


def _nearest(years: list[int], year: int) -> int | None:
    if not years:
        return None
    return min(years, key=lambda y: (abs(y - year), -y))


def _get(frame: pd.DataFrame, code: str, column: str) -> str | None:
    if code not in frame.index:
        return None
    value = frame.at[code, column]
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _rows(
    frame: pd.DataFrame, suppressed: NDArray[np.bool_], min_population: int, min_expected: float, draws: int
) -> tuple[tuple[AreaRow, ...], str]:
    """The rows of one section and its ranking state ('gerangschikt', 'te_weinig' or 'geen_verschil')."""
    size = len(frame)
    counts = pd.to_numeric(frame["count"], errors="coerce").to_numpy(dtype=float)
    pops = pd.to_numeric(frame["population"], errors="coerce").fillna(0).to_numpy(dtype=float)
    km2 = np.array([maps.area_km2(g) or np.nan for g in frame["geometry"]], dtype=float)
    # Suppressed rows take part in nothing: their count would be recoverable from published rates.
    usable = ~np.isnan(counts) & (pops > 0) & ~suppressed
    nan = np.full(size, np.nan)
    rate, low, high, smoothed, expected = nan.copy(), nan.copy(), nan.copy(), nan.copy(), nan.copy()
    small = np.zeros(size, dtype=bool)
    visitor = np.zeros(size, dtype=bool)
    precise = np.zeros(size, dtype=bool)
    if usable.any():
        rates = poisson_rate(counts[usable], pops[usable], per=1000.0)
        rate[usable], low[usable], high[usable] = rates.rate, rates.ci_low, rates.ci_high
        small[usable] = rates.small_numbers
        expected[usable] = expected_counts(counts[usable], pops[usable])
        precise[usable] = precise_enough(counts[usable], pops[usable], min_expected=min_expected)
        visitor[usable] = flag_visitor_areas(counts[usable], pops[usable], area_km2=km2[usable])
    reasons: list[str | None] = []
    for i in range(size):
        if suppressed[i]:
            reasons.append("onderdrukt")
        elif np.isnan(counts[i]):
            reasons.append("geen_aantal")
        elif pops[i] <= 0:
            reasons.append("geen_inwoners")
        elif visitor[i]:
            reasons.append("bezoekers")
        elif pops[i] < min_population:
            reasons.append("inwoners")
        elif not precise[i]:
            reasons.append("onnauwkeurig")
        else:
            reasons.append(None)
    eligible = np.array([r is None for r in reasons], dtype=bool)
    rank = np.zeros(size, dtype=np.int64)
    rank_low = np.zeros(size, dtype=np.int64)
    rank_high = np.zeros(size, dtype=np.int64)
    ranking = "te_weinig"
    if eligible.sum() >= 2:
        smoothed[eligible] = eb_posterior(counts[eligible], pops[eligible]).mean
        result = rank_intervals(counts[eligible], pops[eligible], draws=draws, rng=0)
        if result.distinguishable:
            ranking = "gerangschikt"
            rank[eligible], rank_low[eligible], rank_high[eligible] = result.rank, result.low, result.high
        else:
            ranking = "geen_verschil"

    def opt(values: NDArray[np.float64], i: int) -> float | None:
        return None if np.isnan(values[i]) or suppressed[i] else float(values[i])

    def opt_int(values: NDArray[np.int64], i: int) -> int | None:
        return int(values[i]) if values[i] > 0 else None

    rows = tuple(
        AreaRow(
            code=str(frame["code"].iloc[i]),
            name=str(frame["name"].iloc[i]),
            count=opt(counts, i),
            population=float(pops[i]) if pops[i] > 0 else None,
            rate=opt(rate, i),
            ci_low=opt(low, i),
            ci_high=opt(high, i),
            smoothed=opt(smoothed, i),
            flagged=reasons[i] not in (None, "onderdrukt", "geen_aantal"),
            small_numbers=bool(small[i]),
            rank=opt_int(rank, i),
            geometry=frame["geometry"].iloc[i],
            rank_low=opt_int(rank_low, i),
            rank_high=opt_int(rank_high, i),
            reason=reasons[i] if reasons[i] is not None else (None if ranking == "gerangschikt" else ranking),
            visitor=bool(visitor[i]),
            suppressed=bool(suppressed[i]),
            expected=opt(expected, i),
        )
        for i in range(size)
    )
    return rows, ranking
