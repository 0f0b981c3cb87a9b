"""The municipality against references: the Netherlands and municipalities of similar size.

Rates per 1,000 inhabitants; the reference rate of a group is the sum of its counts over the sum of its
populations. Inhabitants follow the store's one population rule (:mod:`ivp.store.read`).
"""

from __future__ import annotations

import pandas as pd

from ivp.lib.i18n import _
from ivp.reports.veiligheidsbeeld.changes import title_of, value_of
from ivp.reports.veiligheidsbeeld.model import ComparisonRow, SizeGroup
from ivp.stats import rate_vs_reference
from ivp.store import Store, read

MEASURE = "geregistreerde_misdrijven"
SCHEME = "cbs-misdrijf"
NL = "NL00"
#: "Similar size": municipalities whose population in the compared year is within this fraction of ours.
SIMILAR_SIZE_MARGIN = 0.25


def nl_rates(store: Store, year_b: int) -> tuple[int | None, dict[str, float]]:
    """Rates per 1,000 for the Netherlands in the latest year <= year_b with national figures.

    The Netherlands' population is the sum over its municipalities (GM0000, "unknown", left out).
    """
    pop = read.population(store, municipalities=True).groupby("year")["value"].sum()
    obs = read.counts(store, MEASURE, SCHEME, regions=[NL], last_year=year_b, present_only=True)
    obs = obs[obs["year"].isin(pop.index)]
    if obs.empty:
        return None, {}
    year = int(obs["year"].max())
    sel = obs[obs["year"] == year]
    return year, {
        str(c): float(v) / float(pop[year]) * 1000.0
        for c, v in zip(sel["category"], sel["value"], strict=True)
    }


def size_group(store: Store, gemeente: str, year: int, population: dict[int, float]) -> SizeGroup | None:
    """Municipalities whose population is within ±25% of ours in ``year`` (else our latest year)."""
    pop_year = year if year in population else (max(population) if population else None)
    if pop_year is None:
        return None
    own = population[pop_year]
    low, high = own * (1 - SIMILAR_SIZE_MARGIN), own * (1 + SIMILAR_SIZE_MARGIN)
    pop = read.population(store, municipalities=True, year=pop_year)
    pop = pop[(pop["region"] != gemeente) & (pop["value"] >= low) & (pop["value"] <= high)]
    names = read.region_names(store, list(pop["region"]))
    members = sorted(((str(c), names.get(str(c), str(c))) for c in pop["region"]), key=lambda m: m[1])
    return SizeGroup(pop_year, own, low, high, tuple(members)) if members else None


def group_rates(store: Store, group: SizeGroup) -> dict[str, float]:
    """Rates per 1,000 of the group as a whole, per crime type, in the group's year."""
    codes = [c for c, _n in group.members]
    pop = read.population(store, regions=codes, year=group.year)[["region", "value"]]
    obs = read.counts(
        store, MEASURE, SCHEME, regions=codes, first_year=group.year, last_year=group.year, present_only=True
    )
    joined = obs[["category", "region", "value"]].merge(
        pop.rename(columns={"value": "population"}), on="region", how="inner"
    )
    sums = joined.groupby("category", sort=True)[["value", "population"]].sum()
    return {
        str(c): float(v) / float(p) * 1000.0
        for c, v, p in zip(sums.index, sums["value"], sums["population"], strict=True)
        if p and p > 0
    }


def comparisons(
    frame: pd.DataFrame,
    code: str,
    population: dict[int, float],
    nl_year: int | None,
    nl: dict[str, float],
    group: SizeGroup | None,
    group_rate: dict[str, float],
    alpha: float,
) -> list[ComparisonRow]:
    """The municipality's rate of ``code`` against the Netherlands and against the size group."""
    out: list[ComparisonRow] = []
    refs: list[tuple[str, int | None, float | None]] = [
        (_("Nederland"), nl_year, nl.get(code)),
        (_("vergelijkbare gemeenten"), group.year if group else None, group_rate.get(code)),
    ]
    for name, year, ref in refs:
        if year is None or ref is None or year not in population:
            continue
        count, _prov = value_of(frame, code, year)
        if count is None:
            continue
        res = rate_vs_reference(count, population[year], ref, per=1000.0, alpha=alpha)
        out.append(
            ComparisonRow(
                code=code,
                title=title_of(frame, code),
                year=year,
                reference=name,
                count=count,
                population=population[year],
                rate=float(res.rate),
                reference_rate=float(res.reference_rate),
                ratio=float(res.ratio),
                ci_low=float(res.ci_low),
                ci_high=float(res.ci_high),
                p_value=float(res.p_value),
                p_adjusted=float(res.p_value),
                direction=int(res.direction),
                label=str(res.label),
                demonstrable_fdr=int(res.direction) != 0,
                raw_direction=int(res.direction),
                raw_label=str(res.label),
            )
        )
    return out
