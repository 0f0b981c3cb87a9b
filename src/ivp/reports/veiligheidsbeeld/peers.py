"""The municipality against references: the Netherlands, and municipalities of similar size in a funnel.

- **The Netherlands**, in the same year and from the same table as the municipality's own counts
  (``NL00`` in CBS 47018NED); only when that table has no national row for the year does the report use
  another loaded national series (the police's), and then it names that series' year. The national
  rate is treated as known; the municipality's count carries its own series' overdispersion.
- **Similar municipalities**: those within ±25% of our population in the compared year (the peer rule;
  urbanisation is not in the loaded data). They are compared in a funnel plot (:func:`ivp.stats.funnel`):
  our rate against the group's, with limits that allow for how much the peers themselves differ.

For the aandachtspunten, every comparison also looks back: in which of the last three years was the
lower bound of our ratio above 1?
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from ivp.lib.i18n import _
from ivp.reports.veiligheidsbeeld.changes import title_of, value_of
from ivp.reports.veiligheidsbeeld.model import ComparisonRow, SizeGroup, Spread
from ivp.stats import funnel, rate_vs_reference
from ivp.stats.funnel import MIN_PEERS
from ivp.store import Store, read

MEASURE = "geregistreerde_misdrijven"
SCHEME = "cbs-misdrijf"
NL = "NL00"
#: "Similar size": municipalities whose population in the compared year is within this fraction of ours.
SIMILAR_SIZE_MARGIN = 0.25
#: Years looked back for persistence (the aandachtspunt needs 2 of them).
HISTORY_YEARS = 3


@dataclass(frozen=True)
class NlYear:
    """National rates per 1,000 for one compared year: the year they are of and the table they came from."""

    year: int
    dataset: str
    rates: dict[str, float]


@dataclass(frozen=True)
class Panel:
    """Counts and populations of the size group (ours included), per year."""

    members: tuple[str, ...]
    counts: pd.DataFrame  # index region, columns (category, year)
    population: dict[int, dict[str, float]]


def nl_rates(
    store: Store,
    years: Iterable[int],
    own_datasets: set[str],
    measure: str = MEASURE,
    scheme: str = SCHEME,
) -> dict[int, NlYear]:
    """National rates for each of ``years``: same year and same table where loaded, else the latest
    earlier year of another national series. The population is the sum over all municipalities.
    ``measure`` and ``scheme`` pick the count source (police nuisance: NL00 rows of NL_Disorder.csv)."""
    pop = read.population(store, municipalities=True).groupby("year")["value"].sum()
    obs = read.counts(store, measure, scheme, regions=[NL], present_only=True)
    obs = obs[obs["year"].isin(pop.index)]
    out: dict[int, NlYear] = {}
    for year in years:
        same = obs[(obs["year"] == year) & obs["dataset"].isin(own_datasets)]
        if same.empty:
            earlier = obs[obs["year"] <= year]
            if earlier.empty:
                continue
            latest = int(earlier["year"].max())
            same = earlier[earlier["year"] == latest]
        used = int(same["year"].iloc[0])
        dataset = str(same["dataset"].iloc[0])
        same = same[same["dataset"] == dataset]
        out[year] = NlYear(
            used,
            dataset,
            {
                str(c): float(v) / float(pop[used]) * 1000.0
                for c, v in zip(same["category"], same["value"], strict=True)
            },
        )
    return out


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


def panel(store: Store, gemeente: str, group: SizeGroup, years: list[int]) -> Panel:
    """The group's counts per crime type and year, and populations, for the funnels."""
    codes = [gemeente, *(c for c, _n in group.members)]
    obs = read.counts(
        store, MEASURE, SCHEME, regions=codes, first_year=min(years), last_year=max(years), present_only=True
    )
    counts = obs.groupby(["region", "category", "year"])["value"].first().unstack(["category", "year"])
    pops = read.population(store, regions=codes)
    population = {
        int(y): dict(
            zip(
                pops.loc[pops["year"] == y, "region"].astype(str),
                pops.loc[pops["year"] == y, "value"].astype(float),
                strict=True,
            )
        )
        for y in pops["year"].unique()
    }
    return Panel(tuple(codes), counts, population)


def comparisons(
    frame: pd.DataFrame,
    code: str,
    gemeente: str,
    year: int,
    population: dict[int, float],
    nl: dict[int, NlYear],
    group: SizeGroup | None,
    peers: Panel | None,
    spread: Spread,
    alpha: float,
) -> list[ComparisonRow]:
    """Our rate of ``code`` in ``year`` against the Netherlands and in the funnel of similar municipalities,
    each with its look-back over the last :data:`HISTORY_YEARS` years."""
    out: list[ComparisonRow] = []
    history = range(year - HISTORY_YEARS + 1, year + 1)
    nl_rows = {y: _nl_row(frame, code, y, population, nl, spread, alpha) for y in history}
    if nl_rows[year] is not None:
        out.append(_with_history(nl_rows[year], nl_rows))
    if group is not None and peers is not None:
        names = dict(group.members)
        funnel_rows = {y: _funnel_row(frame, code, gemeente, y, peers, names, alpha) for y in history}
        if funnel_rows[year] is not None:
            out.append(_with_history(funnel_rows[year], funnel_rows))
    return out


