"""An integral safety plan (IVP) as plain, frozen data.

The plan is what the council adopted: a period, overarching tasks ("opgaven") with goals, working
methods, two-yearly implementation plans ("uitvoeringsplannen") per subject with pillars, and
performance indicators with yearly targets. Realisations are what was achieved; they are kept apart
from the plan because they change every quarter while the plan changes rarely.

Field names are English; the YAML keys users write are Dutch (see ``docs/plan.md``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["aantal", "procent", "euro", "rapportcijfer", "ja_nee"]
Direction = Literal["hoger_is_beter", "lager_is_beter"]
Aggregation = Literal["som", "stand"]
SourceKind = Literal["handmatig", "statistiek", "casusregister"]

UNITS: tuple[Unit, ...] = ("aantal", "procent", "euro", "rapportcijfer", "ja_nee")
DIRECTIONS: tuple[Direction, ...] = ("hoger_is_beter", "lager_is_beter")
AGGREGATIONS: tuple[Aggregation, ...] = ("som", "stand")
SOURCE_KINDS: tuple[SourceKind, ...] = ("handmatig", "statistiek", "casusregister")


@dataclass(frozen=True)
class Period:
    """A span of whole calendar years, both ends included."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.start, self.end + 1))

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.start <= year <= self.end

    def label(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"


@dataclass(frozen=True)
class Opgave:
    """An overarching task of the plan, e.g. *Veilige wijken*, with its themes and goals."""

    id: str
    name: str
    description: str
    themes: tuple[str, ...]
    goals: tuple[str, ...] = ()
    working_method: str | None = None


@dataclass(frozen=True)
class WorkingMethod:
    """How the municipality works on its tasks: area-, theme- or target-group-based."""

    id: str
    name: str
    description: str
    opgaven: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pillar:
    """A line of work inside an implementation plan, e.g. *Bestuurlijke aanpak*."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class ImplementationPlan:
    """A two-yearly implementation plan for one subject, e.g. ondermijning 2023-2024."""

    id: str
    subject: str
    name: str
    period: Period
    opgave: str
    themes: tuple[str, ...]
    pillars: tuple[Pillar, ...] = ()
    actions: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class StatisticSpec:
    """Where a statistic indicator's yearly values come from in the store (``observations``)."""

    measure: str
    category: str
    scheme: str = "cbs-misdrijf"
    region: str | None = None  # None: the plan's municipality


@dataclass(frozen=True)
class Baseline:
    """The reference value ("nulmeting") an indicator's change is measured against."""

    year: int
    value: float | None = None  # None: look it up (statistics)


@dataclass(frozen=True)
class Indicator:
    """A performance indicator with yearly targets, linked to themes and optionally a subject/pillar.

    An indicator without targets is a monitoring figure ("kengetal"): it is reported as counts per
    period but gets no attainment status.
    """

    id: str
    name: str
    unit: Unit
    direction: Direction
    owner: str
    source: SourceKind
    themes: tuple[str, ...]
    targets: tuple[tuple[int, float], ...] = ()
    aggregation: Aggregation = "som"
    subject: str | None = None
    pillar: str | None = None
    opgave: str | None = None
    description: str = ""
    statistic: StatisticSpec | None = None
    baseline: Baseline | None = None

    def target_for(self, year: int) -> float | None:
        return dict(self.targets).get(year)

    @property
    def is_statistic(self) -> bool:
        return self.source == "statistiek"


@dataclass(frozen=True)
class Realisation:
    """What was achieved for one indicator in one year, as of a date.

    ``value`` is the state for ``year`` up to ``as_of`` (for a yearly count: the count so far; for a
    level: the latest measurement). ``as_of`` None means the whole year (final). A correction is a new
    realisation with ``corrects`` naming the record it replaces; the old one stays in the history.
    """

    indicator: str
    year: int
    value: float
    as_of: dt.date | None = None
    evidence: str = ""
    recorded_by: str = ""
    recorded_at: dt.datetime | None = None
    source: str = "handmatig"
    id: int | None = None
    corrects: int | None = None
    note: str = ""

    def as_of_or_year_end(self) -> dt.date:
        return self.as_of or dt.date(self.year, 12, 31)


@dataclass(frozen=True)
class Plan:
    """An adopted integral safety plan."""

    id: str
    name: str
    gemeente: str
    period: Period
    opgaven: tuple[Opgave, ...]
    working_methods: tuple[WorkingMethod, ...] = ()
    implementation_plans: tuple[ImplementationPlan, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    adopted: dt.date | None = None
    description: str = ""
    realisations: tuple[Realisation, ...] = field(default=(), compare=True)

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def opgave(self, opgave_id: str) -> Opgave:
        for opg in self.opgaven:
            if opg.id == opgave_id:
                return opg
        raise KeyError(opgave_id)

    def subjects(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for up in self.implementation_plans:
            seen.setdefault(up.subject)
        return tuple(seen)

    def plans_for(self, subject: str) -> tuple[ImplementationPlan, ...]:
        return tuple(up for up in self.implementation_plans if up.subject == subject)

    def opgave_of(self, indicator: Indicator) -> str | None:
        """The task an indicator serves: explicit, else through its subject's implementation plan."""
        if indicator.opgave:
            return indicator.opgave
        for up in self.implementation_plans:
            if up.subject == indicator.subject:
                return up.opgave
        for opg in self.opgaven:
            if set(indicator.themes) & set(opg.themes):
                return opg.id
        return None

    def indicators_for_opgave(self, opgave_id: str) -> tuple[Indicator, ...]:
        return tuple(ind for ind in self.indicators if self.opgave_of(ind) == opgave_id)

    def indicators_for_subject(self, subject: str) -> tuple[Indicator, ...]:
        return tuple(ind for ind in self.indicators if ind.subject == subject)
