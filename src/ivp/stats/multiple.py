"""Many tests at once: control of the false discovery rate (Benjamini-Hochberg).

When a report tests every crime type in every neighbourhood, some "demonstrable changes" are chance. The
Benjamini-Hochberg procedure keeps the expected share of false discoveries among the rejected tests at
``alpha`` (for independent or positively dependent tests).

References
----------
.. [1] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate: a practical and
   powerful approach to multiple testing. *Journal of the Royal Statistical Society B* 57(1), 289-300.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ivp.stats._checks import check_alpha, frozen

__all__ = ["FdrResult", "fdr_bh"]


@dataclass(frozen=True, eq=False)
class FdrResult:
    """Result of :func:`fdr_bh` (read-only arrays of the input shape).

    Attributes
    ----------
    rejected : ndarray of bool
        ``adjusted <= alpha``: rejected at false discovery rate ``alpha``; False for NaN.
    adjusted : ndarray of float
        Benjamini-Hochberg adjusted p-values (``q``-values); NaN where the input is NaN.
    """

    rejected: NDArray[np.bool_]
    adjusted: NDArray[np.float64]


def fdr_bh(p_values: ArrayLike, *, alpha: float = 0.05) -> FdrResult:
    """Benjamini-Hochberg step-up procedure over any array of p-values.

    With ``m`` non-missing p-values sorted as ``p_(1) <= ... <= p_(m)``, all hypotheses up to the
    largest ``i`` with ``p_(i) <= alpha * i / m`` are rejected. The adjusted p-value is
    ``min(1, min_{j >= i} m * p_(j) / j)``. NaN p-values (tests that could not be done) are left out
    of ``m``, are not rejected and keep a NaN adjusted value. Equals
    ``statsmodels.stats.multitest.multipletests(p, alpha, method="fdr_bh")`` on the non-NaN values.

    Parameters
    ----------
    p_values : array_like
        P-values in [0, 1] or NaN, any shape.
    alpha : float, default 0.05
        False discovery rate to control.

    Returns
    -------
    FdrResult

    Raises
    ------
    ValueError
        For p-values outside [0, 1] or ``alpha`` outside (0, 1).

    References
    ----------
    .. [1] Benjamini, Y. and Hochberg, Y. (1995). *JRSS B* 57, 289-300.

    Examples
    --------
    >>> r = fdr_bh([0.01, 0.04, 0.03, 0.20, float("nan")])
    >>> r.rejected.tolist()
    [True, False, False, False, False]
    >>> [round(q, 3) for q in r.adjusted.tolist()[:4]]
    [0.04, 0.053, 0.053, 0.2]
    """
    alpha = check_alpha(alpha)
    p = np.array(p_values, dtype=np.float64)
    valid = ~np.isnan(p)
    if np.any((p[valid] < 0) | (p[valid] > 1)):
        raise ValueError("p_values must lie in [0, 1] (or be NaN)")
    every = bool(valid.all())
    values = p.ravel() if every else p[valid]
    m = values.size
    adjusted_valid = np.empty(m, dtype=np.float64)
    if m:
        # In place where possible: on a million cells this keeps the peak to a few arrays.
        order = np.argsort(values, kind="stable")
        ranked = values[order]
        ranked *= m
        ranked /= np.arange(1, m + 1, dtype=np.float64)
        backwards = ranked[::-1]
        np.minimum.accumulate(backwards, out=backwards)
        np.minimum(ranked, 1.0, out=ranked)
        adjusted_valid[order] = ranked
        del order, ranked, backwards
    # One rule: rejected exactly when q <= alpha (the step-up comparison p_(i) <= alpha * i / m
    # can disagree with q by one ulp).
    if every:
        adjusted = adjusted_valid.reshape(p.shape)
        rejected = adjusted <= alpha
    else:
        rejected = np.zeros(p.shape, dtype=bool)
        adjusted = np.full(p.shape, np.nan)
        rejected[valid] = adjusted_valid <= alpha
        adjusted[valid] = adjusted_valid
    frozen(rejected, adjusted)
    return FdrResult(rejected=rejected, adjusted=adjusted)
