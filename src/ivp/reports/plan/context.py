"""Contexts of the plan reports: plain data built from the plan, its realisations and the store.

The caller (the CLI) reads the plan and the stored realisations from the app database and passes them
in as the pure model; nothing here touches Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ivp.lib import clock
from ivp.lib.i18n import _
from ivp.plan.model import ImplementationPlan, Indicator, Opgave, Period, Plan, Realisation
from ivp.plan.tracking import IndicatorProgress, all_realisations, progress
from ivp.plan.units import format_value
from ivp.reports.effect.overview import WorkedRow, what_worked
from ivp.reports.naming import municipality_name
from ivp.reports.plan.charts import YearBar, indicator_chart
from ivp.stats import ChangeResult, change_test
from ivp.store import Store, read
from ivp.workspace import Workspace

if TYPE_CHECKING:
    from ivp.interventions.model import Intervention

MAX_TRENDS_PER_OPGAVE = 6
MEASURE = "geregistreerde_misdrijven"
SCHEME = "cbs-misdrijf"


@dataclass(frozen=True)
class Trend:
    """A registered-crime series for a theme of the opgave, with the tested change over the period."""

    theme: str
    category: str
    title: str
    years: tuple[int, ...]
    values: tuple[float, ...]
    provisional: tuple[int, ...]
    year_a: int
    year_b: int
    change: ChangeResult


@dataclass(frozen=True)
class OpgaveSection:
    opgave: Opgave
    working_method: str
    plans: tuple[ImplementationPlan, ...]
    indicators: tuple[IndicatorProgress, ...]
    kengetallen: tuple[IndicatorProgress, ...]
    trends: tuple[Trend, ...]
    theme_names: tuple[str, ...]
    results_text: str | None
    next_text: str | None
    results_path: str
    next_path: str


@dataclass(frozen=True)
class EvaluationContext:
    plan: Plan
    naam: str
    period: Period
    generated: dt.date
    sections: tuple[OpgaveSection, ...]
    counts: dict[str, int]
    intro_text: str | None
    intro_path: str
    sources: tuple[str, ...]
    #: The chapter "Wat werkte?": every registered intervention with its estimate (empty: none registered).
    what_worked: tuple[WorkedRow, ...] = ()


@dataclass(frozen=True)
class PillarSection:
    id: str
    name: str
    description: str
    years: tuple[int, ...]
    rows: tuple[IndicatorProgress, ...]


@dataclass(frozen=True)
class RibContext:
    plan: Plan
    naam: str
    subject: str
    subject_name: str
    current: ImplementationPlan
    plans: tuple[ImplementationPlan, ...]
    period: Period
    years: tuple[int, ...]
    generated: dt.date
    pillars: tuple[PillarSection, ...]
    targets: tuple[IndicatorProgress, ...]
    counts: dict[str, int]
    text: str | None
    text_path: str
    sources: tuple[str, ...] = field(default=())


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def _counts(rows: Sequence[IndicatorProgress]) -> dict[str, int]:
    out = {"behaald": 0, "op_koers": 0, "achter": 0, "onbekend": 0}
    for p in rows:
        out[p.period.status] += 1
    return out


def _sources(plan: Plan, realisations: Sequence[Realisation], store: Store | None) -> tuple[str, ...]:
    out = [_("Plan: {name} ({id}).").format(name=plan.name, id=plan.id)]
    evidence = sorted({r.evidence for r in realisations if r.evidence and r.source != "statistiek"})
    if evidence:
        out.append(
            _("Realisaties vastgelegd door het team Veiligheid, met als bewijs: {e}.").format(
                e="; ".join(evidence[:12]) + ("; ..." if len(evidence) > 12 else "")
            )
        )
    if store is not None and any(r.source == "statistiek" for r in realisations):
        out.append(
            _(
                "Geregistreerde misdrijven: CBS/Politie, tabel 47018NED (CC BY 4.0); cijfers van de laatste jaren zijn voorlopig."
            )
        )
    return tuple(out)


def theme_names(ids: Sequence[str]) -> tuple[str, ...]:
    """Dutch theme names from the taxonomy (the id where the taxonomy has none)."""
    try:
        from ivp.themes import load_taxonomy

        tax = load_taxonomy()
        names = {t.id: t.naam for t in tax.themes}
    except (ImportError, AttributeError):  # pragma: no cover - the taxonomy ships with ivp
        names = {}
    return tuple(names.get(i, i) for i in ids)


def _trends(
    ws: Workspace, store: Store | None, opgave: Opgave, period: Period, alpha: float
) -> tuple[Trend, ...]:
    if store is None:
        return ()
    from ivp.themes import load_taxonomy

    tax = load_taxonomy()
    titles = read.category_titles(store, SCHEME)
    out: list[Trend] = []
    for theme in opgave.themes:
        for code in tax.codes_for(theme, SCHEME):
            frame = read.counts(
                store, MEASURE, SCHEME, categories=[code], regions=[ws.gemeente], present_only=True
            )
            if frame.empty:
                continue
            series = {
                int(str(y)): (float(rows["value"].sum()), str(rows["status"].min()))
                for y, rows in frame.groupby("year", sort=True)
            }
            year_a = period.start - 1
            year_b = max((y for y in series if y <= period.end), default=None)
            if year_a not in series or year_b is None or year_b <= year_a:
                continue
            change = change_test(round(series[year_a][0]), round(series[year_b][0]), alpha=alpha)
            out.append(
                Trend(
                    theme=theme,
                    category=code,
                    title=str(titles.get(code, code)),
                    years=tuple(series),
                    values=tuple(v for v, _s in series.values()),
                    provisional=tuple(y for y, (_v, s) in series.items() if s == "voorlopig"),
                    year_a=year_a,
                    year_b=year_b,
                    change=change,
                )
            )
    out.sort(key=lambda t: -t.values[-1])
    return tuple(out[:MAX_TRENDS_PER_OPGAVE])


def evaluation_context(
    ws: Workspace,
    plan: Plan,
    stored: Sequence[Realisation],
    store: Store | None,
    period: Period | None = None,
    today: dt.date | None = None,
    interventions: Sequence[Intervention] = (),
) -> EvaluationContext:
    """The midterm evaluation: per opgave results, indicators, trends, the narrative texts and, for the
    registered ``interventions``, the chapter "Wat werkte?" (:mod:`ivp.reports.effect.overview`)."""
    period = period or Period(plan.period.start, min(plan.period.end, plan.period.start + 1))
    reals = all_realisations(plan, stored, store)
    methods = {m.id: m.name for m in plan.working_methods}
    sections = []
    all_rows: list[IndicatorProgress] = []
    for opg in plan.opgaven:
        rows = progress(
            plan, reals, period, indicators=plan.indicators_for_opgave(opg.id), store=store, alpha=ws.alpha
        )
        with_target = tuple(p for p in rows if any(y in period for y, _v in p.indicator.targets))
        all_rows.extend(with_target)
        base = ws.teksten / "opgaven" / opg.id
        sections.append(
            OpgaveSection(
                opgave=opg,
                working_method=methods.get(opg.working_method or "", ""),
                plans=tuple(
                    u
                    for u in plan.implementation_plans
                    if u.opgave == opg.id and u.period.start <= period.end and u.period.end >= period.start
                ),
                indicators=with_target,
                kengetallen=tuple(p for p in rows if not p.indicator.targets),
                trends=_trends(ws, store, opg, period, ws.alpha),
                theme_names=theme_names(opg.themes),
                results_text=_read(base / "resultaten.md"),
                next_text=_read(base / "inzet_komende_periode.md"),
                results_path=f"teksten/opgaven/{opg.id}/resultaten.md",
                next_path=f"teksten/opgaven/{opg.id}/inzet_komende_periode.md",
            )
        )
    return EvaluationContext(
        plan=plan,
        naam=municipality_name(ws, store),
        period=period,
        generated=today or clock.today(),
        sections=tuple(sections),
        counts=_counts(all_rows),
        intro_text=_read(ws.teksten / "opgaven" / "inleiding.md"),
        intro_path="teksten/opgaven/inleiding.md",
        sources=_sources(plan, reals, store),
        what_worked=what_worked(ws, store, interventions),
    )


def rib_context(
    ws: Workspace,
    plan: Plan,
    stored: Sequence[Realisation],
    store: Store | None,
    subject: str,
    period: Period | None = None,
    today: dt.date | None = None,
) -> RibContext:
    """A council information letter on one subject: results per pillar per year, targets, status."""
    today = today or clock.today()
    plans = plan.plans_for(subject)
    if not plans:
        from ivp.lib.errors import ConfigError

        raise ConfigError(
            _("Het plan heeft geen uitvoeringsplan '{s}'. Kies uit: {known}.").format(
                s=subject, known=", ".join(plan.subjects())
            )
        )
    if period is None:
        current = next((u for u in plans if today.year in u.period), plans[-1])
        period = current.period
    else:
        current = next(
            (u for u in plans if u.period.start <= period.start and period.end <= u.period.end), plans[-1]
        )
    years = tuple(y for y in range(plans[0].period.start, period.end + 1))
    reals = all_realisations(plan, stored, store)
    indicators = plan.indicators_for_subject(subject)
    history = Period(years[0], years[-1])
    rows = progress(plan, reals, history, indicators=indicators, store=store, alpha=ws.alpha)
    with_target = [i for i in indicators if any(y in period for y, _v in i.targets)]
    target_rows = progress(plan, reals, period, indicators=with_target, store=store, alpha=ws.alpha)
    pillars = []
    seen: set[str] = set()
    for pillar in (p for u in plans for p in u.pillars):
        if pillar.id in seen:
            continue
        seen.add(pillar.id)
        pillars.append(
            PillarSection(
                pillar.id,
                pillar.name,
                pillar.description,
                years,
                tuple(p for p in rows if p.indicator.pillar == pillar.id),
            )
        )
    loose = tuple(p for p in rows if p.indicator.pillar not in seen)
    if loose:
        pillars.append(PillarSection("overig", _("Overig"), "", years, loose))
    return RibContext(
        plan=plan,
        naam=municipality_name(ws, store),
        subject=subject,
        subject_name=current.name.replace(_("Uitvoeringsplan "), "").rsplit(" ", 1)[0],
        current=current,
        plans=plans,
        period=period,
        years=years,
        generated=today,
        pillars=tuple(pillars),
        targets=tuple(target_rows),
        counts=_counts(target_rows),
        text=_read(ws.teksten / "rib" / f"{subject}.md"),
        text_path=f"teksten/rib/{subject}.md",
        sources=_sources(plan, [r for r in reals if r.indicator in {i.id for i in indicators}], store),
    )


def chart_for(p: IndicatorProgress) -> str:
    """The indicator's chart over the years of its progress."""
    ind: Indicator = p.indicator
    bars = [
        YearBar(
            year=a.period.start,
            realised=a.realised,
            target=a.target,
            complete=a.complete or a.realised is None,
            as_of=a.as_of.strftime("%d-%m") if a.as_of else "",
        )
        for a in p.years
    ]
    return indicator_chart(
        bars,
        unit=ind.unit,
        title=_("{id} {name}: realisatie en streefwaarde per jaar").format(id=ind.id, name=ind.name),
    )


def value(v: float | None, unit: str, approx: bool = False) -> str:
    return format_value(v, unit, approx=approx)
