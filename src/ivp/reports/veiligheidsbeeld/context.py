"""The data context of the Veiligheidsbeeld: plain frozen dataclasses from store queries and ivp.stats.

Nothing here formats text for readers; :mod:`.render` and :mod:`.sentences` do that. Every figure keeps
what a reader needs to judge it: the year, whether it is provisional, the test and its p-value (also
after Benjamini-Hochberg over all tests of the report), and whether the numbers are small.

One rule for every verdict in every format: a row's ``direction`` and ``label`` are those *after*
Benjamini-Hochberg (q <= alpha); ``raw_direction`` and ``raw_label`` keep the verdict of the test on its
own, so a reader can be told "p = 0,041, but not demonstrable after correction for the number of tests".
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from ivp.lib.errors import IvpError
from ivp.lib.i18n import _
from ivp.reports.veiligheidsbeeld import areas as area_mod
from ivp.reports.veiligheidsbeeld.areas import AreaSection
from ivp.stats import change_test, fdr_bh, rate_vs_reference, trend_test
from ivp.stats.change import LABEL_FALL, LABEL_NONE, LABEL_RISE
from ivp.stats.rates import LABEL_HIGHER, LABEL_LOWER, LABEL_SAME
from ivp.stats.trend import LABEL_TREND_DOWN, LABEL_TREND_NONE, LABEL_TREND_UP
from ivp.store import Store
from ivp.themes import Taxonomy, load_taxonomy
from ivp.workspace import Workspace

MEASURE = "geregistreerde_misdrijven"
SCHEME = "cbs-misdrijf"
NL = "NL00"
#: "Similar size": municipalities whose population in the compared year is within this fraction of ours.
SIMILAR_SIZE_MARGIN = 0.25
#: Narrative Markdown files per theme, written by the advisor: ``teksten/<theme>/<name>.md``.
TEXT_SECTIONS = ("waar-gaat-het-om", "wat-speelt-er", "uitdagingen")

R = TypeVar("R", "ChangeRow", "ComparisonRow", "TrendRow")
#: Verdict labels per kind of test, indexed by direction + 1 (fall/lower, none, rise/higher).
CHANGE_LABELS = (LABEL_FALL, LABEL_NONE, LABEL_RISE)
COMPARISON_LABELS = (LABEL_LOWER, LABEL_SAME, LABEL_HIGHER)
TREND_LABELS = (LABEL_TREND_DOWN, LABEL_TREND_NONE, LABEL_TREND_UP)


@dataclass(frozen=True)
class Options:
    """What the advisor asked for; None means the default."""

    vergelijk: tuple[int, int] | None = None
    reeks: tuple[int, int] | None = None
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChangeRow:
    """One crime type compared between year A and year B (exact conditional test, population exposure)."""

    code: str
    title: str
    count_a: float
    count_b: float
    provisional_a: bool
    provisional_b: bool
    percent_change: float
    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    p_adjusted: float
    direction: int  # verdict after Benjamini-Hochberg: -1, 0, 1
    label: str
    small_numbers: bool
    demonstrable_fdr: bool
    raw_direction: int  # verdict of the test on its own
    raw_label: str

    @property
    def lost_after_correction(self) -> bool:
        """True when the test on its own was significant but not after Benjamini-Hochberg."""
        return self.raw_direction != 0 and self.direction == 0


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    value: float | None
    provisional: bool


@dataclass(frozen=True)
class TypeSeries:
    code: str
    title: str
    points: tuple[SeriesPoint, ...]


@dataclass(frozen=True)
class TrendRow:
    code: str
    title: str
    first: int
    last: int
    annual_percent_change: float
    ci_low: float
    ci_high: float
    p_value: float
    direction: int
    label: str
    p_adjusted: float
    raw_direction: int
    raw_label: str

    @property
    def lost_after_correction(self) -> bool:
        return self.raw_direction != 0 and self.direction == 0


@dataclass(frozen=True)
class ComparisonRow:
    """The municipality's rate per 1,000 against a reference rate (the Netherlands or a size group)."""

    code: str
    title: str
    year: int
    reference: str
    count: float
    population: float
    rate: float
    reference_rate: float
    ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    p_adjusted: float
    direction: int
    label: str
    demonstrable_fdr: bool
    raw_direction: int
    raw_label: str

    @property
    def lost_after_correction(self) -> bool:
        return self.raw_direction != 0 and self.direction == 0


