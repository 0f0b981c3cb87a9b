"""Police nuisance registrations, and the meldpunt's meldingen, as further count sources of the theme chapters.

Police nuisance: measure ``overlast_registraties``, scheme ``politie-overlast`` (category = police code,
``E33``). The meldpunt (:data:`MELDPUNT`): measure ``meldpunt_meldingen``, scheme ``meldpunt`` (category =
the category's slug), monthly counts with zeros (``ivp ingest meldpunt``), without a national series. Yearly
rows are used as loaded; monthly rows are summed to years, and only a year with all 12 months counts
(a part of a year is no year). A year with both keeps the yearly row. The tests are the same kinds as for
CBS crime (change between two years, the Netherlands from the police's national series NL_Disorder.csv,
the long and recent trend, a bend) and go into the report's one Benjamini-Hochberg family under the key
``<scheme>:<code>`` (police code 0.0.0 is a total in both police schemes). There are no peer
municipalities for these sources: the funnel is CBS crime's only.

A source that is not open data (its licence, :func:`ivp.store.read.is_public_licence`: a police delivery,
the meldpunt) shows no count between 0 and the workspace's disclosure threshold, nor a second count of the
same year when one alone would be hidden (:func:`hidden_mask`). Every statistic is then computed from what is
shown: a hidden count is a gap in the series, the chart and the spread; a change whose year A or B is
hidden is not tested, a series with a gap has no trend, and no comparison uses a hidden year.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from ivp.reports.veiligheidsbeeld import peers
from ivp.reports.veiligheidsbeeld.changes import change_row, series_of, spreads, trend_rows
from ivp.reports.veiligheidsbeeld.family import type_key
from ivp.reports.veiligheidsbeeld.model import (
    MELDPUNT_SCHEME,
    NUISANCE_SCHEME,
    BendRow,
    ChangeRow,
    ComparisonRow,
    Row,
    SourceBlock,
    Spread,
    TrendRow,
    clean_title,
)
from ivp.store import Store, read

MEASURE = "overlast_registraties"
SCHEME = NUISANCE_SCHEME
#: The meldpunt's counts: (measure, scheme).
MELDPUNT = ("meldpunt_meldingen", MELDPUNT_SCHEME)
COLUMNS = ["code", "title", "year", "value", "status", "dataset"]


def is_illustrative(dataset: str) -> bool:
    """Contract 2: a dataset whose name starts with 'illustratief' (any case) holds illustrative data."""
    return str(dataset).strip().lower().startswith("illustratief")


def yearly(store: Store, gemeente: str, measure: str = MEASURE, scheme: str = SCHEME) -> pd.DataFrame:
    """The municipality's counts per code and complete year (``COLUMNS``), sorted."""
    years = read.counts(store, measure, scheme, regions=[gemeente], grain="jaar")
    months = read.counts(store, measure, scheme, regions=[gemeente], grain="maand")
    parts = []
    if not years.empty:
        parts.append(years.rename(columns={"category": "code"})[COLUMNS])
    if not months.empty:
        m = months.rename(columns={"category": "code"})
        grouped = m.groupby(["code", "year"], sort=True)
        summed = grouped.agg(
            title=("title", "first"),
            value=("value", "sum"),
            n=("month", "nunique"),
            missing=("value", lambda v: int(v.isna().sum())),
            status=("status", lambda s: "voorlopig" if (s == "voorlopig").any() else "definitief"),
            dataset=("dataset", "first"),
        ).reset_index()
        summed = summed[(summed["n"] == 12) & (summed["missing"] == 0)]
        if parts:
            have = set(zip(parts[0]["code"], parts[0]["year"], strict=True))
            summed = summed[[(c, y) not in have for c, y in zip(summed["code"], summed["year"], strict=True)]]
        parts.append(summed[COLUMNS])
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["title"] = out["title"].map(clean_title)
    return out.sort_values(["code", "year"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Nuisance:
    """The nuisance counts with the years they are compared on, and every test row per code."""

    frame: pd.DataFrame
    year_a: int
    year_b: int
    first: int
    last: int
    rows: dict[str, list[Row]]  # keyed by the family's type key
    nl: dict[int, peers.NlYear]
    scheme: str = SCHEME
    public: bool = True
    threshold: int = 0

    def illustrative(self) -> bool:
        return any(is_illustrative(d) for d in self.frame["dataset"].unique())


def with_fallback(own: dict[str, Spread], others: Mapping[str, Spread] | None) -> dict[str, Spread]:
    """Nuisance series are often too short for their own overdispersion (six years are needed). When no
    nuisance series has its own estimate, :func:`spreads` falls back on Poisson, which makes every test far
    too sure on real, overdispersed counts. Use instead the median over the report's crime series that have
    their own estimate (``others``, method ``series``): the same municipality, the same registration
    process. With neither, Poisson stays, and the report says so (``niet te schatten``).

    >>> own = {"E35": Spread(1.0, 0.0, "poisson", None)}
    >>> crime = {"1.1.1": Spread(2.0, 8.0, "series", None), "1.2.3": Spread(4.0, 10.0, "series", None)}
    >>> with_fallback(own, crime)["E35"]
    Spread(phi=3.0, df=9.0, method='pooled', outlier_year=None)
    """
    estimated = [s for s in (others or {}).values() if s.method == "series"]
    if not estimated:
        return own
    phi = float(statistics.median(s.phi for s in estimated))
    df = float(statistics.median(s.df for s in estimated))
    return {code: Spread(phi, df, "pooled", None) if s.method == "poisson" else s for code, s in own.items()}


def build(
    store: Store,
    gemeente: str,
    codes: Sequence[str],
    population: dict[int, float],
    alpha: float,
    *,
    compare: tuple[int, int],
    reeks: tuple[int, int] | None,
    trend_provisional: bool,
    fallback: Mapping[str, Spread] | None = None,
    source: tuple[str, str] = (MEASURE, SCHEME),
    threshold: int = 0,
) -> Nuisance | None:
    """Every test of every code in ``codes`` (those of the taxonomy's themes) of the count ``source``
    (measure, scheme); None when the municipality has no such counts. The compared years are ``compare``
    when both are complete years of this source, else its last two complete years. ``threshold`` is the
    disclosure threshold for a source that is not open data."""
    measure, scheme = source
    frame = yearly(store, gemeente, measure, scheme)
    frame = frame[frame["code"].isin(set(codes))].reset_index(drop=True)
    if frame.empty:
        return None
    years = sorted(int(y) for y in frame["year"].unique())
    if len(years) < 2:
        return None
    year_a, year_b = compare if all(y in years for y in compare) else (years[-2], years[-1])
    first, last = reeks or (years[0], years[-1])
    first, last = max(first, years[0]), min(last, years[-1])
    if first > last:
        first, last = years[0], years[-1]
    loaded = sorted(set(frame["code"]))
    history = list(range(year_b - peers.HISTORY_YEARS + 1, year_b + 1))
    open_data = {r.dataset for r in read.provenance(store) if r.public}
    public = all(d in open_data for d in frame["dataset"].unique())
    hidden = pd.Series(False, index=frame.index) if public else hidden_mask(frame, threshold)
    # Every statistic is computed from what is shown: a hidden count is no value (a gap), so neither the
    # spread nor a comparison can be worked back to it; a series with a gap gets no trend (it would be
    # biased, and its slope would depend on the hidden count).
    frame = frame.assign(value=frame["value"].mask(hidden))
    spread = with_fallback(spreads(frame, loaded, population, {year_a, year_b, *history}), fallback)
    nl = peers.nl_rates(store, history, set(frame["dataset"]), measure=measure, scheme=scheme)
    rows: dict[str, list[Row]] = {}
    for code in loaded:
        found: list[Row] = []
        change = change_row(frame, code, year_a, year_b, population, alpha, spread[code])
        if change is not None:
            found.append(change)
        gaps = bool(hidden[frame["code"] == code].any())
        if not (gaps and hidden[(frame["code"] == code) & frame["year"].isin(history)].any()):
            found.extend(
                peers.comparisons(
                    frame, code, gemeente, year_b, population, nl, None, None, spread[code], alpha
                )
            )
        if not gaps:
            long, recent, bend = trend_rows(
                series_of(frame, code, years[0], years[-1]), population, alpha, provisional=trend_provisional
            )
            found.extend(r for r in (long, recent, bend) if r is not None)
        rows[type_key(scheme, code)] = [replace(r, scheme=scheme) for r in found]
    return Nuisance(frame, year_a, year_b, first, last, rows, nl, scheme, public, threshold)


def hidden_mask(frame: pd.DataFrame, threshold: int) -> pd.Series:
    """Which counts of a non-public source are not shown: every count from 1 to ``threshold - 1``, and
    where that hides exactly one count of a year, also the smallest other count of that year above zero,
    so that a published total of the year minus the shown parts does not give the hidden one back.

    >>> f = pd.DataFrame({"code": ["A", "B", "C", "A", "B"], "year": [1, 1, 1, 2, 2],
    ...                   "value": [3.0, 40.0, 12.0, 20.0, 30.0]})
    >>> hidden_mask(f, 5).tolist()
    [True, False, True, False, False]
    """
    hidden = frame["value"].between(1, threshold - 1)
    extra: list[object] = []
    for _year, part in frame.groupby("year"):
        primary = hidden[part.index]
        if int(primary.sum()) == 1 and len(part) > 1:
            others = part.loc[~primary & (part["value"] > 0), "value"]
            if not others.empty:
                extra.append(others.idxmin())
    return hidden | frame.index.isin(extra)


def block(found: Nuisance, codes: Sequence[str], corrected: dict[str, list[Row]]) -> SourceBlock | None:
    """The theme's nuisance block from the corrected rows; None when none of ``codes`` is loaded."""
    present = [c for c in codes if c in set(found.frame["code"])]
    if not present:
        return None
    theme_rows = [r for c in present for r in corrected.get(type_key(found.scheme, c), [])]
    frame = found.frame
    view = frame[
        (frame["year"] >= min(found.first, found.year_a)) & (frame["year"] <= max(found.last, found.year_b))
    ]
    provisional = tuple(sorted(int(y) for y in view.loc[view["status"] == "voorlopig", "year"].unique()))
    nl_now = found.nl.get(found.year_b)
    datasets = sorted(str(d) for d in frame.loc[frame["code"].isin(present), "dataset"].unique())
    return SourceBlock(
        scheme=found.scheme,
        year_a=found.year_a,
        year_b=found.year_b,
        first_year=found.first,
        last_year=found.last,
        provisional_years=provisional,
        dataset=", ".join(datasets),
        changes=tuple(r for r in theme_rows if isinstance(r, ChangeRow)),
        series=tuple(
            replace(series_of(frame, c, found.first, found.last), scheme=found.scheme) for c in present
        ),
        trends=tuple(r for r in theme_rows if isinstance(r, TrendRow)),
        comparisons=tuple(r for r in theme_rows if isinstance(r, ComparisonRow)),
        bends=tuple(r for r in theme_rows if isinstance(r, BendRow)),
        nl_dataset=nl_now.dataset if nl_now else None,
        nl_year=nl_now.year if nl_now else None,
        illustrative=any(is_illustrative(d) for d in datasets),
        public=found.public,
        threshold=found.threshold,
    )
