"""Changes, series and trends of the Veiligheidsbeeld, and Benjamini-Hochberg over all of them.

Every function takes the municipality's yearly counts as :func:`ivp.store.read.counts` returns them, cut to
``code`` (category), ``title`` (without its code), ``year``, ``value`` and ``status``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

import numpy as np
import pandas as pd

from ivp.lib.i18n import _
from ivp.reports.veiligheidsbeeld.model import (
    ChangeRow,
    ComparisonRow,
    SeriesPoint,
    ThemeSection,
    TrendRow,
    TypeSeries,
)
from ivp.stats import change_test, fdr_bh, trend_test
from ivp.stats.change import LABEL_FALL, LABEL_NONE, LABEL_RISE
from ivp.stats.rates import LABEL_HIGHER, LABEL_LOWER, LABEL_SAME
from ivp.stats.trend import LABEL_TREND_DOWN, LABEL_TREND_NONE, LABEL_TREND_UP

R = TypeVar("R", ChangeRow, ComparisonRow, TrendRow)
#: Verdict labels per kind of test, indexed by direction + 1 (fall/lower, none, rise/higher).
CHANGE_LABELS = (LABEL_FALL, LABEL_NONE, LABEL_RISE)
COMPARISON_LABELS = (LABEL_LOWER, LABEL_SAME, LABEL_HIGHER)
TREND_LABELS = (LABEL_TREND_DOWN, LABEL_TREND_NONE, LABEL_TREND_UP)


def value_of(frame: pd.DataFrame, code: str, year: int) -> tuple[float | None, bool]:
    """The count of ``code`` in ``year`` (None when missing or suppressed) and whether it is provisional."""
    rows = frame[(frame["code"] == code) & (frame["year"] == year)]
    if rows.empty or pd.isna(rows["value"].iloc[0]):
        return None, False
    return float(rows["value"].iloc[0]), bool(rows["status"].iloc[0] == "voorlopig")


def title_of(frame: pd.DataFrame, code: str) -> str:
    """The title of ``code`` (without its code)."""
    return str(frame.loc[frame["code"] == code, "title"].iloc[0])


def change_row(
    frame: pd.DataFrame, code: str, year_a: int, year_b: int, population: dict[int, float], alpha: float
) -> ChangeRow | None:
    """Year A against year B (population as exposure when known for both); None when either is missing."""
    a, prov_a = value_of(frame, code, year_a)
    b, prov_b = value_of(frame, code, year_b)
    if a is None or b is None:
        return None
    exp_a, exp_b = population.get(year_a, 1.0), population.get(year_b, 1.0)
    if year_a not in population or year_b not in population:
        exp_a = exp_b = 1.0
    res = change_test(a, b, exp_a, exp_b, alpha=alpha)
    return ChangeRow(
        code=code,
        title=title_of(frame, code),
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


def series_of(frame: pd.DataFrame, code: str, first: int, last: int) -> TypeSeries:
    """The counts of ``code`` for every year ``first`` .. ``last`` (None where missing)."""
    points = []
    for year in range(first, last + 1):
        value, prov = value_of(frame, code, year)
        points.append(SeriesPoint(year, value, prov))
    return TypeSeries(code, title_of(frame, code), tuple(points))


def trend_row(series: TypeSeries, population: dict[int, float], alpha: float) -> TrendRow | None:
    """The trend over the series (at least 4 years with counts); None when there is too little."""
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
