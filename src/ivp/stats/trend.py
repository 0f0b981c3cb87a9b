"""Multi-year trend in a count: log-linear Poisson regression on the year, allowing overdispersion.

Yearly crime counts vary more than a Poisson model says (a busy summer, a series of burglaries by one
group), so the trend test allows overdispersion, either as quasi-Poisson (variance ``phi * mu``) or as a
negative binomial (variance ``mu + alpha * mu**2``). The trend is reported as the annual percent change
``100 * (exp(beta) - 1)`` of the rate, with its interval.

References
----------
.. [1] McCullagh, P. and Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed. Chapman & Hall,
   sections 2.5 (IRLS) and 6.2 (Poisson regression with overdispersion).
.. [2] Farrington, C. P., Andrews, N. J., Beale, A. D. and Catchpole, M. A. (1996). A statistical
   algorithm for the early detection of outbreaks of infectious disease. *JRSS A* 159(3), 547-563
   (dispersion estimated as Pearson chi-square / df and not allowed below 1).
.. [3] Venables, W. N. and Ripley, B. D. (2002). *Modern Applied Statistics with S*, 4th ed., section
   7.4 (negative binomial GLM with theta by maximum likelihood, ``MASS::glm.nb``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ivp.lib.i18n import _
from ivp.stats._checks import as_yearly, check_alpha, check_option, frozen
from ivp.stats.glm import irls, nb_alpha_ml, single_outlier

__all__ = [
    "CHANGE_KINDS",
    "FAMILIES",
    "LABEL_TREND_DOWN",
    "LABEL_TREND_NONE",
    "LABEL_TREND_TOO_FEW",
    "LABEL_TREND_UP",
    "MIN_YEARS",
    "DirectionChange",
    "TrendResult",
    "direction_change",
    "trend_test",
]

LABEL_TREND_UP = "aantoonbare stijgende trend"
LABEL_TREND_DOWN = "aantoonbare dalende trend"
LABEL_TREND_NONE = "geen aantoonbare trend"
LABEL_TREND_TOO_FEW = "te weinig gegevens voor een trend"

FAMILIES = ("quasipoisson", "negativebinomial")
#: A trend needs at least this many years.
MIN_YEARS = 3


@dataclass(frozen=True, eq=False)
class TrendResult:
    """Result of :func:`trend_test`.

    Attributes
    ----------
    annual_percent_change : float
        ``100 * (exp(beta) - 1)``: change of the rate per year, in percent. NaN without a trend fit.
    ci_low, ci_high : float
        ``1 - alpha`` interval of the annual percent change.
    p_value : float
        Test of "no trend" (``beta = 0``); 1 when there are too few data.
    dispersion : float
        Quasi-Poisson: Pearson chi-square / (years - 2), as estimated (inference uses at least 1).
        Negative binomial: ``alpha`` in ``var = mu + alpha * mu**2``. NaN without a fit.
    direction : int
        ``+1`` rising, ``-1`` falling, ``0`` no demonstrable trend (or too few data).
    label : str
        One of the ``LABEL_TREND_*`` texts (Dutch).
    n_years : int
        Number of observations (years) used.
    fitted : ndarray of float
        Fitted counts per year (NaN without a fit).
    family : str
        ``"quasipoisson"`` or ``"negativebinomial"``.
    outlier_year : float or None
        With ``robust=True``: the year left out of the fit as a single outlier, if any.
    """

    annual_percent_change: float
    ci_low: float
    ci_high: float
    p_value: float
    dispersion: float
    direction: int
    label: str
    n_years: int
    fitted: NDArray[np.float64]
    family: str
    outlier_year: float | None = None


def trend_test(
    years: ArrayLike,
    counts: ArrayLike,
    exposure: ArrayLike | None = None,
    *,
    alpha: float = 0.05,
    family: str = "quasipoisson",
    robust: bool = False,
    outlier_level: float = 0.05,
) -> TrendResult:
    """Test for a log-linear trend in yearly counts, with ``log(exposure)`` as offset.

    The model is ``log E[count] = log(exposure) + a + beta * year``, fitted by iteratively reweighted
    least squares.

    - ``family="quasipoisson"``: Poisson estimates; the dispersion ``phi`` is the Pearson chi-square
      divided by ``n - 2`` and standard errors are multiplied by ``sqrt(max(1, phi))``. Inference
      uses Student's t with ``n - 2`` degrees of freedom, as R's ``summary.glm`` does for quasi
      families. The floor at 1 (as in Farrington et al. 1996) keeps a series of three or four years
      that happens to lie close to the line from looking more certain than a pure Poisson series.
    - ``family="negativebinomial"``: NB2 with ``alpha`` estimated by maximum likelihood (profile
      likelihood over ``alpha``, as ``MASS::glm.nb``); Wald z-test with ``alpha`` held fixed.

    With fewer than :data:`MIN_YEARS` years, no counts at all, or counts in only one year (the slope is
    then infinite), the result says :data:`LABEL_TREND_TOO_FEW` with ``p_value = 1`` rather than
    raising, so a report on many areas does not stop on one of them.

    Parameters
    ----------
    years : array_like
        Year of each count (any numbers; centred internally).
    counts : array_like
        Non-negative whole counts, same length as ``years``.
    exposure : array_like, optional
        Population (or other exposure) per year, > 0. ``None`` means the counts themselves.
    alpha : float, default 0.05
        Significance level; intervals have coverage ``1 - alpha``.
    family : {"quasipoisson", "negativebinomial"}, default "quasipoisson"
    robust : bool, default False
        Quasi-Poisson only, from 7 years on: leave out one year that lies far off the line of the
        others (Bonferroni outlier test at ``outlier_level``; :func:`ivp.stats.glm.single_outlier`), so
        one exceptional year does not hide a clean trend. The year is given in ``outlier_year``.
    outlier_level : float, default 0.05

    Returns
    -------
    TrendResult

    Raises
    ------
    ValueError
        For an unknown ``family``, invalid counts or exposure, unequal lengths, or ``alpha`` outside
        (0, 1).

    References
    ----------
    .. [1] McCullagh, P. and Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed.
    .. [2] Farrington, C. P. et al. (1996). *JRSS A* 159, 547-563.
    .. [3] Venables, W. N. and Ripley, B. D. (2002). *Modern Applied Statistics with S*, 7.4.

    Examples
    --------
    >>> r = trend_test([2019, 2020, 2021, 2022, 2023], [120, 104, 95, 83, 70])
    >>> round(r.annual_percent_change, 1), r.direction, r.label
    (-12.1, -1, 'aantoonbare dalende trend')
    >>> round(r.ci_low, 1), round(r.ci_high, 1), round(r.dispersion, 2)
    (-20.8, -2.4, 0.05)

    Two years are not a trend:

    >>> trend_test([2022, 2023], [10, 30]).label
    'te weinig gegevens voor een trend'
    """
    check_option("family", family, FAMILIES)
    alpha = check_alpha(alpha)
    t, y, offset = as_yearly(years, counts, exposure)
    full_offset = offset  # the fitted values cover every year, also one left out as an outlier
    n = int(y.size)
    if n < MIN_YEARS or np.unique(t).size < 2 or np.unique(t[y > 0]).size < 2:
        return _too_few(n, family)

    x_all = np.column_stack([np.ones(n), t - t.mean()])
    x = x_all
    outlier: float | None = None
    if robust and family == "quasipoisson" and n >= 7:
        worst = single_outlier(x_all, y, offset, level=outlier_level, min_df=3)
        if worst is not None:
            outlier = float(t[worst])
            keep = np.arange(n) != worst
            x, y, offset = x_all[keep], y[keep], offset[keep]
            n -= 1
    if family == "quasipoisson":
        beta, mu, cov = irls(x, y, offset, nb_alpha=0.0)
        dispersion = float(np.sum((y - mu) ** 2 / mu) / (n - 2)) if n > 2 else float("nan")
        se = float(np.sqrt(cov[1, 1] * max(1.0, dispersion)))
        dist: stats.rv_continuous | stats.rv_frozen = stats.t(df=n - 2)
    else:
        nb_alpha = nb_alpha_ml(x, y, offset)
        beta, mu, cov = irls(x, y, offset, nb_alpha=nb_alpha)
        dispersion = nb_alpha
        se = float(np.sqrt(cov[1, 1]))
        dist = stats.norm()

    slope = float(beta[1])
    statistic = slope / se if se > 0 else 0.0
    p_value = float(min(1.0, 2 * dist.sf(abs(statistic))))
    crit = float(dist.isf(alpha / 2))
    direction = int(np.sign(slope)) if p_value < alpha else 0
    label = {1: LABEL_TREND_UP, -1: LABEL_TREND_DOWN, 0: LABEL_TREND_NONE}[direction]
    fitted = np.asarray(np.exp(x_all @ beta + full_offset), dtype=np.float64)
    frozen(fitted)
    return TrendResult(
        annual_percent_change=100.0 * float(np.expm1(slope)),
        ci_low=100.0 * float(np.expm1(slope - crit * se)),
        ci_high=100.0 * float(np.expm1(slope + crit * se)),
        p_value=p_value,
        dispersion=dispersion,
        direction=direction,
        label=_(label),
        n_years=n,
        fitted=fitted,
        family=family,
        outlier_year=outlier,
    )


def _too_few(n: int, family: str) -> TrendResult:
    fitted = np.full(n, np.nan)
    frozen(fitted)
    nan = float("nan")
    return TrendResult(
        annual_percent_change=nan,
        ci_low=nan,
        ci_high=nan,
        p_value=1.0,
        dispersion=nan,
        direction=0,
        label=_(LABEL_TREND_TOO_FEW),
        n_years=n,
        fitted=fitted,
        family=family,
    )


#: Kinds of :class:`DirectionChange`.
CHANGE_KINDS = ("none", "reversed", "stopped", "steeper", "flatter")


@dataclass(frozen=True)
class DirectionChange:
    """Result of :func:`direction_change`: did the trend bend at ``break_year``?

    Attributes
    ----------
    break_year : float
        First year of the later segment.
    before, after : float
        Annual percent change before and from ``break_year`` on.
    after_low, after_high : float
        ``1 - alpha`` interval of ``after``.
    p_value : float
        Test of "the slope did not change" (quasi-Poisson, Student's t on ``n - 3`` df).
    p_after : float
        Test of "no trend from ``break_year`` on".
    kind : str
        ``"none"`` (no demonstrable bend), ``"reversed"`` (the later slope is demonstrably of the
        other sign), ``"stopped"`` (the bend is demonstrable, the later slope is not), ``"steeper"``
        or ``"flatter"`` (same direction, demonstrably stronger or weaker).
    dispersion : float
        Pearson chi-square / (n - 3) of the two-segment fit.
    """

    break_year: float
    before: float
    after: float
    after_low: float
    after_high: float
    p_value: float
    p_after: float
    kind: str
    dispersion: float


def direction_change(
    years: ArrayLike,
    counts: ArrayLike,
    exposure: ArrayLike | None = None,
    *,
    break_year: float,
    alpha: float = 0.05,
) -> DirectionChange:
    """Test for a bend in a log-linear trend at a given year (segmented quasi-Poisson regression).

    The model is ``log E[count] = log(exposure) + a + b1 (t - t0) + b2 max(0, t - t0)`` with
    ``t0 = break_year``: slope ``b1`` before, ``b1 + b2`` after (continuous at ``t0``, as in joinpoint
    regression with one fixed join point, Kim et al. 2000). ``b2 = 0`` is tested with Student's t on
    ``n - 3`` df, standard errors scaled by ``sqrt(max(1, phi))``. The break year is fixed in advance
    (the start of the recent period), not searched for, so the test keeps its level.

    Parameters
    ----------
    years, counts, exposure
        As :func:`trend_test`.
    break_year : float
        First year of the later segment; needs at least 3 years before it and 3 from it on.
    alpha : float, default 0.05

    Returns
    -------
    DirectionChange

    Raises
    ------
    ValueError
        For invalid input, or fewer than 3 years on either side of ``break_year``.

    References
    ----------
    .. [1] Kim, H.-J., Fay, M. P., Feuer, E. J. and Midthune, D. N. (2000). Permutation tests for
       joinpoint regression with applications to cancer rates. *Statistics in Medicine* 19, 335-351.

    Examples
    --------
    Burglaries fell for years and rise again since 2019:

    >>> years = list(range(2012, 2024))
    >>> counts = [900, 800, 700, 610, 540, 470, 420, 380, 410, 450, 490, 530]
    >>> r = direction_change(years, counts, break_year=2019)
    >>> r.kind, round(r.before), round(r.after)
    ('reversed', -12, 9)
    """
    alpha = check_alpha(alpha)
    t, y, offset = as_yearly(years, counts, exposure)
    if np.sum(t < break_year) < 3 or np.sum(t >= break_year) < 3:
        raise ValueError(f"direction_change needs 3 years before {break_year} and 3 from it on")
    n = int(y.size)
    if y.sum() == 0:
        nan = float("nan")
        return DirectionChange(float(break_year), nan, nan, nan, nan, 1.0, 1.0, "none", nan)
    d = t - break_year
    x = np.column_stack([np.ones(n), d, np.maximum(d, 0.0)])
    beta, mu, cov = irls(x, y, offset, nb_alpha=0.0)
    phi = float(np.sum((y - mu) ** 2 / mu) / (n - 3))
    scale = max(1.0, phi)
    dist = stats.t(df=n - 3)
    se_change = float(np.sqrt(cov[2, 2] * scale))
    p_change = float(min(1.0, 2 * dist.sf(abs(beta[2]) / se_change))) if se_change > 0 else 1.0
    after = float(beta[1] + beta[2])
    se_after = float(np.sqrt((cov[1, 1] + cov[2, 2] + 2 * cov[1, 2]) * scale))
    p_after = float(min(1.0, 2 * dist.sf(abs(after) / se_after))) if se_after > 0 else 1.0
    crit = float(dist.isf(alpha / 2))
    before = float(beta[1])
    kind = "none"
    if p_change < alpha:
        if p_after >= alpha:
            kind = "stopped"
        elif np.sign(after) != np.sign(before):
            kind = "reversed"
        else:
            kind = "steeper" if abs(after) > abs(before) else "flatter"
    return DirectionChange(
        break_year=float(break_year),
        before=100.0 * float(np.expm1(before)),
        after=100.0 * float(np.expm1(after)),
        after_low=100.0 * float(np.expm1(after - crit * se_after)),
        after_high=100.0 * float(np.expm1(after + crit * se_after)),
        p_value=p_change,
        p_after=p_after,
        kind=kind,
        dispersion=phi,
    )
