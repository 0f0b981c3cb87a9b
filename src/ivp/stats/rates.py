"""Rates per inhabitants with exact intervals, and a test against a reference rate, allowing overdispersion.

A rate such as "registered burglaries per 1,000 inhabitants" is a count divided by the population. Its
interval is Garwood's exact (central) interval from the gamma (chi-square) distribution. An area is
compared with a reference (the country) through the ratio of its count to the count expected at the
reference rate, like a standardised incidence ratio. With overdispersion ``phi`` (the count varies
``phi`` times more than Poisson, estimated from its series by :mod:`ivp.stats.dispersion`) the count and
the expected count are divided by the effective dispersion first (effective counts), so test and interval
widen by about ``sqrt(phi)``. The test is the central one and its interval is exactly its inversion: the
ratio's interval excludes 1 exactly when ``p_value < alpha``. Below :data:`SMALL_RATE_COUNT` events no
verdict is worded (:data:`LABEL_TOO_FEW_DIFF`).

References
----------
.. [1] Garwood, F. (1936). Fiducial limits for the Poisson distribution. *Biometrika* 28(3/4), 437-442.
.. [2] Ulm, K. (1990). A simple method to calculate the confidence interval of a standardized
   mortality ratio (SMR). *American Journal of Epidemiology* 131(2), 373-375.
.. [4] Korn, E. L. and Graubard, B. I. (1998). *Survey Methodology* 24(2), 193-201 (effective counts).
.. [3] National Center for Health Statistics: rates based on fewer than 20 events are flagged as
   unreliable (for example *Health, United States*, Appendix II, "Relative standard error").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from ivp.lib.i18n import _
from ivp.stats._checks import as_counts, as_dispersion, as_positive, check_alpha, frozen
from ivp.stats.dispersion import inflation, proper_pvalues

__all__ = [
    "LABEL_HIGHER",
    "LABEL_LOWER",
    "LABEL_SAME",
    "LABEL_TOO_FEW_DIFF",
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
LABEL_TOO_FEW_DIFF = "te weinig om een verschil vast te stellen"

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
        Two-sided test of ``count`` against ``expected`` on the effective counts (central: twice the
        smaller tail, capped at 1).
    direction : int
        ``+1`` demonstrably higher, ``-1`` demonstrably lower, ``0`` no demonstrable difference (or
        small numbers).
    label : str
        :data:`LABEL_HIGHER`, :data:`LABEL_LOWER`, :data:`LABEL_SAME` or :data:`LABEL_TOO_FEW_DIFF` (Dutch).
    small_numbers : bool
        True when the count is below :data:`SMALL_RATE_COUNT`.
    effective_dispersion : float
        The factor the counts were divided by (1 for Poisson).
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
    effective_dispersion: float = 1.0


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
    effective_dispersion: NDArray[np.float64]


def _garwood(counts: NDArray[np.float64], alpha: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Central interval for a Poisson mean, for real ``counts >= 0``: the inversion of :func:`_tails`.

    ``P(X >= k; mu) = gammainc(k, mu)`` equals ``alpha / 2`` at the lower limit and
    ``P(X <= k; mu) = gammaincc(k + 1, mu)`` at the upper; for whole ``k`` these are
    ``chi2.ppf(alpha/2, 2k)/2`` and ``chi2.ppf(1-alpha/2, 2k+2)/2`` (Garwood 1936).
    """
    with np.errstate(invalid="ignore"):
        low = np.where(counts > 0, special.gammaincinv(np.maximum(counts, 1e-300), alpha / 2), 0.0)
    high = special.gammainccinv(counts + 1, alpha / 2)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def _tails(
    k: NDArray[np.float64], mu: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``P(X >= k)`` and ``P(X <= k)`` for ``X ~ Poisson(mu)``, continuous in real ``k >= 0``."""
    upper = np.where(k > 0, special.gammainc(np.maximum(k, 1e-300), mu), 1.0)
    lower = special.gammaincc(k + 1, mu)
    return np.asarray(upper, dtype=np.float64), np.asarray(lower, dtype=np.float64)


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
    dispersion: float = 1.0,
    df: float = float("inf"),
) -> RateComparison:
    """Test whether an area's rate differs from a reference rate (central test, allowing overdispersion).

    The expected count is ``reference_rate_per / per * population``. The two-sided p-value is the
    central one, ``min(1, 2 * min(P(X <= k), P(X >= k)))`` with ``X ~ Poisson(expected)``; this is
    ``statsmodels.stats.rates.test_poisson(count, population, reference_rate_per / per,
    method="exact-c")`` capped at 1 (statsmodels can return values above 1). The central test is used
    because it agrees with the Garwood interval: the interval of the ratio excludes 1 exactly when
    ``p_value < alpha``. (R's ``poisson.test`` uses the minimum-likelihood p-value instead; it can
    differ near the boundary.) The reference rate is treated as known without error, which is
    reasonable when the reference population (the country) is much larger. With ``dispersion`` ``phi``
    (and ``df``, the degrees of freedom of its estimate) ``count`` and ``expected`` are divided by
    :func:`ivp.stats.dispersion.effective_dispersion` before the same test and interval.

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
    dispersion : float, default 1.0
        Overdispersion ``phi`` of the count (below 1 is used as 1).
    df : float, default inf
        Degrees of freedom of the ``phi`` estimate.

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

    The same count from a series that varies three times more than Poisson (12 years):

    >>> r = rate_vs_reference(42, 6000, 4.5, dispersion=3.0, df=9)
    >>> r.label, round(r.ci_low, 2), round(r.ci_high, 2)
    ('geen aantoonbaar verschil', 0.76, 2.82)
    """
    many = rate_vs_reference_many(
        [count], [population], [reference_rate_per], per=per, alpha=alpha, dispersion=dispersion, df=df
    )
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
        effective_dispersion=float(many.effective_dispersion[0]),
    )


def rate_vs_reference_many(
    counts: ArrayLike,
    population: ArrayLike,
    reference_rate_per: ArrayLike,
    *,
    per: float = 1000.0,
    alpha: float = 0.05,
    dispersion: ArrayLike = 1.0,
    df: ArrayLike = float("inf"),
) -> RateComparisonArrays:
    """Vectorised :func:`rate_vs_reference`; inputs broadcast together and are flattened.

    Examples
    --------
    >>> r = rate_vs_reference_many([42, 20, 3], [6000, 6000, 6000], 4.5)
    >>> r.direction.tolist(), r.label.tolist()[1:]
    ([1, 0, 0], ['geen aantoonbaar verschil', 'te weinig om een verschil vast te stellen'])
    """
    alpha = check_alpha(alpha)
    per = float(as_positive(per, "per"))
    k = as_counts(counts, "counts")
    pop = as_positive(population, "population")
    ref = as_positive(reference_rate_per, "reference_rate_per")
    phi, dfs = as_dispersion(dispersion, df)
    k, pop, ref, phi, dfs = (
        np.array(x, dtype=np.float64).ravel() for x in np.broadcast_arrays(k, pop, ref, phi, dfs)
    )
    eff = inflation(phi, dfs, np.full(k.shape, alpha), "two-sided")
    expected = ref / per * pop

    def p_at(factor: NDArray[np.float64]) -> NDArray[np.float64]:
        upper_tail, lower_tail = _tails(k / factor, expected / factor)
        return np.asarray(np.minimum(1.0, 2.0 * np.minimum(lower_tail, upper_tail)), dtype=np.float64)

    p_value = proper_pvalues(p_at, phi, dfs, alpha, "two-sided")
    low, high = _garwood(k / eff, alpha)
    ratio = k / expected
    ci_low = low / (expected / eff)
    ci_high = high / (expected / eff)
    small = k < SMALL_RATE_COUNT
    direction = np.where((p_value < alpha) & ~small, np.sign(ratio - 1.0), 0).astype(np.int8)
    labels = np.array([_(LABEL_LOWER), _(LABEL_SAME), _(LABEL_HIGHER)])
    label = np.where(small, _(LABEL_TOO_FEW_DIFF), labels[direction + 1])
    rate = k / pop * per
    frozen(k, expected, rate, ref, ratio, ci_low, ci_high, p_value, direction, label, small, eff)
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
        effective_dispersion=eff,
    )