@dataclass(frozen=True)
class ThemeSection:
    id: str
    naam: str
    opgave: str  # the opgave's Dutch name (its id when the taxonomy does not know it)
    beschrijving: str
    texts: dict[str, str | None]
    changes: tuple[ChangeRow, ...]
    series: tuple[TypeSeries, ...]
    trends: tuple[TrendRow, ...]
    comparisons: tuple[ComparisonRow, ...]

    @property
    def has_figures(self) -> bool:
        return bool(self.changes or self.series)


@dataclass(frozen=True)
class SourceRow:
    source_id: str
    dataset: str
    title: str
    publisher: str
    licence: str
    period: str | None
    vintage: str | None
    retrieved_at: dt.datetime
    provisional: str | None


@dataclass(frozen=True)
class SizeGroup:
    """The comparison group of municipalities of similar size, with the rule that made it."""

    year: int
    population: float
    low: float
    high: float
    members: tuple[tuple[str, str], ...]  # (code, name)


@dataclass(frozen=True)
class ReportContext:
    gemeente: str
    naam: str
    generated: dt.date
    year_a: int
    year_b: int
    first_year: int
    last_year: int
    provisional_years: tuple[int, ...]
    alpha: float
    min_population: int
    population: dict[int, float]
    themes: tuple[ThemeSection, ...]
    areas: tuple[AreaSection, ...]
    sources: tuple[SourceRow, ...]
    size_group: SizeGroup | None
    nl_year: int | None
    intro: str | None

    @property
    def crime_source_period(self) -> str:
        return f"{self.first_year}-{self.last_year}"


def build_context(ws: Workspace, store: Store, options: Options | None = None) -> ReportContext:
    """Query the store and compute every figure of the report; raise IvpError when nothing is loaded."""
    opts = options or Options()
    obs = store.query(
        """
        SELECT o.category AS code, coalesce(c.title, o.category) AS title, o.year, o.value, o.status
        FROM observations o
        LEFT JOIN (SELECT scheme, code, any_value(title) AS title FROM categories GROUP BY scheme, code) c
               ON c.scheme = o.scheme AND c.code = o.category
        WHERE o.measure = ? AND o.scheme = ? AND o.region = ? AND o.grain = 'jaar'
        ORDER BY o.category, o.year
        """,
        [MEASURE, SCHEME, ws.gemeente],
    )
    if obs.empty:
        raise IvpError(
            _(
                "Geen misdrijfcijfers voor {code} in de werkmap. Laad ze eerst: ivp ingest cbs 47018NED"
            ).format(code=ws.gemeente)
        )
    obs["title"] = obs["title"].map(_clean_title)
    years = sorted(int(y) for y in obs["year"].unique())
    first, last = opts.reeks or (years[0], years[-1])
    year_a, year_b = opts.vergelijk or (years[-2], years[-1])
    for y in (year_a, year_b):
        if y not in years:
            raise IvpError(
                _("Voor {year} zijn geen cijfers geladen; kies jaren uit {first}-{last}.").format(
                    year=y, first=years[0], last=years[-1]
                )
            )
    obs = obs[(obs["year"] >= min(first, year_a)) & (obs["year"] <= max(last, year_b))]
    provisional = tuple(sorted(int(y) for y in obs.loc[obs["status"] == "voorlopig", "year"].unique()))
    population = _population(store, ws.gemeente)
    taxonomy = load_taxonomy(ws.root)
    wanted = [t for t in taxonomy.themes if not opts.themes or t.id in opts.themes]
    if opts.themes:
        unknown = set(opts.themes) - {t.id for t in taxonomy.themes}
        if unknown:
            raise IvpError(
                _("Onbekend thema: {bad}. Kies uit: {valid}.").format(
                    bad=", ".join(sorted(unknown)), valid=", ".join(t.id for t in taxonomy.themes)
                )
            )
    nl_year, nl_rates = _nl_rates(store, year_b)
    group = _size_group(store, ws.gemeente, year_b, population)
    group_rates = _group_rates(store, group) if group else {}

    drafts: list[ThemeSection] = []
    for theme in wanted:
        codes = sorted(c for c in taxonomy.codes_for(theme.id, SCHEME) if c in set(obs["code"]))
        theme_obs = obs[obs["code"].isin(codes)]
        changes = [_change(theme_obs, code, year_a, year_b, population, ws.alpha) for code in codes]
        series = [_series(theme_obs, code, first, last) for code in codes]
        comparisons: list[ComparisonRow] = []
        for code in codes:
            comparisons.extend(
                _comparisons(
                    theme_obs, code, population, nl_year, nl_rates, group, group_rates, year_b, ws.alpha
                )
            )
        drafts.append(
            ThemeSection(
                id=theme.id,
                naam=theme.naam,
                opgave=_opgave_name(taxonomy, theme.opgave),
                beschrijving=theme.beschrijving,
                texts=_texts(ws.teksten, theme.id),
                changes=tuple(c for c in changes if c is not None),
                series=tuple(series),
                trends=tuple(t for t in (_trend(s, population, ws.alpha) for s in series) if t is not None),
                comparisons=tuple(comparisons),
            )
        )
    themes = apply_fdr(drafts, ws.alpha)
    areas = area_mod.build_areas(store, ws.gemeente, ws.min_inwoners, obs_totals=obs)
    intro_path = ws.teksten / "inleiding.md"
    return ReportContext(
        gemeente=ws.gemeente,
        naam=ws.naam,
        generated=dt.date.today(),
        year_a=year_a,
        year_b=year_b,
        first_year=first,
        last_year=last,
        provisional_years=provisional,
        alpha=ws.alpha,
        min_population=ws.min_inwoners,
        population=population,
        themes=tuple(themes),
        areas=areas,
        sources=_sources(store),
        size_group=group,
        nl_year=nl_year,
        intro=intro_path.read_text(encoding="utf-8") if intro_path.exists() else None,
    )


