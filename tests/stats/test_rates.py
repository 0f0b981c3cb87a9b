"""Tests of ivp.stats.rates against statsmodels.stats.rates and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from statsmodels.stats import rates as sm_rates
from statsmodels.stats.rates import confint_poisson

from ivp.stats import (
    LABEL_HIGHER,
    LABEL_LOWER,
    LABEL_SAME,
    LABEL_TOO_FEW_DIFF,
    poisson_rate,
    rate_vs_reference,
    rate_vs_reference_many,
)

# Both sides use scipy's chi2/gamma quantiles; differences are rounding only.
RTOL = 1e-10


def test_poisson_rate_matches_statsmodels_exact_c() -> None:
    rng = np.random.default_rng(42)
    counts = np.concatenate([[0, 1, 2, 5], rng.poisson(rng.gamma(0.8, 30.0, 500))])
    population = rng.uniform(100.0, 60_000.0, counts.size)
    result = poisson_rate(counts, population, per=1000.0)
    low, high = confint_poisson(counts, population, method="exact-c", alpha=0.05)
    assert_allclose(result.rate, counts / population * 1000.0, rtol=RTOL)
    assert_allclose(result.ci_low, np.asarray(low) * 1000.0, rtol=RTOL, atol=0)
    assert_allclose(result.ci_high, np.asarray(high) * 1000.0, rtol=RTOL)


def test_poisson_rate_published_garwood_limits() -> None:
    # Garwood (1936) / standard tables: 95% limits for a count of 10 are 4.795 and 18.39.
    result = poisson_rate(10, 1000.0)
    assert_allclose([result.ci_low, result.ci_high], [4.7954, 18.3904], atol=5e-4)
    zero = poisson_rate(0, 1000.0)
    assert_allclose([zero.ci_low, zero.ci_high], [0.0, 3.6889], atol=5e-4)


def test_poisson_rate_invariants() -> None:
    rng = np.random.default_rng(42)
    counts = rng.integers(0, 400, 1000)
    population = rng.uniform(50.0, 10_000.0, 1000)
    narrow = poisson_rate(counts, population, alpha=0.1)
    wide = poisson_rate(counts, population, alpha=0.01)
    assert np.all(narrow.ci_low <= narrow.rate)
    assert np.all(narrow.rate <= narrow.ci_high)
    assert np.all(wide.ci_low <= narrow.ci_low)
    assert np.all(wide.ci_high >= narrow.ci_high)
    assert_array_equal(narrow.small_numbers, counts < 20)
    assert poisson_rate([[1, 2], [3, 4]], 100.0).rate.shape == (2, 2)


def test_rate_vs_reference_matches_statsmodels_test_poisson() -> None:
    # statsmodels' exact-c two-sided p-value is 2 * min(tail); ours is the same, capped at 1.
    rng = np.random.default_rng(42)
    population = rng.uniform(200.0, 20_000.0, 400)
    reference = 4.5
    counts = rng.poisson(reference / 1000.0 * population * rng.uniform(0.5, 1.8, 400))
    result = rate_vs_reference_many(counts, population, reference)
    expected = [
        min(1.0, float(sm_rates.test_poisson(int(k), float(n), reference / 1000.0, method="exact-c").pvalue))
        for k, n in zip(counts, population, strict=True)
    ]
    assert_allclose(result.p_value, expected, rtol=1e-10, atol=1e-15)
    low, high = confint_poisson(counts, result.expected, method="exact-c")
    assert_allclose(result.ci_low, low, rtol=RTOL)
    assert_allclose(result.ci_high, high, rtol=RTOL)


def test_rate_vs_reference_hand_computed_example() -> None:
    # 42 observed, 27 expected: P(X >= 42 | Poisson(27)) doubled.
    result = rate_vs_reference(42, 6000, 4.5)
    assert result.expected == pytest.approx(27.0)
    assert result.ratio == pytest.approx(42 / 27)
    assert result.p_value == pytest.approx(2 * stats.poisson.sf(41, 27.0), rel=1e-12)
    assert result.label == LABEL_HIGHER
    assert result.direction == 1


def test_rate_vs_reference_interval_agrees_with_test() -> None:
    # The central test and the Garwood interval agree: 1 outside the interval <=> p < alpha.
    rng = np.random.default_rng(42)
    population = rng.uniform(100.0, 10_000.0, 2000)
    counts = rng.poisson(0.005 * population * rng.uniform(0.3, 2.5, 2000))
    result = rate_vs_reference_many(counts, population, 5.0)
    outside = (result.ci_low > 1.0) | (result.ci_high < 1.0)
    assert_array_equal(outside, result.p_value < 0.05)
    assert np.all((result.p_value > 0) & (result.p_value <= 1))


def test_rate_vs_reference_labels_and_scalar_equals_many() -> None:
    many = rate_vs_reference_many([42, 27, 12, 84, 60], [6000, 6000, 6000, 20_000, 20_000], 4.5)
    assert many.label.tolist() == [LABEL_HIGHER, LABEL_SAME, LABEL_TOO_FEW_DIFF, LABEL_SAME, LABEL_LOWER]
    assert many.direction.tolist() == [1, 0, 0, 0, -1]
    # 12 against 27 expected is far below, but 12 events are too few to word it (small_numbers)
    assert many.p_value[2] < 0.01
    assert bool(many.small_numbers[2])
    for i, count in enumerate([42, 27, 12]):
        single = rate_vs_reference(count, 6000, 4.5)
        assert single.p_value == many.p_value[i]
        assert single.ci_low == many.ci_low[i]
        assert single.label == many.label[i]
    at_reference = rate_vs_reference(27, 6000, 4.5)
    assert at_reference.p_value == 1.0
    assert at_reference.direction == 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: poisson_rate(-1, 100), "negative"),
        (lambda: poisson_rate(1.5, 100), "whole"),
        (lambda: poisson_rate(1, 0), "population"),
        (lambda: poisson_rate(1, 100, per=0), "per"),
        (lambda: poisson_rate(1, 100, alpha=0), "alpha"),
        (lambda: rate_vs_reference(1, 100, 0.0), "reference_rate_per"),
    ],
)
def test_invalid_input_raises(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]
