"""Tests of ivp.stats.nearrepeat (Knox test): observed counts against a brute-force O(n^2) reference,
the permutation mean against the exact permutation expectation, calibration on data without space-time
interaction (also with clustered places and seasonal times), power on a planted near-repeat pattern,
and runs on the real Groningen thefts and the Dordrecht burglaries per 4-digit postcode."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ivp.stats.nearrepeat import Knox, knox, knox_groups

D_EDGES = np.array([0.0, 100.0, 200.0, 300.0, 400.0])
T_EDGES = np.array([0.0, 7.0, 14.0, 21.0, 28.0])
#: Dordrecht's 4-digit postcodes (as in ../shared/data/README.md): 3311-3319 and 3328.
DORDRECHT_PC4 = (*(str(p) for p in range(3311, 3320)), "3328")


def _bands(values: np.ndarray, edges: np.ndarray) -> list[np.ndarray]:
    return [(values >= lo) & (values < hi) for lo, hi in pairwise(edges)]


def brute_knox(
    x: np.ndarray, y: np.ndarray, t: np.ndarray, d_edges: np.ndarray, t_edges: np.ndarray
) -> np.ndarray:
    """All n(n-1)/2 pairs, each band tested explicitly."""
    i, j = np.triu_indices(x.size, 1)
    dx, dy = x[i] - x[j], y[i] - y[j]
    d = np.sqrt(dx * dx + dy * dy)
    dt = np.abs(t[i] - t[j])
    return np.array([[int((a & b).sum()) for b in _bands(dt, t_edges)] for a in _bands(d, d_edges)])


def brute_groups(g: np.ndarray, t: np.ndarray, t_edges: np.ndarray) -> np.ndarray:
    i, j = np.triu_indices(t.size, 1)
    same = g[i] == g[j]
    dt = np.abs(t[i] - t[j])
    return np.array([[int((same & b).sum()) for b in _bands(dt, t_edges)]])


def clustered_points(rng: np.random.Generator, n: int, size: float = 2000.0) -> tuple[np.ndarray, np.ndarray]:
    """A Thomas-like process: points around 15 hot centres plus a uniform background, snapped to 25 m."""
    centres = rng.uniform(0, size, (15, 2))
    which = rng.integers(0, 15, n)
    pts = centres[which] + rng.normal(0, 120, (n, 2))
    background = rng.random(n) < 0.3
    pts[background] = rng.uniform(0, size, (int(background.sum()), 2))
    pts = np.round(pts / 25) * 25
    return pts[:, 0], pts[:, 1]


def seasonal_times(rng: np.random.Generator, n: int, days: float = 365.0) -> np.ndarray:
    """Whole days with a strong seasonal peak (overdispersed in time)."""
    t = rng.vonmises(0.0, 1.5, n) / (2 * np.pi) * days + days / 2
    return np.floor(t)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("engine", ["space-time-tree", "spatial-pairs"])
def test_observed_equals_brute_force(seed: int, engine: str) -> None:
    rng = np.random.default_rng(seed)
    n = 700
    # Seeds 0-1: continuous places and times; 2-3: 25 m grid and whole days (many pairs exactly on edges).
    if seed < 2:
        x, y, t = rng.uniform(0, 1500, n), rng.uniform(0, 1500, n), rng.uniform(0, 200, n)
    else:
        x, y = clustered_points(rng, n, 1500.0)
        t = seasonal_times(rng, n, 200.0)
    d_edges = D_EDGES if seed != 1 else np.array([50.0, 125.0, 333.3])  # a first edge above 0 too
    t_edges = T_EDGES if seed != 1 else np.array([1.5, 3.0, 10.0])
    k = knox(x, y, t, distance_edges=d_edges, time_edges=t_edges, n_permutations=19, engine=engine)  # type: ignore[arg-type]
    ref = brute_knox(x, y, t, d_edges, t_edges)
    assert k.observed.dtype == np.int64
    assert np.array_equal(k.observed, ref)
    assert ref.sum() > 100  # the check has something to compare


def test_engines_draw_the_same_permutations() -> None:
    rng = np.random.default_rng(5)
    x, y = clustered_points(rng, 900)
    t = seasonal_times(rng, 900)
    a = knox(x, y, t, n_permutations=49, seed=3, engine="space-time-tree")
    b = knox(x, y, t, n_permutations=49, seed=3, engine="spatial-pairs")
    assert np.array_equal(a.expected, b.expected)
    assert np.array_equal(a.p, b.p)
    c = knox(x, y, t, n_permutations=49, seed=4, engine="spatial-pairs")
    assert not np.array_equal(a.expected, c.expected)  # the seed matters


@pytest.mark.parametrize("seed", range(4))
def test_groups_observed_equals_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 900
    sizes = rng.pareto(1.2, 40) + 1  # some big areas, many small ones
    g = rng.choice([f"{3300 + i}" for i in range(40)], size=n, p=sizes / sizes.sum())
    t = np.floor(rng.uniform(0, 400, n)) if seed % 2 else rng.uniform(0, 400, n)
    k = knox_groups(g, t, n_permutations=19)
    ref = brute_groups(g, t, T_EDGES)
    assert np.array_equal(k.observed, ref)
    assert ref.sum() > 100
    assert k.observed.shape == (1, 4)
    assert k.distance_labels == ("zelfde gebied",)


def test_unknown_places_times_and_areas_are_left_out() -> None:
    rng = np.random.default_rng(2)
    x, y, t = rng.uniform(0, 800, 300), rng.uniform(0, 800, 300), rng.uniform(0, 60, 300)
    x[:7] = np.nan
    t[7:10] = np.nan
    k = knox(x, y, t, n_permutations=9)
    assert k.n_events == 290
    assert k.n_left_out == 10
    assert np.array_equal(k.observed, brute_knox(x[10:], y[10:], t[10:], D_EDGES, T_EDGES))
    groups = np.array(["a", "b", None, "", float("nan"), "a", "b"], dtype=object)
    kg = knox_groups(groups, [0, 1, 2, 3, 4, 5, np.nan], n_permutations=9)
    assert kg.n_events == 3
    assert kg.n_left_out == 4
    assert kg.observed.tolist() == [[1, 0, 0, 0]]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"distance_edges": (0, 100, 100)},
        {"distance_edges": (100,)},
        {"time_edges": (-1, 7)},
        {"time_edges": (0, np.inf)},
        {"n_permutations": 0},
        {"alpha": 1.5},
        {"engine": "fast"},
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"must|not valid"):
        knox([0, 1], [0, 1], [0, 1], **kwargs)  # type: ignore[arg-type]


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="one length"):
        knox([0, 1, 2], [0, 1], [0, 1])
    with pytest.raises(ValueError, match="one length"):
        knox_groups(["a"], [0, 1])


def _exact_expectation(x: np.ndarray, y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Under a random permutation of times, E[count(d, t)] = S_d * T_t / (n(n-1)/2) exactly.

    S_d = pairs in distance band d, T_t = pairs (of all events) in time band t: each spatial pair gets
    the times of a uniformly random pair of distinct events.
    """
    n = x.size
    ones = np.zeros(n)
    spatial = brute_knox(x, y, ones, D_EDGES, np.array([0.0, 1.0])).ravel()
    temporal = brute_knox(ones, ones, t, np.array([0.0, 1.0]), T_EDGES).ravel()
    return np.outer(spatial, temporal) / (n * (n - 1) / 2)


