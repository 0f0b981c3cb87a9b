"""ivp.stats.levels: differences of levels that are not counts, checked three ways: against statsmodels,
by simulation with no difference (false claims at the nominal rate, also for a weighted survey whose
stated interval includes its design effect), and with a planted difference (coverage of the interval)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats import proportion as smp

from ivp.stats.levels import (
    DESIGN_EFFECT,
    Z95,
    level_difference,
    se_from_interval,
    se_toward,
    wilson_interval,
)

RUNS = 4000


def _binomial_bounds(rate: float, runs: int) -> tuple[float, float]:
    """The 99.9% range of an observed rate over ``runs`` independent trials of true ``rate``."""
    low, high = sps.binom.interval(0.999, runs, rate)
    return low / runs, high / runs


@pytest.mark.parametrize(("k", "n"), [(0, 50), (1, 50), (12, 80), (200, 500), (2100, 4210), (499, 500)])
def test_wilson_matches_statsmodels(k: int, n: int) -> None:
    low, high = wilson_interval(100.0 * k / n, n)
    ref = smp.proportion_confint(k, n, alpha=0.05, method="wilson")
    assert low == pytest.approx(100 * ref[0], abs=1e-9)
    assert high == pytest.approx(100 * ref[1], abs=1e-9)


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2"), [(140, 1000, 169, 1000), (30, 200, 22, 180), (812, 4210, 905, 4100)]
)
def test_difference_of_two_proportions_matches_statsmodels_wald(k1: int, n1: int, k2: int, n2: int) -> None:
    p1, p2 = k1 / n1, k2 / n2
    se1, se2 = 100 * np.sqrt(p1 * (1 - p1) / n1), 100 * np.sqrt(p2 * (1 - p2) / n2)
    res = level_difference(100 * p1, se1, 100 * p2, se2)
    test = smp.test_proportions_2indep(k2, n2, k1, n1, method="wald", compare="diff", correction=False)
    low, high = smp.confint_proportions_2indep(
        k2, n2, k1, n1, method="wald", compare="diff", correction=False
    )
    assert res.p_value == pytest.approx(test.pvalue, rel=1e-9)
    assert res.ci_low == pytest.approx(100 * low, abs=1e-9)
    assert res.ci_high == pytest.approx(100 * high, abs=1e-9)


def test_se_from_a_stated_interval_inverts_a_normal_interval() -> None:
    assert se_from_interval(50 - Z95 * 2.5, 50 + Z95 * 2.5) == pytest.approx(2.5, rel=1e-12)
    assert se_from_interval(7.0, 7.4, level=0.90) == pytest.approx(0.2 / sps.norm.ppf(0.95), rel=1e-12)
    with pytest.raises(ValueError, match="lower <= upper"):
        se_from_interval(3.0, 2.0)


def _survey(
    rng: np.random.Generator, p: float, n: int, deff: float, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Percentages of a weighted survey with design effect ``deff`` and the 95% interval its publisher
    states (the effective sample n / deff), ``size`` times."""
    effective = n / deff
    hits = rng.binomial(int(effective), p, size=size)
    pct = 100.0 * hits / int(effective)
    se = 100.0 * np.sqrt(np.clip(pct / 100 * (1 - pct / 100), 1e-12, None) / effective)
    return pct, se


@pytest.mark.parametrize("deff", [1.0, 1.8])
def test_no_difference_is_claimed_at_most_at_the_nominal_rate(deff: float) -> None:
    rng = np.random.default_rng(20261203)
    a, se_a = _survey(rng, 0.15, 1500, deff, RUNS)
    b, se_b = _survey(rng, 0.15, 1500, deff, RUNS)
    claims = np.mean([level_difference(*v).direction != 0 for v in zip(a, se_a, b, se_b, strict=True)])
    low, high = _binomial_bounds(0.05, RUNS)
    assert low <= claims <= high, claims


def test_ignoring_a_design_effect_is_too_sure_which_the_report_says() -> None:
    """The Wilson interval from n alone assumes a simple random sample: with a design effect of 1.8 it
    claims differences far more often than 5%. This is why the report marks intervals computed from n."""
    rng = np.random.default_rng(7)
    a, _se = _survey(rng, 0.15, 1500, 1.8, RUNS)
    b, _se = _survey(rng, 0.15, 1500, 1.8, RUNS)
    naive = [se_from_interval(*wilson_interval(v, 1500)) for v in np.concatenate([a, b])]
    claims = np.mean(
        [level_difference(x, sx, y, sy).direction != 0 for x, sx, y, sy in
         zip(a, naive[:RUNS], b, naive[RUNS:], strict=True)]
    )  # fmt: skip
    assert claims > 0.10


