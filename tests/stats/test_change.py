"""Tests of ivp.stats.change against scipy.stats.binomtest and invariants of the conditional test."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from ivp.stats import (
    LABEL_FALL,
    LABEL_NONE,
    LABEL_RISE,
    ChangeResult,
    change_test,
    change_test_many,
)

# p-values must equal scipy's to this absolute tolerance (the brief's requirement).
P_TOL = 1e-9
# Clopper-Pearson limits: scipy solves with brentq (xtol ~ 2e-12), we use betaincinv.
CI_RTOL = 1e-8


def _scipy_reference(
    a: int, b: int, ea: float, eb: float, alternative: str = "two-sided"
) -> tuple[float, ...]:
    """p-value and rate-ratio interval computed with scipy's binomtest, independently of ivp."""
    n = a + b
    p0 = eb / (ea + eb)
    res = stats.binomtest(b, n, p0, alternative=alternative)
    ci = res.proportion_ci(confidence_level=0.95, method="exact")

    def to_rr(q: float) -> float:
        return math.inf if q >= 1 else q / (1 - q) * ea / eb

    return res.pvalue, to_rr(ci.low), to_rr(ci.high)


@pytest.mark.parametrize(
    ("a", "b", "ea", "eb"),
    [
        (20, 12, 1.0, 1.0),
        (200, 120, 1.0, 1.0),
        (7, 19, 1000.0, 1000.0),
        (3, 0, 1.0, 1.0),
        (0, 4, 5000.0, 5200.0),
        (150, 161, 118_000.0, 121_500.0),
        (1, 1, 1.0, 3.0),
        (1000, 1100, 2.0, 2.0),
        (5, 5, 1.0, 1.0),
    ],
)
def test_scalar_matches_scipy_binomtest(a: int, b: int, ea: float, eb: float) -> None:
    result = change_test(a, b, ea, eb)
    p, lo, hi = _scipy_reference(a, b, ea, eb)
    assert_allclose(result.p_value, p, rtol=0, atol=P_TOL)
    assert_allclose([result.ci_low, result.ci_high], [lo, hi], rtol=CI_RTOL)


@pytest.mark.parametrize("alternative", ["greater", "less"])
def test_one_sided_matches_scipy(alternative: str) -> None:
    for a, b in [(20, 12), (12, 20), (0, 6), (40, 41)]:
        result = change_test(a, b, alternative=alternative)
        p = stats.binomtest(b, a + b, 0.5, alternative=alternative).pvalue
        assert_allclose(result.p_value, p, rtol=0, atol=P_TOL)
    assert change_test(10, 30, alternative="greater").direction == 1
    assert change_test(10, 30, alternative="less").direction == 0
    assert change_test(30, 10, alternative="less").direction == -1
    assert change_test(10, 30, alternative="greater").ci_high == math.inf
    assert change_test(30, 10, alternative="less").ci_low == 0.0


def test_published_example_fall_from_20_to_12_is_not_a_fall() -> None:
    # The domain README's example: 20 -> 12 street robberies may be chance.
    result = change_test(20, 12)
    assert isinstance(result, ChangeResult)
    assert result.percent_change == pytest.approx(-40.0)
    assert result.rate_ratio == pytest.approx(0.6)
    assert result.direction == 0
    assert result.label == LABEL_NONE
    assert result.small_numbers is False


def test_labels_and_directions() -> None:
    assert change_test(100, 160).label == LABEL_RISE
    assert change_test(100, 160).direction == 1
    assert change_test(160, 100).label == LABEL_FALL
    assert change_test(160, 100).direction == -1


def test_exposure_changes_the_verdict() -> None:
    # 100 -> 160 is a rise at equal population, not when the population grew by 60%.
    assert change_test(100, 160, 10_000, 10_000).direction == 1
    grown = change_test(100, 160, 10_000, 16_000)
    assert grown.direction == 0
    assert grown.rate_ratio == pytest.approx(1.0)
    assert grown.percent_change == pytest.approx(60.0)  # on counts, as published


