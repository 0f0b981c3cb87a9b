"""Series from the municipality's own registers (``ivp ingest reeks``) in the theme chapters.

Only the municipality's own rows are shown here (rows per wijk or buurt stay in the store). Counts
(``aantal``) are tested like the police's counts: summed to complete calendar years (four quarters or twelve
months; a date range only counts when it is a whole year), the change between the report's compared years
when both are there, else between the last two complete years, and the long and recent trend, with the
population as exposure and the series' own overdispersion, or when the series is too short the median of
the report's crime series (never Poisson, see :func:`.nuisance.with_fallback`).

Other units (percentage, report mark, euro, per 1,000 inhabitants) are only tested with an interval, on
the side facing the other period (:func:`ivp.stats.levels.se_toward`): the source's 95% interval, or for a
percentage with only a sample size the Wilson interval of ``n / DESIGN_EFFECT`` respondents (the sentence
says so). The last period is compared with the one before, and a quarter or month with the same one a year
earlier, so a season is no change. Without an interval there is no test, and the note says the difference
cannot be read as a change.

A register that is not open data (its licence, :func:`ivp.store.read.is_public_licence`) shows no count
below the workspace's disclosure threshold, nor a rate or percentage that implies one, and has no test on
such a value; the spread comes from the shown years only and a series with a hidden year has no trend.
Every test joins the report's one Benjamini-Hochberg family under the key ``reeks:<id>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from ivp.lib.i18n import _
from ivp.reports.veiligheidsbeeld.changes import CHANGE_LABELS, change_row, series_of, spreads, trend_rows
from ivp.reports.veiligheidsbeeld.family import type_key
from ivp.reports.veiligheidsbeeld.model import (
    REGISTER_SCHEME,
    BendRow,
    ChangeRow,
    Indicator,
    IndicatorPoint,
    LevelRow,
    Row,
    Spread,
    TrendRow,
)
from ivp.reports.veiligheidsbeeld.nuisance import is_illustrative, with_fallback
from ivp.stats.levels import DESIGN_EFFECT, level_difference, se_toward, wilson_interval
from ivp.store import Store, read

SCHEME = REGISTER_SCHEME
#: Periods per complete year of a sub-year count series.
PARTS_PER_YEAR = {"jaar": 1, "kwartaal": 4, "maand": 12}
MONTH_NAMES = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
    "november", "december",
)  # fmt: skip


def period_label(grain: str, period: str) -> str:
    """The reader's label of a canonical period.

    >>> period_label("kwartaal", "2023-K2"), period_label("maand", "2023-05")
    ('2e kwartaal 2023', 'mei 2023')
    >>> period_label("periode", "2023-01-01/2023-06-30")
    '1-1-2023 t/m 30-6-2023'
    """
    if grain == "kwartaal":
        year, quarter = period.split("-K")
        return _("{q}e kwartaal {year}").format(q=quarter, year=year)
    if grain == "maand":
        year, month = period.split("-")
        return f"{_(MONTH_NAMES[int(month) - 1])} {year}"
    if grain == "periode":
        first, last = (dt.date.fromisoformat(p) for p in period.split("/"))
        return _("{a} t/m {b}").format(
            a=f"{first.day}-{first.month}-{first.year}", b=f"{last.day}-{last.month}-{last.year}"
        )
    return period


def build(
    store: Store,
    gemeente: str,
    population: dict[int, float],
    alpha: float,
    *,
    compare: tuple[int, int],
    threshold: int,
    trend_provisional: bool = False,
    fallback: Mapping[str, Spread] | None = None,
) -> tuple[dict[str, list[Indicator]], dict[str, list[Row]]]:
    """The municipality's register series per theme id, and every test row under its family key."""
    frame = read.indicators(store, regions=[gemeente])
    by_theme: dict[str, list[Indicator]] = {}
    rows: dict[str, list[Row]] = {}
    if frame.empty:
        return by_theme, rows
    for code, part in frame.groupby("indicator", sort=False):
        part = part.sort_values("period_start", kind="stable")
        first = part.iloc[0]
        licence = next((str(v) for v in part["licence"] if isinstance(v, str) and v), None)
        base = Indicator(
            code=str(code),
            title=str(first["name"]),
            theme=str(first["theme"]),
            unit=str(first["unit"]),
            grain=str(first["grain"]),
            source=", ".join(dict.fromkeys(str(s) for s in part["source"])),
            licence=licence,
            definition=next((str(v) for v in part["definition"] if isinstance(v, str) and v), None),
            dataset=", ".join(dict.fromkeys(str(d) for d in part["dataset"])),
            points=(),
            public=read.is_public_licence(licence),
            illustrative=any(is_illustrative(str(d)) for d in part["dataset"]),
            threshold=threshold,
        )
        if base.unit == "aantal":
            indicator, found = _counts(base, part, population, alpha, compare, trend_provisional, fallback)
        else:
            indicator, found = _levels(base, part, alpha, compare, population)
        by_theme.setdefault(indicator.theme, []).append(indicator)
        if found:
            rows[type_key(SCHEME, indicator.code)] = found
    return by_theme, rows


