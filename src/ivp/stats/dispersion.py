"""Overdispersion of a yearly count series: how much more it varies than a Poisson count would.

Registered crime varies more from year to year than pure chance (a Poisson count) says: a busy summer, one
group committing a series of burglaries, a police action that registers many drug offences at once. A
test that ignores this calls ordinary ups and downs "aantoonbaar". The dispersion ``phi`` is the factor
by which the variance exceeds the mean (``Var = phi * mu``, quasi-Poisson); every count test in
:mod:`ivp.stats` takes it and widens its interval accordingly.

The estimate comes from the series itself:

1. A log-linear Poisson regression on a flexible trend (a quadratic in the year from 8 years on, a
   straight line below that), with the population as offset, so a real trend or a bend is not mistaken
   for noise.
2. ``phi`` is the Pearson chi-square divided by its residual degrees of freedom (McCullagh & Nelder 1989,
   section 4.5), the quasi-Poisson estimate.
3. Robust to one outlier year: the year with the largest Pearson residual is left out and the model
   refitted; if that year lies outside the prediction from the other years by more than a Bonferroni
   test at level :data:`OUTLIER_LEVEL` allows (its squared residual against ``F(1, df)`` at
   ``OUTLIER_LEVEL / n``), the estimate from the other years is used and the year is named. Otherwise
   all years count. The years a report tests (the compared years) are never left out: a change cannot be
   judged against a spread from which it was removed.
4. Too short (fewer than :data:`MIN_YEARS_DISPERSION` years with counts): no estimate; the caller falls
   back on :func:`pooled_dispersion` (the median over the other series of the same report) and says so.

The estimate is never used below 1: a series that happens to lie close to its trend is not treated as
more certain than a Poisson count (as Farrington et al. 1996 do). The estimate's uncertainty is carried by
its degrees of freedom: tests use Student's t (or the equivalent inflation of ``phi``, see
:func:`effective_dispersion`) rather than the normal distribution. Because that inflation depends on the
level, :func:`proper_pvalues` turns a family of level-alpha tests into one p-value: the smallest alpha at
which the test rejects, so the p-value is valid at every level (as Benjamini-Hochberg needs).

References
----------
.. [1] McCullagh, P. and Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed. Chapman & Hall,
   sections 4.5 and 6.2 (quasi-likelihood, dispersion from Pearson's chi-square).
.. [2] Farrington, C. P., Andrews, N. J., Beale, A. D. and Catchpole, M. A. (1996). A statistical
   algorithm for the early detection of outbreaks of infectious disease. *JRSS A* 159(3), 547-563.
.. [3] Cook, R. D. and Weisberg, S. (1982). *Residuals and Influence in Regression*. Chapman & Hall,
   section 2.2 (single-outlier test with a Bonferroni bound).
.. [4] Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions with small expected
   number of positive counts estimated from survey data. *Survey Methodology* 24(2), 193-201
   (exact intervals on effective counts ``count / design effect``, with a degrees-of-freedom correction).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ivp.stats._checks import as_yearly, check_alpha
from ivp.stats.glm import pearson_dispersion, single_outlier

__all__ = [
    "METHODS",
    "MIN_YEARS_DISPERSION",
    "OUTLIER_LEVEL",
    "Dispersion",
    "effective_dispersion",
    "estimate_dispersion",
    "pooled_dispersion",
    "proper_pvalues",
]

#: A series needs this many years with a count for its own dispersion estimate (3 residual df or more).
MIN_YEARS_DISPERSION = 6
#: Level of the (Bonferroni) test that declares the most extreme year an outlier. Strict, because with
#: overdispersed (skewed) counts the F reference fires more often than its nominal level.
OUTLIER_LEVEL = 0.01
#: How a :class:`Dispersion` was obtained.
METHODS = ("series", "pooled", "poisson")


@dataclass(frozen=True)
class Dispersion:
    """Dispersion of one series (or the fallback for it).

    Attributes
    ----------
    phi : float
        The dispersion tests use: ``max(1, phi_raw)``.
    phi_raw : float
        Pearson chi-square / residual df as estimated (may be below 1); NaN without an estimate.
    df : float
        Residual degrees of freedom behind ``phi``; ``inf`` for ``method="poisson"`` (no uncertainty).
    n_years : int
        Years with a count in the series.
    outlier_year : int or None
        The year left out as a single outlier, if any.
    method : str
        ``"series"`` (estimated from this series), ``"pooled"`` (median of other series, because this
        one is too short) or ``"poisson"`` (nothing to estimate from: tested as Poisson, said so).
    """

    phi: float
    phi_raw: float
    df: float
    n_years: int
    outlier_year: int | None
    method: str

    @property
    def estimated(self) -> bool:
        """True when the series gave its own estimate."""
        return self.method == "series"


POISSON = Dispersion(1.0, float("nan"), float("inf"), 0, None, "poisson")


def estimate_dispersion(
    years: ArrayLike,
    counts: ArrayLike,
    exposure: ArrayLike | None = None,
    *,
    outlier_level: float = OUTLIER_LEVEL,
    protect: ArrayLike = (),
) -> Dispersion | None:
    """Quasi-Poisson dispersion of a yearly series around a flexible log-linear trend.

    Parameters
    ----------
    years : array_like
        Year of each count.
    counts : array_like
        Non-negative whole counts, same length.
    exposure : array_like, optional
        Population per year (> 0), used as offset; ``None`` means constant.
    outlier_level : float, default 0.01
        Level of the Bonferroni outlier test for the most extreme year.
    protect : array_like, optional
        Years that may not be left out as an outlier (the years the caller tests).

    Returns
    -------
    Dispersion or None
        None when the series has fewer than :data:`MIN_YEARS_DISPERSION` years or no counts at all
        (use :func:`pooled_dispersion`).

    Examples
    --------
    A series that varies about as a Poisson count (phi is then used as 1):

    >>> d = estimate_dispersion(range(2012, 2024), [52, 47, 55, 49, 51, 44, 53, 50, 46, 54, 48, 51])
    >>> d.method, d.phi, round(d.phi_raw, 2), d.df
    ('series', 1.0, 0.26, 9.0)

    A series that swings far more, with one year far off the rest (left out of the estimate):

    >>> d = estimate_dispersion(range(2012, 2024), [300, 360, 250, 330, 270, 350, 240, 320, 900, 280, 340, 260])
    >>> d.outlier_year, round(d.phi, 1), d.df
    (2020, 7.3, 8.0)
    """
    check_alpha(outlier_level)
    t, y, offset = as_yearly(years, counts, exposure)
    n = int(y.size)
    if n < MIN_YEARS_DISPERSION or y.sum() == 0:
        return None
    x = _design(t)
    protected = np.isin(t, np.asarray(protect, dtype=np.float64))
    worst = single_outlier(x, y, offset, level=outlier_level, min_df=3, protected=protected)
    if worst is not None:
        keep = np.arange(n) != worst
        phi, df, _res, _beta = pearson_dispersion(x[keep], y[keep], offset[keep])
        return Dispersion(max(1.0, phi), phi, df, n, int(t[worst]), "series")
    phi, df, _res, _beta = pearson_dispersion(x, y, offset)
    return Dispersion(max(1.0, phi), phi, df, n, None, "series")


def pooled_dispersion(estimates: Sequence[Dispersion | None]) -> Dispersion:
    """The fallback for a series too short to estimate: the median over the report's other series.

    The median ``phi`` of the series with their own estimate, with the median of their degrees of
    freedom; with no such series, Poisson (``phi = 1``, ``method = "poisson"``), which the report says.

    Examples
    --------
    >>> own = [Dispersion(2.0, 2.0, 9.0, 12, None, "series"), Dispersion(4.0, 4.0, 9.0, 12, None, "series"),
    ...        Dispersion(1.0, 0.7, 9.0, 12, None, "series")]
    >>> pooled_dispersion(own).phi, pooled_dispersion(own).method
    (2.0, 'pooled')
    >>> pooled_dispersion([None]).method
    'poisson'
    """
    own = [d for d in estimates if d is not None and d.method == "series"]
    if not own:
        return POISSON
    phi = float(statistics.median(d.phi for d in own))
    df = float(statistics.median(d.df for d in own))
    return Dispersion(phi, phi, df, 0, None, "pooled")


def effective_dispersion(
    dispersion: float, df: float, *, alpha: float = 0.05, alternative: str = "two-sided"
) -> float:
    """``phi`` inflated for the uncertainty of its own estimate: ``phi * (t_df / z)**2`` at ``alpha``.

    A test on counts divided by this factor, referred to the normal (or an exact distribution on the
    effective counts), rejects about when the quasi-likelihood statistic exceeds Student's t with
    ``df`` degrees of freedom, as Korn & Graubard (1998) do for exact intervals on effective counts.
    With ``df = inf`` (known dispersion) the factor is ``phi`` itself.

    Examples
    --------
    >>> round(effective_dispersion(2.0, 9.0), 3)
    2.664
    >>> effective_dispersion(1.0, float("inf"))
    1.0
    """
    alpha = check_alpha(alpha)
    if df <= 0:
        raise ValueError(f"df must be > 0, got {df!r}")
    return float(
        inflation(np.array([float(dispersion)]), np.array([float(df)]), np.array([alpha]), alternative)[0]
    )


def inflation(
    dispersion: NDArray[np.float64], df: NDArray[np.float64], alpha: NDArray[np.float64], alternative: str
) -> NDArray[np.float64]:
    """Vectorised :func:`effective_dispersion` (no checks): ``max(1, phi) * (t_df / z)**2`` at ``alpha``."""
    tail = alpha / 2 if alternative == "two-sided" else alpha
    phi = np.maximum(1.0, dispersion)
    finite = np.isfinite(df)
    safe_df = np.where(finite, df, 1.0)
    ratio = np.where(finite, stats.t.isf(tail, safe_df) / stats.norm.isf(tail), 1.0)
    return np.asarray(phi * ratio**2, dtype=np.float64)


def proper_pvalues(
    p_at: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    dispersion: NDArray[np.float64],
    df: NDArray[np.float64],
    alpha: float,
    alternative: str,
) -> NDArray[np.float64]:
    """p-values of a test on effective counts that stay valid at every level, not only at ``alpha``.

    ``p_at(eff)`` gives the p-value of the test on counts divided by ``eff``. With an estimated ``phi``
    (finite ``df``) the inflation of :func:`effective_dispersion` depends on the level, so the p-value is
    the smallest level that rejects: the root of ``p_at(inflation(a)) = a``, found by bisection on
    ``log a`` (the rejection regions are nested, since a smaller level both inflates more and demands
    more). It agrees with the level-``alpha`` test: ``p < alpha`` exactly when that test rejects. With
    ``df = inf`` it is ``p_at(phi)`` itself.
    """
    n = dispersion.size
    at_alpha = p_at(inflation(dispersion, df, np.full(n, alpha), alternative))
    known = ~np.isfinite(df)
    if known.all():
        return at_alpha
    lowest, highest = -16.0, float(np.log10(0.999999))
    p_low = p_at(inflation(dispersion, df, np.full(n, 10**lowest), alternative))
    p_high = p_at(inflation(dispersion, df, np.full(n, 10**highest), alternative))
    lo, hi = np.full(n, lowest), np.full(n, highest)
    for _step in range(48):  # the level to 1e-14 relative
        mid = (lo + hi) / 2
        rejects = p_at(inflation(dispersion, df, 10**mid, alternative)) < 10**mid
        hi = np.where(rejects, mid, hi)
        lo = np.where(rejects, lo, mid)
    solved = 10**hi
    solved = np.where(p_high >= 10**highest, 1.0, solved)  # rejects at no level
    solved = np.where(p_low < 10**lowest, p_low, solved)  # rejects at every level we look at
    # exactly the level-alpha verdict where the bisection's last digit is in doubt
    rejects_alpha = at_alpha < alpha
    solved = np.where(rejects_alpha, np.minimum(solved, np.nextafter(alpha, 0.0)), np.maximum(solved, alpha))
    return np.asarray(np.where(known, at_alpha, solved), dtype=np.float64)


def _design(t: NDArray[np.float64]) -> NDArray[np.float64]:
    """Intercept, year and (from 8 years on) year squared, on a centred and scaled year."""
    centred = (t - t.mean()) / max(1.0, float(t.std()))
    columns = [np.ones_like(t), centred]
    if t.size >= 8:
        columns.append(centred**2)
    return np.column_stack(columns)
