"""Tests of ivp.stats.hotspots (Gi*): against esda and brute force, by null and planted simulation,
and on the Groningen bicycle thefts."""

from __future__ import annotations

import itertools
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ivp.stats.grid import grid_counts, grid_for
from ivp.stats.hotspots import (
    HotspotResult,
    _exact_p,
    area_neighbours,
    classify_periods,
    exact_sum_distribution,
    gi_star,
    gi_star_areas,
    gi_star_z,
    permutations_needed,
    sufficiency,
)


def _esda_zs(y: np.ndarray, w: object) -> np.ndarray:
    import esda  # type: ignore[import-untyped]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(esda.getisord.G_Local(y, w, star=True, transform="B", permutations=0).Zs)


def upper_bound(n: int, rate: float, level: float = 0.999) -> int:
    """Largest count of events in n trials still consistent with `rate` (binomial quantile)."""
    return int(stats.binom.ppf(level, n, rate))


def test_z_equals_esda_on_lattice() -> None:
    import libpysal  # type: ignore[import-untyped]

    rng = np.random.default_rng(5)
    y = rng.negative_binomial(2, 0.4, (40, 50)).astype(float)
    w = libpysal.weights.lat2W(40, 50, rook=False)
    assert np.max(np.abs(gi_star_z(y).ravel() - _esda_zs(y.ravel(), w))) < 1e-9


def test_z_equals_esda_on_areas_and_mask_means_absent() -> None:
    import libpysal

    rng = np.random.default_rng(6)
    n = 30
    nb = [sorted({(i + 1) % n, (i - 1) % n, (i + 7) % n, (i - 7) % n}) for i in range(n)]
    y = rng.poisson(4, n).astype(float)
    w = libpysal.weights.W({i: nb[i] for i in range(n)})
    r = gi_star_areas(y, nb, method="analytical")
    assert np.max(np.abs(r.z - _esda_zs(y, w))) < 1e-9
    # a masked grid equals esda on the weights restricted to the cells inside
    g = rng.poisson(1.5, (8, 9)).astype(float)
    mask = rng.random((8, 9)) > 0.25
    idx = -np.ones((8, 9), dtype=int)
    idx[mask] = np.arange(mask.sum())
    neigh = {}
    for i, j in zip(*np.nonzero(mask), strict=True):
        neigh[idx[i, j]] = [idx[a, b] for a in range(max(i - 1, 0), min(i + 2, 8))
                            for b in range(max(j - 1, 0), min(j + 2, 9))
                            if (a, b) != (i, j) and mask[a, b]]  # fmt: skip
    z = gi_star_z(g, mask=mask)
    assert np.isnan(z[~mask]).all()
    assert np.max(np.abs(z[mask] - _esda_zs(g[mask], libpysal.weights.W(neigh)))) < 1e-9


def test_exact_distribution_matches_enumeration() -> None:
    values = np.array([0, 0, 1, 3, 3, 3, 5, 0, 2, 1], dtype=float)
    f = exact_sum_distribution(values, 4)
    for k in range(5):
        sums = [sum(c) for c in itertools.combinations(values.tolist(), k)]
        ref = np.bincount(np.array(sums, dtype=int), minlength=f.shape[1]) / len(sums)
        assert np.max(np.abs(f[k, : len(ref)] - ref)) < 1e-12
    p = _exact_p(np.array([13.0, 0.0]), np.array([4, 4]), values)
    all_sums = np.array([sum(c) for c in itertools.combinations(values.tolist(), 4)])
    ref_hi = 2 * min(np.mean(all_sums >= 13), np.mean(all_sums <= 13))
    assert abs(p[0] - min(1, ref_hi)) < 1e-12


