"""Tests of ivp.stats.smoothing: esda's Empirical_Bayes, Marshall's formulas, numerical Bayes, planted truth."""

from __future__ import annotations

import numpy as np
import pytest
from esda.smoothing import Empirical_Bayes  # type: ignore[import-untyped]
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from ivp.stats import eb_smooth, flag_small_population
from ivp.stats.smoothing import (
    eb_posterior,
    expected_counts,
    flag_visitor_areas,
    precise_enough,
    rank_intervals,
)

RTOL = 1e-12


def test_matches_esda_empirical_bayes() -> None:
    rng = np.random.default_rng(42)
    population = rng.lognormal(7.5, 1.0, 300).round() + 20
    true_rate = rng.gamma(4.0, 0.002, 300)
    counts = rng.poisson(true_rate * population)
    result = eb_smooth(counts, population, per=1.0)
    reference = Empirical_Bayes(counts, population)
    assert result.prior_variance > 0  # esda does not truncate; compare where that does not matter
    assert_allclose(result.smoothed_rate, np.asarray(reference.r).ravel(), rtol=RTOL)
    # per only rescales
    per_1000 = eb_smooth(counts, population, per=1000.0)
    assert_allclose(per_1000.smoothed_rate, result.smoothed_rate * 1000.0, rtol=RTOL)
    assert_allclose(per_1000.prior_variance, result.prior_variance * 1e6, rtol=RTOL)


def test_hand_worked_marshall_example() -> None:
    # y = (2, 30, 55, 4), n = (150, 4000, 5200, 900): m = 91 / 10250, n_bar = 2562.5.
    y = np.array([2.0, 30.0, 55.0, 4.0])
    n = np.array([150.0, 4000.0, 5200.0, 900.0])
    m = 91 / 10250
    s2 = (150 * (2 / 150 - m) ** 2 + 4000 * (30 / 4000 - m) ** 2 + 5200 * (55 / 5200 - m) ** 2
          + 900 * (4 / 900 - m) ** 2) / 10250 - m / 2562.5  # fmt: skip
    w = s2 / (s2 + m / n)
    result = eb_smooth(y, n, per=1.0)
    assert_allclose(result.prior_mean, m, rtol=RTOL)
    assert_allclose(result.prior_variance, s2, rtol=1e-10)
    assert_allclose(result.smoothed_rate, w * y / n + (1 - w) * m, rtol=1e-10)


def test_negative_variance_is_truncated_to_zero() -> None:
    # Rates equal up to less than Poisson noise: Marshall sets the variance to 0, all rates = overall.
    result = eb_smooth([10, 10, 10, 10], [1000, 1000, 1000, 1000])
    assert result.prior_variance == 0.0
    assert_allclose(result.smoothed_rate, [10.0] * 4)
    assert_array_equal(result.weight, 0.0)


def test_invariants() -> None:
    rng = np.random.default_rng(42)
    population = rng.integers(50, 20_000, 500).astype(float)
    counts = rng.poisson(rng.gamma(2.0, 0.004, 500) * population)
    result = eb_smooth(counts, population)
    # each smoothed rate lies between its raw rate and the overall rate
    low = np.minimum(result.raw_rate, result.prior_mean)
    high = np.maximum(result.raw_rate, result.prior_mean)
    assert np.all(result.smoothed_rate >= low - 1e-12)
    assert np.all(result.smoothed_rate <= high + 1e-12)
    # small areas are shrunk more: weight increases with population
    order = np.argsort(population)
    assert np.all(np.diff(result.weight[order]) >= 0)
    assert np.all((result.weight >= 0) & (result.weight <= 1))


def test_eb_invalid_input() -> None:
    with pytest.raises(ValueError, match="same length"):
        eb_smooth([1, 2], [100])
    with pytest.raises(ValueError, match="population"):
        eb_smooth([1, 2], [100, 0])
    with pytest.raises(ValueError, match="at least one"):
        eb_smooth([], [])


def test_flag_small_population() -> None:
    assert_array_equal(
        flag_small_population([0, 120, 499, 500, 8300, np.nan]), [True, True, True, False, False, True]
    )
    assert_array_equal(flag_small_population([120, 499], min_population=100), [False, False])
    with pytest.raises(ValueError, match="negative"):
        flag_small_population([-1])
    with pytest.raises(ValueError, match="min_population"):
        flag_small_population([1], min_population=0)


