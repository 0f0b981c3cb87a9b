"""Putting it together: stored and computed realisations, attainment per indicator, per year and period."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ivp.plan.attainment import Attainment, attainment, current
from ivp.plan.model import Indicator, Period, Plan, Realisation
from ivp.plan.sources import SourceContext, computed_realisations, statistic_baselines
from ivp.store import Store


@dataclass(frozen=True)
class IndicatorProgress:
    """One indicator: attainment over the period and per year, and the realisations in force."""

    indicator: Indicator
    period: Attainment
    years: tuple[Attainment, ...]
    realisations: tuple[Realisation, ...]


def all_realisations(plan: Plan, stored: Iterable[Realisation], store: Store | None) -> list[Realisation]:
    """Stored realisations plus those computed by registered sources (statistics from ``store``).

    For an indicator with a computed source, only the computed figures count.
    """
    computed = computed_realisations(plan, SourceContext(store, plan.gemeente))
    computed_ids = {r.indicator for r in computed}
    return [r for r in stored if r.indicator not in computed_ids] + computed


def progress(
    plan: Plan,
    realisations: Iterable[Realisation],
    period: Period,
    *,
    indicators: Sequence[Indicator] | None = None,
    store: Store | None = None,
    alpha: float = 0.05,
) -> list[IndicatorProgress]:
    """Attainment of ``indicators`` (default: all) over ``period`` and in each of its years."""
    items = current(realisations)
    baselines = statistic_baselines(plan, store)
    out = []
    for ind in indicators if indicators is not None else plan.indicators:
        base = baselines.get(ind.id)
        out.append(
            IndicatorProgress(
                indicator=ind,
                period=attainment(ind, items, period, baseline_value=base, alpha=alpha),
                years=tuple(
                    attainment(ind, items, Period(y, y), baseline_value=base, alpha=alpha)
                    for y in period.years
                ),
                realisations=tuple(r for r in items if r.indicator == ind.id),
            )
        )
    return out
