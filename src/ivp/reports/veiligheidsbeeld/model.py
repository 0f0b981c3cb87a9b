"""The data classes of the Veiligheidsbeeld's context: plain, frozen, built by :mod:`.context`.

One rule for every verdict in every format: a row's ``direction`` and ``label`` are those *after*
Benjamini-Hochberg over the report's one test family (``q <= alpha``); ``raw_direction`` and
``raw_label`` keep the verdict of the test on its own, so a reader can be told "p = 0,041, but not
demonstrable after correction for the number of tests". A row with small numbers is no verdict at all:
its label says so, it has no q and it is not in the family.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from ivp.reports.veiligheidsbeeld.area_model import AreaRow, AreaSection

__all__ = ["AreaRow", "AreaSection"]  # the rest is imported by name

#: The count sources of the theme chapters (``scheme`` of the stored observations).
CRIME_SCHEME = "cbs-misdrijf"
NUISANCE_SCHEME = "politie-overlast"
MELDPUNT_SCHEME = "meldpunt"
#: Municipal registers loaded with ``ivp ingest reeks`` (family keys 'reeks:<id>').
REGISTER_SCHEME = "reeks"


@dataclass(frozen=True)
class Options:
    """What the advisor asked for; None means the default."""

    vergelijk: tuple[int, int] | None = None
    reeks: tuple[int, int] | None = None
    themes: tuple[str, ...] = ()
    #: Fit trends on provisional years too (default: final years only, the report says which it left out).
    trend_provisional: bool = False


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
    dispersion: Spread
    scheme: str = CRIME_SCHEME  # the count source (police codes repeat across schemes: 0.0.0)

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
    scheme: str = CRIME_SCHEME


@dataclass(frozen=True)
class Spread:
    """The overdispersion a crime type's tests allowed for (see :mod:`ivp.stats.dispersion`)."""

    phi: float
    df: float
    method: str  # 'series' | 'pooled' | 'poisson'
    outlier_year: int | None


@dataclass(frozen=True)
class TrendRow:
    """A log-linear trend over final years: the long one (``period='lang'``) or the recent one."""

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
    period: str = "lang"  # 'lang' | 'recent'
    outlier_year: int | None = None
    left_out: tuple[int, ...] = ()  # provisional years not used
    small_numbers: bool = False
    provisional_in: tuple[int, ...] = ()  # provisional years used (only with trend_provisional)
    scheme: str = CRIME_SCHEME

    @property
    def lost_after_correction(self) -> bool:
        return self.raw_direction != 0 and self.direction == 0


@dataclass(frozen=True)
class BendRow:
    """A change of direction at the start of the recent period (segmented trend, fixed join year)."""

    code: str
    title: str
    break_year: int
    before: float  # annual percent change before break_year
    after: float  # ... and from break_year on
    p_value: float
    p_adjusted: float
    kind: str  # after correction: 'none' | 'reversed' | 'stopped' | 'steeper' | 'flatter'
    raw_kind: str
    small_numbers: bool = False
    scheme: str = CRIME_SCHEME

    @property
    def direction(self) -> int:
        return 0 if self.kind == "none" else 1

    @property
    def raw_direction(self) -> int:
        return 0 if self.raw_kind == "none" else 1

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
    method: str = "referentie"  # 'referentie' (the Netherlands) | 'trechter' (funnel of peers)
    limit_low: float | None = None  # funnel: the 95% control limits at our population
    limit_high: float | None = None
    units: int = 0  # funnel: municipalities in it, ours included
    small_numbers: bool = False
    years_higher: tuple[int, ...] = ()  # of the last three years: those with the ratio's lower bound > 1
    conservative_ratio: float = float("nan")  # the smallest of those lower bounds
    dispersion: Spread | None = None
    tau2: float = 0.0  # funnel: between-municipality variance (square-root scale)
    peer_points: tuple[tuple[str, float, float], ...] = ()  # funnel: (name, population, rate) of the peers
    scheme: str = CRIME_SCHEME

    @property
    def lost_after_correction(self) -> bool:
        return self.raw_direction != 0 and self.direction == 0

    @property
    def persistent(self) -> bool:
        """Higher in at least two of the last three years (the aandachtspunt rule)."""
        return len(self.years_higher) >= 2