def test_equal_counts_equal_exposure_show_no_change() -> None:
    for count in [0, 1, 5, 50, 5000]:
        result = change_test(count, count)
        assert result.p_value == 1.0
        assert result.direction == 0
        assert result.label == LABEL_NONE


def test_edge_cases() -> None:
    both_zero = change_test(0, 0)
    assert both_zero.p_value == 1.0
    assert both_zero.direction == 0
    assert math.isnan(both_zero.rate_ratio)
    assert math.isnan(both_zero.percent_change)
    assert (both_zero.ci_low, both_zero.ci_high) == (0.0, math.inf)

    from_zero = change_test(0, 9)
    assert from_zero.rate_ratio == math.inf
    assert from_zero.percent_change == math.inf
    assert from_zero.ci_high == math.inf
    assert from_zero.direction == 1  # p = 2 * 0.5**9 < 0.05
    assert from_zero.small_numbers is True

    to_zero = change_test(9, 0)
    assert to_zero.rate_ratio == 0.0
    assert to_zero.ci_low == 0.0
    assert to_zero.direction == -1


def test_small_numbers_flag() -> None:
    assert change_test(8, 9).small_numbers is True  # total 17 < 20
    assert change_test(30, 4).small_numbers is True  # one count < 5
    assert change_test(10, 10).small_numbers is False


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count_a": -1, "count_b": 3}, "negative"),
        ({"count_a": 2.5, "count_b": 3}, "whole"),
        ({"count_a": float("nan"), "count_b": 3}, "finite"),
        ({"count_a": 2, "count_b": 3, "exposure_a": 0.0}, "greater than 0"),
        ({"count_a": 2, "count_b": 3, "exposure_b": -5.0}, "greater than 0"),
        ({"count_a": 2, "count_b": 3, "alpha": 1.5}, "alpha"),
    ],
)
def test_invalid_input_raises(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        change_test(**kwargs)  # type: ignore[arg-type]


def test_invalid_alternative_lists_options() -> None:
    with pytest.raises(ValueError, match="'two-sided', 'greater', 'less'"):
        change_test(1, 2, alternative="both")
    with pytest.raises(ValueError, match="'two-sided', 'greater', 'less'"):
        change_test_many([1], [2], alternative="both")


def test_many_matches_scipy_on_random_inputs() -> None:
    rng = np.random.default_rng(42)
    size = 3000
    means = rng.gamma(0.6, 40.0, size)
    a = rng.poisson(means)
    b = rng.poisson(means * rng.uniform(0.5, 1.8, size))
    ea = rng.uniform(200.0, 50_000.0, size)
    eb = ea * rng.uniform(0.8, 1.25, size)
    eb[:500] = ea[:500]  # equal exposures exercise the tie p = n / 2
    result = change_test_many(a, b, ea, eb)
    ref_p = [
        stats.binomtest(int(y), int(x + y), e2 / (e1 + e2)).pvalue if x + y > 0 else 1.0
        for x, y, e1, e2 in zip(a, b, ea, eb, strict=True)
    ]
    assert_allclose(result.p_value, ref_p, rtol=0, atol=P_TOL)
    # scipy's exact interval solves with brentq (slow): check a seeded subset of 300.
    subset = rng.choice(np.flatnonzero(a + b > 0), 300, replace=False)
    ref_ci = np.array([_scipy_reference(int(a[i]), int(b[i]), ea[i], eb[i])[1:] for i in subset])
    assert_allclose(result.ci_low[subset], ref_ci[:, 0], rtol=CI_RTOL)
    assert_allclose(result.ci_high[subset], ref_ci[:, 1], rtol=CI_RTOL)


def test_many_matches_scipy_on_large_and_lopsided_counts() -> None:
    # Large n makes the binary search long; lopsided exposures put the mode near an end.
    rng = np.random.default_rng(42)
    size = 400
    n = rng.integers(1, 200_000, size)
    p0 = rng.choice([0.5, 0.01, 0.99, 0.3333333333333333], size)
    b = rng.binomial(n, np.clip(p0 * rng.uniform(0.98, 1.02, size), 0, 1))
    a = n - b
    ea = np.ones(size)
    eb = p0 / (1 - p0)
    result = change_test_many(a, b, ea, eb)
    ref = [
        stats.binomtest(int(y), int(x + y), e2 / (1.0 + e2)).pvalue for x, y, e2 in zip(a, b, eb, strict=True)
    ]
    assert_allclose(result.p_value, ref, rtol=0, atol=P_TOL)


def test_many_equals_scalar_field_by_field() -> None:
    rng = np.random.default_rng(42)
    a = rng.integers(0, 60, 300)
    b = rng.integers(0, 60, 300)
    ea = rng.uniform(1.0, 3.0, 300)
    eb = rng.uniform(1.0, 3.0, 300)
    for alternative in ["two-sided", "greater", "less"]:
        many = change_test_many(a, b, ea, eb, alpha=0.1, alternative=alternative)
        scalars = [
            change_test(x, y, e1, e2, alpha=0.1, alternative=alternative)
            for x, y, e1, e2 in zip(a, b, ea, eb, strict=True)
        ]
        for field in ["percent_change", "rate_ratio", "ci_low", "ci_high", "p_value"]:
            assert_allclose(
                getattr(many, field),
                [getattr(s, field) for s in scalars],
                rtol=1e-12,
                atol=P_TOL,
                equal_nan=True,
            )
        assert_array_equal(many.direction, [s.direction for s in scalars])
        assert_array_equal(many.label, [s.label for s in scalars])
        assert_array_equal(many.small_numbers, [s.small_numbers for s in scalars])
    assert many.direction.dtype == np.int8
    assert len(many) == 300


def test_many_broadcasts_and_is_read_only() -> None:
    result = change_test_many([[10, 20], [30, 40]], 25, exposure_a=2.0)
    assert result.p_value.shape == (4,)
    assert_array_equal(result.count_b, [25, 25, 25, 25])
    with pytest.raises(ValueError, match="read-only"):
        result.p_value[0] = 0.5
    empty = change_test_many([], [])
    assert empty.p_value.shape == (0,)


@settings(max_examples=200, deadline=None)
@given(
    a=st.integers(min_value=0, max_value=3000),
    b=st.integers(min_value=0, max_value=3000),
    ea=st.floats(min_value=0.01, max_value=1e6),
    eb=st.floats(min_value=0.01, max_value=1e6),
)
def test_properties(a: int, b: int, ea: float, eb: float) -> None:
    result = change_test(a, b, ea, eb)
    # p in (0, 1], except that like scipy's it underflows to 0 for extreme data
    assert 0.0 <= result.p_value <= 1.0
    if result.p_value == 0.0:
        assert stats.binomtest(b, a + b, eb / (ea + eb)).pvalue == 0.0
    # interval contains the estimate
    if a + b > 0:
        assert result.ci_low <= result.rate_ratio * (1 + 1e-9) or result.rate_ratio == math.inf
        assert result.rate_ratio <= result.ci_high * (1 + 1e-9)
    # swapping periods inverts the ratio, flips the direction, keeps the p-value
    swapped = change_test(b, a, eb, ea)
    assert swapped.direction == -result.direction
    assert swapped.p_value == pytest.approx(result.p_value, abs=1e-12)
    if a > 0 and b > 0:
        assert swapped.rate_ratio == pytest.approx(1 / result.rate_ratio, rel=1e-12)
        assert swapped.ci_low == pytest.approx(1 / result.ci_high, rel=1e-7)
    # the vectorised path agrees with scipy here too
    many = change_test_many([a], [b], [ea], [eb])
    if a + b > 0:
        assert many.p_value[0] == pytest.approx(stats.binomtest(b, a + b, eb / (ea + eb)).pvalue, abs=P_TOL)
