"""Rates per inhabitants with exact Poisson intervals, and an exact test against a reference rate.

A rate such as "registered burglaries per 1,000 inhabitants" is a Poisson count divided by the
population. Its interval is Garwood's exact (central) interval from the chi-square distribution. An area
is compared with a reference (the municipality, the country) through the ratio of its count to the count
expected at the reference rate, like a standardised incidence ratio.

References
----------
.. [1] Garwood, F. (1936). Fiducial limits for the Poisson distribution. *Biometrika* 28(3/4), 437-442.
.. [2] Ulm, K. (1990). A simple method to calculate the confidence interval of a standardized
   mortality ratio (SMR). *American Journal of Epidemiology* 131(2), 373-375.
.. [3] National Center for Health Statistics: rates based on fewer than 20 events are flagged as
   unreliable (for example *Health, United States*, Appendix II, "Relative standard error").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ivp.lib.i18n import _
from ivp.stats._checks import as_counts, as_positive, check_alpha, frozen

__all__ = [
    "LABEL_HIGHER",
    "LABEL_LOWER",
    "LABEL_SAME",
    "SMALL_RATE_COUNT",
    "RateArrays",
    "RateComparison",
    "RateComparisonArrays",
    "poisson_rate",
    "rate_vs_reference",
    "rate_vs_reference_many",
]

LABEL_HIGHER = "aantoonbaar hoger"
LABEL_LOWER = "aantoonbaar lager"
LABEL_SAME = "geen aantoonbaar verschil"

#: Rates from fewer events than this are marked ``small_numbers`` (relative standard error > 22%).
SMALL_RATE_COUNT = 20


@dataclass(frozen=True, eq=False)
class RateArrays:
    """Result of :func:`poisson_rate` (read-only arrays of the broadcast input shape).

    Attributes
    ----------
    rate : ndarray of float
        ``count / population * per``.
    ci_low, ci_high : ndarray of float
        Exact (Garwood) ``1 - alpha`` interval of the rate, in the same unit.
    small_numbers : ndarray of bool
        True where the count is below :data:`SMALL_RATE_COUNT`.
    """

    rate: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    small_numbers: NDArray[np.bool_]


@dataclass(frozen=True)
class RateComparison:
    """Result of :func:`rate_vs_reference`.

    Attributes
    ----------
    count : float
        Observed count.
    expected : float
        Count expected at the reference rate: ``reference_rate / per * population``.
    rate, reference_rate : float
        Observed and reference rate per ``per`` inhabitants.
    ratio : float
        ``count / expected`` (= ``rate / reference_rate``).
    ci_low, ci_high : float
        Exact (Garwood) ``1 - alpha`` interval of the ratio.
    p_value : float
        Exact two-sided Poisson test of ``count`` against ``expected`` (central: twice the smaller tail,
        capped at 1).
    direction : int
        ``+1`` demonstrably higher, ``-1`` demonstrably lower, ``0`` no demonstrable difference.
    label : str
        :data:`LABEL_HIGHER`, :data:`LABEL_LOWER` or :data:`LABEL_SAME` (Dutch).
    small_numbers : bool
        True when the count is below :data:`SMALL_RATE_COUNT`.
    """

    count: float
    expected: float
    rate: float
    reference_rate: float
    ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    direction: int
    label: str
    small_numbers: bool


@dataclass(frozen=True, eq=False)
class RateComparisonArrays:
    """Result of :func:`rate_vs_reference_many`: the fields of :class:`RateComparison` as arrays."""

    count: NDArray[np.float64]
    expected: NDArray[np.float64]
    rate: NDArray[np.float64]
    reference_rate: NDArray[np.float64]
    ratio: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    p_value: NDArray[np.float64]
    direction: NDArray[np.int8]
    label: NDArray[np.str_]
    small_numbers: NDArray[np.bool_]


def _garwood(counts: NDArray[np.float64], alpha: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exact central interval for a Poisson mean: chi2(alpha/2, 2k)/2 and chi2(1-alpha/2, 2k+2)/2."""
    with np.errstate(invalid="ignore"):
        low = np.where(counts > 0, stats.chi2.ppf(alpha / 2, 2 * np.maximum(counts, 1)) / 2, 0.0)
    high = stats.chi2.isf(alpha / 2, 2 * counts + 2) / 2
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def poisson_rate(
    counts: ArrayLike, population: ArrayLike, *, per: float = 1000.0, alpha: float = 0.05
) -> RateArrays:
    """Rate per ``per`` inhabitants with Garwood's exact Poisson interval, vectorised.

    The interval for the mean ``mu`` of a Poisson count ``k`` is
    ``[chi2.ppf(alpha/2, 2k) / 2, chi2.ppf(1 - alpha/2, 2k + 2) / 2]`` (lower limit 0 when ``k = 0``),
    divided by the population and multiplied by ``per``. It equals
    ``statsmodels.stats.rates.confint_poisson(count, exposure, method="exact-c")``.

    Parameters
    ----------
    counts : array_like
        Non-negative whole counts.
    population : array_like
        Population (or person-years), > 0, broadcastable to ``counts``.
    per : float, default 1000.0
        Unit of the rate: per 1,000 inhabitants by default.
    alpha : float, default 0.05
        The interval has coverage ``1 - alpha``.

    Returns
    -------
    RateArrays

    Raises
    ------
    ValueError
        For negative or non-whole counts, a population or ``per`` that is not > 0, or ``alpha``
        outside (0, 1).

    References
    ----------
    .. [1] Garwood, F. (1936). *Biometrika* 28, 437-442.

    Examples
    --------
    >>> r = poisson_rate([0, 12, 250], [800, 4000, 60000])
    >>> r.rate.round(2).tolist()
    [0.0, 3.0, 4.17]
    >>> r.ci_low.round(2).tolist(), r.ci_high.round(2).tolist()
    ([0.0, 1.55, 3.67], [4.61, 5.24, 4.72])
    >>> r.small_numbers.tolist()
    [True, True, False]
    """
    alpha = check_alpha(alpha)
    per = float(as_positive(per, "per"))
    k = as_counts(counts, "counts")
    pop = as_positive(population, "population")
    k, pop = (np.array(x, dtype=np.float64) for x in np.broadcast_arrays(k, pop))
    low, high = _garwood(k, alpha)
    rate = k / pop * per
    ci_low = low / pop * per
    ci_high = high / pop * per
    small = k < SMALL_RATE_COUNT
    frozen(rate, ci_low, ci_high, small)
    return RateArrays(rate=rate, ci_low=ci_low, ci_high=ci_high, small_numbers=small)


