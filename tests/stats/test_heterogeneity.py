"""Between-area variance (ivp.stats.heterogeneity), the DiD with an own trend (did's ``covariates``) and
the power of that model (``model_power``): against statsmodels, by simulation under no effect and with a
planted one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ivp.stats import effect as fx
from ivp.stats.heterogeneity import calibrated_tau2, dersimonian_laird, widen


def _binomial_upper(n: int, rate: float = 0.05, level: float = 0.999) -> int:
    return int(stats.binom.ppf(level, n, rate))


def test_dersimonian_laird_equals_statsmodels() -> None:
    from statsmodels.stats.meta_analysis import combine_effects

    rng = np.random.default_rng(1)
    for _ in range(5):
        v = rng.uniform(0.005, 0.05, 40)
        y = rng.normal(0.1, np.sqrt(v + 0.02))
        ref = combine_effects(y, v, method_re="dl")
        mean, tau2 = dersimonian_laird(y, v)
        assert tau2 == pytest.approx(ref.tau2, abs=1e-10)
        assert mean == pytest.approx(ref.mean_effect_re, abs=1e-10)


def test_calibrated_tau2_flags_at_most_the_nominal_share_of_placebos() -> None:
    rng = np.random.default_rng(2)
    v = rng.uniform(0.005, 0.05, 200)
    y = rng.standard_t(3, 200) * 0.25  # heavy tails, as the drift between real areas has
    tau2 = calibrated_tau2(y, v)
    q = stats.norm.ppf(0.975)
    assert np.sum(np.abs(y) > q * np.sqrt(v + tau2)) <= 0.05 * y.size
    assert np.sum(np.abs(y) > q * np.sqrt(v + tau2 * 0.9)) > 0.05 * y.size  # the smallest such tau2
    _m, dl = dersimonian_laird(y, v)
    assert tau2 > 0
    assert dl > 0
    assert calibrated_tau2(rng.normal(0, np.sqrt(v)), v) < 0.01  # no drift: (nearly) nothing added


def test_calibrated_tau2_makes_intervals_honest_for_new_areas_from_the_same_drift() -> None:
    """Estimate tau2 on 200 placebos, then test 2,000 fresh null areas: the share flagged stays near 5%."""
    rng = np.random.default_rng(3)
    flagged = 0
    runs = 2000
    for _ in range(runs // 100):
        v = rng.uniform(0.005, 0.05, 200)
        y = rng.standard_t(4, 200) * 0.2
        tau2 = calibrated_tau2(y, v)
        v_new = rng.uniform(0.005, 0.05, 100)
        y_new = rng.standard_t(4, 100) * 0.2
        for est, var in zip(y_new, v_new, strict=True):
            _se, _low, _high, p = widen(float(est), math.sqrt(var), tau2)
            flagged += p < 0.05
    assert flagged <= int(stats.binom.ppf(0.999, runs, 0.065))  # 5% plus the noise of tau2 from 200


def test_own_trend_covariate_matches_statsmodels() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(4)
    n = 36
    t = np.arange(n) / 12.0
    y = np.vstack([rng.poisson(30 * np.exp(0.2 * t)), rng.poisson(300, n)])
    treated = np.zeros(y.shape)
    treated[0, 24:] = 1
    trend = np.vstack([t - t.mean(), np.zeros(n)])
    r = fx.did(y, {"treated": treated}, method="poisson", covariates={"trend": trend})
    unit = np.repeat(np.eye(2), n, axis=0)
    period = np.tile(np.eye(n)[:, 1:], (2, 1))
    x = np.column_stack([unit, period, trend.ravel(), treated.ravel()])
    ref = sm.GLM(y.ravel(), x, family=sm.families.Poisson()).fit()
    assert r.effects["treated"].log_ratio == pytest.approx(ref.params[-1], abs=1e-6)
    assert r.effects["treated"].se == pytest.approx(ref.bse[-1], rel=1e-6)
    # the counterfactual continues the treated area's own trend
    assert r.counterfactual[0, -1] > r.counterfactual[0, 23] * 1.1


def _simulate_trend_did(rate_t: float, rate_c: float, n_pre: int, n_post: int, effect: float, runs: int, seed: int,
                        drift: float = 0.0) -> float:  # fmt: skip
    rng = np.random.default_rng(seed)
    n = n_pre + n_post
    t = np.arange(n) / 12.0
    on = np.arange(n) >= n_pre
    treated = np.zeros((2, n))
    treated[0, n_pre:] = 1
    trend = {"trend": np.vstack([t - t.mean(), np.zeros(n)])}
    hits = 0
    for _ in range(runs):
        mu = rate_t * np.exp(drift * t) * np.where(on, 1 + effect, 1.0)
        y = np.vstack([rng.poisson(mu), rng.poisson(rate_c, n)])
        e = fx.did(y, {"treated": treated}, method="quasipoisson", covariates=trend).effects["treated"]
        hits += e.p_value < 0.05
    return hits / runs


def test_own_trend_model_holds_its_level_when_the_area_drifts() -> None:
    """The treated area rises 30% a year relative to the rest, no effect: the plain DiD claims an effect
    in most runs, the model with its own trend at about the nominal rate."""
    runs = 300
    claimed = _simulate_trend_did(30, 300, 24, 12, 0.0, runs, seed=5, drift=0.3)
    assert claimed * runs <= _binomial_upper(runs)
    rng = np.random.default_rng(5)
    n = 36
    t = np.arange(n) / 12.0
    treated = np.zeros((2, n))
    treated[0, 24:] = 1
    plain = sum(
        fx.did(np.vstack([rng.poisson(30 * np.exp(0.3 * t)), rng.poisson(300, n)]), {"treated": treated})
        .effects["treated"]
        .p_value
        < 0.05
        for _ in range(100)
    )
    assert plain > 50


@pytest.mark.parametrize(
    ("rate_t", "rate_c", "n_pre", "n_post", "effect"),
    [(20, 200, 24, 12, -0.3), (40, 400, 24, 12, -0.2), (15, 300, 24, 18, -0.3)],
)
def test_model_power_agrees_with_simulation(rate_t: float, rate_c: float, n_pre: int, n_post: int,
                                            effect: float) -> None:  # fmt: skip
    predicted = fx.model_power(rate_t, rate_c, n_pre, n_post, effect=effect, trend=True)
    simulated = _simulate_trend_did(rate_t, rate_c, n_pre, n_post, effect, 300, seed=int(rate_t * 7))
    assert abs(predicted - simulated) < 0.08


def test_tau2_lowers_power_and_can_make_it_unreachable() -> None:
    base = fx.model_power(20, 200, 24, 24, effect=-0.2)
    assert fx.model_power(20, 200, 24, 24, effect=-0.2, tau2=0.05) < base
    assert fx.model_periods_needed(20, 200, 24, effect=-0.2, tau2=0.2) is None
    needed = fx.model_periods_needed(20, 200, 24, effect=-0.3)
    assert needed is not None
    assert (
        fx.model_power(20, 200, 24, needed, effect=-0.3)
        >= 0.8
        > fx.model_power(20, 200, 24, needed - 1, effect=-0.3)
    )
