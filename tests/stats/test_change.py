"""Tests of ivp.stats.change: against scipy (central binomial tails, Clopper-Pearson via binomtest) and
statsmodels (quasi-Poisson GLM), the one two-sided convention on the full grid of counts 0-300, and
calibration by simulation with overdispersed series (no effect, and a planted effect)."""

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
    LABEL_TOO_FEW,
    ChangeResult,
    change_test,
    change_test_many,
)

# p-values must equal scipy's to this absolute tolerance (the brief's requirement).
P_TOL = 1e-9
# Clopper-Pearson limits: scipy solves with brentq (xtol ~ 2e-12), we use betaincinv.
CI_RTOL = 1e-8


def _central_p(b: int, n: int, p0: float, alternative: str = "two-sided") -> float:
    """The central p-value from scipy's binomial tails, independently of ivp."""
    if n == 0:
        return 1.0
    upper = float(stats.binom.sf(b - 1, n, p0))
    lower = float(stats.binom.cdf(b, n, p0))
    if alternative == "greater":
        return upper
    if alternative == "less":
        return lower
    return min(1.0, 2 * min(upper, lower))


def _scipy_reference(
    a: int, b: int, ea: float, eb: float, alternative: str = "two-sided"
) -> tuple[float, ...]:
    """Central p-value and Clopper-Pearson rate-ratio interval from scipy, independently of ivp."""
    n = a + b
    p0 = eb / (ea + eb)
    res = stats.binomtest(b, n, p0, alternative=alternative)
    ci = res.proportion_ci(confidence_level=0.95, method="exact")
    pvalue = _central_p(b, n, p0, alternative)

    def to_rr(q: float) -> float:
        return math.inf if q >= 1 else q / (1 - q) * ea / eb

    return pvalue, to_rr(ci.low), to_rr(ci.high)


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
def test_scalar_matches_scipy(a: int, b: int, ea: float, eb: float) -> None:
    result = change_test(a, b, ea, eb)
    p, lo, hi = _scipy_reference(a, b, ea, eb)
    assert_allclose(result.p_value, p, rtol=0, atol=P_TOL)
    assert_allclose([result.ci_low, result.ci_high], [lo, hi], rtol=CI_RTOL)


@pytest.mark.parametrize("alternative", ["greater", "less"])
def test_one_sided_matches_scipy(alternative: str) -> None:
    for a, b in [(20, 12), (12, 20), (0, 6), (40, 41)]:
        result = change_test(a, b, alternative=alternative)
        p = stats.binomtest(b, a + b, 0.5, alternative=alternative).pvalue  # one-sided: no convention
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
        assert result.label == (LABEL_NONE if count >= 10 else LABEL_TOO_FEW)


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
    assert from_zero.p_value == pytest.approx(2 * 0.5**9)  # below 0.05 ...
    assert from_zero.small_numbers is True
    assert from_zero.direction == 0  # ... but 9 is too few to word a rise
    assert from_zero.label == LABEL_TOO_FEW

    to_zero = change_test(9, 0)
    assert to_zero.rate_ratio == 0.0
    assert to_zero.ci_low == 0.0
    assert to_zero.direction == 0
    assert to_zero.label == LABEL_TOO_FEW


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
        _central_p(int(y), int(x + y), e2 / (e1 + e2)) for x, y, e1, e2 in zip(a, b, ea, eb, strict=True)
    ]
    assert_allclose(result.p_value, ref_p, rtol=0, atol=P_TOL)
    # scipy's exact interval solves with brentq (slow): check a seeded subset of 300.
    subset = rng.choice(np.flatnonzero(a + b > 0), 300, replace=False)
    ref_ci = np.array([_scipy_reference(int(a[i]), int(b[i]), ea[i], eb[i])[1:] for i in subset])
    assert_allclose(result.ci_low[subset], ref_ci[:, 0], rtol=CI_RTOL)
    assert_allclose(result.ci_high[subset], ref_ci[:, 1], rtol=CI_RTOL)


