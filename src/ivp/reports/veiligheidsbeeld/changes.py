"""Changes, series, spread and trends of the Veiligheidsbeeld per crime type.

Every function takes the municipality's yearly counts as :func:`ivp.store.read.counts` returns them, cut to
``code`` (category), ``title`` (without its code), ``year``, ``value`` and ``status``. The correction for
the number of tests is :mod:`.family`'s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp.lib.i18n import _
from ivp.reports.veiligheidsbeeld.model import (
    BendRow,
    ChangeRow,
    SeriesPoint,
    Spread,
    TrendRow,
    TypeSeries,
)
from ivp.stats import (
    Dispersion,
    change_test,
    direction_change,
    estimate_dispersion,
    pooled_dispersion,
    trend_test,
)
from ivp.stats.change import LABEL_FALL, LABEL_NONE, LABEL_RISE
from ivp.stats.dispersion import OUTLIER_LEVEL
from ivp.stats.rates import LABEL_HIGHER, LABEL_LOWER, LABEL_SAME
from ivp.stats.trend import LABEL_TREND_DOWN, LABEL_TREND_NONE, LABEL_TREND_UP

#: The recent period next to the long trend: this many final years.
RECENT_YEARS = 5
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


def spreads(
    frame: pd.DataFrame, codes: list[str], population: dict[int, float], tested: set[int]
) -> dict[str, Spread]:
    """The overdispersion of every crime type, from its whole loaded series (not the view's years).

    The ``tested`` years (compared, and looked back on) are never left out as an outlier. A series too
    short for its own estimate gets the median of the others (:func:`pooled_dispersion`).
    """
    own: dict[str, Dispersion | None] = {}
    for code in codes:
        rows = frame[(frame["code"] == code) & frame["value"].notna()].sort_values("year")
        years = rows["year"].to_numpy(dtype=float)
        counts = rows["value"].to_numpy(dtype=float)
        exposure = None
        if len(years) and all(int(y) in population for y in years):
            exposure = np.array([population[int(y)] for y in years], dtype=float)
        own[code] = (
            estimate_dispersion(years, counts, exposure, protect=sorted(tested)) if len(years) else None
        )
    pooled = pooled_dispersion(list(own.values()))
    out: dict[str, Spread] = {}
    for code, est in own.items():
        d = est if est is not None else pooled
        out[code] = Spread(d.phi, d.df, d.method, d.outlier_year)
    return out


def change_row(
    frame: pd.DataFrame,
    code: str,
    year_a: int,
    year_b: int,
    population: dict[int, float],
    alpha: float,
    spread: Spread,
) -> ChangeRow | None:
    """Year A against year B (population as exposure when known for both; the series' overdispersion);
    None when either count is missing."""
    a, prov_a = value_of(frame, code, year_a)
    b, prov_b = value_of(frame, code, year_b)
    if a is None or b is None:
        return None
    exp_a, exp_b = population.get(year_a, 1.0), population.get(year_b, 1.0)
    if year_a not in population or year_b not in population:
        exp_a = exp_b = 1.0
    res = change_test(a, b, exp_a, exp_b, alpha=alpha, dispersion=spread.phi, df=spread.df)
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
        p_adjusted=float("nan"),
        direction=res.direction,
        label=res.label,
        small_numbers=res.small_numbers,
        demonstrable_fdr=res.direction != 0,
        raw_direction=res.direction,
        raw_label=res.label,
        dispersion=spread,
    )


def series_of(frame: pd.DataFrame, code: str, first: int, last: int) -> TypeSeries:
    """The counts of ``code`` for every year ``first`` .. ``last`` (None where missing)."""
    points = []
    for year in range(first, last + 1):
        value, prov = value_of(frame, code, year)
        points.append(SeriesPoint(year, value, prov))
    return TypeSeries(code, title_of(frame, code), tuple(points))


def trend_rows(
    series: TypeSeries, population: dict[int, float], alpha: float, *, provisional: bool = False
) -> tuple[TrendRow | None, TrendRow | None, BendRow | None]:
    """The long trend, the recent trend (last :data:`RECENT_YEARS` years) and a bend between them.

    Fitted on final years only unless ``provisional`` (the rows say which years were left out); the
    long trend is robust to one outlier year. The recent trend needs :data:`RECENT_YEARS` years, the
    bend 3 years before the recent period as well. None where there is too little.
    """
    pts = [p for p in series.points if p.value is not None and (provisional or not p.provisional)]
    left_out = tuple(
        p.year for p in series.points if p.value is not None and p.provisional and not provisional
    )
    used_provisional = tuple(p.year for p in pts if p.provisional)
    if len(pts) < 4 or sum(p.value or 0 for p in pts) == 0:
        return None, None, None
    years = np.array([p.year for p in pts], dtype=float)
    counts = np.array([p.value for p in pts], dtype=float)
    exposure = None
    if all(p.year in population for p in pts):
        exposure = np.array([population[p.year] for p in pts], dtype=float)
    long = _trend(
        series, years, counts, exposure, alpha, "lang", left_out, robust=True, provisional=used_provisional
    )
    recent = bend = None
    if len(pts) >= RECENT_YEARS:
        tail = slice(len(pts) - RECENT_YEARS, None)
        recent = _trend(
            series, years[tail], counts[tail], None if exposure is None else exposure[tail], alpha, "recent",
            left_out, robust=False, provisional=tuple(y for y in used_provisional if y >= years[tail][0]),
        )  # fmt: skip
    if len(pts) >= RECENT_YEARS + 3:
        start = int(years[len(pts) - RECENT_YEARS])
        res = direction_change(years, counts, exposure, break_year=start, alpha=alpha)
        small = bool(counts[-RECENT_YEARS:].sum() < 20)
        kind = "none" if small else res.kind
        bend = BendRow(
            code=series.code, title=series.title, break_year=start, before=res.before, after=res.after,
            p_value=res.p_value, p_adjusted=float("nan"), kind=kind, raw_kind=kind, small_numbers=small,
        )  # fmt: skip
    return long, recent, bend


def _trend(
    series: TypeSeries,
    years: np.ndarray,
    counts: np.ndarray,
    exposure: np.ndarray | None,
    alpha: float,
    period: str,
    left_out: tuple[int, ...],
    *,
    robust: bool,
    provisional: tuple[int, ...] = (),
) -> TrendRow:
    res = trend_test(years, counts, exposure, alpha=alpha, robust=robust, outlier_level=OUTLIER_LEVEL)
    small = bool(counts.sum() < 20)
    direction = 0 if small else int(res.direction)
    label = _("te weinig om een trend vast te stellen") if small else str(res.label)
    return TrendRow(
        code=series.code,
        title=series.title,
        first=int(years[0]),
        last=int(years[-1]),
        annual_percent_change=float(res.annual_percent_change),
        ci_low=float(res.ci_low),
        ci_high=float(res.ci_high),
        p_value=float(res.p_value),
        direction=direction,
        label=label,
        p_adjusted=float("nan"),
        raw_direction=direction,
        raw_label=label,
        period=period,
        outlier_year=None if res.outlier_year is None else int(res.outlier_year),
        left_out=left_out,
        small_numbers=small,
        provisional_in=provisional,
    )