def test_permutation_mean_is_the_exact_expectation() -> None:
    rng = np.random.default_rng(11)
    x, y = clustered_points(rng, 800)
    t = seasonal_times(rng, 800)
    k = knox(x, y, t, n_permutations=999, seed=2, engine="spatial-pairs")
    exact = _exact_expectation(x, y, t)
    # Monte Carlo error of a mean of 999 counts: well within 4 standard errors, taking the variance
    # of a count as at most 3x its mean (pairs sharing an event are dependent).
    assert np.all(np.abs(k.expected - exact) <= 4 * np.sqrt(3 * exact / 999))
    assert exact.min() > 5


def _upper(trials: int, rate: float) -> float:
    """A 99.9% binomial upper bound for the share of rejections when the true rate is ``rate``."""
    return float(stats.binom.ppf(0.999, trials, rate)) / trials


def test_no_interaction_flags_at_most_alpha() -> None:
    # 200 datasets: places clustered (hot spots), times seasonal, independent of each other.
    # 4 cells and 199 permutations: the smallest q is 4/200 = 0.02, so BH can reject.
    trials, any_flag, cell_small = 200, 0, 0
    d_edges, t_edges = (0.0, 100.0, 250.0), (0.0, 7.0, 21.0)
    for s in range(trials):
        rng = np.random.default_rng(1000 + s)
        x, y = clustered_points(rng, 250)
        t = seasonal_times(rng, 250)
        k = knox(
            x,
            y,
            t,
            distance_edges=d_edges,
            time_edges=t_edges,
            n_permutations=199,
            seed=s,
            engine="spatial-pairs",
        )
        any_flag += bool(k.significant.any())
        cell_small += int((k.p <= 0.05).sum())
    assert any_flag / trials <= _upper(trials, 0.05)
    assert cell_small / (4 * trials) <= _upper(4 * trials, 0.05)
    assert cell_small > 0  # the p-values are not degenerate (all 1)


def test_groups_no_interaction_flags_at_most_alpha() -> None:
    trials, any_flag = 200, 0
    for s in range(trials):
        rng = np.random.default_rng(5000 + s)
        sizes = rng.pareto(1.5, 25) + 1
        g = rng.choice(25, size=300, p=sizes / sizes.sum())
        t = seasonal_times(rng, 300, 730.0)
        k = knox_groups(g.astype(str), t, n_permutations=199, seed=s)
        any_flag += bool(k.significant.any())
    assert any_flag / trials <= _upper(trials, 0.05)


