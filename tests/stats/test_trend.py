"""Tests of ivp.stats.trend against statsmodels GLM / NegativeBinomial fitted here, and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

from ivp.stats import (
    LABEL_TREND_DOWN,
    LABEL_TREND_NONE,
    LABEL_TREND_TOO_FEW,
    LABEL_TREND_UP,
    trend_test,
)

# Both fits converge to 1e-10 in deviance; coefficients agree far tighter than this.
RTOL = 1e-6
# statsmodels' GLM stops at a relative deviance change of 1e-8, and our alpha is a numerical optimum.
NB_RTOL = 1e-5


def _series(seed: int, years: int, slope: float, size: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.arange(2024 - years, 2024, dtype=float)
    population = rng.uniform(40_000.0, 45_000.0, years)
    mean = 0.004 * population * np.exp(slope * (t - t[0]))
    counts = rng.negative_binomial(size, size / (size + mean)).astype(float)
    return t, counts, population


@pytest.mark.parametrize(
    ("seed", "years", "slope"), [(42, 10, -0.06), (43, 6, 0.0), (44, 15, 0.03), (45, 4, 0.1)]
)
def test_quasipoisson_matches_statsmodels_glm(seed: int, years: int, slope: float) -> None:
    t, y, pop = _series(seed, years, slope, size=20.0)
    result = trend_test(t, y, pop, family="quasipoisson")

    x = sm.add_constant(t - t.mean())
    poisson = sm.GLM(y, x, family=sm.families.Poisson(), offset=np.log(pop)).fit()
    dispersion = float(poisson.pearson_chi2 / poisson.df_resid)
    # Inference uses max(1, Pearson chi2 / df) and t with n - 2 df (documented in trend_test).
    fit = sm.GLM(y, x, family=sm.families.Poisson(), offset=np.log(pop)).fit(
        scale=max(1.0, dispersion), use_t=True
    )
    beta, se = float(fit.params[1]), float(fit.bse[1])
    crit = stats.t.isf(0.025, years - 2)
    assert_allclose(result.dispersion, dispersion, rtol=RTOL)
    assert_allclose(result.annual_percent_change, 100 * math.expm1(beta), rtol=RTOL, atol=1e-9)
    assert_allclose(result.p_value, float(fit.pvalues[1]), rtol=RTOL)
    assert_allclose(
        [result.ci_low, result.ci_high],
        [100 * math.expm1(beta - crit * se), 100 * math.expm1(beta + crit * se)],
        rtol=RTOL,
    )
    assert_allclose(result.fitted, fit.fittedvalues, rtol=RTOL)
    assert result.n_years == years


def test_quasipoisson_without_floor_equals_statsmodels_x2_scale() -> None:
    # With overdispersion above 1 the floor is inactive: exactly statsmodels' fit(scale="X2").
    t, y, pop = _series(46, 12, 0.02, size=3.0)
    result = trend_test(t, y, pop)
    fit = sm.GLM(y, sm.add_constant(t - t.mean()), family=sm.families.Poisson(), offset=np.log(pop)).fit(
        scale="X2", use_t=True
    )
    assert result.dispersion > 1
    assert_allclose(result.dispersion, fit.scale, rtol=RTOL)
    assert_allclose(result.p_value, float(fit.pvalues[1]), rtol=RTOL)


@pytest.mark.parametrize(("seed", "years", "slope"), [(42, 12, 0.03), (47, 20, -0.05), (48, 8, 0.0)])
def test_negativebinomial_matches_statsmodels(seed: int, years: int, slope: float) -> None:
    t, y, pop = _series(seed, years, slope, size=4.0)
    result = trend_test(t, y, pop, family="negativebinomial")
    x = sm.add_constant(t - t.mean())
    # alpha and beta: maximum likelihood of the NB2 model (statsmodels' discrete NegativeBinomial)
    ml = sm.NegativeBinomial(y, x, offset=np.log(pop), loglike_method="nb2").fit(disp=0, maxiter=500)
    if ml.params[2] > 1e-4:
        assert_allclose(result.dispersion, float(ml.params[2]), rtol=1e-4)
    assert_allclose(result.annual_percent_change, 100 * math.expm1(float(ml.params[1])), rtol=1e-4, atol=1e-6)
    # standard error with alpha held fixed, as MASS::glm.nb: statsmodels GLM with the NB family
    glm = sm.GLM(y, x, family=sm.families.NegativeBinomial(alpha=result.dispersion), offset=np.log(pop)).fit()
    beta, se = float(glm.params[1]), float(glm.bse[1])
    assert_allclose(result.p_value, float(glm.pvalues[1]), rtol=NB_RTOL)
    assert_allclose(
        [result.ci_low, result.ci_high],
        [100 * math.expm1(beta - 1.959963984540054 * se), 100 * math.expm1(beta + 1.959963984540054 * se)],
        rtol=NB_RTOL,
    )


def test_constant_series_shows_no_trend() -> None:
    for family in ["quasipoisson", "negativebinomial"]:
        result = trend_test([2019, 2020, 2021, 2022, 2023], [40, 40, 40, 40, 40], family=family)
        assert result.annual_percent_change == pytest.approx(0.0, abs=1e-8)
        assert result.p_value == pytest.approx(1.0)
        assert result.direction == 0
        assert result.label == LABEL_TREND_NONE


def test_clear_trends_are_labelled() -> None:
    years = np.arange(2014, 2024)
    rising = trend_test(years, 50 * 1.1 ** np.arange(10) // 1)
    falling = trend_test(years, 500 * 0.9 ** np.arange(10) // 1)
    assert (rising.direction, rising.label) == (1, LABEL_TREND_UP)
    assert (falling.direction, falling.label) == (-1, LABEL_TREND_DOWN)
    assert rising.ci_low <= rising.annual_percent_change <= rising.ci_high
    assert 0 < falling.p_value <= 1


def test_reversing_time_flips_the_trend() -> None:
    t, y, pop = _series(49, 9, 0.05, size=10.0)
    forward = trend_test(t, y, pop)
    backward = trend_test(-t, y, pop)
    assert backward.direction == -forward.direction
    assert backward.p_value == pytest.approx(forward.p_value, rel=1e-9)
    assert (1 + backward.annual_percent_change / 100) == pytest.approx(
        1 / (1 + forward.annual_percent_change / 100)
    )


def test_exposure_is_an_offset() -> None:
    # Counts that grow exactly with the population have no trend in the rate.
    pop = np.array([100_000.0, 110_000.0, 121_000.0, 133_100.0])
    result = trend_test([2020, 2021, 2022, 2023], pop / 100, pop)
    assert result.annual_percent_change == pytest.approx(0.0, abs=1e-8)
    counts_only = trend_test([2020, 2021, 2022, 2023], pop / 100)
    assert counts_only.annual_percent_change == pytest.approx(10.0, rel=1e-8)


@pytest.mark.parametrize(
    ("years", "counts"),
    [
        ([2022, 2023], [10, 30]),
        ([2021, 2022, 2023], [0, 0, 0]),
        ([2020, 2021, 2022, 2023], [0, 0, 0, 25]),
        ([], []),
    ],
)
def test_too_few_data_is_a_result_not_an_error(years: list[int], counts: list[int]) -> None:
    for family in ["quasipoisson", "negativebinomial"]:
        result = trend_test(years, counts, family=family)
        assert result.label == LABEL_TREND_TOO_FEW
        assert result.p_value == 1.0
        assert result.direction == 0
        assert math.isnan(result.annual_percent_change)
        assert result.n_years == len(years)


def test_invalid_input_raises() -> None:
    with pytest.raises(ValueError, match="'quasipoisson', 'negativebinomial'"):
        trend_test([1, 2, 3], [1, 2, 3], family="poisson")
    with pytest.raises(ValueError, match="same length"):
        trend_test([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="whole"):
        trend_test([1, 2, 3], [1, 2.5, 3])
    with pytest.raises(ValueError, match="exposure"):
        trend_test([1, 2, 3], [1, 2, 3], [1.0, 0.0, 1.0])


# -- robust trend and direction change (second edition) -----------------------------------------------


def test_one_outlier_year_does_not_hide_a_clean_decline() -> None:
    years = np.arange(2012, 2024)
    counts = np.round(600 * 0.9 ** (years - 2012)).astype(float)
    counts[8] = 900  # one exceptional year (2020)
    plain = trend_test(years, counts)
    robust = trend_test(years, counts, robust=True)
    assert plain.direction == 0  # the outlier inflates phi and hides the decline
    assert robust.outlier_year == 2020
    assert robust.direction == -1
    assert robust.annual_percent_change == pytest.approx(-10.0, abs=1.0)
    assert robust.fitted.shape == (12,)


def test_robust_trend_keeps_its_level_without_outliers() -> None:
    rng = np.random.default_rng(8)
    years = np.arange(2012, 2024)
    reps = 400
    called = sum(trend_test(years, rng.poisson(150, 12), robust=True).direction != 0 for _ in range(reps))
    assert called / reps <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / reps)


def test_direction_change_matches_statsmodels_segmented_glm() -> None:
    import statsmodels.api as sm

    from ivp.stats import direction_change

    rng = np.random.default_rng(9)
    years = np.arange(2012, 2024).astype(float)
    for _ in range(5):
        counts = rng.poisson(
            500 * np.exp(-0.1 * np.minimum(years - 2019, 0) * -1 + 0.05 * np.maximum(years - 2019, 0))
        )
        ours = direction_change(years, counts, break_year=2019)
        d = years - 2019
        x = np.column_stack([np.ones_like(d), d, np.maximum(d, 0)])
        fit = sm.GLM(counts, x, family=sm.families.Poisson()).fit(scale="X2")
        phi = fit.scale
        # statsmodels scales by phi itself and uses the normal; ours floors phi at 1 and uses t(n - 3)
        se = fit.bse[2] * np.sqrt(max(1.0, phi) / phi)
        from scipy import stats

        p_ref = 2 * stats.t.sf(abs(fit.params[2]) / se, df=len(years) - 3)
        assert ours.p_value == pytest.approx(p_ref, rel=1e-6)
        assert ours.dispersion == pytest.approx(phi, rel=1e-6)
        assert ours.before == pytest.approx(100 * np.expm1(fit.params[1]), rel=1e-6)


def test_direction_change_level_and_power() -> None:
    from ivp.stats import direction_change

    rng = np.random.default_rng(10)
    years = np.arange(2012, 2024)
    reps = 400
    straight = 400 * 0.92 ** (years - 2012)
    k = 400 / 2.0  # variance 3 x the mean at the start
    false = sum(
        direction_change(years, rng.negative_binomial(k, k / (k + straight)), break_year=2019).kind != "none"
        for _ in range(reps)
    )
    assert false / reps <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / reps)
    bent = 400 * 0.88 ** np.minimum(years - 2012, 7) * 1.10 ** np.maximum(years - 2019, 0)
    kinds = [direction_change(years, rng.poisson(bent), break_year=2019).kind for _ in range(200)]
    assert kinds.count("reversed") / 200 > 0.8


def test_direction_change_needs_years_on_both_sides() -> None:
    from ivp.stats import direction_change

    with pytest.raises(ValueError, match="3 years before"):
        direction_change([2020, 2021, 2022, 2023], [1, 2, 3, 4], break_year=2022)
