"""Tests of ivp.stats.grid: cells, counts and window sums against direct computation."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from ivp.stats.grid import Grid, grid_counts, grid_for, window_size, window_sum


def test_grid_for_snaps_to_cell_multiples_and_counts_points() -> None:
    x = np.array([1050.0, 1150.0, 1190.0, np.nan, 1399.0])
    y = np.array([2010.0, 2010.0, 2099.0, 2000.0, 2250.0])
    g = grid_for(x, y, 100.0, margin=1)
    assert (g.x0, g.y0) == (900.0, 1900.0)
    assert g.x0 % 100 == 0
    assert g.nx == 6
    assert g.ny == 5
    c = grid_counts(g, x, y)
    assert c.sum() == 4  # NaN dropped
    iy, ix = g.cell_of([1150.0, 0.0], [2010.0, 0.0])
    assert (iy[0], ix[0]) == (1, 2)
    assert (iy[1], ix[1]) == (-1, -1)
    assert c[1, 2] == 2
    assert g.bounds(1, 2) == (1100.0, 2000.0, 1200.0, 2100.0)
    cx, cy = g.centres()
    assert cx.shape == (5, 6)
    assert cx[0, 0] == 950.0
    assert cy[1, 0] == 2050.0


def test_weights_are_summed() -> None:
    g = Grid(0.0, 0.0, 10.0, 2, 2)
    c = grid_counts(g, [1, 1, 15], [1, 1, 15], weights=[0.5, 0.25, 2.0])
    assert_allclose(c, [[0.75, 0.0], [0.0, 2.0]])


@pytest.mark.parametrize("radius", [0, 1, 2])
def test_window_sum_matches_direct_loop(radius: int) -> None:
    rng = np.random.default_rng(3)
    v = rng.poisson(3, (7, 9)).astype(float)
    got = window_sum(v, radius)
    ref = np.zeros_like(v)
    for i in range(7):
        for j in range(9):
            ref[i, j] = v[max(i - radius, 0) : i + radius + 1, max(j - radius, 0) : j + radius + 1].sum()
    assert_array_equal(got, ref)
    mask = rng.random((7, 9)) > 0.3
    k = window_size(v.shape, radius, mask)
    assert k[3, 4] == mask[max(3 - radius, 0) : 4 + radius, max(4 - radius, 0) : 5 + radius].sum()
    assert window_size((3, 3), 1)[1, 1] == 9
    assert window_size((3, 3), 1)[0, 0] == 4
