"""Empirical-Bayes smoothing of area rates, and flags for areas too small to rank.

Rates of small neighbourhoods jump around: 2 burglaries among 150 inhabitants is 13 per 1,000. Ranking
areas on raw rates puts the smallest areas at both ends. Global empirical-Bayes smoothing shrinks each
area's rate towards the overall rate, more strongly the smaller the area, using a prior whose mean and
variance are estimated from all areas by the method of moments (Marshall 1991).

References
----------
.. [1] Marshall, R. J. (1991). Mapping disease and mortality rates using empirical Bayes estimators.
   *Journal of the Royal Statistical Society C (Applied Statistics)* 40(2), 283-294.
.. [2] Anselin, L., Lozano, N. and Koschinsky, J. (2006). *Rate Transformations and Smoothing*.
   GeoDa Center, University of Illinois, section 3.2. Implemented in PySAL as
   ``esda.smoothing.Empirical_Bayes``.
.. [3] Clayton, D. and Kaldor, J. (1987). Empirical Bayes estimates of age-standardized relative risks
   for use in disease mapping. *Biometrics* 43(3), 671-681 (the Gamma-Poisson model).
.. [4] Goldstein, H. and Spiegelhalter, D. J. (1996). League tables and their limitations: statistical
   issues in comparisons of institutional performance. *Journal of the Royal Statistical Society A*
   159(3), 385-443 (rank intervals by simulation).

Which areas to rank
-------------------
Ranking needs a count precise enough to say something: :func:`precise_enough` asks for an *expected*
count of at least ``MIN_EXPECTED`` = 10 at the overall rate (a Poisson count of 10 has a relative
standard error of 1/sqrt(10) = 32%; at 5 it is 45%, at 20 22%). The expected count, not the observed one,
so that a quiet area is not excluded for being quiet. :func:`flag_visitor_areas` marks areas whose crimes
clearly come from more people than the residents (business estates, the city centre, a station or
hospital area): there a rate per resident misleads, so they are shown but not ranked.
:func:`flag_small_population` (a plain inhabitants cut) is kept for callers that want it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ivp.stats._checks import as_areas, as_positive, check_alpha, frozen

__all__ = [
    "MIN_EXPECTED",
    "MIN_POPULATION",
    "VISITOR_MAX_DENSITY",
    "VISITOR_MAX_POPULATION",
    "VISITOR_RATIO",
    "EbPosterior",
    "EbResult",
    "RankIntervals",
    "eb_posterior",
    "eb_smooth",
    "expected_counts",
    "flag_small_population",
    "flag_visitor_areas",
    "precise_enough",
    "rank_intervals",
]

#: The old inhabitants cut (see :func:`flag_small_population`); no longer what decides ranking.
MIN_POPULATION = 500
#: An area is ranked only when its expected count at the overall rate is at least this (relative
#: standard error of a Poisson count of 10: 1/sqrt(10) = 32%).
MIN_EXPECTED = 10.0
#: Visitor area: the lower 95% bound of its rate is at least this many times the overall rate ...
VISITOR_RATIO = 2.0
#: ... and it has fewer inhabitants than this, or fewer inhabitants per km2 than ``VISITOR_MAX_DENSITY``.
VISITOR_MAX_POPULATION = 2000.0
VISITOR_MAX_DENSITY = 1000.0


@dataclass(frozen=True, eq=False)
class EbResult:
    """Result of :func:`eb_smooth`; rates per ``per`` inhabitants.

    Attributes
    ----------
    raw_rate : ndarray of float
        ``count / population * per``.
    smoothed_rate : ndarray of float
        Empirical-Bayes rate ``w * raw_rate + (1 - w) * prior_mean``.
    prior_mean : float
        Overall rate ``sum(counts) / sum(population) * per``.
    prior_variance : float
        Method-of-moments variance of the true rates between areas (unit ``per**2``), set to 0 when
        the estimate is negative (no variation beyond chance: every area gets the overall rate).
    weight : ndarray of float
        Shrinkage weight ``w = prior_variance / (prior_variance + prior_mean / population)`` in [0, 1];
        small areas get small weights.
    """

    raw_rate: NDArray[np.float64]
    smoothed_rate: NDArray[np.float64]
    prior_mean: float
    prior_variance: float
    weight: NDArray[np.float64]


def eb_smooth(counts: ArrayLike, population: ArrayLike, *, per: float = 1000.0) -> EbResult:
    """Global empirical-Bayes smoothing of rates (Marshall 1991), as ``esda.smoothing.Empirical_Bayes``.

    With counts ``y_i``, populations ``n_i``, raw rates ``r_i = y_i / n_i``, overall rate
    ``m = sum(y) / sum(n)`` and mean population ``n_bar``:

    - prior variance ``s2 = sum(n_i (r_i - m)**2) / sum(n) - m / n_bar``, set to 0 if negative;
    - weight ``w_i = s2 / (s2 + m / n_i)``;
    - smoothed rate ``w_i r_i + (1 - w_i) m``.

    esda does not truncate a negative ``s2`` (Marshall does); otherwise the results are equal.

    Parameters
    ----------
    counts : array_like
        Non-negative whole counts per area (1-D).
    population : array_like
        Population per area, > 0, same length.
    per : float, default 1000.0
        Unit of the rates.

    Returns
    -------
    EbResult

    Raises
    ------
    ValueError
        For invalid counts or populations, unequal lengths, or no areas.

    References
    ----------
    .. [1] Marshall, R. J. (1991). *Applied Statistics* 40, 283-294.
    .. [2] Anselin, L., Lozano, N. and Koschinsky, J. (2006). *Rate Transformations and Smoothing*.

    Examples
    --------
    >>> r = eb_smooth([2, 30, 55, 4], [150, 4000, 5200, 900])
    >>> r.raw_rate.round(1).tolist()
    [13.3, 7.5, 10.6, 4.4]
    >>> r.smoothed_rate.round(1).tolist()
    [8.9, 8.5, 9.4, 8.6]
    >>> round(r.prior_mean, 2)
    8.88
    """
    per = float(as_positive(per, "per"))
    y, n = as_areas(counts, population, "eb_smooth")
    rate = y / n
    m, variance = _moments(y, n)
    weight = np.zeros_like(rate) if variance == 0.0 else variance / (variance + m / n)
    smoothed = (weight * rate + (1.0 - weight) * m) * per
    raw = rate * per
    frozen(raw, smoothed, weight)
    return EbResult(
        raw_rate=raw,
        smoothed_rate=smoothed,
        prior_mean=m * per,
        prior_variance=variance * per**2,
        weight=weight,
    )


def flag_small_population(
    population: ArrayLike, *, min_population: float = MIN_POPULATION
) -> NDArray[np.bool_]:
    """Flag areas with fewer than ``min_population`` inhabitants: show them, but do not rank them.

    Parameters
    ----------
    population : array_like
        Inhabitants per area (>= 0; NaN counts as unknown and is flagged).
    min_population : float, default 500
        Threshold; an area is flagged when ``population < min_population``.

    Returns
    -------
    ndarray of bool
        Same shape as ``population``.

    Raises
    ------
    ValueError
        For a negative population or a ``min_population`` that is not > 0.

    Examples
    --------
    >>> flag_small_population([120, 499, 500, 8300]).tolist()
    [True, True, False, False]
    """
    threshold = float(as_positive(min_population, "min_population"))
    pop = np.asarray(population, dtype=np.float64)
    if np.any(pop < 0):
        raise ValueError("population must not be negative")
    flagged = ~(pop >= threshold)  # NaN (unknown) is flagged too
    return np.asarray(flagged, dtype=np.bool_)


def _moments(y: NDArray[np.float64], n: NDArray[np.float64]) -> tuple[float, float]:
    """Overall rate ``m`` and Marshall's moment estimate of the between-area variance (>= 0), per person."""
    m = float(y.sum() / n.sum())
    variance = float(np.sum(n * (y / n - m) ** 2) / n.sum() - m / n.mean())
    return m, max(variance, 0.0)


