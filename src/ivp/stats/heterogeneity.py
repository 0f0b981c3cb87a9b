"""How much do areas differ by themselves? Between-area variance from placebo estimates, and wider intervals.

A difference-in-differences estimate for one area is honest about its own Poisson (or overdispersed)
noise, but not about the fact that areas of a city drift apart by themselves: bicycle theft moves with
student housing, a shopping street declines, a station is rebuilt. Placed anywhere in a real city, an
"intervention" that does nothing shows an "effect" whose spread is the model's variance *plus* this
between-area variance ``tau2``. It is estimated from placebo areas (the same shape and periods, elsewhere
in the same municipality: "placebo in space", Abadie, Diamond & Hainmueller 2010) by the
DerSimonian-Laird moment estimator of meta-analysis, and added to the variance of the real estimate.

References
----------
.. [1] DerSimonian, R. and Laird, N. (1986). Meta-analysis in clinical trials. *Controlled Clinical
   Trials* 7(3), 177-188.
.. [2] Abadie, A., Diamond, A. and Hainmueller, J. (2010). Synthetic control methods for comparative case
   studies. *Journal of the American Statistical Association* 105(490), 493-505 (placebo studies).

Examples
--------
>>> import numpy as np
>>> m, tau2 = dersimonian_laird(np.array([0.1, -0.2, 0.3, 0.05]), np.array([0.01, 0.02, 0.015, 0.03]))
>>> round(tau2, 6), round(m, 6)
(0.023656, 0.072922)
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

__all__ = ["calibrated_tau2", "dersimonian_laird", "widen"]


def dersimonian_laird(estimates: ArrayLike, variances: ArrayLike) -> tuple[float, float]:
    """The random-effects mean and the between-study variance ``tau2`` (DerSimonian & Laird 1986).

    ``estimates``: one estimate per placebo (log scale); ``variances``: their within-area variances.
    Non-finite entries are ignored; fewer than two left gives ``(nan, 0.0)``.
    """
    y = np.asarray(estimates, dtype=np.float64)
    v = np.asarray(variances, dtype=np.float64)
    if y.shape != v.shape:
        raise ValueError(f"estimates and variances differ in shape: {y.shape} vs {v.shape}")
    ok = np.isfinite(y) & np.isfinite(v) & (v > 0)
    y, v = y[ok], v[ok]
    k = y.size
    if k < 2:
        return float("nan"), 0.0
    w = 1.0 / v
    fixed = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - fixed) ** 2))
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    tau2 = max(0.0, (q - (k - 1)) / c) if c > 0 else 0.0
    w_re = 1.0 / (v + tau2)
    return float(np.sum(w_re * y) / np.sum(w_re)), tau2


def calibrated_tau2(
    estimates: ArrayLike, variances: ArrayLike, *, level: float = 0.95, df: float = math.inf
) -> float:
    """The smallest ``tau2`` with which at most ``1 - level`` of the placebo estimates fall outside their
    own interval ``0 +- q sqrt(v_i + tau2)`` (``q`` the normal or t quantile).

    Placebo areas have no effect by construction, so an interval method that is honest on them flags
    no more than ``1 - level`` of them. Matching that quantile (not a moment, as
    :func:`dersimonian_laird` does) keeps the estimate right when the drift between areas has heavy
    tails (a station rebuilt, a student district emptied), which real cities have: on the Groningen
    thefts the moment estimator left 20-30% of random areas flagged at a nominal 5%
    (docs/statistics.md, section 11). Non-finite entries are ignored; fewer than two gives 0.
    """
    y = np.asarray(estimates, dtype=np.float64)
    v = np.asarray(variances, dtype=np.float64)
    ok = np.isfinite(y) & np.isfinite(v) & (v > 0)
    y, v = y[ok], v[ok]
    if y.size < 2:
        return 0.0
    dist = stats.t(df) if math.isfinite(df) else stats.norm()
    q = float(dist.ppf(0.5 + level / 2))
    allowed = (1.0 - level) * y.size

    def outside(tau2: float) -> int:
        return int(np.sum(np.abs(y) > q * np.sqrt(v + tau2)))

    if outside(0.0) <= allowed:
        return 0.0
    low, high = 0.0, float(np.max(y**2)) / q**2 + 1e-12
    for _step in range(60):
        mid = 0.5 * (low + high)
        if outside(mid) <= allowed:
            high = mid
        else:
            low = mid
    return high


def widen(
    log_ratio: float, se: float, tau2: float, *, level: float = 0.95, df: float = math.inf
) -> tuple[float, float, float, float]:
    """The standard error with ``tau2`` added, the interval on the relative scale and the two-sided p.

    Returns ``(se_total, low, high, p_value)`` with ``low``/``high`` as relative changes
    (``exp(.) - 1``); a t quantile on ``df`` when finite, else the normal.
    """
    se_total = math.sqrt(se**2 + max(tau2, 0.0))
    dist = stats.t(df) if math.isfinite(df) else stats.norm()
    q = float(dist.ppf(0.5 + level / 2))
    z = log_ratio / se_total if se_total > 0 else math.nan
    p = float(2 * dist.sf(abs(z))) if math.isfinite(z) else math.nan
    return se_total, math.expm1(log_ratio - q * se_total), math.expm1(log_ratio + q * se_total), p