def _clean_title(title: str) -> str:
    """Drop the code CBS puts in front of a title: '1.1.1 Diefstal/inbraak woning' -> 'Diefstal/...'."""
    head, _sep, rest = str(title).partition(" ")
    return rest if rest and head.replace(".", "").isdigit() else str(title)


def _population(store: Store, region: str) -> dict[int, float]:
    frame = store.query(
        "SELECT year, any_value(value) AS value FROM population WHERE region = ? GROUP BY year", [region]
    )
    return {int(y): float(v) for y, v in zip(frame["year"], frame["value"], strict=True)}


def _value(frame: pd.DataFrame, code: str, year: int) -> tuple[float | None, bool]:
    rows = frame[(frame["code"] == code) & (frame["year"] == year)]
    if rows.empty or pd.isna(rows["value"].iloc[0]):
        return None, False
    return float(rows["value"].iloc[0]), bool(rows["status"].iloc[0] == "voorlopig")


def _title(frame: pd.DataFrame, code: str) -> str:
    return str(frame.loc[frame["code"] == code, "title"].iloc[0])


def _change(
    frame: pd.DataFrame, code: str, year_a: int, year_b: int, population: dict[int, float], alpha: float
) -> ChangeRow | None:
    a, prov_a = _value(frame, code, year_a)
    b, prov_b = _value(frame, code, year_b)
    if a is None or b is None:
        return None
    exp_a, exp_b = population.get(year_a, 1.0), population.get(year_b, 1.0)
    if year_a not in population or year_b not in population:
        exp_a = exp_b = 1.0
    res = change_test(a, b, exp_a, exp_b, alpha=alpha)
    return ChangeRow(
        code=code,
        title=_title(frame, code),
        count_a=a,
        count_b=b,
        provisional_a=prov_a,
        provisional_b=prov_b,
        percent_change=res.percent_change,
        rate_ratio=res.rate_ratio,
        ci_low=res.ci_low,
        ci_high=res.ci_high,
        p_value=res.p_value,
        p_adjusted=res.p_value,
        direction=res.direction,
        label=res.label,
        small_numbers=res.small_numbers,
        demonstrable_fdr=res.direction != 0,
        raw_direction=res.direction,
        raw_label=res.label,
    )


def _series(frame: pd.DataFrame, code: str, first: int, last: int) -> TypeSeries:
    points = []
    for year in range(first, last + 1):
        value, prov = _value(frame, code, year)
        points.append(SeriesPoint(year, value, prov))
    return TypeSeries(code, _title(frame, code), tuple(points))


