"""Where computed realisations come from: a registry of sources by name.

Staff enter realisations by hand (web form, CLI, csv). Indicators whose ``bron`` is ``statistiek``
get theirs from the store (registered crime per year); ``casusregister`` is the hook for the future
case registry: it registers a function with :func:`register_realisation_source` and nothing else in
the plan code changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ivp.lib.i18n import _
from ivp.plan.model import Indicator, Plan, Realisation, StatisticSpec
from ivp.store import Store, read


@dataclass(frozen=True)
class SourceContext:
    """What a realisation source may use: the store (or None) and the municipality."""

    store: Store | None
    gemeente: str


RealisationSource = Callable[[Plan, Indicator, SourceContext], list[Realisation]]

_SOURCES: dict[str, RealisationSource] = {}


def register_realisation_source(name: str, func: RealisationSource) -> None:
    """Register ``func`` as the source of realisations for indicators with ``bron: name``."""
    _SOURCES[name] = func


def unregister_realisation_source(name: str) -> None:
    """Remove a registered source (tests, plug-ins that are switched off)."""
    _SOURCES.pop(name, None)


def realisation_sources() -> dict[str, RealisationSource]:
    """The registered sources by name."""
    return dict(_SOURCES)


def computed_realisations(plan: Plan, context: SourceContext) -> list[Realisation]:
    """Realisations of every indicator whose source is registered, within the plan period."""
    out: list[Realisation] = []
    for ind in plan.indicators:
        func = _SOURCES.get(ind.source)
        if func is None:
            continue
        out.extend(r for r in func(plan, ind, context) if r.year in plan.period)
    return out


def statistic_series(store: Store, spec: StatisticSpec, region: str) -> dict[int, tuple[float, str]]:
    """Yearly values of a statistic from ``observations``: ``{year: (value, status)}``.

    Years where the publisher suppressed the figure are left out.
    """
    frame = read.counts(
        store, spec.measure, spec.scheme, categories=[spec.category], regions=[region], grain="jaar"
    )
    out: dict[int, tuple[float, str]] = {}
    for year, rows in frame.groupby("year", sort=True):
        if rows["value"].notna().any():
            out[int(str(year))] = (float(rows["value"].sum()), str(rows["status"].min()))
    return out


def _statistic_source(plan: Plan, ind: Indicator, context: SourceContext) -> list[Realisation]:
    if context.store is None or ind.statistic is None:
        return []
    region = ind.statistic.region or context.gemeente or plan.gemeente
    series = statistic_series(context.store, ind.statistic, region)
    return [
        Realisation(
            indicator=ind.id,
            year=year,
            value=value,
            evidence=_("politieregistratie via de store ({measure} {category}, {region}, {status})").format(
                measure=ind.statistic.measure, category=ind.statistic.category, region=region, status=status
            ),
            recorded_by="ivp",
            source="statistiek",
            note=_("voorlopig cijfer") if status == "voorlopig" else "",
        )
        for year, (value, status) in series.items()
    ]


def statistic_baselines(plan: Plan, store: Store | None) -> dict[str, float]:
    """Baseline values of statistic indicators whose plan gives a baseline year but no value."""
    if store is None:
        return {}
    out: dict[str, float] = {}
    for ind in plan.indicators:
        if ind.statistic is None or ind.baseline is None or ind.baseline.value is not None:
            continue
        series = statistic_series(store, ind.statistic, ind.statistic.region or plan.gemeente)
        if ind.baseline.year in series:
            out[ind.id] = series[ind.baseline.year][0]
    return out


register_realisation_source("statistiek", _statistic_source)
