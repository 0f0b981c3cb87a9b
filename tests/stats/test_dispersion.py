"""Tests of ivp.stats.dispersion: against statsmodels' quasi-Poisson GLM, by simulation (the estimate is
about right for overdispersed series, and one planted outlier year is found), and the fallback rule."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from ivp.stats import (
    MIN_YEARS_DISPERSION,
    Dispersion,
    effective_dispersion,
    estimate_dispersion,
    pooled_dispersion,
)

YEARS = np.arange(2012, 2026)


def _statsmodels_phi(years: np.ndarray, counts: np.ndarray, exposure: np.ndarray | None) -> float:
    """Pearson chi-square / df of the same quadratic-trend Poisson GLM, fitted by statsmodels."""
    c = (years - years.mean()) / max(1.0, float(years.std()))
    x = np.column_stack([np.ones_like(c), c, c**2])
    offset = None if exposure is None else np.log(exposure)
    fit = sm.GLM(counts, x, family=sm.families.Poisson(), offset=offset).fit()
    return float(fit.pearson_chi2 / fit.df_resid)


@pytest.mark.parametrize("seed", range(6))
def test_matches_statsmodels_when_no_year_is_an_outlier(seed: int) -> None:
    rng = np.random.default_rng(seed)
    exposure = np.linspace(118_000, 121_000, YEARS.size)
    counts = rng.poisson(np.linspace(400, 250, YEARS.size) * rng.gamma(20, 1 / 20, YEARS.size))
    d = estimate_dispersion(YEARS, counts, exposure)
    assert d is not None
    if d.outlier_year is None:
        assert d.phi_raw == pytest.approx(_statsmodels_phi(YEARS, counts.astype(float), exposure), rel=1e-6)
        assert d.df == YEARS.size - 3
    assert d.phi == max(1.0, d.phi_raw)


@pytest.mark.parametrize(("mean", "ratio"), [(30, 3.0), (200, 2.0), (600, 5.0), (200, 1.0)])
def test_estimate_is_about_right_on_overdispersed_series(mean: float, ratio: float) -> None:
    # Median over 400 simulated series within 15% of the true variance-to-mean ratio (the Pearson
    # estimate is nearly unbiased; the outlier rule trims a little).
    rng = np.random.default_rng(3)
    k = math.inf if ratio == 1 else mean / (ratio - 1)
    estimates = []
    for _ in range(400):
        if ratio == 1:
            counts = rng.poisson(mean, YEARS.size)
        else:
            counts = rng.negative_binomial(k, k / (k + mean), YEARS.size)
        d = estimate_dispersion(YEARS, counts)
        assert d is not None
        estimates.append(d.phi_raw)
    assert np.mean(estimates) == pytest.approx(ratio, rel=0.15)


def test_one_spike_year_is_left_out_and_named() -> None:
    rng = np.random.default_rng(11)
    found = 0
    phis = []
    for _ in range(100):
        counts = rng.poisson(np.linspace(300, 200, YEARS.size)).astype(float)
        counts[8] = round(counts[8] * 2.2)  # a one-year spike in 2020
        d = estimate_dispersion(YEARS, counts)
        assert d is not None
        found += d.outlier_year == 2020
        phis.append(d.phi_raw)
    assert found >= 95
    assert np.mean(phis) < 1.3  # the other years vary as Poisson: the spike does not inflate phi


def test_no_outlier_is_declared_in_most_plain_series() -> None:
    rng = np.random.default_rng(5)
    estimates = [estimate_dispersion(YEARS, rng.poisson(100, YEARS.size)) for _ in range(400)]
    flagged = sum(d is not None and d.outlier_year is not None for d in estimates)
    assert flagged / 400 <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / 400)


def test_short_series_fall_back_to_the_pooled_rule() -> None:
    assert estimate_dispersion(range(2019, 2019 + MIN_YEARS_DISPERSION - 1), [5, 7, 6, 9, 4]) is None
    assert estimate_dispersion(YEARS, np.zeros(YEARS.size)) is None
    own = [
        Dispersion(3.0, 3.0, 11.0, 14, None, "series"),
        Dispersion(1.0, 0.6, 11.0, 14, None, "series"),
        None,
    ]
    pooled = pooled_dispersion(own)
    assert (pooled.method, pooled.phi, pooled.df) == ("pooled", 2.0, 11.0)
    nothing = pooled_dispersion([None, None])
    assert (nothing.method, nothing.phi, nothing.df) == ("poisson", 1.0, math.inf)


def test_effective_dispersion_is_t_over_z_squared() -> None:
    from scipy import stats

    assert effective_dispersion(2.0, 9) == pytest.approx(
        2.0 * (stats.t.isf(0.025, 9) / stats.norm.isf(0.025)) ** 2
    )
    assert effective_dispersion(0.5, math.inf) == 1.0
    assert effective_dispersion(2.0, 9, alternative="greater") < effective_dispersion(2.0, 9)
    with pytest.raises(ValueError, match="df"):
        effective_dispersion(2.0, 0)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="same length"):
        estimate_dispersion([2020, 2021], [1, 2, 3])
    with pytest.raises(ValueError, match="negative"):
        estimate_dispersion(YEARS, -np.ones(YEARS.size))
    with pytest.raises(ValueError, match="exposure"):
        estimate_dispersion(YEARS, np.ones(YEARS.size), np.ones(3))


def test_protected_years_are_never_left_out() -> None:
    counts = np.full(YEARS.size, 300.0)
    counts[-1] = 900  # the year under test is far off
    assert estimate_dispersion(YEARS, counts).outlier_year == 2025  # type: ignore[union-attr]
    kept = estimate_dispersion(YEARS, counts, protect=[2024, 2025])
    assert kept is not None
    assert kept.outlier_year is None
    assert kept.phi > 10  # the spread includes the far-off year: it cannot be judged against itself