def _trend(series: TypeSeries, population: dict[int, float], alpha: float) -> TrendRow | None:
    pts = [p for p in series.points if p.value is not None]
    if len(pts) < 4 or sum(p.value or 0 for p in pts) == 0:
        return None
    years = np.array([p.year for p in pts], dtype=float)
    counts = np.array([p.value for p in pts], dtype=float)
    exposure = None
    if all(p.year in population for p in pts):
        exposure = np.array([population[p.year] for p in pts], dtype=float)
    res = trend_test(years, counts, exposure, alpha=alpha)
    return TrendRow(
        code=series.code,
        title=series.title,
        first=pts[0].year,
        last=pts[-1].year,
        annual_percent_change=float(res.annual_percent_change),
        ci_low=float(res.ci_low),
        ci_high=float(res.ci_high),
        p_value=float(res.p_value),
        direction=int(res.direction),
        label=str(res.label),
        p_adjusted=float(res.p_value),
        raw_direction=int(res.direction),
        raw_label=str(res.label),
    )


def _nl_rates(store: Store, year_b: int) -> tuple[int | None, dict[str, float]]:
    """Rates per 1,000 for the Netherlands in the latest year <= year_b with national figures."""
    frame = store.query(
        """
        WITH pop AS (
            SELECT year, sum(value) AS value FROM (
                SELECT region, year, any_value(value) AS value FROM population
                WHERE region LIKE 'GM%' AND region <> 'GM0000' GROUP BY region, year)
            GROUP BY year)
        SELECT o.category AS code, o.year, o.value, pop.value AS population
        FROM observations o JOIN pop ON pop.year = o.year
        WHERE o.measure = ? AND o.scheme = ? AND o.region = ? AND o.grain = 'jaar' AND o.year <= ?
          AND o.value IS NOT NULL
        """,
        [MEASURE, SCHEME, NL, year_b],
    )
    if frame.empty:
        return None, {}
    year = int(frame["year"].max())
    sel = frame[frame["year"] == year]
    return year, {
        str(c): float(v) / float(p) * 1000.0
        for c, v, p in zip(sel["code"], sel["value"], sel["population"], strict=True)
    }


def _size_group(store: Store, gemeente: str, year: int, population: dict[int, float]) -> SizeGroup | None:
    pop_year = year if year in population else (max(population) if population else None)
    if pop_year is None:
        return None
    own = population[pop_year]
    low, high = own * (1 - SIMILAR_SIZE_MARGIN), own * (1 + SIMILAR_SIZE_MARGIN)
    frame = store.query(
        """
        SELECT p.region AS code, coalesce(any_value(r.name), p.region) AS name
        FROM population p LEFT JOIN region_current r ON r.code = p.region
        WHERE p.year = ? AND p.region LIKE 'GM%' AND p.region NOT IN (?, 'GM0000')
          AND p.value BETWEEN ? AND ?
        GROUP BY p.region ORDER BY name
        """,
        [pop_year, gemeente, low, high],
    )
    members = tuple((str(c), str(n)) for c, n in zip(frame["code"], frame["name"], strict=True))
    return SizeGroup(pop_year, own, low, high, members) if members else None


def _group_rates(store: Store, group: SizeGroup) -> dict[str, float]:
    codes = [c for c, _n in group.members]
    placeholders = ", ".join("?" for _c in codes)
    frame = store.query(
        f"""
        WITH pop AS (SELECT region, any_value(value) AS value FROM population
                     WHERE year = ? AND region IN ({placeholders}) GROUP BY region)
        SELECT o.category AS code, sum(o.value) AS value, sum(pop.value) AS population
        FROM observations o JOIN pop ON pop.region = o.region
        WHERE o.measure = ? AND o.scheme = ? AND o.grain = 'jaar' AND o.year = ? AND o.value IS NOT NULL
        GROUP BY o.category
        """,
        [group.year, *codes, MEASURE, SCHEME, group.year],
    )
    return {
        str(c): float(v) / float(p) * 1000.0
        for c, v, p in zip(frame["code"], frame["value"], frame["population"], strict=True)
        if p and p > 0
    }


