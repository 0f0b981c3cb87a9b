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
from scipy import optimize, special, stats

from ivp.lib.i18n import _
from ivp.stats._checks import as_counts, as_positive, check_alpha, check_option, frozen

__all__ = [
    "FAMILIES",
    "LABEL_TREND_DOWN",
    "LABEL_TREND_NONE",
    "LABEL_TREND_TOO_FEW",
    "LABEL_TREND_UP",
    "MIN_YEARS",
    "TrendResult",
    "trend_test",
]

LABEL_TREND_UP = "aantoonbare stijgende trend"
LABEL_TREND_DOWN = "aantoonbare dalende trend"
LABEL_TREND_NONE = "geen aantoonbare trend"
LABEL_TREND_TOO_FEW = "te weinig gegevens voor een trend"

FAMILIES = ("quasipoisson", "negativebinomial")
#: A trend needs at least this many years.
MIN_YEARS = 3

_MAX_ITER = 100
_TOL = 1e-10
_LOG_ALPHA_BOUNDS = (np.log(1e-8), np.log(1e3))


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


def trend_test(
    years: ArrayLike,
    counts: ArrayLike,
    exposure: ArrayLike | None = None,
    *,
    alpha: float = 0.05,
    family: str = "quasipoisson",
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
    t = np.asarray(years, dtype=np.float64).ravel()
    y = as_counts(counts, "counts").ravel()
    if t.shape != y.shape:
        raise ValueError(f"years and counts must have the same length, got {t.size} and {y.size}")
    if not np.all(np.isfinite(t)):
        raise ValueError("years must be finite numbers")
    offset = np.zeros_like(y) if exposure is None else np.log(as_positive(exposure, "exposure")).ravel()
    if offset.shape != y.shape:
        raise ValueError("exposure must have the same length as counts")

    n = int(y.size)
    if n < MIN_YEARS or np.unique(t).size < 2 or np.unique(t[y > 0]).size < 2:
        return _too_few(n, family)

    x = np.column_stack([np.ones(n), t - t.mean()])
    if family == "quasipoisson":
        beta, mu, cov = _irls(x, y, offset, nb_alpha=0.0)
        dispersion = float(np.sum((y - mu) ** 2 / mu) / (n - 2)) if n > 2 else float("nan")
        se = float(np.sqrt(cov[1, 1] * max(1.0, dispersion)))
        dist: stats.rv_continuous | stats.rv_frozen = stats.t(df=n - 2)
    else:
        nb_alpha = _nb_alpha(x, y, offset)
        beta, mu, cov = _irls(x, y, offset, nb_alpha=nb_alpha)
        dispersion = nb_alpha
        se = float(np.sqrt(cov[1, 1]))
        dist = stats.norm()

    slope = float(beta[1])
    statistic = slope / se if se > 0 else 0.0
    p_value = float(min(1.0, 2 * dist.sf(abs(statistic))))
    crit = float(dist.isf(alpha / 2))
    direction = int(np.sign(slope)) if p_value < alpha else 0
    label = {1: LABEL_TREND_UP, -1: LABEL_TREND_DOWN, 0: LABEL_TREND_NONE}[direction]
    fitted = mu.astype(np.float64)
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


def _irls(
    x: NDArray[np.float64], y: NDArray[np.float64], offset: NDArray[np.float64], *, nb_alpha: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Fit a log-link GLM with variance ``mu + nb_alpha * mu**2`` by IRLS (McCullagh & Nelder 2.5).

    Returns coefficients, fitted means and the unscaled covariance ``(X' W X)^-1``.
    """
    mu = y + 0.5 * (y.mean() if y.mean() > 0 else 1.0)  # statsmodels' start; positive for y = 0
    eta = np.log(mu)
    beta: NDArray[np.float64] = np.zeros(x.shape[1])
    previous = np.inf
    for _iteration in range(_MAX_ITER):
        weights = mu / (1.0 + nb_alpha * mu)
        z = eta - offset + (y - mu) / mu
        xw = x * weights[:, None]
        beta = np.asarray(np.linalg.solve(x.T @ xw, xw.T @ z), dtype=np.float64)
        eta = x @ beta + offset
        mu = np.exp(eta)
        deviance = float(np.sum(_unit_deviance(y, mu, nb_alpha)))
        if abs(deviance - previous) <= _TOL * (abs(deviance) + 0.1):
            break
        previous = deviance
    weights = mu / (1.0 + nb_alpha * mu)
    cov = np.asarray(np.linalg.inv(x.T @ (x * weights[:, None])), dtype=np.float64)
    return beta, mu, cov


def _unit_deviance(y: NDArray[np.float64], mu: NDArray[np.float64], nb_alpha: float) -> NDArray[np.float64]:
    ylogy = special.xlogy(y, y / mu)
    if nb_alpha == 0.0:
        return np.asarray(2 * (ylogy - (y - mu)), dtype=np.float64)
    inv = 1.0 / nb_alpha
    return np.asarray(
        2 * (ylogy - (y + inv) * np.log((1 + nb_alpha * y) / (1 + nb_alpha * mu))), dtype=np.float64
    )


def _nb_loglike(y: NDArray[np.float64], mu: NDArray[np.float64], nb_alpha: float) -> float:
    inv = 1.0 / nb_alpha
    return float(
        np.sum(
            special.gammaln(y + inv)
            - special.gammaln(inv)
            - special.gammaln(y + 1)
            + special.xlogy(y, nb_alpha * mu / (1 + nb_alpha * mu))
            - inv * np.log1p(nb_alpha * mu)
        )
    )


def _nb_alpha(x: NDArray[np.float64], y: NDArray[np.float64], offset: NDArray[np.float64]) -> float:
    """Maximum-likelihood NB2 ``alpha``: maximise the profile log-likelihood over ``log(alpha)``."""

    def negative_profile(log_alpha: float) -> float:
        nb_alpha = float(np.exp(log_alpha))
        _, mu, _ = _irls(x, y, offset, nb_alpha=nb_alpha)
        return -_nb_loglike(y, mu, nb_alpha)

    found = optimize.minimize_scalar(
        negative_profile, bounds=_LOG_ALPHA_BOUNDS, method="bounded", options={"xatol": 1e-8}
    )
    return float(np.exp(found.x))