def _planted(rng: np.random.Generator, n: int, follow: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n background events (2 km x 2 km, one year) plus ``follow`` follow-up events, each within 50 m and
    0-3 days of a randomly chosen background event."""
    x, y, t = rng.uniform(0, 2000, n), rng.uniform(0, 2000, n), rng.uniform(0, 365, n)
    seeds = rng.choice(n, follow, replace=False)
    angle, radius = rng.uniform(0, 2 * np.pi, follow), 50 * np.sqrt(rng.random(follow))
    fx = x[seeds] + radius * np.cos(angle)
    fy = y[seeds] + radius * np.sin(angle)
    ft = t[seeds] + rng.uniform(0, 3, follow)
    return np.r_[x, fx], np.r_[y, fy], np.r_[t, ft]


def test_planted_near_repeats_are_found() -> None:
    # Strength: 25 follow-ups on 300 background events (8%). Background pairs in the first cell are
    # about 15, so the planted pairs more than double it; the cell must be flagged (after BH, 16 cells)
    # in >= 90% of runs (measured: 30 of 30; with 20 follow-ups 27 of 30, with 10 only 6 of 30).
    trials, found, other = 30, 0, 0
    for s in range(trials):
        rng = np.random.default_rng(300 + s)
        x, y, t = _planted(rng, 300, 25)
        k = knox(x, y, t, n_permutations=999, seed=s, engine="spatial-pairs")
        found += bool(k.significant[0, 0])
        other += int(k.significant[1:, 1:].sum())  # cells the planting does not touch
        assert k.ratio[0, 0] > 1.5
    assert found >= 27
    assert other <= 0.05 * 9 * trials


def test_planted_repeats_in_areas_are_found() -> None:
    # 40 areas, 400 events over two years; 30 follow-ups in the same area within 0-3 days.
    trials, found = 30, 0
    for s in range(trials):
        rng = np.random.default_rng(700 + s)
        g = rng.integers(0, 40, 400)
        t = np.floor(rng.uniform(0, 730, 400))
        seeds = rng.choice(400, 30, replace=False)
        g = np.r_[g, g[seeds]]
        t = np.r_[t, t[seeds] + rng.integers(0, 4, 30)]
        k = knox_groups(g.astype(str), t, n_permutations=999, seed=s)
        found += bool(k.significant[0, 0])
    assert found >= 27


# Real data -----------------------------------------------------------------------------------------


def _groningen(shared_data: Path) -> pd.DataFrame:
    frame = pd.read_csv(
        shared_data / "incidenten" / "groningen_fietsdiefstal_2013_2017.csv",
        usecols=["X", "Y", "Begin-pleegdatum/tijd"],
    )
    begin = pd.to_datetime(frame["Begin-pleegdatum/tijd"], format="%Y-%m-%dT%H:%M:%S")
    frame["t"] = (begin - pd.Timestamp("2013-01-01")).dt.total_seconds() / 86400.0
    frame["year"] = begin.dt.year
    return frame


def test_groningen_thefts(shared_data: Path) -> None:
    # One year (2016) of the thefts, times from the begin of the interval; the whole file is in bench/.
    frame = _groningen(shared_data)
    one = frame[frame["year"] == 2016]
    x, y, t = (one[c].to_numpy(float) for c in ("X", "Y", "t"))
    k = knox(x, y, t, n_permutations=199, seed=1)
    assert isinstance(k, Knox)
    assert k.n_events == len(one) > 2000
    assert np.array_equal(k.observed, brute_knox(x, y, t, D_EDGES, T_EDGES))
    exact = _exact_expectation(x, y, t)
    assert np.all(np.abs(k.expected - exact) <= 4 * np.sqrt(3 * exact / 199))
    assert np.all((k.p >= 1 / 200) & (k.p <= 1))
    assert np.all(k.q >= k.p)


def _dordrecht(shared_data: Path) -> pd.DataFrame:
    frame = pd.read_csv(
        shared_data / "incidenten" / "misdaad_in_kaart_pc4_woninginbraak.csv", dtype={"Postcode": str}
    )
    frame = frame[frame["Postcode"].isin(DORDRECHT_PC4)].copy()
    day = pd.to_datetime(frame["Datum"], format="%d-%m-%Y")
    frame["t"] = (day - day.min()).dt.days.astype(float)
    return frame


def test_dordrecht_burglaries_per_postcode(shared_data: Path) -> None:
    frame = _dordrecht(shared_data)
    assert set(frame["Postcode"]) <= set(DORDRECHT_PC4)
    assert len(frame) > 300
    g, t = frame["Postcode"].to_numpy(str), frame["t"].to_numpy(float)
    k = knox_groups(g, t, n_permutations=999, seed=1)
    assert k.n_events == len(frame)
    assert np.array_equal(k.observed, brute_groups(g, t, T_EDGES))
    # The permutation mean against the exact expectation: pairs within areas x share of time pairs.
    n = t.size
    within = sum(c * (c - 1) // 2 for c in frame["Postcode"].value_counts())
    temporal = brute_groups(np.zeros(n), t, T_EDGES).ravel()
    exact = within * temporal / (n * (n - 1) / 2)
    assert np.all(np.abs(k.expected.ravel() - exact) <= 4 * np.sqrt(3 * exact / 999))