def _comparisons(
    frame: pd.DataFrame,
    code: str,
    population: dict[int, float],
    nl_year: int | None,
    nl_rates: dict[str, float],
    group: SizeGroup | None,
    group_rates: dict[str, float],
    year_b: int,
    alpha: float,
) -> list[ComparisonRow]:
    out: list[ComparisonRow] = []
    refs: list[tuple[str, int | None, float | None]] = [
        (_("Nederland"), nl_year, nl_rates.get(code)),
        (_("vergelijkbare gemeenten"), group.year if group else None, group_rates.get(code)),
    ]
    for name, year, ref in refs:
        if year is None or ref is None or year not in population:
            continue
        count, _prov = _value(frame, code, year)
        if count is None:
            continue
        res = rate_vs_reference(count, population[year], ref, per=1000.0, alpha=alpha)
        out.append(
            ComparisonRow(
                code=code,
                title=_title(frame, code),
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


def apply_fdr(drafts: list[ThemeSection], alpha: float) -> list[ThemeSection]:
    """Benjamini-Hochberg over all tests of one kind in the report; the verdicts become the adjusted ones.

    Three families: every change test (year A against year B), every reference comparison (the
    Netherlands, similar municipalities) and every trend. A row keeps its raw verdict in ``raw_*``.
    """
    change_adj = iter(_adjust([c.p_value for d in drafts for c in d.changes], alpha))
    comp_adj = iter(_adjust([c.p_value for d in drafts for c in d.comparisons], alpha))
    trend_adj = iter(_adjust([t.p_value for d in drafts for t in d.trends], alpha))
    return [
        replace(
            d,
            changes=tuple(_with_fdr(c, *next(change_adj), CHANGE_LABELS) for c in d.changes),
            comparisons=tuple(_with_fdr(c, *next(comp_adj), COMPARISON_LABELS) for c in d.comparisons),
            trends=tuple(_with_fdr(t, *next(trend_adj), TREND_LABELS) for t in d.trends),
        )
        for d in drafts
    ]


def _adjust(p_values: list[float], alpha: float) -> list[tuple[float, bool]]:
    if not p_values:
        return []
    res = fdr_bh(np.asarray(p_values, dtype=float), alpha=alpha)
    return [(float(p), bool(r)) for p, r in zip(res.adjusted, res.rejected, strict=True)]


def _with_fdr(row: R, p_adjusted: float, rejected: bool, labels: tuple[str, str, str]) -> R:
    direction = row.raw_direction if rejected else 0
    # a row that was not significant anyway keeps its own label (e.g. "te weinig gegevens voor een trend")
    label = row.raw_label if direction == row.raw_direction == 0 else _(labels[direction + 1])
    if isinstance(row, TrendRow):
        return replace(row, p_adjusted=p_adjusted, direction=direction, label=label)
    return replace(
        row, p_adjusted=p_adjusted, direction=direction, label=label, demonstrable_fdr=direction != 0
    )


def _opgave_name(taxonomy: Taxonomy, opgave_id: str) -> str:
    if not opgave_id:
        return ""
    try:
        return taxonomy.opgave(opgave_id).naam
    except KeyError:
        return opgave_id


def _texts(folder: Path, theme_id: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in TEXT_SECTIONS:
        path = folder / theme_id / f"{name}.md"
        out[name] = path.read_text(encoding="utf-8") if path.exists() else None
    return out


def _sources(store: Store) -> tuple[SourceRow, ...]:
    frame = store.sources()
    prov = store.query(
        """SELECT source_id, dataset, list(DISTINCT year ORDER BY year) AS years FROM observations
           WHERE status = 'voorlopig' GROUP BY source_id, dataset"""
    )
    provisional = {
        (str(s), str(d)): ", ".join(str(int(y)) for y in ys)
        for s, d, ys in zip(prov["source_id"], prov["dataset"], prov["years"], strict=True)
    }
    rows = []
    for rec in frame.itertuples():
        rows.append(
            SourceRow(
                source_id=str(rec.source_id),
                dataset=str(rec.dataset),
                title=str(rec.title),
                publisher=str(rec.publisher),
                licence=str(rec.licence),
                period=_opt_str(rec.period),
                vintage=_opt_str(rec.vintage),
                retrieved_at=pd.Timestamp(str(rec.retrieved_at)).to_pydatetime(),
                provisional=provisional.get((str(rec.source_id), str(rec.dataset))),
            )
        )
    return tuple(rows)


def finite(value: float) -> bool:
    """True for a real, finite number (used by templates)."""
    return not (math.isnan(value) or math.isinf(value))


def _opt_str(value: object) -> str | None:
    """Return ``value`` as text, or None for a missing value (None/NaN/NA)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return str(value)
