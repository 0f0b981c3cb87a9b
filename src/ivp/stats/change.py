"""Change in a count between two periods: the exact conditional (binomial) test for two Poisson counts.

Registered crime counts are treated as Poisson counts. Given the total ``n = a + b`` of the two periods,
the count ``b`` of the second period is binomial, ``b ~ Binomial(n, p0)``, with
``p0 = exposure_b / (exposure_a + exposure_b)`` when the underlying rate did not change. The test and
the interval for the rate ratio follow from that binomial (Przyborowski & Wilenski 1940; Breslow & Day
1987, section 2.9). Only a change that passes the test is worded as a rise or a fall.

References
----------
.. [1] Przyborowski, J. and Wilenski, H. (1940). Homogeneity of results in testing samples from Poisson
   series. *Biometrika* 31(3/4), 313-323.
.. [2] Breslow, N. E. and Day, N. E. (1987). *Statistical Methods in Cancer Research, Volume II: The
   Design and Analysis of Cohort Studies*. IARC Scientific Publications 82, section 2.9.
.. [3] Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated in
   the case of the binomial. *Biometrika* 26(4), 404-413.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ivp.lib.i18n import _
from ivp.stats._checks import ALTERNATIVES, as_counts, as_positive, check_alpha, check_option, frozen
from ivp.stats.change_engine import binom_pvalues, rate_ratio_interval

__all__ = [
    "LABEL_FALL",
    "LABEL_NONE",
    "LABEL_RISE",
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
        Exact conditional (Clopper-Pearson) ``1 - alpha`` interval for the rate ratio. One-sided when
        the test is (``ci_high = inf`` for ``"greater"``, ``ci_low = 0`` for ``"less"``); ``(0, inf)``
        when both counts are 0 (the data say nothing).
    p_value : float
        Exact conditional p-value, in (0, 1].
    direction : int
        ``+1`` demonstrable rise, ``-1`` demonstrable fall, ``0`` none; decided by ``p_value < alpha``.
    label : str
        Dutch wording for ``direction``: :data:`LABEL_RISE`, :data:`LABEL_FALL` or :data:`LABEL_NONE`.
    small_numbers : bool
        True when ``count_a + count_b < SMALL_TOTAL`` or either count is below ``SMALL_COUNT``.
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
) -> ChangeResult:
    """Test whether a count changed between two periods, allowing for a change in exposure.

    Conditional on the total ``n = count_a + count_b``, ``count_b`` is ``Binomial(n, p0)`` with
    ``p0 = exposure_b / (exposure_a + exposure_b)`` if the rate did not change. The p-value is that of
    :func:`scipy.stats.binomtest` (two-sided: the minimum-likelihood method, summing all outcomes no
    more likely than the observed one). The interval for the rate ratio is the Clopper-Pearson interval
    for ``b / n`` mapped through ``RR = p / (1 - p) * exposure_a / exposure_b``.

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

    Returns
    -------
    ChangeResult

    Raises
    ------
    ValueError
        For negative or non-whole counts, exposures that are not > 0, ``alpha`` outside (0, 1) or an
        unknown ``alternative``.

    See Also
    --------
    change_test_many : the same test, vectorised over arrays.

    References
    ----------
    .. [1] Przyborowski, J. and Wilenski, H. (1940). *Biometrika* 31, 313-323.
    .. [2] Breslow, N. E. and Day, N. E. (1987). *Statistical Methods in Cancer Research II*, 2.9.

    Examples
    --------
    A fall from 20 to 12 street robberies in a year may be chance:

    >>> r = change_test(20, 12)
    >>> round(r.percent_change, 1), round(r.p_value, 3), r.label
    (-40.0, 0.215, 'geen aantoonbare verandering')

    A fall from 200 to 120 is not:

    >>> r = change_test(200, 120)
    >>> r.direction, r.label, round(r.rate_ratio, 2), round(r.ci_low, 2), round(r.ci_high, 2)
    (-1, 'aantoonbare daling', 0.6, 0.47, 0.76)
    """
    check_option("alternative", alternative, ALTERNATIVES)
    alpha = check_alpha(alpha)
    a = float(as_counts(count_a, "count_a"))
    b = float(as_counts(count_b, "count_b"))
    ea = float(as_positive(exposure_a, "exposure_a"))
    eb = float(as_positive(exposure_b, "exposure_b"))
    n = a + b
    p0 = eb / (ea + eb)
    p_value = 1.0 if n == 0 else float(stats.binomtest(int(b), int(n), p0, alternative=alternative).pvalue)
    arrays = _assemble(
        np.array([a]), np.array([b]), np.array([ea]), np.array([eb]), np.array([p_value]), alpha, alternative
    )
    return ChangeResult(
        count_a=a,
        count_b=b,
        exposure_a=ea,
        exposure_b=eb,
        percent_change=float(arrays.percent_change[0]),
        rate_ratio=float(arrays.rate_ratio[0]),
        ci_low=float(arrays.ci_low[0]),
        ci_high=float(arrays.ci_high[0]),
        p_value=p_value,
        direction=int(arrays.direction[0]),
        label=str(arrays.label[0]),
        small_numbers=bool(arrays.small_numbers[0]),
    )


def change_test_many(
    counts_a: ArrayLike,
    counts_b: ArrayLike,
    exposure_a: ArrayLike | None = None,
    exposure_b: ArrayLike | None = None,
    *,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> ChangeArrays:
    """Vectorised :func:`change_test` over arrays of count pairs (for example areas x crime types).

    Gives the same numbers as :func:`change_test` element by element without a Python loop per
    element: the two-sided p-value uses scipy's minimum-likelihood method with a binary search for the
    other tail run on all elements at once (as ``scipy.stats._binomtest._binary_search_for_binom_tst``,
    with its relative tolerance ``1 + 1e-7``).

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
    """
    check_option("alternative", alternative, ALTERNATIVES)
    alpha = check_alpha(alpha)
    a = as_counts(counts_a, "counts_a")
    b = as_counts(counts_b, "counts_b")
    ea = as_positive(1.0 if exposure_a is None else exposure_a, "exposure_a")
    eb = as_positive(1.0 if exposure_b is None else exposure_b, "exposure_b")
    a, b, ea, eb = (
        np.ascontiguousarray(x, dtype=np.float64).ravel() for x in np.broadcast_arrays(a, b, ea, eb)
    )
    n = a + b
    p0 = eb / (ea + eb)
    p_value = binom_pvalues(b, n, p0, alternative)
    return _assemble(a, b, ea, eb, p_value, alpha, alternative)


def _assemble(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    ea: NDArray[np.float64],
    eb: NDArray[np.float64],
    p_value: NDArray[np.float64],
    alpha: float,
    alternative: str,
) -> ChangeArrays:
    """Compute estimates, intervals and labels around given p-values."""
    n = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        percent_change = 100.0 * (b / a - 1.0)
        rate_ratio = (b / eb) / (a / ea)
    ci_low, ci_high = rate_ratio_interval(b, n, ea / eb, alpha, alternative)

    significant = p_value < alpha
    if alternative == "greater":
        direction = np.where(significant, 1, 0)
    elif alternative == "less":
        direction = np.where(significant, -1, 0)
    else:
        direction = np.where(significant, np.sign(b * ea - a * eb), 0)
    direction = direction.astype(np.int8)
    labels = np.array([_(LABEL_FALL), _(LABEL_NONE), _(LABEL_RISE)])
    label = labels[direction + 1]
    small = (n < SMALL_TOTAL) | (np.minimum(a, b) < SMALL_COUNT)
    frozen(a, b, ea, eb, percent_change, rate_ratio, ci_low, ci_high, p_value, direction, label, small)
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
    )