def expected_counts(counts: ArrayLike, population: ArrayLike) -> NDArray[np.float64]:
    """Count each area would have at the overall rate: ``n_i * sum(y) / sum(n)``.

    Parameters
    ----------
    counts : array_like
        Non-negative whole counts per area (1-D).
    population : array_like
        Inhabitants per area, > 0, same length.

    Returns
    -------
    ndarray of float

    Examples
    --------
    >>> expected_counts([2, 30, 55, 4], [150, 4000, 5200, 900]).round(1).tolist()
    [1.3, 35.5, 46.2, 8.0]
    """
    y, n = as_areas(counts, population, "expected_counts")
    return np.asarray(n * (y.sum() / n.sum()), dtype=np.float64)


def precise_enough(
    counts: ArrayLike, population: ArrayLike, *, min_expected: float = MIN_EXPECTED
) -> NDArray[np.bool_]:
    """Whether each area's rate is precise enough to rank: expected count >= ``min_expected``.

    The precision of a rate is set by the count behind it, not by the number of inhabitants: 500
    inhabitants give an expected 26 crimes at 52 per 1,000 but 1 burglary at 2 per 1,000. The expected
    count at the overall rate (:func:`expected_counts`) is used rather than the observed count, so that
    an area is not left out for having few crimes (that would bias the ranking upwards). At 10 the
    relative standard error of a Poisson count is 1/sqrt(10) = 32%.

    Parameters
    ----------
    counts, population : array_like
        As for :func:`expected_counts`.
    min_expected : float, default 10.0
        Minimum expected count, > 0.

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> precise_enough([2, 30, 55, 4], [150, 4000, 5200, 900]).tolist()
    [False, True, True, False]
    """
    threshold = float(as_positive(min_expected, "min_expected"))
    return np.asarray(expected_counts(counts, population) >= threshold, dtype=np.bool_)


