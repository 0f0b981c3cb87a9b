"""Power of the difference-in-differences before the start: how many months after it do we need?

Re-exported by :mod:`ivp.stats.effect`. The test is the one :func:`ivp.stats.effect.did` runs on a
treated area and one comparison area with monthly counts: quasi-Poisson, Student's t on the residual df
(``n_pre + n_post - 2`` for two areas). Its log ratio has, to first order, variance

``phi * (1/(rT n_pre) + 1/(rT (1 + effect) n_post) + 1/(rC n_pre) + 1/(rC n_post))``

(the four before/after totals' Poisson variances, times the dispersion), and the t statistic is close to
a noncentral t with ``df`` degrees of freedom and noncentrality ``log(1 + effect) / se``; the power is
the probability that it falls outside the two-sided critical values. The tests check it against
simulations of :func:`ivp.stats.effect.did` itself.

References
----------
.. [1] Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed., chapter 2
   (power of the t test by the noncentral t).
.. [2] McCullagh, P. and Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed., 6.2.

Examples
--------
20 burglaries a month in the camera area, 200 in the rest of the town, two years before the start:

>>> periods_needed(20, 200, 24, effect=-0.2)
19
>>> round(did_power(20, 200, 24, 19, effect=-0.2), 2)
0.81
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["did_power", "model_periods_needed", "model_power", "periods_needed"]


def did_power(
    rate_treated: float,
    rate_control: float,
    n_pre: int,
    n_post: int,
    *,
    effect: float = -0.2,
    dispersion: float = 1.0,
    alpha: float = 0.05,
    df: float | None = None,
    block: int = 1,
) -> float:
    """Probability that the quasi-Poisson DiD finds a relative effect ``effect`` (two-sided, ``alpha``).

    Parameters
    ----------
    rate_treated, rate_control : float
        Expected events per period in the treated and the comparison area without the intervention.
    n_pre, n_post : int
        Periods before and after the start.
    effect : float, default -0.2
        The relative change to detect (-0.2: a fall of 20%); must be > -1 and not 0.
    dispersion : float, default 1.0
        ``phi`` of the monthly counts (values below 1 are used as 1, as the test does).
    alpha : float, default 0.05
    df : float, optional
        Residual df of the test; default ``n_pre + n_post - 2`` (two areas, one dummy per period), or
        with ``block`` the block dispersion's ``ceil((n_pre + n_post) / block) - 2``.
    block : int, default 1
        The ``block`` the test will use (:func:`ivp.stats.effect.did`); only changes the default df.

    Returns
    -------
    float
        The power, in (0, 1).

    Examples
    --------
    >>> round(did_power(30, 300, 24, 12, effect=-0.3, dispersion=2.0), 3)
    0.897
    """
    if not (rate_treated > 0 and rate_control > 0):
        raise ValueError("rates must be > 0")
    if int(n_pre) != n_pre or int(n_post) != n_post or n_pre < 1 or n_post < 1:
        raise ValueError("n_pre and n_post must be whole numbers >= 1")
    if not (effect > -1 and effect != 0):
        raise ValueError(f"effect must be > -1 and not 0, got {effect!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (exclusive), got {alpha!r}")
    phi = max(1.0, float(dispersion))
    if int(block) != block or block < 1:
        raise ValueError(f"block must be a whole number >= 1, got {block!r}")
    dfs = float(-(-(n_pre + n_post) // int(block)) - 2) if df is None else float(df)
    if dfs <= 0:
        raise ValueError("no residual degrees of freedom: n_pre + n_post must be at least 3")
    r_t, r_c = float(rate_treated), float(rate_control)
    variance = phi * (
        1 / (r_t * n_pre) + 1 / (r_t * (1 + effect) * n_post) + 1 / (r_c * n_pre) + 1 / (r_c * n_post)
    )
    ncp = abs(float(np.log1p(effect))) / float(np.sqrt(variance))
    q = float(stats.t.isf(alpha / 2, dfs))
    return float(stats.nct.sf(q, dfs, ncp) + stats.nct.cdf(-q, dfs, ncp))


def periods_needed(
    rate_treated: float,
    rate_control: float,
    n_pre: int,
    *,
    effect: float = -0.2,
    power: float = 0.8,
    dispersion: float = 1.0,
    alpha: float = 0.05,
    max_periods: int = 120,
    block: int = 1,
) -> int | None:
    """The fewest periods after the start for which :func:`did_power` reaches ``power``; None beyond.

    Examples
    --------
    >>> periods_needed(5, 50, 12, effect=-0.1, max_periods=60) is None
    True
    """
    if not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1 (exclusive), got {power!r}")
    for n_post in range(1, int(max_periods) + 1):
        if -(-(n_pre + n_post) // int(block)) < 3:
            continue
        reached = did_power(
            rate_treated, rate_control, n_pre, n_post, effect=effect, dispersion=dispersion, alpha=alpha,
            block=block,
        )  # fmt: skip
        if reached >= power:
            return n_post
    return None


def _design_variance(
    rate_treated: float, rate_control: float, n_pre: int, n_post: int, effect: float, trend: bool
) -> float:
    """Variance of the effect in the two-unit model with period effects (and the treated area's own
    trend), from the expected information: conditional on each period's total it is a logistic model
    for the treated share, with columns intercept, (trend), on; evaluated under the alternative."""
    n = n_pre + n_post
    t = np.arange(n, dtype=np.float64) / 12.0
    on = np.r_[np.zeros(n_pre), np.ones(n_post)]
    columns = [np.ones(n)] + ([t - t.mean()] if trend else []) + [on]
    x = np.column_stack(columns)
    treated = rate_treated * np.where(on > 0, 1.0 + effect, 1.0)
    total = treated + rate_control
    p = treated / total
    w = total * p * (1 - p)
    info = x.T @ (x * w[:, None])
    return float(np.linalg.inv(info)[-1, -1])


def model_power(
    rate_treated: float,
    rate_control: float,
    n_pre: int,
    n_post: int,
    *,
    effect: float = -0.2,
    dispersion: float = 1.0,
    tau2: float = 0.0,
    trend: bool = True,
    alpha: float = 0.05,
) -> float:
    """Power of the test the effect evaluation reports: the model with the treated area's own trend
    (``trend``) and the between-area variance ``tau2`` of placebo areas added
    (:mod:`ivp.stats.heterogeneity`). ``n_post`` bins after the start; the bins are months for the
    trend's time scale. Normal approximation on the log ratio (checked against simulation of
    :func:`ivp.stats.effect.did` with covariates in the tests)."""
    if rate_treated <= 0 or rate_control <= 0 or n_post < 1 or n_pre < (3 if trend else 2):
        return 0.0
    var = max(dispersion, 1.0) * _design_variance(rate_treated, rate_control, n_pre, n_post, effect, trend)
    se = float(np.sqrt(var + max(tau2, 0.0)))
    shift = abs(float(np.log1p(effect))) / se
    # Residual df of the two-unit model: 2n cells, n period effects, a second level, the effect (and trend).
    df = max(1, n_pre + n_post - 2 - (1 if trend else 0))
    crit = float(stats.t.ppf(1 - alpha / 2, df))
    return float(stats.nct.sf(crit, df, shift) + stats.nct.cdf(-crit, df, shift))


def model_periods_needed(
    rate_treated: float,
    rate_control: float,
    n_pre: int,
    *,
    effect: float = -0.2,
    power: float = 0.8,
    dispersion: float = 1.0,
    tau2: float = 0.0,
    trend: bool = True,
    alpha: float = 0.05,
    max_periods: int = 120,
) -> int | None:
    """The fewest bins after the start with :func:`model_power` at least ``power``; None within
    ``max_periods`` (with ``tau2 > 0`` there is a ceiling no amount of data passes)."""
    for n_post in range(1, max_periods + 1):
        kw = {"effect": effect, "dispersion": dispersion, "tau2": tau2, "trend": trend, "alpha": alpha}
        if model_power(rate_treated, rate_control, n_pre, n_post, **kw) >= power:  # type: ignore[arg-type]
            return n_post
    return None