# -- which areas to rank -----------------------------------------------------------------------------


def test_expected_counts_and_precision_rule() -> None:
    counts = [2, 30, 55, 4]
    population = [150, 4000, 5200, 900]
    expected = expected_counts(counts, population)
    assert_allclose(expected, np.array(population) * 91 / 10250, rtol=RTOL)
    assert_allclose(expected.sum(), 91.0, rtol=RTOL)  # the expected counts add up to the observed total
    assert_array_equal(precise_enough(counts, population), [False, True, True, False])
    # the rule looks at the expected count, not the observed one: a quiet big area stays rankable
    assert_array_equal(precise_enough([0, 100], [5000, 5000]), [True, True])
    assert_array_equal(precise_enough(counts, population, min_expected=1.0), [True] * 4)
    with pytest.raises(ValueError, match="min_expected"):
        precise_enough(counts, population, min_expected=0)


def test_visitor_areas_need_a_high_rate_and_few_residents() -> None:
    # ten ordinary areas at 50 per 1,000 (overall about 66 per 1,000): the station area and the business
    # estate are flagged; a big area with a rate far above the rest is not (many residents) unless it is
    # thinly populated (a park, a harbour)
    counts = [247, 60, 120, 90, 2, 600] + [150] * 10
    population = [495, 5, 3000, 2400, 5, 4000] + [3000] * 10
    flags = flag_visitor_areas(counts, population)
    assert_array_equal(flags[:6], [True, True, False, False, False, False])
    assert not flags[6:].any()
    km2 = [0.2, 0.5, 1.0, 1.0, 0.1, 10.0] + [1.0] * 10
    dense = flag_visitor_areas(counts, population, area_km2=km2)
    assert_array_equal(dense[:6], [True, True, False, False, False, True])
    # unknown surface (NaN) changes nothing
    assert_array_equal(flag_visitor_areas(counts, population, area_km2=[np.nan] * 16), flags)
    # equal rates everywhere: nothing is far above the overall rate
    assert not flag_visitor_areas([50] * 5, [1000] * 5).any()
    assert not flag_visitor_areas([0, 0], [10, 10]).any()
    with pytest.raises(ValueError, match="area_km2"):
        flag_visitor_areas(counts, population, area_km2=[1.0])


# -- the Gamma-Poisson posterior ---------------------------------------------------------------------


def _gamma_areas(seed: int, k: int = 80) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    population = rng.lognormal(7.5, 0.8, k).round() + 50
    true_rate = rng.gamma(4.0, 0.05 / 4.0, k)  # mean 50 per 1,000, coefficient of variation 0.5
    counts = rng.poisson(true_rate * population).astype(float)
    return counts, population, true_rate


def test_posterior_mean_is_the_esda_smoothed_rate() -> None:
    counts, population, _ = _gamma_areas(1)
    post = eb_posterior(counts, population, per=1.0)
    assert post.prior_variance > 0
    assert_allclose(post.mean, np.asarray(Empirical_Bayes(counts, population).r).ravel(), rtol=1e-10)
    assert_allclose(post.mean, eb_smooth(counts, population, per=1.0).smoothed_rate, rtol=1e-10)
    # the prior Gamma(m^2/s2, rate m/s2) has the moment estimates as its mean and variance
    m, s2 = post.prior_mean, post.prior_variance
    assert_allclose(stats.gamma(m**2 / s2, scale=s2 / m).stats("mv"), (m, s2), rtol=1e-12)


def test_posterior_matches_numerical_bayes() -> None:
    # Independent of the conjugate algebra: prior density x Poisson likelihood, normalised numerically.
    counts, population, _ = _gamma_areas(2, k=40)
    post = eb_posterior(counts, population, per=1.0)
    m, s2 = post.prior_mean, post.prior_variance
    grid = np.linspace(1e-6, 0.5, 200_001)
    prior = stats.gamma(m**2 / s2, scale=s2 / m).pdf(grid)
    for i in (0, 7, 19, 33):
        density = prior * stats.poisson.pmf(counts[i], population[i] * grid)
        cdf = np.cumsum(density) / density.sum()
        for q in (0.025, 0.5, 0.975):
            numeric = grid[np.searchsorted(cdf, q)]
            exact = stats.gamma.ppf(q, post.shape[i], scale=1.0 / post.exposure[i])
            assert_allclose(numeric, exact, rtol=2e-3)