def flag_visitor_areas(
    counts: ArrayLike,
    population: ArrayLike,
    *,
    area_km2: ArrayLike | None = None,
    ratio: float = VISITOR_RATIO,
    max_population: float = VISITOR_MAX_POPULATION,
    max_density: float = VISITOR_MAX_DENSITY,
    alpha: float = 0.05,
) -> NDArray[np.bool_]:
    """Flag areas with few residents but many visitors, where a rate per resident misleads.

    Business estates, the city centre, a station or a hospital draw far more people than live there;
    crimes against visitors then inflate the rate per 1,000 inhabitants (an industrial estate at 495
    per 1,000). No data on visitors or businesses is used; the rule works on what every workspace has.
    An area is flagged when both hold:

    1. its rate is clearly far above the overall rate: the lower bound of its exact ``1 - alpha``
       Poisson interval (Garwood) is at least ``ratio`` times the overall rate ``sum(y) / sum(n)``;
    2. it has few residents: fewer than ``max_population``, or, where its surface is known, fewer than
       ``max_density`` inhabitants per km2 (a park, a harbour, a business estate).

    The flag is a heuristic for the reader, not a finding: the area is listed with its counts and the
    reason, only not ranked per resident.

    Parameters
    ----------
    counts : array_like
        Non-negative whole counts per area (1-D).
    population : array_like
        Inhabitants per area, > 0, same length.
    area_km2 : array_like, optional
        Surface per area in km2 (land and water as in the boundary file); NaN where unknown.
    ratio : float, default 2.0
        How far above the overall rate the lower bound must be.
    max_population : float, default 2000
        Areas with at least this many inhabitants are flagged only through their density.
    max_density : float, default 1000
        Inhabitants per km2 below which an area counts as thinly populated.
    alpha : float, default 0.05
        Level of the rate's interval.

    Returns
    -------
    ndarray of bool

    Examples
    --------
    A station area (247 crimes, 495 inhabitants), a business estate (60 crimes, 5 inhabitants), and
    ordinary neighbourhoods:

    >>> flag_visitor_areas([247, 60, 120, 90, 2], [495, 5, 3000, 2400, 5]).tolist()
    [True, True, False, False, False]
    """
    y, n = as_areas(counts, population, "flag_visitor_areas")
    check_alpha(alpha)
    ratio = float(as_positive(ratio, "ratio"))
    m = y.sum() / n.sum()
    low = np.where(y > 0, stats.chi2.ppf(alpha / 2, 2 * y) / 2, 0.0) / n
    far_above = low >= ratio * m
    few = n < float(as_positive(max_population, "max_population"))
    if area_km2 is not None:
        km2 = np.asarray(area_km2, dtype=np.float64).ravel()
        if km2.shape != n.shape:
            raise ValueError(f"area_km2 must have one value per area, got {km2.size} for {n.size}")
        with np.errstate(divide="ignore", invalid="ignore"):
            thin = (km2 > 0) & (n / km2 < float(as_positive(max_density, "max_density")))
        few = few | thin
    return np.asarray(far_above & few & (m > 0), dtype=np.bool_)


