"""Tests of ivp.stats.disclosure against an independent LP/MILP attacker (tests/stats/attacker.py).

The protection requirement: for every primary cell (0 < v < threshold) the attacker who knows every
published cell, every relation and that cells are non-negative whole numbers finds a minimum <= 0 and a
maximum >= threshold. The first edition's heuristic fails it (the "before").
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy import sparse

from ivp.stats import DEFAULT_THRESHOLD, suppress_small
from ivp.stats.disclosure import (
    attacker_bounds,
    combine_relations,
    hierarchy_relations,
    product_relations,
    protect,
    protect_table,
    table_relations,
    total_relations,
    with_margins,
)
from tests.stats.attacker import attack, groningen_hierarchy, leaks, old_suppress_small

SHARED = Path(os.environ.get("IVP_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
GRONINGEN = SHARED / "incidenten" / "groningen_fietsdiefstal_2013_2017.csv"


def _random_tables(count: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    tables = []
    for _ in range(count):
        shape = (int(rng.integers(2, 13)), int(rng.integers(2, 16)))
        tables.append(rng.poisson(rng.gamma(0.7, 6.0), shape))
    return tables


def test_random_tables_the_attacker_recovers_nothing() -> None:
    total = 0
    for table in _random_tables(120, seed=10):
        full = with_margins(table)
        relations = table_relations(table.shape)
        mask = protect_table(table)
        primary, exact, narrowed = leaks(full, relations, mask, DEFAULT_THRESHOLD)
        assert (exact, narrowed) == (0, 0), table.tolist()
        total += primary
    assert total > 1000  # the experiment has many small cells


def test_integer_attacker_on_a_sample_of_tables() -> None:
    for table in _random_tables(10, seed=11):
        full = with_margins(table)
        mask = protect_table(table)
        assert leaks(full, table_relations(table.shape), mask, 5, integer=True)[1:] == (0, 0)


def test_before_the_old_heuristic_leaks() -> None:
    exact = narrowed = 0
    for table in _random_tables(120, seed=10):
        old = old_suppress_small(table)
        full_mask = np.zeros(np.add(table.shape, 1), dtype=bool)
        full_mask[:-1, :-1] = old  # the first edition published every total
        _, e, n = leaks(with_margins(table), table_relations(table.shape), full_mask, 5)
        exact, narrowed = exact + e, narrowed + n
    assert exact > 0
    assert narrowed > 0


def test_known_leak_of_the_old_heuristic_is_closed() -> None:
    # Every row and column of the old pattern has two suppressed cells, yet the LP pins (0, 0) at 1.
    table = np.array([[1, 6, 0, 9], [8, 2, 9, 0], [0, 9, 3, 7], [9, 0, 6, 4]])
    old = np.zeros((5, 5), dtype=bool)
    old[:-1, :-1] = old_suppress_small(table)
    assert leaks(with_margins(table), table_relations(table.shape), old, 5) != (4, 0, 0)
    new = protect_table(table)
    assert leaks(with_margins(table), table_relations(table.shape), new, 5) == (4, 0, 0)


def test_three_dimensional_table_with_all_margins() -> None:
    rng = np.random.default_rng(3)
    table = rng.poisson(2.5, (3, 3, 4))  # month x categorie x buurt
    full = with_margins(table)
    mask = protect_table(table)
    assert mask.shape == (4, 4, 5)
    relations = table_relations(table.shape)
    assert leaks(full.ravel(), relations, mask.ravel(), 5, integer=True)[1:] == (0, 0)


@pytest.mark.skipif(not GRONINGEN.exists(), reason="shared data not present")
def test_groningen_hierarchy_before_and_after() -> None:
    values, parents, years, buurt = groningen_hierarchy(GRONINGEN)
    per_year = len(parents)
    relations = product_relations(sparse.csr_array((0, years)), hierarchy_relations(parents))
    # Before: the first edition's heuristic on the buurt x year table, wijk and gemeente totals shown.
    table = values.reshape(years, per_year)[:, buurt].T
    before = np.zeros((years, per_year), dtype=bool)
    before[:, buurt] = old_suppress_small(table).T
    primary, exact_before, _ = leaks(values, relations, before.ravel(), 5)
    assert primary > 40
    assert exact_before > 0
    # After: every primary cell keeps [0, 5].
    after = protect(values, relations)
    assert leaks(values, relations, after, 5) == (primary, 0, 0)
    assert leaks(values, relations, after, 5, integer=True) == (primary, 0, 0)


def test_attacker_bounds_agrees_with_the_independent_attacker() -> None:
    table = np.array([[12, 3, 40], [25, 30, 18], [9, 14, 22]])
    full, relations = with_margins(table).ravel(), table_relations(table.shape)
    mask = protect_table(table).ravel()
    low, high = attacker_bounds(full, relations, mask)
    for cell, (lo, hi) in attack(full, relations, mask).items():
        assert (low[cell], high[cell]) == pytest.approx((lo, hi))
    assert np.all(low[~mask] == full[~mask])


def test_suppress_small_example_and_margins() -> None:
    table = np.array([[12, 3, 40], [25, 30, 18], [9, 14, 22]])
    assert_array_equal(suppress_small(table), protect_table(table)[:-1, :-1])
    assert suppress_small(table)[0, 1]


def test_builders() -> None:
    assert_array_equal(total_relations(2).toarray(), [[-1, -1, 1]])
    relations = table_relations((2, 3))
    full = with_margins(np.arange(6).reshape(2, 3))
    assert relations.shape == (3 + 4, 12)
    assert np.all(relations @ full.ravel() == 0)
    rows_only = table_relations((2, 3), margins=[1])
    assert rows_only.shape == (2, 8)
    assert np.all(rows_only @ with_margins(np.ones((2, 3)), margins=[1]).ravel() == 0)
    cube = np.arange(24).reshape(2, 3, 4)
    assert np.all(table_relations(cube.shape) @ with_margins(cube).ravel() == 0)
    tree = hierarchy_relations([-1, 0, 0, 1, 1, 2])
    assert np.all(tree @ np.array([10, 7, 3, 4, 3, 3]) == 0)
    both = combine_relations([total_relations(2), total_relations(2)], equal=[(2, 5)])
    assert np.all(both @ np.array([1, 2, 3, 2, 1, 3]) == 0)
    assert both.shape == (3, 6)


def test_shared_margin_is_protected_jointly() -> None:
    # Table 1: buurten of a wijk (1, 8 -> 9); table 2: the wijk's 9 split by categorie (4, 5).
    values = np.array([1, 8, 9, 4, 5, 9])
    relations = combine_relations([total_relations(2), total_relations(2)], equal=[(2, 5)])
    mask = protect(values, relations)
    assert mask[2] == mask[5]
    assert leaks(values, relations, mask, 5) == (2, 0, 0)


def test_edge_cases() -> None:
    assert not protect_table(np.zeros((3, 4))).any()  # zeros are not primary
    assert not protect_table(np.full((2, 2), 7)).any()
    one_row = np.array([[2, 9, 30]])
    mask = protect_table(one_row)
    # the 2 is shown twice: as a cell and as its column total
    assert leaks(with_margins(one_row), table_relations(one_row.shape), mask, 5) == (2, 0, 0)
    assert not protect_table(np.array([[1, 2], [3, 4]]), 1).any()  # threshold 1: nothing is small
    everything = protect_table(np.array([[1, 1], [1, 1]]))
    assert everything.all()  # the grand total 4 is itself small: every cell goes
    single = protect(np.array([3.0]), sparse.csr_array((0, 1)))
    assert_array_equal(single, [True])


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="2-D"):
        suppress_small(np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="negative"):
        suppress_small(np.array([[1, -2]]))
    with pytest.raises(ValueError, match="threshold"):
        suppress_small(np.array([[1, 2]]), threshold=0)
    with pytest.raises(ValueError, match="do not satisfy"):
        protect([1, 2, 4], total_relations(2))
    with pytest.raises(ValueError, match="one column per cell"):
        protect([1, 2, 3], total_relations(3))
    with pytest.raises(ValueError, match="cycle"):
        hierarchy_relations([1, 0])
    with pytest.raises(ValueError, match="own parent"):
        hierarchy_relations([0])
    with pytest.raises(ValueError, match="not a cell index"):
        hierarchy_relations([-1, 5])
    with pytest.raises(ValueError, match="primary"):
        protect([1, 2, 3], total_relations(2), primary=[True])
    with pytest.raises(ValueError, match="cost"):
        protect([1, 2, 3], total_relations(2), cost=[1, 0, 1])
    with pytest.raises(ValueError, match="margins"):
        table_relations((2, 2), margins=[2])
    with pytest.raises(ValueError, match="equal"):
        combine_relations([total_relations(1)], equal=[(0, 0)])