def test_zero_prior_variance_is_a_point_mass() -> None:
    post = eb_posterior([10, 10, 10, 10], [1000, 1000, 1000, 1000])
    assert post.prior_variance == 0.0
    assert np.all(np.isinf(post.shape))
    assert_allclose(post.mean, 10.0)


# -- rank intervals ----------------------------------------------------------------------------------


def test_rank_intervals_basic_invariants() -> None:
    counts, population, _ = _gamma_areas(3, k=50)
    result = rank_intervals(counts, population, draws=2000, rng=7)
    k = counts.size
    assert result.distinguishable
    assert sorted(result.rank.tolist()) == list(range(1, k + 1))
    assert np.all((result.low >= 1) & (result.low <= result.rank) & (result.rank <= result.high))
    assert np.all(result.high <= k)
    assert_allclose(result.mean_rank.sum(), k * (k + 1) / 2)  # every draw is a permutation
    # the point rank is the order of the smoothed rates
    smoothed = eb_smooth(counts, population).smoothed_rate
    assert_array_equal(np.argsort(result.rank), np.argsort(-smoothed, kind="stable"))
    # seeded: the same seed gives the same intervals, a Generator is accepted too
    again = rank_intervals(counts, population, draws=2000, rng=np.random.default_rng(7))
    assert_array_equal(again.low, result.low)
    assert_array_equal(again.high, result.high)
    # quantiles of the simulated ranks agree with a direct draw from scipy's gamma for one area
    post = eb_posterior(counts, population, per=1.0)
    sample = stats.gamma.rvs(post.shape, scale=1.0 / post.exposure, size=(4000, k), random_state=11)
    ranks = (-sample).argsort(axis=1).argsort(axis=1) + 1
    top = int(np.argmin(result.rank))
    assert abs(np.quantile(ranks[:, top], 0.975) - result.high[top]) <= 1


def test_rank_intervals_cover_the_planted_true_rank() -> None:
    # 60 simulated municipalities of 80 areas whose true rates come from a gamma prior: the 95% rank
    # intervals should contain the true rank about 95% of the time (the prior is estimated, so a little
    # less is possible; rounding the quantiles outwards makes it a little more). Measured: 0.967.
    hits = total = 0
    for seed in range(60):
        counts, population, true_rate = _gamma_areas(100 + seed)
        result = rank_intervals(counts, population, draws=1000, rng=seed)
        true_rank = (-true_rate).argsort().argsort() + 1
        hits += int(np.sum((result.low <= true_rank) & (true_rank <= result.high)))
        total += counts.size
    coverage = hits / total
    assert coverage >= 0.90, coverage


def test_rank_intervals_under_no_effect_are_wide() -> None:
    # All areas share one true rate: nothing can be ranked, the intervals span most ranks (measured: 97%
    # of the ranks on average; the variance estimate is 0 in 12 of the 20 runs, intervals 1..K there).
    widths = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        population = rng.integers(800, 6000, 40).astype(float)
        counts = rng.poisson(0.05 * population).astype(float)
        result = rank_intervals(counts, population, draws=1000, rng=seed)
        widths.append(np.mean((result.high - result.low + 1) / counts.size))
    assert np.mean(widths) >= 0.8, np.mean(widths)
    exact = rank_intervals([50, 50, 50], [1000, 1000, 1000])
    assert not exact.distinguishable
    assert_array_equal(exact.low, [1, 1, 1])
    assert_array_equal(exact.high, [3, 3, 3])


def test_rank_intervals_invalid_input() -> None:
    with pytest.raises(ValueError, match="two areas"):
        rank_intervals([3], [100])
    with pytest.raises(ValueError, match="draws"):
        rank_intervals([3, 4], [100, 100], draws=10)
    with pytest.raises(ValueError, match="between 0 and 1"):
        rank_intervals([3, 4], [100, 100], level=1.5)
