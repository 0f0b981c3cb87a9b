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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ivp.stats._checks import as_counts, as_positive, frozen

__all__ = ["MIN_POPULATION", "EbResult", "eb_smooth", "flag_small_population"]

#: Areas with fewer inhabitants than this are flagged, not ranked.
MIN_POPULATION = 500


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
    y = as_counts(counts, "counts").ravel()
    n = as_positive(population, "population").ravel()
    if y.shape != n.shape:
        raise ValueError(f"counts and population must have the same length, got {y.size} and {n.size}")
    if y.size == 0:
        raise ValueError("eb_smooth needs at least one area")
    rate = y / n
    m = float(y.sum() / n.sum())
    variance = float(np.sum(n * (rate - m) ** 2) / n.sum() - m / n.mean())
    variance = max(variance, 0.0)
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