def test_many_matches_scipy_on_large_and_lopsided_counts() -> None:
    # Large n and lopsided exposures (the mode near an end) stress the incomplete beta function.
    rng = np.random.default_rng(42)
    size = 400
    n = rng.integers(1, 200_000, size)
    p0 = rng.choice([0.5, 0.01, 0.99, 0.3333333333333333], size)
    b = rng.binomial(n, np.clip(p0 * rng.uniform(0.98, 1.02, size), 0, 1))
    a = n - b
    ea = np.ones(size)
    eb = p0 / (1 - p0)
    result = change_test_many(a, b, ea, eb)
    ref = [_central_p(int(y), int(x + y), e2 / (1.0 + e2)) for x, y, e2 in zip(a, b, eb, strict=True)]
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
    # p in (0, 1], except that like scipy's tails it underflows to 0 for extreme data
    assert 0.0 <= result.p_value <= 1.0
    if result.p_value == 0.0:
        assert _central_p(b, a + b, eb / (ea + eb)) < 1e-300
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
        assert many.p_value[0] == pytest.approx(_central_p(b, a + b, eb / (ea + eb)), abs=P_TOL)
    # the verdict and the interval agree
    excludes_one = result.ci_low > 1 or result.ci_high < 1
    assert excludes_one == (result.p_value < 0.05)


# -- one two-sided convention --------------------------------------------------------------------------

EXPOSURE_RATIOS = [1 / 3, 0.8, 0.95, 1.0, 1.003, 1.25, 2.0]


@pytest.mark.parametrize(
    ("ratio", "phi", "df"),
    [(r, 1.0, math.inf) for r in EXPOSURE_RATIOS] + [(0.8, 2.5, 9.0), (1.003, 2.5, 9.0), (2.0, 6.0, 4.0)],
)
def test_verdict_agrees_with_interval_on_full_grid(ratio: float, phi: float, df: float) -> None:
    # Every pair of counts 0-300: p < alpha exactly when the interval excludes 1 (the review found
    # 256 pairs called "aantoonbaar" with 1 inside the interval under the minimum-likelihood p-value).
    a, b = (x.ravel() for x in np.meshgrid(np.arange(301.0), np.arange(301.0)))
    r = change_test_many(a, b, np.full(a.size, ratio), np.ones(a.size), dispersion=phi, df=df)
    excludes_one = (r.ci_low > 1.0) | (r.ci_high < 1.0)
    assert_array_equal(excludes_one, r.p_value < 0.05)
    # and a worded verdict is never given where the interval contains 1
    assert not np.any((r.direction != 0) & ~excludes_one)


@pytest.mark.parametrize(("a", "b"), [(5, 0), (0, 5), (12, 3), (40, 60), (150, 190)])
def test_p_value_is_continuous_in_the_exposure_ratio(a: int, b: int) -> None:
    # The review: 5 -> 0 flipped between p = 0.031 and 0.0625 when the population changed by 0.3%.
    ratios = np.linspace(0.99, 1.01, 2001)  # steps of 1e-5
    r = change_test_many(np.full(ratios.size, a), np.full(ratios.size, b), ratios, 1.0)
    steps = np.abs(np.diff(r.p_value))
    assert steps.max() < 1e-3
    near = change_test_many([a, a], [b, b], [1.0, 1.003], [1.0, 1.0])
    assert abs(near.p_value[0] - near.p_value[1]) < 0.01


def test_five_to_none_is_not_demonstrable_at_any_nearby_population() -> None:
    r = change_test_many(np.full(7, 5), np.zeros(7), 1.0, [0.997, 0.998, 0.999, 1.0, 1.001, 1.002, 1.003])
    assert np.all(r.p_value > 0.05)
    assert r.p_value == pytest.approx(np.full(7, 0.0625), abs=0.002)


