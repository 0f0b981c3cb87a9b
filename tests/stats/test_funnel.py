"""Tests of ivp.stats.funnel: the between-unit variance against statsmodels' DerSimonian-Laird estimate,
calibration when the municipality is an ordinary member of a heterogeneous group, and power when it is not."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import combine_effects

from ivp.stats import LABEL_TOO_FEW_DIFF, funnel
from ivp.stats.rates import rate_vs_reference_many


def _group(
    rng: np.random.Generator, mean: float, sdlog: float, units: int = 21
) -> tuple[np.ndarray, np.ndarray]:
    pops = rng.uniform(90_000, 150_000, units)
    rates = mean / 120_000 * np.exp(rng.normal(0, sdlog, units))
    return rng.poisson(rates * pops), pops


def test_tau2_agrees_with_dersimonian_laird_in_statsmodels() -> None:
    # Without winsorising, our moment estimator on the square-root scale is DerSimonian-Laird around the
    # pooled rate instead of the weighted mean of the square roots: equal within 10% on a wide group.
    rng = np.random.default_rng(1)
    for _ in range(5):
        y, n = _group(rng, 400, 0.25)
        ours = funnel(y, n, winsor=0.0)
        dl = combine_effects(np.sqrt(y / n), 1 / (4 * n), method_re="chi2")
        assert ours.tau2 == pytest.approx(dl.tau2, rel=0.10)


@pytest.mark.parametrize(("mean", "sdlog"), [(30, 0.0), (30, 0.2), (200, 0.2), (600, 0.3), (600, 0.05)])
def test_an_ordinary_member_is_flagged_at_most_at_the_nominal_rate(mean: float, sdlog: float) -> None:
    rng = np.random.default_rng(int(mean + 100 * sdlog))
    reps = 500
    flagged = np.mean([funnel(*_group(rng, mean, sdlog)).p_value[0] < 0.05 for _ in range(reps)])
    assert flagged <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / reps)


def test_the_first_edition_flags_an_ordinary_member_far_too_often() -> None:
    # The test against the pooled peer rate as if it were fixed (the first edition): at spread 0.2 and
    # 200 per unit it flags about half of all ordinary members. The funnel must not.
    rng = np.random.default_rng(2)
    old = new = 0
    for _ in range(400):
        y, n = _group(rng, 200, 0.2)
        ref = y[1:].sum() / n[1:].sum() * 1000
        old += rate_vs_reference_many([y[0]], [n[0]], ref).p_value[0] < 0.05
        new += funnel(y, n).p_value[0] < 0.05
    assert old / 400 > 0.3
    assert new / 400 <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / 400)


def test_a_municipality_far_above_its_peers_is_found() -> None:
    rng = np.random.default_rng(3)
    found = 0
    for _ in range(300):
        y, n = _group(rng, 300, 0.1)
        y[0] = rng.poisson(2.0 * 300 / 120_000 * n[0])
        found += funnel(y, n).direction[0] == 1
    assert found / 300 > 0.9


def test_limits_widen_with_spread_and_narrow_with_size() -> None:
    rng = np.random.default_rng(4)
    y, n = _group(rng, 300, 0.3)
    wide = funnel(y, n)
    low, high = wide.limits([10_000, 100_000, 1_000_000])
    assert np.all(np.diff(high) < 0)
    assert np.all(np.diff(low) > 0)
    assert wide.tau2 > 0
    plain = funnel(*_group(np.random.default_rng(4), 300, 0.0))
    assert plain.high[0] - plain.low[0] < wide.high[0] - wide.low[0]


def test_small_counts_get_no_verdict_and_bad_input_is_refused() -> None:
    r = funnel([3, 40, 35, 50, 45, 38], [10_000, 100_000, 95_000, 120_000, 110_000, 99_000])
    assert r.label[0] == LABEL_TOO_FEW_DIFF
    assert r.direction[0] == 0
    with pytest.raises(ValueError, match="at least 5"):
        funnel([1, 2, 3], [10, 10, 10])
    with pytest.raises(ValueError, match="same length"):
        funnel([1, 2, 3, 4, 5], [10, 10])
    with pytest.raises(ValueError, match="above 0"):
        funnel([0] * 6, [10] * 6)
