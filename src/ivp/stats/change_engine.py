"""Engine of :mod:`ivp.stats.change`: vectorised exact binomial p-values and rate-ratio intervals.

Array functions behind :func:`ivp.stats.change_test_many` (and the interval of
:func:`ivp.stats.change_test`). They take float64 arrays of whole numbers and do no argument
checking; :mod:`ivp.stats.change` checks and broadcasts the inputs first.

- :func:`binom_pvalues`: p-values of :func:`scipy.stats.binomtest` for arrays.
- :func:`binom_two_sided`: the two-sided (minimum-likelihood) case, step for step as scipy.
- :func:`rate_ratio_interval`: Clopper-Pearson interval mapped to the rate ratio [1]_.
- :func:`unique_pairs`: distinct ``(k, n)`` pairs, so slow special functions run once per pair.

References
----------
.. [1] Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or fiducial limits illustrated in
   the case of the binomial. *Biometrika* 26(4), 404-413.

Examples
--------
>>> import numpy as np
>>> p = binom_pvalues(np.array([12.0, 120.0]), np.array([32.0, 320.0]), np.array([0.5, 0.5]), "two-sided")
>>> [round(x, 4) for x in p.tolist()]
[0.2153, 0.0]
>>> low, high = rate_ratio_interval(np.array([120.0]), np.array([320.0]), np.array([1.0]), 0.05, "two-sided")
>>> round(float(low[0]), 2), round(float(high[0]), 2)
(0.47, 0.76)
>>> uk, un, inverse = unique_pairs(np.array([1.0, 2.0, 1.0, 0.0]), np.array([3.0, 3.0, 3.0, 0.0]))
>>> uk.tolist(), un.tolist(), inverse.tolist()
([0.0, 1.0, 2.0], [0.0, 3.0, 3.0], [1, 2, 1, 0])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

__all__ = ["binom_pvalues", "binom_two_sided", "rate_ratio_interval", "unique_pairs"]

# scipy.stats.binomtest treats probabilities within this relative error of the observed one as equal.
_RERR = 1 + 1e-7


def rate_ratio_interval(
    b: NDArray[np.float64],
    n: NDArray[np.float64],
    exposure_ratio: NDArray[np.float64],
    alpha: float,
    alternative: str,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Clopper-Pearson interval for ``b / n`` mapped to the rate ratio ``p / (1 - p) * ea / eb``.

    Parameters
    ----------
    b, n : ndarray
        Count of the second period and total of both periods, whole numbers ``0 <= b <= n``.
    exposure_ratio : ndarray
        ``exposure_a / exposure_b``, broadcastable to ``b``.
    alpha : float
        The interval has coverage ``1 - alpha``.
    alternative : {"two-sided", "greater", "less"}
        One-sided intervals put all of ``alpha`` in one tail (``high = inf`` or ``low = 0``).

    Returns
    -------
    low, high : ndarray
        Limits for the rate ratio; ``inf`` where the proportion limit is 1.
    """
    tail = alpha / 2 if alternative == "two-sided" else alpha
    # The proportion limits depend on (b, n) only: compute each distinct pair once (betaincinv is slow).
    ub, un, inverse = unique_pairs(b, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        # beta.ppf(q, b, n - b + 1) == betaincinv(b, n - b + 1, q); the limits are 0 and 1 at the edges.
        p_low = np.where(ub > 0, special.betaincinv(np.maximum(ub, 1), un - ub + 1, tail), 0.0)[inverse]
        p_high = np.where(ub < un, special.betaincinv(ub + 1, np.maximum(un - ub, 1), 1 - tail), 1.0)[inverse]
        if alternative == "greater":
            p_high = np.ones_like(p_high)
        elif alternative == "less":
            p_low = np.zeros_like(p_low)
        ci_low = np.where(p_low >= 1.0, np.inf, p_low / (1.0 - p_low)) * exposure_ratio
        ci_high = np.where(p_high >= 1.0, np.inf, p_high / (1.0 - p_high)) * exposure_ratio
    return ci_low.astype(np.float64), ci_high.astype(np.float64)


def binom_pvalues(
    k: NDArray[np.float64], n: NDArray[np.float64], p: NDArray[np.float64], alternative: str
) -> NDArray[np.float64]:
    """P-values of ``scipy.stats.binomtest(k, n, p, alternative)`` for arrays; 1 where ``n == 0``.

    When all ``p`` are equal, identical ``(k, n)`` pairs are computed once.

    Parameters
    ----------
    k, n : ndarray
        1-D float64 arrays of whole numbers ``0 <= k <= n``.
    p : ndarray
        Success probability under the null hypothesis, same shape, in (0, 1).
    alternative : {"two-sided", "greater", "less"}

    Returns
    -------
    ndarray
        P-values, same shape as ``k``.
    """
    out = np.ones(k.shape, dtype=np.float64)
    has_data = n > 0
    if not np.any(has_data):
        return out
    k, n, p = k[has_data], n[has_data], p[has_data]
    if p.min() == p.max():  # equal exposure ratios: identical (k, n) pairs give identical p-values
        uk, un, inverse = unique_pairs(k, n)
        up = np.full(uk.shape, p[0])
    else:
        uk, un, up, inverse = k, n, p, np.arange(k.size, dtype=np.intp)
    if alternative == "less":
        pu = stats.binom.cdf(uk, un, up)
    elif alternative == "greater":
        pu = stats.binom.sf(uk - 1, un, up)
    else:
        pu = binom_two_sided(uk, un, up)
    out[has_data] = np.asarray(pu, dtype=np.float64)[inverse]
    return out


def unique_pairs(
    k: NDArray[np.float64], n: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
    """Distinct ``(k, n)`` pairs of whole numbers ``0 <= k <= n``, and each input's index among them.

    The pair is coded as the integer ``n (n + 1) / 2 + k``; for small counts a dense table avoids
    sorting, which dominates the run time on a million pairs.

    Parameters
    ----------
    k, n : ndarray
        1-D float64 arrays of whole numbers ``0 <= k <= n``.

    Returns
    -------
    uk, un : ndarray
        The distinct pairs (sorted by code), or the inputs themselves when they are not grouped.
    inverse : ndarray of intp
        Index of each input pair, so that ``uk[inverse] == k`` and ``un[inverse] == n``.
    """
    if k.size <= 1:
        return k, n, np.zeros(k.size, dtype=np.intp)
    n_max = float(n.max())
    if n_max > 2.0**26:  # the key would no longer be exact in float64; no grouping
        return k, n, np.arange(k.size, dtype=np.intp)
    key = (n * (n + 1) / 2 + k).astype(np.int64)
    if n_max <= 4000:  # table of at most ~8 million entries
        present = np.bincount(key) > 0
        codes = np.flatnonzero(present)
        position = np.cumsum(present) - 1
        inverse = position[key].astype(np.intp)
    else:
        codes, inverse = np.unique(key, return_inverse=True)
    # Decode: n is the largest integer with n (n + 1) / 2 <= code.
    un = np.floor((np.sqrt(8.0 * codes + 1.0) - 1.0) / 2.0)
    un = np.where(un * (un + 1) / 2 > codes, un - 1, un)
    un = np.where((un + 1) * (un + 2) / 2 <= codes, un + 1, un)
    uk = codes - un * (un + 1) / 2
    return uk.astype(np.float64), un.astype(np.float64), inverse


def binom_two_sided(
    k: NDArray[np.float64], n: NDArray[np.float64], p: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Two-sided minimum-likelihood binomial p-values, exactly as ``scipy.stats.binomtest`` (n >= 1).

    Parameters
    ----------
    k, n, p : ndarray
        1-D float64 arrays of the same shape: counts ``0 <= k <= n``, totals ``n >= 1`` and null
        probabilities in (0, 1).

    Returns
    -------
    ndarray
        P-values in (0, 1], same shape as ``k``.
    """
    pval = np.ones(k.shape, dtype=np.float64)
    d = stats.binom.pmf(k, n, p)
    pn = p * n

    low = k < pn  # other tail is above the mode: count terms in [ceil(pn), n] with pmf <= d * rerr
    if np.any(low):
        kl, nl, pl, dl = k[low], n[low], p[low], d[low]
        lo, hi = _bracket(
            lambda x, m: -stats.binom.pmf(x, nl[m], pl[m]), -dl * _RERR, np.ceil(pn[low]), nl, kl, nl, pl
        )
        ix = _search(lambda x, m: -stats.binom.pmf(x, nl[m], pl[m]), -dl * _RERR, lo, hi)
        y = nl - ix + (dl * _RERR == stats.binom.pmf(ix, nl, pl))
        pval[low] = stats.binom.cdf(kl, nl, pl) + stats.binom.sf(nl - y, nl, pl)

    high = k > pn  # other tail is below the mode: count terms in [0, floor(pn)] with pmf <= d * rerr
    if np.any(high):
        kh, nh, ph, dh = k[high], n[high], p[high], d[high]
        lo, hi = _bracket(
            lambda x, m: stats.binom.pmf(x, nh[m], ph[m]),
            dh * _RERR,
            np.zeros_like(kh),
            np.floor(pn[high]),
            kh,
            nh,
            ph,
        )
        ix = _search(lambda x, m: stats.binom.pmf(x, nh[m], ph[m]), dh * _RERR, lo, hi)
        y = ix + 1
        pval[high] = stats.binom.cdf(y - 1, nh, ph) + stats.binom.sf(kh - 1, nh, ph)

    return np.minimum(pval, 1.0)


def _bracket(
    func: Callable[[NDArray[np.float64], NDArray[Any]], NDArray[np.float64]],
    target: NDArray[np.float64],
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
    k: NDArray[np.float64],
    n: NDArray[np.float64],
    p: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Narrow ``[lo, hi]`` for :func:`_search` without changing its answer.

    On both search ranges the pmf is monotone (they lie on one side of the mode), so the answer is
    the last ``x`` with ``func(x) <= target``. It lies near the mirror image of ``k`` around the mean,
    shifted for skewness: ``g = 2 n p - k + (1 - 2p) (k - n p)**2 / (3 n p (1 - p))``. Two evaluations
    around ``g`` usually bracket it within a few units; where they do not, the range is only narrowed
    on the side that was checked, so the answer is the same as on the full range, just found faster.
    """
    lo, hi = lo.copy(), hi.copy()
    variance = n * p * (1 - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(variance > 0, (1 - 2 * p) * (k - n * p) ** 2 / (3 * variance), 0.0)
    guess = np.clip(np.floor(2 * n * p - k + shift), lo, hi)
    width = 2 + np.ceil(0.25 * np.sqrt(variance))
    at_guess = func(guess, np.ones(guess.shape, dtype=bool))
    inside = at_guess <= target  # the answer is >= guess
    # Answer >= guess: move lo up; look for a point above it that is past the answer.
    upper = np.minimum(guess + width, hi)
    check_up = inside & (upper < hi)
    up_ok = np.zeros_like(inside)
    up_ok[check_up] = func(upper[check_up], check_up) > target[check_up]
    lo = np.where(inside, np.where(check_up & ~up_ok, upper, guess), lo)
    hi = np.where(up_ok, upper - 1, hi)
    # Answer < guess: move hi down; look for a point below it that is at or before the answer.
    lower = np.maximum(guess - width, lo)
    check_down = ~inside & (lower > lo)
    down_ok = np.zeros_like(inside)
    down_ok[check_down] = func(lower[check_down], check_down) <= target[check_down]
    hi = np.where(~inside, np.where(check_down & ~down_ok, lower - 1, guess - 1), hi)
    lo = np.where(down_ok, lower, lo)
    return lo, hi


def _search(
    func: Callable[[NDArray[np.float64], NDArray[Any]], NDArray[np.float64]],
    target: NDArray[np.float64],
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Vectorised ``scipy.stats._binomtest._binary_search_for_binom_tst``.

    ``func(x, mask)`` evaluates the ascending function at ``x`` for the elements selected by ``mask``.
    Returns ``i`` with ``func(i) <= target < func(i + 1)``, step for step as scipy's loop.
    """
    lo = lo.astype(np.float64).copy()
    hi = hi.astype(np.float64).copy()
    result = np.full(lo.shape, np.nan)
    found = np.zeros(lo.shape, dtype=bool)
    active = lo < hi
    while np.any(active):
        idx = np.flatnonzero(active)
        mid = lo[idx] + np.floor((hi[idx] - lo[idx]) / 2)
        midval = func(mid, idx)
        t = target[idx]
        below = midval < t
        above = midval > t
        equal = ~below & ~above
        lo[idx[below]] = mid[below] + 1
        hi[idx[above]] = mid[above] - 1
        result[idx[equal]] = mid[equal]
        found[idx[equal]] = True
        active = (lo < hi) & ~found
    rest = ~found
    if np.any(rest):
        at_lo = func(lo[rest], rest)
        result[rest] = np.where(at_lo <= target[rest], lo[rest], lo[rest] - 1)
    return result