def test_dispersion_below_one_counts_as_poisson_and_larger_widens() -> None:
    base = change_test(200, 150)
    assert change_test(200, 150, dispersion=0.4).p_value == base.p_value
    wide = change_test(200, 150, dispersion=3.0)
    assert wide.p_value > base.p_value
    assert wide.ci_low < base.ci_low
    assert wide.ci_high > base.ci_high
    assert wide.rate_ratio == base.rate_ratio  # the estimate does not change, only its uncertainty
    # uncertainty about phi (few df) widens further
    assert change_test(200, 150, dispersion=3.0, df=5).ci_high > wide.ci_high
    with pytest.raises(ValueError, match="df"):
        change_test(10, 20, dispersion=2.0, df=0)


def test_overdispersed_interval_matches_statsmodels_quasi_poisson() -> None:
    # For large counts the effective-count interval approaches the quasi-Poisson GLM's Wald interval
    # (statsmodels, scale fixed at phi): log RR +- 1.96 sqrt(phi (1/a + 1/b)). Tolerance 1% on the limits.
    import statsmodels.api as sm

    for a, b, phi in [(4000, 4400, 3.0), (2500, 2100, 5.0), (9000, 9300, 1.5)]:
        x = sm.add_constant(np.array([0.0, 1.0]))
        fit = sm.GLM(np.array([a, b]), x, family=sm.families.Poisson()).fit(scale=phi)
        low, high = np.exp(fit.conf_int(alpha=0.05)[1])
        ours = change_test(a, b, dispersion=phi)
        assert ours.ci_low == pytest.approx(low, rel=0.01)
        assert ours.ci_high == pytest.approx(high, rel=0.01)
        assert ours.p_value == pytest.approx(fit.pvalues[1], rel=0.1, abs=1e-4)


# -- calibration by simulation ---------------------------------------------------------------------------

YEARS = np.arange(2012, 2026)


def _negative_binomial(rng: np.random.Generator, mean: np.ndarray, ratio: float, size: int) -> np.ndarray:
    """Counts with the given mean and variance ``ratio * mean`` (Poisson when ratio is 1)."""
    if ratio == 1.0:
        return rng.poisson(mean, size=(size, mean.size))
    k = mean / (ratio - 1.0)  # variance mu + mu^2 / k = ratio * mu
    return rng.negative_binomial(k, k / (k + mean), size=(size, mean.size))