def rate_vs_reference(
    count: float,
    population: float,
    reference_rate_per: float,
    *,
    per: float = 1000.0,
    alpha: float = 0.05,
) -> RateComparison:
    """Test whether an area's rate differs from a reference rate (exact Poisson test).

    The expected count is ``reference_rate_per / per * population``. The two-sided p-value is the
    central one, ``min(1, 2 * min(P(X <= k), P(X >= k)))`` with ``X ~ Poisson(expected)``; this is
    ``statsmodels.stats.rates.test_poisson(count, population, reference_rate_per / per,
    method="exact-c")`` capped at 1 (statsmodels can return values above 1). The central test is used
    because it agrees with the Garwood interval: the interval of the ratio excludes 1 exactly when
    ``p_value < alpha``. (R's ``poisson.test`` uses the minimum-likelihood p-value instead; it can
    differ near the boundary.) The reference rate is treated as known without error, which is
    reasonable when the reference population (the country, the municipality) is much larger.

    Parameters
    ----------
    count : float
        Observed count in the area, a non-negative whole number.
    population : float
        Population of the area, > 0.
    reference_rate_per : float
        Reference rate per ``per`` inhabitants, > 0.
    per : float, default 1000.0
    alpha : float, default 0.05

    Returns
    -------
    RateComparison

    Raises
    ------
    ValueError
        For invalid counts, populations, rates or ``alpha``.

    References
    ----------
    .. [1] Garwood, F. (1936). *Biometrika* 28, 437-442.
    .. [2] Ulm, K. (1990). *American Journal of Epidemiology* 131, 373-375.

    Examples
    --------
    42 burglaries among 6,000 inhabitants against a municipal rate of 4.5 per 1,000 (27 expected):

    >>> r = rate_vs_reference(42, 6000, 4.5)
    >>> round(r.rate, 2), round(r.expected, 1), round(r.ratio, 2), r.label
    (7.0, 27.0, 1.56, 'aantoonbaar hoger')
    >>> round(r.ci_low, 2), round(r.ci_high, 2), round(r.p_value, 4)
    (1.12, 2.1, 0.0089)
    """
    many = rate_vs_reference_many([count], [population], [reference_rate_per], per=per, alpha=alpha)
    return RateComparison(
        count=float(many.count[0]),
        expected=float(many.expected[0]),
        rate=float(many.rate[0]),
        reference_rate=float(many.reference_rate[0]),
        ratio=float(many.ratio[0]),
        ci_low=float(many.ci_low[0]),
        ci_high=float(many.ci_high[0]),
        p_value=float(many.p_value[0]),
        direction=int(many.direction[0]),
        label=str(many.label[0]),
        small_numbers=bool(many.small_numbers[0]),
    )


def rate_vs_reference_many(
    counts: ArrayLike,
    population: ArrayLike,
    reference_rate_per: ArrayLike,
    *,
    per: float = 1000.0,
    alpha: float = 0.05,
) -> RateComparisonArrays:
    """Vectorised :func:`rate_vs_reference`; inputs broadcast together and are flattened.

    Examples
    --------
    >>> r = rate_vs_reference_many([42, 20, 3], [6000, 6000, 6000], 4.5)
    >>> r.direction.tolist(), r.label.tolist()[1]
    ([1, 0, -1], 'geen aantoonbaar verschil')
    """
    alpha = check_alpha(alpha)
    per = float(as_positive(per, "per"))
    k = as_counts(counts, "counts")
    pop = as_positive(population, "population")
    ref = as_positive(reference_rate_per, "reference_rate_per")
    k, pop, ref = (np.array(x, dtype=np.float64).ravel() for x in np.broadcast_arrays(k, pop, ref))
    expected = ref / per * pop
    lower_tail = stats.poisson.cdf(k, expected)
    upper_tail = stats.poisson.sf(k - 1, expected)
    p_value = np.minimum(1.0, 2.0 * np.minimum(lower_tail, upper_tail)).astype(np.float64)
    low, high = _garwood(k, alpha)
    ratio = k / expected
    ci_low = low / expected
    ci_high = high / expected
    direction = np.where(p_value < alpha, np.sign(ratio - 1.0), 0).astype(np.int8)
    labels = np.array([_(LABEL_LOWER), _(LABEL_SAME), _(LABEL_HIGHER)])
    label = labels[direction + 1]
    rate = k / pop * per
    small = k < SMALL_RATE_COUNT
    frozen(k, expected, rate, ref, ratio, ci_low, ci_high, p_value, direction, label, small)
    return RateComparisonArrays(
        count=k,
        expected=expected,
        rate=rate,
        reference_rate=ref,
        ratio=ratio,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        direction=direction,
        label=label,
        small_numbers=small,
    )
