"""Change in a count between two periods: the conditional (binomial) test, allowing overdispersion.

Given the total ``n = a + b`` of the two periods, the count ``b`` of the second period is binomial,
``b ~ Binomial(n, p0)``, with ``p0 = exposure_b / (exposure_a + exposure_b)`` when the underlying rate did
not change (Przyborowski & Wilenski 1940; Breslow & Day 1987, section 2.9). Registered crime varies more
than a Poisson count: with dispersion ``phi`` (``Var = phi * mu``, estimated from the series by
:mod:`ivp.stats.dispersion`) both counts are divided by the effective dispersion before the test and the
interval (effective counts, Korn & Graubard 1998), which makes both wider by about ``sqrt(phi)``.

The two-sided p-value is the central one (twice the smaller tail) and the interval is exactly the set of
rate ratios it does not reject, so "aantoonbaar" and "the interval excludes 1" never disagree. Only a
change that passes the test is worded as a rise or a fall, and only when the numbers are not small:
below :data:`SMALL_TOTAL` (both periods together) or :data:`SMALL_COUNT` (either period) the label is
:data:`LABEL_TOO_FEW` whatever the p-value.

References
----------
.. [1] Przyborowski, J. and Wilenski, H. (1940). Homogeneity of results in testing samples from Poisson
   series. *Biometrika* 31(3/4), 313-323.
.. [2] Breslow, N. E. and Day, N. E. (1987). *Statistical Methods in Cancer Research, Volume II: The
   Design and Analysis of Cohort Studies*. IARC Scientific Publications 82, section 2.9.
.. [3] Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated in
   the case of the binomial. *Biometrika* 26(4), 404-413.
.. [4] Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions with small expected
   number of positive counts estimated from survey data. *Survey Methodology* 24(2), 193-201.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ivp.lib.i18n import _
from ivp.stats._checks import (
    ALTERNATIVES,
    as_counts,
    as_dispersion,
    as_positive,
    check_alpha,
    check_option,
    frozen,
)
from ivp.stats.change_engine import central_pvalues, rate_ratio_interval
from ivp.stats.dispersion import inflation, proper_pvalues

__all__ = [
    "LABEL_FALL",
    "LABEL_NONE",
    "LABEL_RISE",
    "LABEL_TOO_FEW",
    "SMALL_COUNT",
    "SMALL_TOTAL",
    "ChangeArrays",
    "ChangeResult",
    "change_test",
    "change_test_many",
]

LABEL_RISE = "aantoonbare stijging"
LABEL_FALL = "aantoonbare daling"
LABEL_NONE = "geen aantoonbare verandering"
LABEL_TOO_FEW = "te weinig om een verandering vast te stellen"

#: Below this total of both periods a result is marked ``small_numbers`` (fragile).
SMALL_TOTAL = 20
#: Below this count in either period a result is marked ``small_numbers`` (fragile).
SMALL_COUNT = 5


@dataclass(frozen=True)
class ChangeResult:
    """Result of :func:`change_test` for one pair of counts.

    Attributes
    ----------
    count_a, count_b : float
        Counts of the first and second period.
    exposure_a, exposure_b : float
        Exposures (population x time) of the two periods.
    percent_change : float
        ``100 * (count_b / count_a - 1)``, on counts as councils publish them; ``inf`` when
        ``count_a == 0 < count_b`` and ``nan`` when both are 0.
    rate_ratio : float
        ``(count_b / exposure_b) / (count_a / exposure_a)``; ``inf`` when ``count_a == 0 < count_b``,
        ``nan`` when both are 0.
    ci_low, ci_high : float
        Conditional (Clopper-Pearson, on the effective counts) ``1 - alpha`` interval for the rate ratio,
        the inversion of the test. One-sided when
        the test is (``ci_high = inf`` for ``"greater"``, ``ci_low = 0`` for ``"less"``); ``(0, inf)``
        when both counts are 0 (the data say nothing).
    p_value : float
        Central conditional p-value, in (0, 1]; ``p_value < alpha`` exactly when the interval excludes 1.
        With an estimated dispersion (finite ``df``) it is the smallest level at which the test rejects
        (:func:`ivp.stats.dispersion.proper_pvalues`), so it is a valid p-value at every level.
    direction : int
        ``+1`` demonstrable rise, ``-1`` demonstrable fall, ``0`` none: ``p_value < alpha`` and not
        ``small_numbers``.
    label : str
        Dutch wording: :data:`LABEL_RISE`, :data:`LABEL_FALL`, :data:`LABEL_NONE`, or
        :data:`LABEL_TOO_FEW` for small numbers.
    small_numbers : bool
        True when ``count_a + count_b < SMALL_TOTAL`` or either count is below ``SMALL_COUNT``.
    dispersion : float
        The dispersion ``phi`` the test allowed for (1: Poisson).
    effective_dispersion : float
        ``phi`` inflated for the uncertainty of its estimate (:func:`ivp.stats.dispersion.effective_dispersion`);
        the counts were divided by it.
    """

    count_a: float
    count_b: float
    exposure_a: float
    exposure_b: float
    percent_change: float
    rate_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    direction: int
    label: str
    small_numbers: bool
    dispersion: float = 1.0
    effective_dispersion: float = 1.0


@dataclass(frozen=True, eq=False)
class ChangeArrays:
    """Result of :func:`change_test_many`: the fields of :class:`ChangeResult` as read-only arrays.

    ``direction`` is ``int8``, ``small_numbers`` is ``bool`` and ``label`` holds Dutch strings.
    """

    count_a: NDArray[np.float64]
    count_b: NDArray[np.float64]
    exposure_a: NDArray[np.float64]
    exposure_b: NDArray[np.float64]
    percent_change: NDArray[np.float64]
    rate_ratio: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    p_value: NDArray[np.float64]
    direction: NDArray[np.int8]
    label: NDArray[np.str_]
    small_numbers: NDArray[np.bool_]
    effective_dispersion: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.p_value.shape[0]) if self.p_value.ndim else 1


def change_test(
    count_a: float,
    count_b: float,
    exposure_a: float = 1.0,
    exposure_b: float = 1.0,
    *,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    dispersion: float = 1.0,
    df: float = float("inf"),
) -> ChangeResult:
    """Test whether a count changed between two periods, allowing for exposure and overdispersion.

    Conditional on the total ``n = count_a + count_b``, ``count_b`` is ``Binomial(n, p0)`` with
    ``p0 = exposure_b / (exposure_a + exposure_b)`` if the rate did not change. With ``dispersion``
    ``phi > 1`` both counts are first divided by the effective dispersion
    ``phi * (t_df / z)**2`` (``phi`` itself when ``df`` is infinite). The two-sided p-value is central:
    ``min(1, 2 * min(P(B >= b), P(B <= b)))``; for Poisson counts (``phi = 1``) it equals
    ``2 * min(binom.cdf(b), binom.sf(b - 1))`` of :mod:`scipy.stats`. The interval for the rate ratio
    is the Clopper-Pearson interval for ``b / n`` (on the effective counts) mapped through
    ``RR = p / (1 - p) * exposure_a / exposure_b``: exactly the ratios the test does not reject.

    Parameters
    ----------
    count_a, count_b : float
        Counts in the first and second period: non-negative whole numbers.
    exposure_a, exposure_b : float, default 1.0
        Exposure of each period (for example population, or population x years); must be > 0.
    alpha : float, default 0.05
        Significance level; the interval has coverage ``1 - alpha``.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        ``"greater"`` tests for a rise, ``"less"`` for a fall.
    dispersion : float, default 1.0
        Overdispersion ``phi`` of the counts (values below 1 are used as 1).
    df : float, default inf
        Degrees of freedom of the ``phi`` estimate (``inf``: known).

    Returns
    -------
    ChangeResult

    Raises
    ------
    ValueError
        For negative or non-whole counts, exposures that are not > 0, ``alpha`` outside (0, 1), an
        unknown ``alternative``, or ``df <= 0``.

    See Also
    --------
    change_test_many : the same test, vectorised over arrays.
    ivp.stats.dispersion.estimate_dispersion : ``phi`` and ``df`` from a yearly series.

    References
    ----------
    .. [1] Przyborowski, J. and Wilenski, H. (1940). *Biometrika* 31, 313-323.
    .. [2] Breslow, N. E. and Day, N. E. (1987). *Statistical Methods in Cancer Research II*, 2.9.
    .. [3] Korn, E. L. and Graubard, B. I. (1998). *Survey Methodology* 24, 193-201.

    Examples
    --------
    A fall from 20 to 12 street robberies in a year may be chance:

    >>> r = change_test(20, 12)
    >>> round(r.percent_change, 1), round(r.p_value, 3), r.label
    (-40.0, 0.215, 'geen aantoonbare verandering')

    A fall from 200 to 120 is not, for Poisson counts:

    >>> r = change_test(200, 120)
    >>> r.direction, r.label, round(r.rate_ratio, 2), round(r.ci_low, 2), round(r.ci_high, 2)
    (-1, 'aantoonbare daling', 0.6, 0.47, 0.76)

    ... but it may be when the series swings five times more than Poisson (estimated over 12 years):

    >>> r = change_test(200, 120, dispersion=5.0, df=9)
    >>> r.label, round(r.p_value, 3), round(r.ci_low, 2), round(r.ci_high, 2)
    ('geen aantoonbare verandering', 0.097, 0.32, 1.11)

    Nine to none is too few to call:

    >>> change_test(9, 0).label
    'te weinig om een verandering vast te stellen'
    """
    many = change_test_many(
        [count_a], [count_b], [exposure_a], [exposure_b], alpha=alpha, alternative=alternative,
        dispersion=dispersion, df=df,
    )  # fmt: skip
    return ChangeResult(
        count_a=float(many.count_a[0]),
        count_b=float(many.count_b[0]),
        exposure_a=float(many.exposure_a[0]),
        exposure_b=float(many.exposure_b[0]),
        percent_change=float(many.percent_change[0]),
        rate_ratio=float(many.rate_ratio[0]),
        ci_low=float(many.ci_low[0]),
        ci_high=float(many.ci_high[0]),
        p_value=float(many.p_value[0]),
        direction=int(many.direction[0]),
        label=str(many.label[0]),
        small_numbers=bool(many.small_numbers[0]),
        dispersion=max(1.0, float(dispersion)),
        effective_dispersion=float(many.effective_dispersion[0]),
    )


def change_test_many(
    counts_a: ArrayLike,
    counts_b: ArrayLike,
    exposure_a: ArrayLike | None = None,
    exposure_b: ArrayLike | None = None,
    *,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    dispersion: ArrayLike = 1.0,
    df: ArrayLike = float("inf"),
) -> ChangeArrays:
    """Vectorised :func:`change_test` over arrays of count pairs (for example areas x crime types).

    ``dispersion`` and ``df`` broadcast with the counts, so every pair can have its own series' ``phi``.
    Pairs with the same inputs (common with small counts: 826,000 buurt x type pairs hold about 3,400
    distinct ones) are tested once and the results copied, bit for bit what testing each would give.

    Parameters
    ----------
    counts_a, counts_b : array_like
        Counts of the two periods, broadcastable to one shape; non-negative whole numbers.
    exposure_a, exposure_b : array_like, optional
        Exposures, broadcastable to the same shape; ``None`` means 1. Must be > 0.
    alpha : float, default 0.05
        Significance level; the intervals have coverage ``1 - alpha``.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"

    Returns
    -------
    ChangeArrays
        Read-only 1-D arrays (inputs are flattened after broadcasting).

    Raises
    ------
    ValueError
        As :func:`change_test`, or when the inputs cannot be broadcast together.

    Examples
    --------
    >>> r = change_test_many([20, 200, 0, 0], [12, 120, 5, 0])
    >>> r.direction.tolist()
    [0, -1, 0, 0]
    >>> r.label.tolist()[:2]
    ['geen aantoonbare verandering', 'aantoonbare daling']
    >>> [round(p, 4) for p in r.p_value.tolist()]
    [0.2153, 0.0, 0.0625, 1.0]
    >>> r.label.tolist()[2]
    'te weinig om een verandering vast te stellen'
    """
    check_option("alternative", alternative, ALTERNATIVES)
    alpha = check_alpha(alpha)
    a = as_counts(counts_a, "counts_a")
    b = as_counts(counts_b, "counts_b")
    ea = as_positive(1.0 if exposure_a is None else exposure_a, "exposure_a")
    eb = as_positive(1.0 if exposure_b is None else exposure_b, "exposure_b")
    phi, dfs = as_dispersion(dispersion, df)
    a, b, ea, eb, phi, dfs = (
        np.ascontiguousarray(x, dtype=np.float64).ravel() for x in np.broadcast_arrays(a, b, ea, eb, phi, dfs)
    )
    groups = _distinct(a, b, ea, eb, phi, dfs)
    if groups is None:
        return _test(a, b, ea, eb, phi, dfs, alpha, alternative)
    # Many pairs are the same test (small counts repeat; exposures and phi are often shared): test each
    # distinct input once and copy its results. Every step is elementwise, so the numbers are identical.
    rep, inverse = groups
    few = _test(a[rep], b[rep], ea[rep], eb[rep], phi[rep], dfs[rep], alpha, alternative)
    direction, small = few.direction[inverse], few.small_numbers[inverse]
    label = _labels(direction, small)
    pc, rr, low, high = (
        few.percent_change[inverse],
        few.rate_ratio[inverse],
        few.ci_low[inverse],
        few.ci_high[inverse],
    )
    p_value, eff = few.p_value[inverse], few.effective_dispersion[inverse]
    frozen(a, b, ea, eb, pc, rr, low, high, p_value, direction, label, small, eff)
    return ChangeArrays(
        count_a=a,
        count_b=b,
        exposure_a=ea,
        exposure_b=eb,
        percent_change=pc,
        rate_ratio=rr,
        ci_low=low,
        ci_high=high,
        p_value=p_value,
        direction=direction,
        label=label,
        small_numbers=small,
        effective_dispersion=eff,
    )


#: Below this many pairs :func:`change_test_many` does not look for repeated inputs.
_DISTINCT_MIN = 256


def _distinct(*columns: NDArray[np.float64]) -> tuple[NDArray[np.intp], NDArray[np.intp]] | None:
    """Group equal input rows: one representative row per group and each row's group, or None.

    Rows are equal when every column holds the same float64 bit pattern (so ``0.0`` and ``-0.0`` stay
    apart). None when there are few rows or when at least half of them are distinct (then grouping
    saves nothing). Whole non-negative columns are used as codes directly and the combined key is
    grouped with a lookup table when its range is small (linear time); otherwise by sorting.
    """
    n = columns[0].size
    if n < _DISTINCT_MIN:
        return None
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for col in columns:
        bits = col.view(np.int64)
        if bool(np.all(bits == bits[0])):
            continue
        if (
            not bool(np.any(np.signbit(col)))
            and float(col.max()) < 2**31
            and bool(np.all(col == np.floor(col)))
        ):
            code = col.astype(np.int64)
            width = int(code.max()) + 1
        else:
            values, code = np.unique(bits, return_inverse=True)
            width = int(values.size)
        if span * width >= 2**62:
            return None
        key = key * width + code
        span *= width
    if span <= max(4 * n, 1 << 20):
        rep = np.empty(span, dtype=np.intp)
        rep[key] = np.arange(n)  # any row of a group represents it: its rows are equal
        present = np.zeros(span, dtype=np.bool_)
        present[key] = True
        lookup = np.cumsum(present) - 1
        first, inverse = rep[present], lookup[key]
    else:
        _values, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    if first.size > n // 2:
        return None
    return np.asarray(first, dtype=np.intp), np.asarray(inverse, dtype=np.intp).ravel()


def _test(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    ea: NDArray[np.float64],
    eb: NDArray[np.float64],
    phi: NDArray[np.float64],
    dfs: NDArray[np.float64],
    alpha: float,
    alternative: str,
) -> ChangeArrays:
    """The test on checked, broadcast 1-D arrays."""
    eff = inflation(phi, dfs, np.full(a.shape, alpha), alternative)
    p0 = eb / (ea + eb)
    n = a + b
    p_value = proper_pvalues(
        lambda factor: central_pvalues(b / factor, n / factor, p0, alternative), phi, dfs, alpha, alternative
    )
    return _assemble(a, b, ea, eb, p_value, alpha, alternative, eff)


def _assemble(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    ea: NDArray[np.float64],
    eb: NDArray[np.float64],
    p_value: NDArray[np.float64],
    alpha: float,
    alternative: str,
    eff: NDArray[np.float64],
) -> ChangeArrays:
    """Compute estimates, intervals and labels around given p-values."""
    n = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        percent_change = 100.0 * (b / a - 1.0)
        rate_ratio = (b / eb) / (a / ea)
    ci_low, ci_high = rate_ratio_interval(b / eff, n / eff, ea / eb, alpha, alternative)
    small = (n < SMALL_TOTAL) | (np.minimum(a, b) < SMALL_COUNT)

    significant = (p_value < alpha) & ~small
    if alternative == "greater":
        direction = np.where(significant, 1, 0)
    elif alternative == "less":
        direction = np.where(significant, -1, 0)
    else:
        direction = np.where(significant, np.sign(b * ea - a * eb), 0)
    direction = direction.astype(np.int8)
    label = _labels(direction, small)
    frozen(a, b, ea, eb, percent_change, rate_ratio, ci_low, ci_high, p_value, direction, label, small, eff)
    return ChangeArrays(
        count_a=a,
        count_b=b,
        exposure_a=ea,
        exposure_b=eb,
        percent_change=percent_change,
        rate_ratio=rate_ratio,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        direction=direction,
        label=label,
        small_numbers=small,
        effective_dispersion=eff,
    )


def _labels(direction: NDArray[np.int8], small: NDArray[np.bool_]) -> NDArray[np.str_]:
    """The Dutch label per pair: too few when ``small``, else fall, none or rise by ``direction``.

    Filled with the commonest label and overwritten where another applies (several times faster on
    large arrays than indexing a string array, which copies every string one by one).
    """
    labels = np.array([_(LABEL_FALL), _(LABEL_NONE), _(LABEL_RISE), _(LABEL_TOO_FEW)])
    code = np.where(small, 3, direction.astype(np.intp) + 1)
    tally = np.bincount(code.ravel(), minlength=labels.size)
    common = int(np.argmax(tally))
    label = np.full(code.shape, labels[common], dtype=labels.dtype)
    for k in np.flatnonzero(tally):
        if k != common:
            label[code == k] = labels[k]
    return label