@dataclass(frozen=True, eq=False)
class EbPosterior:
    """Posterior of each area's rate under the Gamma-Poisson model of :func:`eb_smooth`.

    The true rate per ``per`` inhabitants of area i is Gamma with shape ``shape[i]`` and scale
    ``per / exposure[i]``; its mean is the smoothed rate of :func:`eb_smooth`. When ``prior_variance`` is
    0 the posterior is a point mass at ``prior_mean`` for every area (``shape`` and ``exposure`` are inf).

    Attributes
    ----------
    shape : ndarray of float
        ``m**2 / s2 + y_i``.
    exposure : ndarray of float
        ``m / s2 + n_i`` (the Gamma's rate parameter, in inhabitants).
    prior_mean, prior_variance : float
        ``m`` and ``s2`` per ``per`` inhabitants (and ``per**2``), as in :class:`EbResult`.
    per : float
        Unit of the rates.
    """

    shape: NDArray[np.float64]
    exposure: NDArray[np.float64]
    prior_mean: float
    prior_variance: float
    per: float

    @property
    def mean(self) -> NDArray[np.float64]:
        """Posterior mean rate per ``per`` (the smoothed rate)."""
        if self.prior_variance == 0.0:
            return np.full(self.shape.shape, self.prior_mean)
        return np.asarray(self.shape / self.exposure * self.per, dtype=np.float64)


def eb_posterior(counts: ArrayLike, population: ArrayLike, *, per: float = 1000.0) -> EbPosterior:
    """Gamma posterior of each area's rate, with the prior of :func:`eb_smooth` (Clayton and Kaldor 1987).

    Prior: the true rates are Gamma with the moment-estimated mean ``m`` and variance ``s2`` (Marshall
    1991), i.e. shape ``m**2 / s2`` and rate ``m / s2``. Given ``y_i ~ Poisson(n_i * rate_i)`` the
    posterior of area i is Gamma(shape ``m**2 / s2 + y_i``, rate ``m / s2 + n_i``); its mean is the
    empirical-Bayes smoothed rate. ``s2 = 0`` (no variation beyond chance) gives a point mass at ``m``.

    Parameters
    ----------
    counts, population : array_like
        Counts and inhabitants per area, as for :func:`eb_smooth`.
    per : float, default 1000.0
        Unit of the rates.

    Returns
    -------
    EbPosterior

    References
    ----------
    .. [1] Clayton, D. and Kaldor, J. (1987). *Biometrics* 43, 671-681.
    .. [2] Marshall, R. J. (1991). *Applied Statistics* 40, 283-294.

    Examples
    --------
    >>> post = eb_posterior([2, 30, 55, 4], [150, 4000, 5200, 900])
    >>> post.mean.round(1).tolist()  # equal to eb_smooth(...).smoothed_rate
    [8.9, 8.5, 9.4, 8.6]
    """
    per = float(as_positive(per, "per"))
    y, n = as_areas(counts, population, "eb_posterior")
    m, s2 = _moments(y, n)
    if s2 == 0.0:
        shape = np.full(y.shape, np.inf)
        exposure = np.full(y.shape, np.inf)
    else:
        shape = m**2 / s2 + y
        exposure = m / s2 + n
    frozen(shape, exposure)
    return EbPosterior(shape, exposure, m * per, s2 * per**2, per)


@dataclass(frozen=True, eq=False)
class RankIntervals:
    """Result of :func:`rank_intervals`; rank 1 is the highest rate.

    Attributes
    ----------
    rank : ndarray of int
        Rank of the posterior mean (smoothed) rate; ties (only when ``prior_variance`` is 0) by order.
    low, high : ndarray of int
        Bounds of the central ``level`` interval of the rank over the posterior draws, widened where
        needed to contain ``rank``.
    mean_rank : ndarray of float
        Posterior mean rank.
    level : float
        Coverage of the interval, e.g. 0.95.
    draws : int
        Number of posterior draws.
    distinguishable : bool
        False when the prior variance is 0: no area differs from another beyond chance, every rank
        interval is 1..K.
    """

    rank: NDArray[np.int64]
    low: NDArray[np.int64]
    high: NDArray[np.int64]
    mean_rank: NDArray[np.float64]
    level: float
    draws: int
    distinguishable: bool


