"""Engine of :mod:`ivp.stats.change`: central conditional p-values and the intervals they invert to.

Array functions behind :func:`ivp.stats.change_test_many` (and :func:`ivp.stats.change_test`). They take
float64 arrays and do no argument checking; :mod:`ivp.stats.change` checks and broadcasts the inputs.

One convention: the two-sided p-value is the *central* one, twice the smaller tail (capped at 1), and the
interval is the set of rate ratios that this test does not reject (Clopper-Pearson for the binomial
proportion). Both are written with the same regularised incomplete beta function, so ``p < alpha``
exactly when the interval excludes the ratio under test, and both are continuous in the exposure ratio
(the minimum-likelihood p-value of ``scipy.stats.binomtest`` is neither: it jumps when the population
changes by a fraction of a percent, and it can reject while the interval contains 1).

The functions also take non-integer counts: with overdispersion the counts are divided by the
(effective) dispersion before the test (Korn & Graubard 1998), and the incomplete beta function is the
natural continuous extension of the binomial tails.

- :func:`tails`: ``P(B >= b)`` and ``P(B <= b)`` for ``B ~ Binomial(n, p0)``.
- :func:`central_pvalues`: one- or two-sided p-values from those tails.
- :func:`proportion_interval`: the interval for ``p`` that inverts :func:`central_pvalues`.
- :func:`rate_ratio_interval`: that interval mapped to the rate ratio.

References
----------
.. [1] Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated in
   the case of the binomial. *Biometrika* 26(4), 404-413.
.. [2] Fay, M. P. (2010). Two-sided exact tests and matching confidence intervals for discrete data.
   *The R Journal* 2(1), 53-58 (the central test is the one that matches the Clopper-Pearson interval).
.. [3] Korn, E. L. and Graubard, B. I. (1998). *Survey Methodology* 24(2), 193-201.

Examples
--------
>>> import numpy as np
>>> p = central_pvalues(np.array([12.0, 120.0, 0.0]), np.array([32.0, 320.0, 5.0]), np.array([0.5, 0.5, 0.5]),
...                     "two-sided")
>>> [round(x, 4) for x in p.tolist()]
[0.2153, 0.0, 0.0625]
>>> low, high = rate_ratio_interval(np.array([120.0]), np.array([320.0]), np.array([1.0]), 0.05, "two-sided")
>>> round(float(low[0]), 2), round(float(high[0]), 2)
(0.47, 0.76)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special

__all__ = ["central_pvalues", "proportion_interval", "rate_ratio_interval", "tails"]


def tails(
    b: NDArray[np.float64], n: NDArray[np.float64], p0: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Upper ``P(B >= b)`` and lower ``P(B <= b)`` tails of ``Binomial(n, p0)``, for real ``0 <= b <= n``.

    ``P(B >= b) = I_{p0}(b, n - b + 1)`` and ``P(B <= b) = I_{1 - p0}(n - b, b + 1)`` (regularised
    incomplete beta); 1 at the edges ``b = 0`` and ``b = n``.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        upper = np.where(b > 0, special.betainc(np.maximum(b, 1e-300), n - b + 1, p0), 1.0)
        lower = np.where(b < n, special.betainc(np.maximum(n - b, 1e-300), b + 1, 1 - p0), 1.0)
    upper = np.where(n > 0, upper, 1.0)
    lower = np.where(n > 0, lower, 1.0)
    return np.asarray(upper, dtype=np.float64), np.asarray(lower, dtype=np.float64)


def central_pvalues(
    b: NDArray[np.float64], n: NDArray[np.float64], p0: NDArray[np.float64], alternative: str
) -> NDArray[np.float64]:
    """p-values of the conditional test: ``"greater"`` the upper tail, ``"less"`` the lower tail,
    ``"two-sided"`` ``min(1, 2 * min(upper, lower))``; 1 where ``n == 0``."""
    upper, lower = tails(b, n, p0)
    if alternative == "greater":
        p = upper
    elif alternative == "less":
        p = lower
    else:
        p = np.minimum(1.0, 2.0 * np.minimum(upper, lower))
    return np.asarray(np.where(n > 0, p, 1.0), dtype=np.float64)


def proportion_interval(
    b: NDArray[np.float64], n: NDArray[np.float64], alpha: float, alternative: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The ``p0`` that :func:`central_pvalues` does not reject at ``alpha``: Clopper-Pearson limits.

    The lower limit solves ``P(B >= b; p) = tail`` and the upper ``P(B <= b; p) = tail``, with
    ``tail = alpha / 2`` (two-sided) or ``alpha`` (one-sided, the other limit 0 or 1).
    """
    tail = alpha / 2 if alternative == "two-sided" else alpha
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(b > 0, special.betaincinv(np.maximum(b, 1e-300), n - b + 1, tail), 0.0)
        high = np.where(b < n, 1.0 - special.betaincinv(np.maximum(n - b, 1e-300), b + 1, tail), 1.0)
    if alternative == "greater":
        high = np.ones_like(high)
    elif alternative == "less":
        low = np.zeros_like(low)
    low = np.where(n > 0, low, 0.0)
    high = np.where(n > 0, high, 1.0)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def rate_ratio_interval(
    b: NDArray[np.float64],
    n: NDArray[np.float64],
    exposure_ratio: NDArray[np.float64],
    alpha: float,
    alternative: str,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """:func:`proportion_interval` for ``b / n`` mapped to the rate ratio ``p / (1 - p) * ea / eb``.

    Parameters
    ----------
    b, n : ndarray
        (Effective) count of the second period and total of both, ``0 <= b <= n``.
    exposure_ratio : ndarray
        ``exposure_a / exposure_b``, broadcastable to ``b``.
    alpha : float
        The interval has coverage ``1 - alpha``.
    alternative : {"two-sided", "greater", "less"}

    Returns
    -------
    low, high : ndarray
        Limits for the rate ratio; ``inf`` where the proportion limit is 1; ``(0, inf)`` where ``n = 0``.
    """
    p_low, p_high = proportion_interval(b, n, alpha, alternative)
    with np.errstate(divide="ignore", invalid="ignore"):
        ci_low = np.where(p_low >= 1.0, np.inf, p_low / (1.0 - p_low)) * exposure_ratio
        ci_high = np.where(p_high >= 1.0, np.inf, p_high / (1.0 - p_high)) * exposure_ratio
    return np.asarray(ci_low, dtype=np.float64), np.asarray(ci_high, dtype=np.float64)
