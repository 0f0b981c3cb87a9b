"""Tests of ivp.stats.disclosure.suppress_small: invariants of primary and complementary suppression."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_array_equal

from ivp.stats import suppress_small


def _check_invariants(table: np.ndarray, masked: np.ndarray, threshold: int) -> None:
    # every small non-zero cell is suppressed
    assert np.all(masked[(table > 0) & (table < threshold)])
    # no row or column (of two or more cells) has exactly one suppressed cell
    if table.shape[1] >= 2:
        assert not np.any(masked.sum(axis=1) == 1)
    if table.shape[0] >= 2:
        assert not np.any(masked.sum(axis=0) == 1)


def test_example_with_complementary_cells() -> None:
    table = np.array([[12, 3, 40], [25, 30, 18], [9, 14, 22]])
    masked = suppress_small(table)
    # 3 is primary; its row takes 12 (smallest other), its column takes 14; row 3 then needs 9.
    assert_array_equal(masked, [[True, True, False], [False, False, False], [True, True, False]])
    _check_invariants(table, masked, 5)


def test_nothing_small_nothing_suppressed() -> None:
    table = np.array([[5, 6], [0, 100]])
    assert not suppress_small(table).any()


def test_zeros_are_not_primary_and_not_preferred_as_complement() -> None:
    table = np.array([[2, 0, 7, 9]])
    masked = suppress_small(table)
    assert_array_equal(masked, [[True, False, True, False]])
    only_zeros = suppress_small(np.array([[2, 0, 0]]))
    assert_array_equal(only_zeros, [[True, True, False]])


def test_threshold_is_configurable() -> None:
    table = np.array([[8, 12], [30, 40]])
    assert not suppress_small(table, threshold=5).any()
    assert suppress_small(table, threshold=10).sum() == 4  # 8 -> row and column -> the fourth cell


def test_invalid_input() -> None:
    with pytest.raises(ValueError, match="2-D"):
        suppress_small(np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="negative"):
        suppress_small(np.array([[1, -2]]))
    with pytest.raises(ValueError, match="threshold"):
        suppress_small(np.array([[1, 2]]), threshold=0)


def test_random_tables_seeded() -> None:
    rng = np.random.default_rng(42)
    for _ in range(200):
        shape = (int(rng.integers(1, 12)), int(rng.integers(1, 12)))
        table = rng.poisson(rng.gamma(0.7, 10.0), shape)
        _check_invariants(table, suppress_small(table), 5)


@settings(max_examples=300, deadline=None)
@given(
    table=arrays(np.int64, st.tuples(st.integers(1, 8), st.integers(1, 8)), elements=st.integers(0, 30)),
    threshold=st.integers(1, 12),
)
def test_properties(table: np.ndarray, threshold: int) -> None:
    masked = suppress_small(table, threshold=threshold)
    assert masked.shape == table.shape
    _check_invariants(table, masked, threshold)
