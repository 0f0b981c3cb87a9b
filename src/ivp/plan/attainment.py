"""Attainment of performance indicators: target, realised, status and a projection. Pure, no I/O.

Status is one of ``behaald`` (target met), ``op_koers`` (not yet met, but the projection to the end of
the period meets it), ``achter`` (the projection, or the final figure, misses it) and ``onbekend`` (no
target or no data). The projection is linear in the data so far:

* for a yearly count (aggregation ``som``) the rate per covered year times the years in the period
  (a count of 6 on 30 June projects to about 12 for the year);
* for a level (aggregation ``stand``: percentages, report marks, yes/no) the least-squares line through
  the measurements, read at the end of the period, or the last value when there is one measurement.

For indicators that are statistics (registered crime) the change from the baseline year to the latest
year is tested with :func:`ivp.stats.change_test`: only a change that passes the test is demonstrable.

Examples
--------
>>> from ivp.plan.model import Indicator, Period, Realisation
>>> ind = Indicator("OND-01", "Integrale controles", "aantal", "hoger_is_beter", "x", "handmatig",
...                 ("ondermijning",), targets=((2024, 10.0),))
>>> r = Realisation("OND-01", 2024, 6.0, as_of=dt.date(2024, 6, 30))
>>> a = attainment(ind, [r], Period(2024, 2024))
>>> a.status, round(a.projection or 0, 1)
('op_koers', 12.1)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ivp.lib.i18n import _
from ivp.plan.model import Indicator, Period, Realisation
from ivp.plan.units import format_value
from ivp.stats import ChangeResult, change_test

Status = Literal["behaald", "op_koers", "achter", "onbekend"]
STATUSES: tuple[Status, ...] = ("behaald", "op_koers", "achter", "onbekend")

STATUS_LABELS: dict[Status, str] = {
    "behaald": "behaald",
    "op_koers": "op koers",
    "achter": "achter",
    "onbekend": "onbekend",
}

_BOUNDS: dict[str, tuple[float, float]] = {
    "aantal": (0.0, math.inf),
    "euro": (0.0, math.inf),
    "procent": (0.0, 100.0),
    "rapportcijfer": (1.0, 10.0),
    "ja_nee": (0.0, 1.0),
}


def status_label(status: Status) -> str:
    """The Dutch label of a status, as users read it."""
    return _(STATUS_LABELS[status])


@dataclass(frozen=True)
class Attainment:
    """How far one indicator got in one period (a year or several).

    ``realised`` is the sum of the yearly figures (``som``) or the latest measurement (``stand``);
    ``share`` is ``realised / target`` (None when the target is 0 or missing); ``complete`` says the
    figures cover the whole period (then ``projection == realised``); ``missing_years`` lists target
    years without any figure; ``change`` is the test of baseline against the latest year
    (statistics only) and ``demonstrable`` whether it passed.
    """

    indicator: str
    period: Period
    target: float | None
    realised: float | None
    projection: float | None
    status: Status
    reason: str
    complete: bool
    as_of: dt.date | None
    share: float | None
    missing_years: tuple[int, ...] = ()
    baseline_year: int | None = None
    baseline_value: float | None = None
    change: ChangeResult | None = None

    @property
    def demonstrable(self) -> bool | None:
        return None if self.change is None else self.change.direction != 0

    @property
    def label(self) -> str:
        return status_label(self.status)


def current(realisations: Iterable[Realisation]) -> list[Realisation]:
    """The realisations in force: corrected records dropped, then per indicator and year the latest.

    "Latest" is the latest ``as_of`` (a full-year figure counts as 31 December); on a tie the one
    recorded last (``recorded_at``, then ``id``, then position) wins.
    """
    items = list(realisations)
    corrected = {r.corrects for r in items if r.corrects is not None}
    best: dict[tuple[str, int], tuple[tuple[dt.date, dt.datetime, int, int], Realisation]] = {}
    for pos, r in enumerate(items):
        if r.id is not None and r.id in corrected:
            continue
        key = (
            r.as_of_or_year_end(),
            r.recorded_at or dt.datetime.min,
            r.id if r.id is not None else -1,
            pos,
        )
        slot = (r.indicator, r.year)
        if slot not in best or key > best[slot][0]:
            best[slot] = (key, r)
    return sorted((r for _key, r in best.values()), key=lambda r: (r.indicator, r.year))


def _year_fraction(r: Realisation) -> float:
    """Share of its year a realisation covers (1.0 for a full-year figure)."""
    if r.as_of is None:
        return 1.0
    start = dt.date(r.year, 1, 1)
    days = (dt.date(r.year + 1, 1, 1) - start).days
    return min(1.0, max(1, (r.as_of - start).days + 1) / days)


def _clamp(value: float, unit: str) -> float:
    low, high = _BOUNDS.get(unit, (-math.inf, math.inf))
    return min(high, max(low, value))


def attainment(
    indicator: Indicator,
    realisations: Iterable[Realisation],
    period: Period,
    *,
    baseline_value: float | None = None,
    alpha: float = 0.05,
) -> Attainment:
    """Compute target, realised, projection and status of ``indicator`` over ``period``.

    ``realisations`` may include other indicators and superseded records; only the current ones of
    this indicator inside ``period`` count. ``baseline_value`` overrides the plan's baseline value
    (statistics look it up in the store).
    """
    mine = [r for r in current(realisations) if r.indicator == indicator.id and r.year in period]
    by_year = {r.year: r for r in mine}
    target_years = [y for y in period.years if indicator.target_for(y) is not None]
    base_year = indicator.baseline.year if indicator.baseline else None
    base_value = baseline_value
    if base_value is None and indicator.baseline is not None:
        base_value = indicator.baseline.value
    change = _change(indicator, by_year, base_year, base_value, alpha)
    if indicator.aggregation == "som":
        years = target_years or list(period.years)
        used = [by_year[y] for y in years if y in by_year]
        realised = sum(r.value for r in used) if used else None
        covered = sum(_year_fraction(r) for r in used)
        complete = bool(used) and len(used) == len(years) and covered >= len(years) - 1e-9
        projection = realised * len(years) / covered if realised is not None and covered > 0 else None
        target = sum(t for y in years if (t := indicator.target_for(y)) is not None) if target_years else None
        missing = tuple(y for y in years if y not in by_year)
    else:
        years = target_years or list(period.years)
        last_target_year = years[-1]
        target = indicator.target_for(last_target_year) if target_years else None
        latest = max(mine, key=lambda r: r.as_of_or_year_end(), default=None)
        realised = latest.value if latest else None
        last = by_year.get(last_target_year)
        complete = last is not None and _year_fraction(last) >= 1.0
        projection = _level_projection(indicator, mine, last_target_year) if mine else None
        missing = tuple(y for y in years if y not in by_year)
    if projection is not None:
        projection = _clamp(projection, indicator.unit)
    if complete:
        projection = realised
    status, reason = _status(indicator, target, realised, projection, complete)
    share = realised / target if realised is not None and target else None
    return Attainment(
        indicator=indicator.id,
        period=period,
        target=target,
        realised=realised,
        projection=projection,
        status=status,
        reason=reason,
        complete=complete,
        share=share,
        as_of=max((r.as_of_or_year_end() for r in mine), default=None),
        missing_years=missing,
        baseline_year=base_year,
        baseline_value=base_value,
        change=change,
    )


def _level_projection(indicator: Indicator, mine: Sequence[Realisation], end_year: int) -> float:
    points = sorted(
        (r.year + (_year_fraction(r) if r.as_of else 1.0), r.value) for r in mine if r.year <= end_year
    )
    if not points:
        return mine[-1].value
    if indicator.unit == "ja_nee" or len(points) == 1:
        return points[-1][1]
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return ys[-1]
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return my + slope * (end_year + 1.0 - mx)


def _status(
    indicator: Indicator,
    target: float | None,
    realised: float | None,
    projection: float | None,
    complete: bool,
) -> tuple[Status, str]:
    unit = indicator.unit
    if target is None:
        return "onbekend", _("geen streefwaarde in deze periode")
    if realised is None:
        return "onbekend", _("nog geen realisatie")
    higher = indicator.direction == "hoger_is_beter"
    t, r = format_value(target, unit), format_value(realised, unit)
    p = format_value(projection, unit, approx=True)
    meets = realised >= target if higher else realised <= target
    if complete:
        if meets:
            return "behaald", _("{r} gerealiseerd, streefwaarde {t}").format(r=r, t=t)
        return "achter", _("{r} gerealiseerd, streefwaarde {t} niet gehaald").format(r=r, t=t)
    if indicator.aggregation == "som":
        # A running count only grows: reaching a minimum early is final, and so is passing a maximum.
        if higher and meets:
            return "behaald", _("{r} gerealiseerd, streefwaarde {t} al gehaald").format(r=r, t=t)
        if not higher and not meets:
            return "achter", _("{r} gerealiseerd, al boven het maximum {t}").format(r=r, t=t)
    if projection is None:
        return "onbekend", _("te weinig gegevens voor een prognose")
    on_track = projection >= target if higher else projection <= target
    if on_track:
        return "op_koers", _("{r} tot nu toe; prognose {p}, streefwaarde {t}").format(r=r, p=p, t=t)
    return "achter", _("{r} tot nu toe; prognose {p} haalt streefwaarde {t} niet").format(r=r, p=p, t=t)


def _change(
    indicator: Indicator,
    by_year: dict[int, Realisation],
    base_year: int | None,
    base_value: float | None,
    alpha: float,
) -> ChangeResult | None:
    if not indicator.is_statistic or base_year is None or base_value is None or indicator.unit != "aantal":
        return None
    full = [r for y, r in sorted(by_year.items()) if y > base_year and _year_fraction(r) >= 1.0]
    if not full:
        return None
    latest = full[-1]
    return change_test(round(base_value), round(latest.value), alpha=alpha)


def plan_attainment(
    indicators: Iterable[Indicator],
    realisations: Iterable[Realisation],
    period: Period,
    *,
    baselines: dict[str, float] | None = None,
    alpha: float = 0.05,
) -> list[Attainment]:
    """:func:`attainment` for several indicators over one period."""
    items = list(realisations)
    baselines = baselines or {}
    return [
        attainment(ind, items, period, baseline_value=baselines.get(ind.id), alpha=alpha)
        for ind in indicators
    ]