def corrected(indicator: Indicator, rows: Mapping[str, list[Row]]) -> Indicator:
    """The indicator with its rows after the family's correction (q and the corrected verdicts)."""
    found = rows.get(type_key(SCHEME, indicator.code), [])
    change = next((r for r in found if isinstance(r, ChangeRow | LevelRow)), None)
    return replace(
        indicator,
        change=change if indicator.change is not None else None,
        trends=tuple(r for r in found if isinstance(r, TrendRow)),
        bends=tuple(r for r in found if isinstance(r, BendRow)),
    )


def _protect(base: Indicator, value: float) -> bool:
    return not base.public and 0 < value < base.threshold


def _yearly_counts(base: Indicator, part: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Counts per complete year (columns code, title, year, value, status, dataset) and the number of
    periods left out because their year is incomplete (or, for date ranges, not a year)."""
    need = PARTS_PER_YEAR.get(base.grain)
    columns = ["code", "title", "year", "value", "status", "dataset"]
    if need is None:
        return pd.DataFrame(columns=columns), len(part)
    work = part.assign(year=part["period_start"].dt.year)
    grouped = work.groupby("year", sort=True).agg(
        value=("value", "sum"),
        parts=("period", "nunique"),
        status=("status", lambda s: "voorlopig" if (s == "voorlopig").any() else "definitief"),
        dataset=("dataset", "first"),
    )
    complete = grouped[grouped["parts"] == need].reset_index()
    left_out = int(grouped.loc[grouped["parts"] != need, "parts"].sum())
    complete["code"] = base.code
    complete["title"] = base.title
    return complete[columns], left_out


def _counts(
    base: Indicator,
    part: pd.DataFrame,
    population: dict[int, float],
    alpha: float,
    compare: tuple[int, int],
    trend_provisional: bool,
    fallback: Mapping[str, Spread] | None,
) -> tuple[Indicator, list[Row]]:
    yearly, left_out = _yearly_counts(base, part)
    notes: list[str] = []
    if left_out and base.grain != "periode":
        notes.append(
            _(
                "opgeteld tot volledige jaren; {n} losse periodes van onvolledige jaren zijn niet meegeteld"
            ).format(n=left_out)
        )
    if yearly.empty:
        points = tuple(
            _point(base, base.grain, str(r["period"]), r["period_start"].year, float(r["value"]), r)
            for r in _records(part)
        )
        note = (
            _("periodes die geen kalenderjaar zijn: er is geen toets op verandering")
            if base.grain == "periode"
            else _("geen volledig jaar: er is geen toets op verandering")
        )
        return replace(base, points=points, note=note), []
    points = tuple(
        _point(
            base,
            "jaar",
            str(int(r["year"])),
            int(r["year"]),
            float(r["value"]),
            None,
            r["status"] == "voorlopig",
        )
        for r in _records(yearly)
    )
    base = replace(base, grain="jaar", points=points)
    years = [int(y) for y in yearly["year"]]
    if len(years) < 2:
        return replace(base, note=_("één volledig jaar: er is geen verandering te toetsen")), []
    year_a, year_b = compare if all(y in years for y in compare) else (years[-2], years[-1])
    base = replace(base, compared=(str(year_a), str(year_b)))
    shown = {p.year: p for p in points}
    if shown[year_a].protected or shown[year_b].protected:
        note = _("kleine aantallen (minder dan {t}) worden niet getoond en niet getoetst").format(
            t=base.threshold
        )
        return replace(base, note="; ".join([*notes, note])), []
    # the spread from the shown years only: a hidden count is no value (a gap), so nothing published
    # depends on it
    shown_years = {p.year for p in points if not p.protected}
    visible = yearly[yearly["year"].isin(shown_years)]
    spread = with_fallback(spreads(visible, [base.code], population, {year_a, year_b}), fallback)[base.code]
    found: list[Row] = []
    change = change_row(yearly, base.code, year_a, year_b, population, alpha, spread)
    if change is not None:
        found.append(replace(change, scheme=SCHEME))
    if not any(p.protected for p in points):
        series = series_of(yearly, base.code, years[0], years[-1])
        long, recent, bend = trend_rows(series, population, alpha, provisional=trend_provisional)
        found.extend(replace(r, scheme=SCHEME) for r in (long, recent, bend) if r is not None)
    change_out = next((r for r in found if isinstance(r, ChangeRow)), None)
    return replace(base, change=change_out, note="; ".join(notes) or None), found


def _point(
    base: Indicator,
    grain: str,
    period: str,
    year: int,
    value: float,
    row: Mapping[str, Any] | None,
    provisional: bool | None = None,
) -> IndicatorPoint:
    protected = base.unit == "aantal" and _protect(base, value)
    rec: Mapping[str, Any] = row or {}
    lower = _opt(rec.get("lower"))
    upper = _opt(rec.get("upper"))
    status = rec.get("status", "definitief")
    return IndicatorPoint(
        period=period,
        label=period_label(grain, period),
        year=year,
        value=None if protected else value,
        lower=None if protected else lower,
        upper=None if protected else upper,
        n=_opt(rec.get("n")),
        provisional=bool(provisional) if provisional is not None else status == "voorlopig",
        protected=protected,
    )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _opt(value: object) -> float | None:
    """A number from a frame cell; None for a missing one (None or NaN)."""
    return float(value) if isinstance(value, int | float) and value == value else None


def _levels(
    base: Indicator, part: pd.DataFrame, alpha: float, compare: tuple[int, int], population: dict[int, float]
) -> tuple[Indicator, list[Row]]:
    points = tuple(
        _implied_protection(
            base,
            _point(base, base.grain, str(r["period"]), r["period_start"].year, float(r["value"]), r),
            population,
        )
        for r in _records(part)
    )
    if any(p.protected for p in points):
        note = _("kleine aantallen (minder dan {t}) worden niet getoond en niet getoetst").format(
            t=base.threshold
        )
        return replace(base, points=points, note=note), []
    base = replace(base, points=points)
    if len(points) < 2:
        return replace(base, note=_("één meting: er is geen verandering te toetsen")), []
    b = points[-1]
    base = replace(base, compared=(points[-2].label, b.label))
    if base.grain in ("kwartaal", "maand"):
        earlier = str(b.year - 1) + b.period[4:]
        a = next((p for p in points if p.period == earlier), None)
        if a is None:
            note = _("geen meting in dezelfde periode een jaar eerder: er is geen verandering te toetsen")
            return replace(base, note=note), []
    elif base.grain == "jaar" and all(str(y) in {p.period for p in points} for y in compare):
        a = next(p for p in points if p.period == str(compare[0]))
        b = next(p for p in points if p.period == str(compare[1]))
    else:
        a = points[-2]
    base = replace(base, compared=(a.label, b.label))
    se_a, how_a = _se(base, a, b.value)
    se_b, how_b = _se(base, b, a.value)
    if se_a is None or se_b is None:
        note = _(
            "zonder betrouwbaarheidsinterval (of steekproefgrootte) is een verschil niet als verandering te "
            "lezen"
        )
        return replace(base, note=note), []
    assert a.value is not None  # no point is protected here (returned above)
    assert b.value is not None
    res = level_difference(a.value, se_a, b.value, se_b, alpha)
    label = _(CHANGE_LABELS[res.direction + 1])
    row = LevelRow(
        code=base.code, title=base.title, unit=base.unit, period_a=a.label, period_b=b.label,
        value_a=a.value, value_b=b.value, difference=res.difference, ci_low=res.ci_low, ci_high=res.ci_high,
        p_value=res.p_value, p_adjusted=float("nan"), direction=res.direction, label=label,
        demonstrable_fdr=res.direction != 0, raw_direction=res.direction, raw_label=label,
        interval_from="n" if "n" in (how_a, how_b) else "bron",
        provisional_a=a.provisional, provisional_b=b.provisional,
    )  # fmt: skip
    return replace(base, change=row), [row]


def _se(base: Indicator, point: IndicatorPoint, other: float | None) -> tuple[float | None, str]:
    """The standard error of one period toward the other (:func:`ivp.stats.levels.se_toward`): from the
    source's interval, else (percentages) from n with the assumed design effect."""
    if point.value is None or other is None:
        return None, ""
    if point.lower is not None and point.upper is not None:
        return se_toward(point.value, point.lower, point.upper, other), "bron"
    if base.unit == "percentage" and point.n is not None:
        low, high = wilson_interval(point.value, max(1.0, point.n / DESIGN_EFFECT))
        return se_toward(point.value, min(low, point.value), max(high, point.value), other), "n"
    return None, ""


def _implied_protection(
    base: Indicator, point: IndicatorPoint, population: dict[int, float]
) -> IndicatorPoint:
    """A rate or percentage of a non-public register hides the count it implies when that is small: a rate
    per 1,000 times the inhabitants, a percentage times its n."""
    if base.public or point.value is None:
        return point
    implied: float | None = None
    if base.unit == "per_1000" and point.year in population:
        implied = point.value * population[point.year] / 1000.0
    elif base.unit == "percentage" and point.n is not None:
        implied = point.value * point.n / 100.0
    if implied is None or not 0.5 <= implied < base.threshold - 0.5:
        return point
    return replace(point, value=None, lower=None, upper=None, protected=True)