def test_permutation_agrees_with_exact_roughly_and_reaches_bh_floor() -> None:
    rng = np.random.default_rng(8)
    y = rng.poisson(1.0, (12, 12)).astype(float)
    y[5:8, 5:8] += 4
    ex = gi_star(y, method="exact")
    pe = gi_star(y, method="permutation", seed=1)
    assert pe.n_permutations == permutations_needed(144, 0.05) == 2879
    assert 1 / (pe.n_permutations + 1) <= 0.05 / 144
    # conditional and total randomisation differ a little; flags of the planted block agree
    assert ex.hot[6, 6]
    assert pe.hot[6, 6]
    assert np.corrcoef(np.log(ex.p.ravel()), np.log(pe.p.ravel()))[0, 1] > 0.8
    # non-integer counts fall back to permutation
    assert gi_star(y + 0.5 * (y > 0), method="exact").method == "permutation"


def test_sparse_counts_need_exact_p() -> None:
    # mean 0.2 per cell: the normal z flags cells in most null maps; exact stays at or below alpha
    rng = np.random.default_rng(11)
    n_sim, any_an, any_ex = 200, 0, 0
    for _ in range(n_sim):
        y = rng.poisson(0.2, (50, 50)).astype(float)
        any_an += bool(gi_star(y, method="analytical").hot.any())
        any_ex += bool((gi_star(y).hot | gi_star(y).cold).any())
    assert any_an / n_sim > 0.3
    assert any_ex <= upper_bound(n_sim, 0.05)


@pytest.mark.parametrize("kind", ["negbin", "bursts"])
def test_overdispersed_null_flags_at_most_alpha(kind: str) -> None:
    rng = np.random.default_rng(12 if kind == "negbin" else 13)
    n_sim, flagged, phis = 300, 0, []
    for _ in range(n_sim):
        if kind == "negbin":
            y = rng.negative_binomial(0.5, 0.5 / 1.5, (30, 30)).astype(float)  # mean 1, phi 3
        else:  # events arrive in bursts at one point: Poisson number of bursts, geometric sizes
            y = np.zeros(900)
            bursts = rng.integers(0, 900, rng.poisson(150))
            np.add.at(y, bursts, rng.geometric(0.2, bursts.size))
            y = y.reshape(30, 30)
        r = gi_star(y)
        phis.append(r.phi)
        flagged += bool((r.hot | r.cold).any())
    assert np.mean(phis) > 2.0  # really overdispersed
    # under the global null BH's chance of any flag is its FDR: at most alpha (+ Monte Carlo error)
    assert flagged <= upper_bound(n_sim, 0.05)


def test_planted_concentration_found_at_predicted_rate() -> None:
    rng = np.random.default_rng(21)
    ny = nx = 30
    n_events, ratio = 1400, 2.0
    pred = sufficiency(n_events, ny * nx, ratio=ratio).power
    assert 0.2 < pred < 0.9
    rates = np.ones((ny, nx))
    rates[14:17, 14:17] = ratio
    n_sim, hits = 200, 0
    for _ in range(n_sim):
        y = rng.multinomial(n_events, (rates / rates.sum()).ravel()).reshape(ny, nx).astype(float)
        hits += bool(gi_star(y).hot[15, 15])
    se = math.sqrt(pred * (1 - pred) / n_sim)
    assert abs(hits / n_sim - pred) <= 0.1 + 3 * se
    s = sufficiency(n_events, ny * nx, ratio=ratio)
    assert s.needed is not None
    assert s.needed > n_events
    assert not s.sufficient
    assert sufficiency(s.needed, ny * nx, ratio=ratio).power >= 0.8
    assert sufficiency(46, 400).power < 0.1


