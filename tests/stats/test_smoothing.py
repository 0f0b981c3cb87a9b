"""Tests of ivp.stats.smoothing against PySAL esda.smoothing.Empirical_Bayes and Marshall's formulas."""

from __future__ import annotations

import numpy as np
import pytest
from esda.smoothing import Empirical_Bayes  # type: ignore[import-untyped]
from numpy.testing import assert_allclose, assert_array_equal

from ivp.stats import eb_smooth, flag_small_population

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