@dataclass(frozen=True)
class LevelRow:
    """A level that is not a count (percentage, report mark, amount, rate) in period A against period B,
    tested from the uncertainty its source states (:func:`ivp.stats.levels.level_difference`)."""

    code: str
    title: str
    unit: str
    period_a: str  # the reader's labels: '2021', '2e kwartaal 2023'
    period_b: str
    value_a: float
    value_b: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    p_adjusted: float
    direction: int
    label: str
    demonstrable_fdr: bool
    raw_direction: int
    raw_label: str
    interval_from: str  # 'bron' (the source's interval) | 'n' (Wilson interval from the sample size)
    provisional_a: bool = False
    provisional_b: bool = False
    small_numbers: bool = False
    scheme: str = REGISTER_SCHEME

    @property
    def lost_after_correction(self) -> bool:
        return self.raw_direction != 0 and self.direction == 0


#: Every kind of row in the report's test family.
Row = ChangeRow | ComparisonRow | TrendRow | BendRow | LevelRow


@dataclass(frozen=True)
class IndicatorPoint:
    """One period of a register series; ``value`` is None when it is a small count that is protected."""

    period: str  # canonical: '2023', '2023-K2', '2023-05', '2023-01-01/2023-06-30'
    label: str  # the reader's: '2023', '2e kwartaal 2023', 'mei 2023', '1 jan. 2023 t/m 30 jun. 2023'
    year: int
    value: float | None
    lower: float | None = None
    upper: float | None = None
    n: float | None = None
    provisional: bool = False
    protected: bool = False


@dataclass(frozen=True)
class Indicator:
    """A series from a municipality's own register in its theme chapter, with its test when it has one."""

    code: str
    title: str
    theme: str
    unit: str  # 'aantal' | 'percentage' | 'rapportcijfer' | 'euro' | 'per_1000'
    grain: str  # of ``points``: counts are summed to complete years ('jaar')
    source: str
    licence: str | None
    definition: str | None
    dataset: str
    points: tuple[IndicatorPoint, ...]
    change: ChangeRow | LevelRow | None = None
    compared: tuple[str, str] | None = None  # labels of the two periods set side by side (A, B)
    trends: tuple[TrendRow, ...] = ()
    bends: tuple[BendRow, ...] = ()
    note: str | None = None  # why there is no test, when there is none
    public: bool = False
    illustrative: bool = False
    threshold: int = 5  # counts below this are not shown (a non-public register)


@dataclass(frozen=True)
class Family:
    """The report's one test family: every verdict on every crime type of every theme."""

    size: int
    by_kind: dict[str, int]
    codes: int
    alpha: float


@dataclass(frozen=True)
class SourceBlock:
    """A further count source in a theme chapter (police nuisance, the meldpunt): its own years."""

    scheme: str
    year_a: int
    year_b: int
    first_year: int
    last_year: int
    provisional_years: tuple[int, ...]
    dataset: str
    changes: tuple[ChangeRow, ...]
    series: tuple[TypeSeries, ...]
    trends: tuple[TrendRow, ...]
    comparisons: tuple[ComparisonRow, ...]
    bends: tuple[BendRow, ...] = ()
    nl_dataset: str | None = None
    nl_year: int | None = None
    illustrative: bool = False
    public: bool = True  # False: not open data; counts between 0 and ``threshold`` are not shown
    threshold: int = 0

    @property
    def has_figures(self) -> bool:
        return bool(self.changes or self.series)


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
    bends: tuple[BendRow, ...] = ()
    nuisance: SourceBlock | None = None  # police nuisance registrations, when loaded for the theme
    indicators: tuple[Indicator, ...] = ()  # series from the municipality's registers (ivp ingest reeks)
    meldpunt: SourceBlock | None = None  # meldingen at the meldpunt, when loaded for the theme

    @property
    def count_blocks(self) -> tuple[SourceBlock, ...]:
        """The further count sources with figures: police nuisance, then the meldpunt."""
        return tuple(b for b in (self.nuisance, self.meldpunt) if b is not None and b.has_figures)

    @property
    def has_figures(self) -> bool:
        return bool(self.changes or self.series or self.count_blocks or self.indicators)


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
    family: Family | None = None
    nl_dataset: str | None = None  # the table the national figures came from
    trend_left_out: tuple[int, ...] = ()  # provisional years left out of the trends
    recent_years: int = 5
    trend_provisional: bool = False  # the trends include provisional years (on request)
    illustrative: bool = False  # some figure shown comes from an illustrative dataset (contract 2)

    @property
    def crime_source_period(self) -> str:
        return f"{self.first_year}-{self.last_year}"


def clean_title(title: str) -> str:
    """Drop the code CBS puts in front of a title: '1.1.1 Diefstal/inbraak woning' -> 'Diefstal/...'."""
    head, _sep, rest = str(title).partition(" ")
    return rest if rest and head.replace(".", "").isdigit() else str(title)


def finite(value: float) -> bool:
    """True for a real, finite number (used by templates)."""
    return not (math.isnan(value) or math.isinf(value))
