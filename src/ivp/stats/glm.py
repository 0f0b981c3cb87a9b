"""Log-link GLM fitting for yearly counts (internal): IRLS for Poisson and negative-binomial variance.

Shared by :mod:`ivp.stats.trend` and :mod:`ivp.stats.dispersion`.

References
----------
.. [1] McCullagh, P. and Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed., section 2.5.
.. [2] Venables, W. N. and Ripley, B. D. (2002). *Modern Applied Statistics with S*, 4th ed., 7.4.

Examples
--------
>>> import numpy as np
>>> x = np.column_stack([np.ones(5), np.arange(5.0) - 2])
>>> beta, mu, cov = irls(x, np.array([120.0, 104, 95, 83, 70]), np.zeros(5), nb_alpha=0.0)
>>> round(float(np.expm1(beta[1])) * 100, 1)
-12.1
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import optimize, special, stats

__all__ = ["irls", "nb_alpha_ml", "nb_observed_cov", "pearson_dispersion", "single_outlier"]

_MAX_ITER = 100
_TOL = 1e-10
_LOG_ALPHA_BOUNDS = (np.log(1e-8), np.log(1e3))


def irls(
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


def nb_alpha_ml(x: NDArray[np.float64], y: NDArray[np.float64], offset: NDArray[np.float64]) -> float:
    """Maximum-likelihood NB2 ``alpha``: maximise the profile log-likelihood over ``log(alpha)``."""

    def negative_profile(log_alpha: float) -> float:
        nb_alpha = float(np.exp(log_alpha))
        _, mu, _ = irls(x, y, offset, nb_alpha=nb_alpha)
        return -_nb_loglike(y, mu, nb_alpha)

    found = optimize.minimize_scalar(
        negative_profile, bounds=_LOG_ALPHA_BOUNDS, method="bounded", options={"xatol": 1e-8}
    )
    return float(np.exp(found.x))


def nb_observed_cov(
    x: NDArray[np.float64], y: NDArray[np.float64], mu: NDArray[np.float64], nb_alpha: float
) -> NDArray[np.float64]:
    """Covariance of the NB2 coefficients from the observed information of ``(beta, alpha)`` jointly.

    The inverse of the negative Hessian of the NB2 log-likelihood in ``(beta, alpha)`` at the fit,
    restricted to ``beta``: what maximum-likelihood software reports (statsmodels'
    ``NegativeBinomial``). It differs from the IRLS ``(X' W X)^-1`` by the observed-versus-expected
    information of the log link (not canonical for NB2) and by the estimated ``alpha``.
    """
    a = float(nb_alpha)
    r = 1.0 / a
    denom = 1.0 + a * mu
    h_bb = -(x * (mu * (1.0 + a * y) / denom**2)[:, None]).T @ x
    h_ba = -(x * (mu * (y - mu) / denom**2)[:, None]).sum(axis=0)
    log_term = special.digamma(r) - special.digamma(y + r) + np.log1p(a * mu)
    d_log = (special.polygamma(1, y + r) - special.polygamma(1, r)) * r**2 + mu / denom
    h_aa = float(
        np.sum(-2.0 * r**3 * log_term + r**2 * d_log - (y - mu) * (1.0 + 2.0 * a * mu) / (a * denom) ** 2)
    )
    p = x.shape[1]
    hessian = np.empty((p + 1, p + 1))
    hessian[:p, :p] = h_bb
    hessian[:p, p] = hessian[p, :p] = h_ba
    hessian[p, p] = h_aa
    return np.asarray(np.linalg.inv(-hessian)[:p, :p], dtype=np.float64)


def pearson_dispersion(
    x: NDArray[np.float64], y: NDArray[np.float64], offset: NDArray[np.float64]
) -> tuple[float, float, NDArray[np.float64], NDArray[np.float64]]:
    """Quasi-Poisson fit: Pearson chi-square / df, the residual df, the Pearson residuals and ``beta``."""
    beta, mu, _cov = irls(x, y, offset, nb_alpha=0.0)
    residuals = (y - mu) / np.sqrt(mu)
    df = float(y.size - x.shape[1])
    return float(np.sum(residuals**2) / df), df, residuals, beta


def single_outlier(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    offset: NDArray[np.float64],
    *,
    level: float,
    min_df: float,
    protected: NDArray[np.bool_] | None = None,
) -> int | None:
    """Index of one outlying observation by a Bonferroni-bounded outlier test, or None.

    The observation with the largest Pearson residual (among those not ``protected``) is left out, the quasi-Poisson model refitted on
    the others (which must keep at least ``min_df`` residual df), and the left-out count compared with
    its prediction: ``(y - mu)**2 / (max(1, phi) * mu)`` against ``F(1, df)``, times ``n`` (Bonferroni;
    Cook & Weisberg 1982, 2.2). Returns the index when that p-value is below ``level``.
    """
    n = y.size
    _phi, _df, residuals, _beta = pearson_dispersion(x, y, offset)
    candidates = np.abs(residuals)
    if protected is not None:
        if protected.all():
            return None
        candidates = np.where(protected, -1.0, candidates)
    worst = int(np.argmax(candidates))
    keep = np.arange(n) != worst
    if n - 1 - x.shape[1] < min_df:
        return None
    phi_rest, df_rest, _res, beta = pearson_dispersion(x[keep], y[keep], offset[keep])
    predicted = float(np.exp(x[worst] @ beta + offset[worst]))
    scale = max(phi_rest, 1.0) * predicted
    statistic = (y[worst] - predicted) ** 2 / scale if scale > 0 else 0.0
    p_value = min(1.0, float(stats.f.sf(statistic, 1, df_rest)) * n)
    return worst if p_value < level else None