def rank_intervals(
    counts: ArrayLike,
    population: ArrayLike,
    *,
    draws: int = 4000,
    level: float = 0.95,
    rng: np.random.Generator | int | None = 0,
) -> RankIntervals:
    """Rank areas by smoothed rate, with rank intervals from the empirical-Bayes posterior.

    Draws every area's rate ``draws`` times from its Gamma posterior (:func:`eb_posterior`), ranks the
    areas within each draw (1 = highest rate) and reports, per area, the ``(1 - level) / 2`` and
    ``(1 + level) / 2`` quantiles of its rank (lower and upper quantile rounded outwards), and the mean
    rank. "Rank 15 (9-24)" then says: given the data and the model, the area's true place lies between 9
    and 24 with probability ``level``. The prior is estimated (empirical Bayes), so the interval ignores
    the prior's own uncertainty; with dozens of areas that is small (see the coverage test).

    Parameters
    ----------
    counts, population : array_like
        Counts and inhabitants per area (1-D, at least two areas).
    draws : int, default 4000
        Posterior draws; the Monte Carlo error of a 2.5% quantile at 4,000 draws is about 0.25
        percentage points.
    level : float, default 0.95
        Coverage of the rank interval, in (0, 1).
    rng : numpy.random.Generator or int or None, default 0
        Source of randomness; an int seeds ``numpy.random.default_rng`` (the default seed 0 makes the
        report reproducible).

    Returns
    -------
    RankIntervals

    Raises
    ------
    ValueError
        For invalid counts or populations, fewer than two areas, ``draws < 100`` or ``level``
        outside (0, 1).

    References
    ----------
    .. [1] Goldstein, H. and Spiegelhalter, D. J. (1996). *JRSS A* 159, 385-443.
    .. [2] Marshall, R. J. (1991). *Applied Statistics* 40, 283-294.

    Examples
    --------
    >>> r = rank_intervals([300, 30, 55, 40, 12], [2000, 4000, 5200, 900, 1500])
    >>> r.rank.tolist()
    [1, 5, 3, 2, 4]
    >>> r.low.tolist(), r.high.tolist()
    ([1, 3, 3, 2, 3], [1, 5, 4, 2, 5])
    """
    y, n = as_areas(counts, population, "rank_intervals")
    if y.size < 2:
        raise ValueError("rank_intervals needs at least two areas")
    level = 1.0 - check_alpha(1.0 - float(level))
    if int(draws) < 100:
        raise ValueError(f"draws must be at least 100, got {draws!r}")
    draws = int(draws)
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    post = eb_posterior(y, n, per=1.0)
    k = y.size
    if post.prior_variance == 0.0:
        every = np.arange(1, k + 1)
        result = RankIntervals(
            rank=every, low=np.ones(k, dtype=np.int64), high=np.full(k, k, dtype=np.int64),
            mean_rank=np.full(k, (k + 1) / 2), level=level, draws=draws, distinguishable=False,
        )  # fmt: skip
        frozen(result.rank, result.low, result.high, result.mean_rank)
        return result
    ranks = np.empty((draws, k), dtype=np.int32)
    chunk = max(1, 2_000_000 // k)  # bound memory for many areas
    for start in range(0, draws, chunk):
        stop = min(draws, start + chunk)
        sample = generator.gamma(post.shape, 1.0 / post.exposure, size=(stop - start, k))
        order = np.argsort(-sample, axis=1)
        rows = np.arange(stop - start)[:, None]
        ranks[start:stop][rows, order] = np.arange(1, k + 1, dtype=np.int32)
    tail = (1.0 - level) / 2
    low = np.quantile(ranks, tail, axis=0, method="lower").astype(np.int64)
    high = np.quantile(ranks, 1.0 - tail, axis=0, method="higher").astype(np.int64)
    point = np.empty(k, dtype=np.int64)
    point[np.argsort(-post.mean, kind="stable")] = np.arange(1, k + 1)
    low, high = np.minimum(low, point), np.maximum(high, point)
    mean_rank = ranks.mean(axis=0)
    frozen(point, low, high, mean_rank)
    return RankIntervals(point, low, high, mean_rank, level, draws, True)