def _series_tests(series: np.ndarray, planted: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ivp's verdicts on the last two years of each series, with the dispersion estimated from the whole
    series (the compared years protected from the outlier rule); whether each interval covers the planted
    ratio; and the p-values."""
    from ivp.stats import estimate_dispersion

    spread = [d for s in series if (d := estimate_dispersion(YEARS, s, protect=YEARS[-2:])) is not None]
    assert len(spread) == len(series)
    r = change_test_many(
        series[:, -2], series[:, -1], dispersion=[d.phi for d in spread], df=[d.df for d in spread]
    )
    return r.direction != 0, (r.ci_low <= planted) & (planted <= r.ci_high), np.asarray(r.p_value)


@pytest.mark.parametrize(("mean", "ratio"), [(30, 1.0), (30, 3.0), (200, 2.0), (200, 5.0), (600, 3.0)])
def test_no_change_is_called_at_most_at_the_nominal_rate(mean: float, ratio: float) -> None:
    # 800 series of 14 years with a constant mean: at most 5% plus 3 simulation standard errors may be
    # called "aantoonbaar" (the first edition called 16-38% at variance 2-5 x the mean).
    rng = np.random.default_rng(int(mean * 10 + ratio))
    reps = 800
    series = _negative_binomial(rng, np.full(YEARS.size, float(mean)), ratio, reps)
    called = np.mean(_series_tests(series)[0])
    assert called <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / reps)


@pytest.mark.parametrize(("mean", "ratio", "planted"), [(200, 3.0, 0.5), (600, 2.0, 1.3), (60, 1.0, 0.5)])
def test_planted_change_is_covered_and_found(mean: float, ratio: float, planted: float) -> None:
    # The last year's mean is multiplied by ``planted``: the 95% intervals cover it in at least 95%
    # minus 3 standard errors of the series, and a large change is found more often than not.
    rng = np.random.default_rng(7)
    reps = 600
    means = np.full(YEARS.size, float(mean))
    means[-1] *= planted
    series = _negative_binomial(rng, means, ratio, reps)
    found, covered, _p = _series_tests(series, planted)
    assert np.mean(covered) >= 0.95 - 3 * math.sqrt(0.05 * 0.95 / reps)
    assert np.mean(found) > 0.5


@pytest.mark.parametrize("alternative", ["two-sided", "greater"])
def test_p_value_does_not_depend_on_alpha_and_is_valid_at_every_level(alternative: str) -> None:
    # With an estimated phi the inflation (t/z)^2 depends on the level; the p-value is the smallest level
    # that rejects, so it is the same whatever alpha is asked, and one-sided is half of two-sided here.
    p = [
        change_test(100, 150, dispersion=2.0, df=9, alpha=a, alternative=alternative).p_value
        for a in (0.1, 0.05, 0.01, 0.001)
    ]
    assert max(p) - min(p) < 1e-9
    for a in (0.2, 0.1, 0.07, 0.05, 0.01):
        r = change_test(100, 150, dispersion=2.0, df=9, alpha=a, alternative=alternative)
        assert (r.p_value < a) == (r.direction != 0) == (r.ci_low > 1)
    if alternative == "greater":
        two = change_test(100, 150, dispersion=2.0, df=9).p_value
        assert p[0] == pytest.approx(two / 2, rel=1e-6)


def test_tail_p_values_are_calibrated_under_overdispersion() -> None:
    # P(p < 0.001) under no change stays near 0.1% (the review found 0.25-0.62% with level-dependent p)
    rng = np.random.default_rng(13)
    reps = 4000
    series = _negative_binomial(rng, np.full(YEARS.size, 200.0), 3.0, reps)
    p_arr = _series_tests(series)[2]
    assert np.mean(p_arr < 0.01) <= 0.01 + 3 * math.sqrt(0.01 * 0.99 / reps)
    assert np.mean(p_arr < 0.001) <= 0.001 + 3 * math.sqrt(0.001 * 0.999 / reps)


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_grouped_many_equals_the_test_of_each_pair_bit_for_bit(alternative: str) -> None:
    """change_test_many tests each distinct input once (issue 14 speed-up); the answer must not change."""
    import dataclasses

    from ivp.stats.change import _test

    rng = np.random.default_rng(14)
    base = 300  # 5,000 pairs drawn from 300 distinct ones: the grouped path is taken
    pick = np.concatenate([np.arange(base), rng.integers(0, base, 5000 - base)])
    a = rng.integers(0, 40, base).astype(float)
    a[:3] = [0.0, -0.0, 1e9]
    a = a[pick]
    b = rng.integers(0, 40, base).astype(float)[pick]
    ea = rng.choice([1.0, 2.5, 1000.0], base)[pick]
    eb = rng.choice([1.0, 2.0, 1100.0], base)[pick]
    phi = rng.choice([1.0, 1.7, 3.2], base)[pick]
    dfs = rng.choice([np.inf, 5.0, 11.0], base)[pick]
    from ivp.stats.change import _distinct

    assert _distinct(a, b, ea, eb, phi, dfs) is not None
    grouped = change_test_many(a, b, ea, eb, dispersion=phi, df=dfs, alternative=alternative)
    each = _test(a, b, ea, eb, phi, dfs, 0.05, alternative)
    for field in dataclasses.fields(grouped):
        got, want = getattr(grouped, field.name), getattr(each, field.name)
        if got.dtype.kind == "f":
            assert np.array_equal(got.view(np.int64), want.view(np.int64)), field.name  # bit for bit
        else:
            assert np.array_equal(got, want), field.name
    assert np.signbit(grouped.count_a[1])
    assert not np.signbit(grouped.count_a[0])
