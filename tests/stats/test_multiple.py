"""Tests of ivp.stats.multiple.fdr_bh against statsmodels' multipletests(method="fdr_bh")."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from statsmodels.stats.multitest import multipletests

from ivp.stats import fdr_bh


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.1])
def test_matches_statsmodels(alpha: float) -> None:
    rng = np.random.default_rng(42)
    p = np.concatenate([rng.uniform(0, 1, 800), rng.uniform(0, 0.002, 200), [0.0, 1.0, 0.5, 0.5]])
    result = fdr_bh(p, alpha=alpha)
    rejected, adjusted, _, _ = multipletests(p, alpha=alpha, method="fdr_bh")
    assert_array_equal(result.rejected, rejected)
    assert_allclose(result.adjusted, adjusted, rtol=1e-12)


def test_published_example() -> None:
    # Benjamini & Hochberg (1995), section 4: 15 p-values, q = 0.05 rejects the four smallest.
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262,
         0.5719, 0.6528, 0.7590, 1.000]  # fmt: skip
    result = fdr_bh(p, alpha=0.05)
    assert result.rejected.sum() == 4
    assert result.rejected[:4].all()


def test_nan_passes_through_and_shape_is_kept() -> None:
    p = np.array([[0.001, np.nan], [0.04, 0.8]])
    result = fdr_bh(p)
    assert result.rejected.shape == (2, 2)
    assert not result.rejected[0, 1]
    assert np.isnan(result.adjusted[0, 1])
    # m counts only the three real tests
    rejected, adjusted, _, _ = multipletests([0.001, 0.04, 0.8], method="fdr_bh")
    assert_allclose(result.adjusted[~np.isnan(p)], adjusted, rtol=1e-12)
    assert_array_equal(result.rejected[~np.isnan(p)], rejected)
    empty = fdr_bh([])
    assert empty.adjusted.shape == (0,)
    all_nan = fdr_bh([np.nan, np.nan])
    assert not all_nan.rejected.any()


def test_invalid_input_raises() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        fdr_bh([0.2, 1.5])
    with pytest.raises(ValueError, match="alpha"):
        fdr_bh([0.2], alpha=0.0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=60))
def test_properties(p: list[float]) -> None:
    result = fdr_bh(p)
    values = np.array(p)
    # adjusted p is at least the raw p, at most 1, and monotone in the raw p
    assert np.all(result.adjusted >= values - 1e-15)
    assert np.all(result.adjusted <= 1.0)
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(result.adjusted[order]) >= -1e-15)
    # rejecting is exactly adjusted <= alpha; statsmodels' step-up comparison agrees except where q lies
    # within rounding of alpha (the one-ulp contradiction the first edition had)
    assert_array_equal(result.rejected, result.adjusted <= 0.05)
    theirs = multipletests(values, method="fdr_bh")[0]
    boundary = np.abs(result.adjusted - 0.05) < 1e-12
    assert_array_equal(result.rejected[~boundary], theirs[~boundary])


def test_rejected_is_exactly_q_at_most_alpha() -> None:
    # The first edition rejected by the step-up comparison and could contradict q by one ulp.
    rng = np.random.default_rng(12)
    for _ in range(200):
        p = rng.uniform(0, 0.2, rng.integers(1, 60))
        p[rng.random(p.size) < 0.3] = 0.05 * rng.integers(1, 4) / p.size  # values on the BH boundary
        res = fdr_bh(p, alpha=0.05)
        assert np.array_equal(res.rejected, res.adjusted <= 0.05)