@pytest.mark.parametrize(("p_a", "p_b"), [(0.15, 0.18), (0.40, 0.35)])
def test_a_planted_difference_is_covered_at_the_nominal_rate(p_a: float, p_b: float) -> None:
    rng = np.random.default_rng(11)
    a, se_a = _survey(rng, p_a, 2000, 1.3, RUNS)
    b, se_b = _survey(rng, p_b, 2000, 1.3, RUNS)
    truth = 100 * (p_b - p_a)
    results = [level_difference(*v) for v in zip(a, se_a, b, se_b, strict=True)]
    covered = np.mean([r.ci_low <= truth <= r.ci_high for r in results])
    low, high = _binomial_bounds(0.95, RUNS)
    assert low <= covered <= high, covered
    found = np.mean([r.direction == np.sign(truth) for r in results])
    assert found > 0.5  # 3 and 5 points on ~1,500 effective respondents: mostly found


def test_zero_width_intervals_are_no_basis_for_a_test() -> None:
    res = level_difference(7.1, 0.0, 7.4, 0.0)
    assert res.direction == 0
    assert np.isnan(res.p_value)
    with pytest.raises(ValueError, match="se_a"):
        level_difference(1.0, -1.0, 2.0, 1.0)


def test_se_toward_takes_the_side_facing_the_other_value() -> None:
    assert se_toward(2.0, 1.0, 4.0, 3.0) == pytest.approx(2.0 / Z95)
    assert se_toward(2.0, 1.0, 4.0, 1.0) == pytest.approx(1.0 / Z95)
    with pytest.raises(ValueError, match="must lie in its interval"):
        se_toward(5.0, 1.0, 4.0, 3.0)


def _stated(pct: np.ndarray, n: float) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson interval a publisher states for each percentage on an (effective) sample of ``n``."""
    pairs = [wilson_interval(float(v), n) for v in pct]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


@pytest.mark.parametrize(("p", "n"), [(0.02, 300), (0.97, 200), (0.30, 150)])
def test_stated_asymmetric_intervals_claim_at_most_the_nominal_rate(p: float, n: int) -> None:
    """Near 0% or 100% a stated interval is asymmetric: the production path (the side facing the other
    period) keeps false claims at or below 5%; without a difference nothing is planted."""
    rng = np.random.default_rng(int(p * 1000) + n)
    a = 100.0 * rng.binomial(n, p, RUNS) / n
    b = 100.0 * rng.binomial(n, p, RUNS) / n
    (la, ua), (lb, ub) = _stated(a, n), _stated(b, n)
    claims = np.mean(
        [
            level_difference(x, se_toward(x, l1, u1, y), y, se_toward(y, l2, u2, x)).direction != 0
            for x, l1, u1, y, l2, u2 in zip(a, la, ua, b, lb, ub, strict=True)
        ]
    )
    assert claims <= _binomial_bounds(0.05, RUNS)[1], claims


def test_n_alone_with_the_assumed_design_effect_is_not_too_sure() -> None:
    """A weighted survey (design effect 1.8) given with only its n: the report's path (Wilson on
    n / DESIGN_EFFECT, facing side) claims no more than 5% of no-difference pairs."""
    rng = np.random.default_rng(3)
    a, _se = _survey(rng, 0.15, 1500, 1.8, RUNS)
    b, _se = _survey(rng, 0.15, 1500, 1.8, RUNS)
    (la, ua), (lb, ub) = _stated(a, 1500 / DESIGN_EFFECT), _stated(b, 1500 / DESIGN_EFFECT)
    claims = np.mean(
        [
            level_difference(x, se_toward(x, l1, u1, y), y, se_toward(y, l2, u2, x)).direction != 0
            for x, l1, u1, y, l2, u2 in zip(a, la, ua, b, lb, ub, strict=True)
        ]
    )
    assert claims <= _binomial_bounds(0.05, RUNS)[1], claims