def _with_history(row: ComparisonRow | None, by_year: dict[int, ComparisonRow | None]) -> ComparisonRow:
    assert row is not None
    # a row stands for the year it really compares (a national fallback can repeat an earlier year) and
    # counts only when it is a verdict (not small numbers)
    real = {r.year: r for y, r in by_year.items() if r is not None and r.year == y and not r.small_numbers}
    higher = [(y, r.ci_low) for y, r in sorted(real.items()) if r.ci_low > 1.0]
    return replace(
        row,
        years_higher=tuple(y for y, _low in higher),
        conservative_ratio=min((low for _y, low in higher), default=float("nan")),
    )


def _nl_row(
    frame: pd.DataFrame,
    code: str,
    year: int,
    population: dict[int, float],
    nl: dict[int, NlYear],
    spread: Spread,
    alpha: float,
) -> ComparisonRow | None:
    ref = nl.get(year)
    if ref is None or code not in ref.rates or ref.year not in population:
        return None
    count, _prov = value_of(frame, code, ref.year)
    if count is None:
        return None
    res = rate_vs_reference(
        count,
        population[ref.year],
        ref.rates[code],
        per=1000.0,
        alpha=alpha,
        dispersion=spread.phi,
        df=spread.df,
    )
    return ComparisonRow(
        code=code,
        title=title_of(frame, code),
        year=ref.year,
        reference=_("Nederland"),
        count=count,
        population=population[ref.year],
        rate=float(res.rate),
        reference_rate=float(res.reference_rate),
        ratio=float(res.ratio),
        ci_low=float(res.ci_low),
        ci_high=float(res.ci_high),
        p_value=float(res.p_value),
        p_adjusted=float("nan"),
        direction=int(res.direction),
        label=str(res.label),
        demonstrable_fdr=int(res.direction) != 0,
        raw_direction=int(res.direction),
        raw_label=str(res.label),
        method="referentie",
        small_numbers=bool(res.small_numbers),
        dispersion=spread,
    )


def _funnel_row(
    frame: pd.DataFrame,
    code: str,
    gemeente: str,
    year: int,
    peers: Panel,
    names: dict[str, str],
    alpha: float,
) -> ComparisonRow | None:
    pops = peers.population.get(year, {})
    if (code, year) not in peers.counts.columns or gemeente not in pops:
        return None
    column = peers.counts[(code, year)]
    units = [u for u in peers.members if u in pops and u in column.index and pd.notna(column.get(u))]
    if gemeente not in units or len(units) < MIN_PEERS:
        return None
    y = np.array([float(column[u]) for u in units])
    n = np.array([pops[u] for u in units])
    if y.sum() == 0:
        return None
    res = funnel(y, n, per=1000.0, alpha=alpha)
    i = units.index(gemeente)
    # our own interval on the same square-root scale as the limits, relative to the group's rate
    crit = float((stats.t(df=len(units) - 1) if res.tau2 > 0 else stats.norm()).isf(alpha / 2))
    sd = float(np.sqrt(1.0 / (4.0 * n[i]) + res.tau2))
    root = float(np.sqrt(y[i] / n[i]))
    target = res.target / 1000.0
    low = max(root - crit * sd, 0.0) ** 2 / target
    high = (root + crit * sd) ** 2 / target
    return ComparisonRow(
        code=code,
        title=title_of(frame, code),
        year=year,
        reference=_("vergelijkbare gemeenten"),
        count=float(y[i]),
        population=float(n[i]),
        rate=float(res.rate[i]),
        reference_rate=float(res.target),
        ratio=float(res.rate[i] / res.target),
        ci_low=low,
        ci_high=high,
        p_value=float(res.p_value[i]),
        p_adjusted=float("nan"),
        direction=int(res.direction[i]),
        label=str(res.label[i]),
        demonstrable_fdr=int(res.direction[i]) != 0,
        raw_direction=int(res.direction[i]),
        raw_label=str(res.label[i]),
        method="trechter",
        limit_low=float(res.low[i]),
        limit_high=float(res.high[i]),
        units=len(units),
        small_numbers=bool(res.small_numbers[i]),
        tau2=float(res.tau2),
        peer_points=tuple(
            (names.get(u, u), float(n[j]), float(res.rate[j])) for j, u in enumerate(units) if u != gemeente
        ),
    )