def test_classify_periods_rule() -> None:
    def res(hot: list[bool], z: list[float]) -> HotspotResult:
        h = np.array(hot)
        zz = np.array(z)
        a = np.zeros(len(hot))
        return HotspotResult(a, zz, a, a, h, ~h & False, "exact", 0.05, None, 1.0, 0.0, len(hot))

    # cells: never, new, persistent, rising, falling, gone, sporadic
    p1 = res([False, False, True, True, True, False, True], [0, 0, 3, 3, 8, 0, 4])
    p2 = res([False, False, True, True, True, True, False], [0, 0, 3, 3, 8, 4, 0])
    p3 = res([False, True, True, True, True, False, True], [0, 4, 3.5, 8, 3, 0, 4])
    got = classify_periods([p1, p2, p3]).tolist()
    assert got == ["", "nieuw", "blijvend", "toenemend", "afnemend", "verdwenen", "sporadisch"]
    with pytest.raises(ValueError, match="two periods"):
        classify_periods([p1])


def test_area_neighbours_queen() -> None:
    from shapely.geometry import box

    geoms = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(1, 1, 2, 2), box(5, 5, 6, 6)]
    assert area_neighbours(geoms) == [[1, 2], [0, 2], [0, 1], []]


@pytest.fixture(scope="module")
def groningen(shared_data: Path) -> tuple[np.ndarray, np.ndarray]:
    f = pd.read_csv(shared_data / "incidenten" / "groningen_fietsdiefstal_2013_2017.csv", usecols=["X", "Y"])
    assert len(f) == 15947
    return f["X"].to_numpy(float), f["Y"].to_numpy(float)


def test_groningen_hot_cells_in_centre(groningen: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = groningen
    g = grid_for(x, y, 100.0)
    r = gi_star(grid_counts(g, x, y))
    cx, cy = g.centres()
    d = np.hypot(cx - 233_900, cy - 582_100)  # Grote Markt
    assert r.hot.sum() >= 10
    assert (d[r.hot] < 1000).sum() >= 5
    assert np.median(d[r.hot]) < 2500
    assert r.phi > 5


def test_groningen_shuffled_no_flags_and_planted_found(groningen: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = groningen
    g = grid_for(x, y, 100.0)
    counts = grid_counts(g, x, y)
    mask = np.zeros_like(counts, dtype=bool)
    mask[counts > 0] = True  # study area: cells with any theft in five years
    rng = np.random.default_rng(31)
    n_sim, flagged = 40, 0
    for _ in range(n_sim):
        c = counts.copy()
        c[mask] = rng.permutation(c[mask])
        r = gi_star(c, mask=mask)
        flagged += bool((r.hot | r.cold).any())
    assert flagged <= upper_bound(n_sim, 0.05)
    r0 = gi_star(counts, mask=mask)
    assert r0.hot.any()


def test_groningen_planted_block_found_at_predicted_rate(groningen: tuple[np.ndarray, np.ndarray]) -> None:
    # study area = the 100 m cells with any theft; 2,000 events spread at random over it, one 3 x 3 block
    # at 2.5 x the rate. (The prediction assumes an even background; see the report on heavy tails.)
    x, y = groningen
    g = grid_for(x, y, 100.0)
    mask = grid_counts(g, x, y) > 0
    n_cells = int(mask.sum())
    rows, cols = np.nonzero(mask)
    full = [(r, c) for r, c in zip(rows, cols, strict=True) if mask[r - 1 : r + 2, c - 1 : c + 2].all()]
    cy, cx = full[len(full) // 2]
    n_events, ratio = 2000, 2.5
    pred = sufficiency(n_events, n_cells, ratio=ratio).power
    assert 0.2 < pred < 0.95
    rates = mask.astype(float)
    rates[cy - 1 : cy + 2, cx - 1 : cx + 2] *= ratio
    rng = np.random.default_rng(41)
    n_sim, hits = 80, 0
    for _ in range(n_sim):
        c = rng.multinomial(n_events, (rates / rates.sum()).ravel()).reshape(mask.shape).astype(float)
        hits += bool(gi_star(c, mask=mask).hot[cy, cx])
    se = math.sqrt(pred * (1 - pred) / n_sim)
    assert abs(hits / n_sim - pred) <= 0.1 + 3 * se
