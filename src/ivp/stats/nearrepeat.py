"""Near repeats: the Knox test for space-time interaction between events, with Monte Carlo p-values.

After a burglary, the houses nearby run a raised risk for a few weeks ("near repeat"; Johnson et al.
2007). The Knox test (Knox 1964) asks whether pairs of events that lie close in space are also close in
time more often than chance says. Every pair of events is put in a table cell by its distance band
(e.g. 0-100 m, 100-200 m, ...) and its time band (e.g. 0-7 days, 7-14 days, ...); a band is
``[e_i, e_{i+1})`` and pairs beyond the last distance edge or the last time edge are not counted.

What "chance" is: the places and the moments of the events are each taken as given, and only their
pairing is questioned. The null distribution comes from shuffling the times over the events while the
places stay where they are (a Monte Carlo permutation test, as in the Near Repeat Calculator; Ratcliffe
2009). A shuffle keeps the spatial pattern (hot spots) and the temporal pattern (seasons, trends, busy
weeks) exactly, so neither is mistaken for interaction; only their link is broken. For each cell:

- ``expected``: the mean count over the permutations;
- ``ratio``: observed / expected (the "Knox ratio" of the Near Repeat Calculator);
- ``p``: one-sided Monte Carlo p-value ``(1 + #{permutations with count >= observed}) / (1 + n_perm)``:
  small when the cell holds more pairs than chance gives. It is never below ``1 / (1 + n_perm)``;
- ``q``: Benjamini-Hochberg adjusted over the cells (:func:`ivp.stats.multiple.fdr_bh`), because a table
  of 16 cells is 16 tests; ``significant`` is ``q <= alpha``.

:func:`knox_groups` does the same with "same area" (e.g. the same 4-digit postcode) in place of a
distance, for data without coordinates.

Computation (why it is fast): :func:`knox` finds only the pairs that are close in space *and* time. For
each permutation a k-d tree over ``(x, y, t * s)`` with ``s = d_max / t_max`` returns, by a box query, the
pairs within ``d_max`` metres and ``t_max`` days (scipy's ``cKDTree.query_pairs`` with the Chebyshev
norm); distance ``sqrt(dx^2 + dy^2)`` and ``|dt|`` then decide the cell. When the longest time band is
long compared with the period (most pairs fall within it), the fixed list of spatial pairs within
``d_max`` is cheaper: it is found once, and per permutation only ``|t_i - t_j|`` of those pairs is
computed, for several permutations at a time in chunks of bounded memory. Both engines draw the same
permutations and give identical counts. :func:`knox_groups` counts pairs within an area from sorted
times (``searchsorted``) without forming the pairs.

References
----------
.. [1] Knox, E. G. (1964). The detection of space-time interactions. *Journal of the Royal Statistical
   Society C (Applied Statistics)* 13(1), 25-30.
.. [2] Johnson, S. D., Bernasco, W., Bowers, K. J., Elffers, H., Ratcliffe, J., Rengert, G. and
   Townsley, M. (2007). Space-time patterns of risk: a cross national assessment of residential burglary
   victimization. *Journal of Quantitative Criminology* 23(3), 201-219.
.. [3] Ratcliffe, J. H. (2009). *Near Repeat Calculator* (version 1.3). Temple University, Philadelphia,
   and the National Institute of Justice, Washington DC.
.. [4] Kulldorff, M. and Hjalmars, U. (1999). The Knox method and other tests for space-time interaction.
   *Biometrics* 55(2), 544-552 (the population-shift bias).
.. [5] Benjamini, Y. and Hochberg, Y. (1995). *JRSS B* 57, 289-300.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from ivp.lib.i18n import _
from ivp.stats._checks import check_alpha, check_option, frozen
from ivp.stats.multiple import fdr_bh

__all__ = ["DISTANCE_EDGES", "ENGINES", "TIME_EDGES", "Knox", "knox", "knox_groups"]

#: Default distance bands in metres (Near Repeat Calculator style, 100 m wide).
DISTANCE_EDGES: tuple[float, ...] = (0.0, 100.0, 200.0, 300.0, 400.0)
#: Default time bands in days (weeks).
TIME_EDGES: tuple[float, ...] = (0.0, 7.0, 14.0, 21.0, 28.0)
#: How :func:`knox` finds the pairs; "auto" picks the cheaper one (same counts either way).
ENGINES = ("auto", "space-time-tree", "spatial-pairs")
Engine = Literal["auto", "space-time-tree", "spatial-pairs"]

# Elements (pairs x permutations) per chunk of the spatial-pairs engine: bounds its memory (~100 MB).
_CHUNK = 2_000_000
# The space-time tree is used while fewer than this share of all pairs lie within the longest time band.
_TREE_SHARE = 0.3


@dataclass(frozen=True, eq=False)
class Knox:
    """Result of :func:`knox` or :func:`knox_groups` (read-only arrays).

    Attributes
    ----------
    distance_edges : ndarray
        Distance band edges in metres, bands ``[e_i, e_{i+1})``; for :func:`knox_groups` ``(0, 0)``: one
        band "zelfde gebied".
    time_edges : ndarray
        Time band edges in days, bands ``[e_j, e_{j+1})``.
    observed : ndarray of int64, shape (nd, nt)
        Number of event pairs per distance band x time band.
    expected : ndarray of float, shape (nd, nt)
        Mean count over the permutations.
    ratio : ndarray of float
        ``observed / expected`` (NaN when both are 0, inf when only the expectation is 0).
    p : ndarray of float
        One-sided Monte Carlo p-value (more pairs than expected).
    q : ndarray of float
        Benjamini-Hochberg adjusted p-values over the cells.
    significant : ndarray of bool
        ``q <= alpha``.
    n_events, n_permutations, alpha, seed
        Events used, permutations drawn, FDR level, random seed.
    distance_labels, time_labels : tuple of str
        Dutch band labels for tables ("0-100 m", "zelfde gebied"; "0-7 dagen").
    n_left_out : int
        Events left out because their place, area or time is unknown (NaN or empty).
    """

    distance_edges: NDArray[np.float64]
    time_edges: NDArray[np.float64]
    observed: NDArray[np.int64]
    expected: NDArray[np.float64]
    ratio: NDArray[np.float64]
    p: NDArray[np.float64]
    q: NDArray[np.float64]
    significant: NDArray[np.bool_]
    n_events: int
    n_permutations: int
    alpha: float
    seed: int | None
    distance_labels: tuple[str, ...] = ()
    time_labels: tuple[str, ...] = ()
    n_left_out: int = 0


def knox(
    x: ArrayLike,
    y: ArrayLike,
    t_days: ArrayLike,
    *,
    distance_edges: Sequence[float] = DISTANCE_EDGES,
    time_edges: Sequence[float] = TIME_EDGES,
    n_permutations: int = 999,
    alpha: float = 0.05,
    seed: int | None = 0,
    engine: Engine = "auto",
) -> Knox:
    """Knox test over distance bands x time bands with a time-permutation Monte Carlo null.

    Parameters
    ----------
    x, y : array_like
        Coordinates in metres (RD New). Events with NaN in x, y or t are left out (counted).
    t_days : array_like
        Time of each event in days (any origin; fractions allowed).
    distance_edges : sequence of float
        Increasing edges in metres, at least two, the first >= 0; bands ``[e_i, e_{i+1})``.
    time_edges : sequence of float
        Increasing edges in days, at least two, the first >= 0; bands ``[e_j, e_{j+1})``.
    n_permutations : int, default 999
        Random permutations of the times; the smallest p-value is ``1 / (1 + n_permutations)``, so for
        BH over ``m`` cells to be able to reject, take ``n_permutations >= m / alpha``.
    alpha : float, default 0.05
        False discovery rate over the cells.
    seed : int or None, default 0
        Seed of the permutations (None: fresh randomness).
    engine : {"auto", "space-time-tree", "spatial-pairs"}
        How pairs are found (see the module text); results are identical, only speed differs.

    Returns
    -------
    Knox

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x, y, t = rng.uniform(0, 2000, 300), rng.uniform(0, 2000, 300), rng.uniform(0, 365, 300)
    >>> k = knox(x, y, t, n_permutations=99)
    >>> k.observed.shape, bool(k.significant.any())
    ((4, 4), False)
    """
    check_option("engine", engine, ENGINES)
    d_edges = _edges(distance_edges, "distance_edges")
    t_edges = _edges(time_edges, "time_edges")
    n_perm = _n_permutations(n_permutations)
    alpha = check_alpha(alpha)
    xs, ys, ts = (np.asarray(a, dtype=np.float64).ravel() for a in (x, y, t_days))
    if not xs.size == ys.size == ts.size:
        raise ValueError(f"x, y and t_days must have one length, got {xs.size}, {ys.size}, {ts.size}")
    if np.isinf(xs).any() or np.isinf(ys).any() or np.isinf(ts).any():
        raise ValueError("x, y and t_days must be finite or NaN (unknown)")
    keep = ~(np.isnan(xs) | np.isnan(ys) | np.isnan(ts))
    xs, ys, ts = xs[keep], ys[keep], ts[keep]
    n = int(xs.size)
    shape = (d_edges.size - 1, t_edges.size - 1)
    if engine == "auto":
        engine = "space-time-tree" if _time_share(ts, float(t_edges[-1])) < _TREE_SHARE else "spatial-pairs"
    perms = _permutations(n, n_perm, seed)
    if engine == "space-time-tree":
        observed = _tree_counts(xs, ys, ts, d_edges, t_edges)
        null = np.empty((n_perm, *shape), dtype=np.int64)
        for k, perm in enumerate(perms):
            null[k] = _tree_counts(xs, ys, ts[perm], d_edges, t_edges)
    else:
        i, j, d_band = _spatial_pairs(xs, ys, d_edges)
        observed = _pair_counts(ts[None, :], i, j, d_band, t_edges, shape)[0]
        null = np.empty((n_perm, *shape), dtype=np.int64)
        rows = max(1, _CHUNK // max(1, i.size))
        done = 0
        while done < n_perm:
            block = np.stack([next(perms) for _ in range(min(rows, n_perm - done))])
            null[done : done + block.shape[0]] = _pair_counts(ts[block], i, j, d_band, t_edges, shape)
            done += block.shape[0]
    labels = tuple(_("{a}-{b} m").format(a=_num(a), b=_num(b)) for a, b in pairwise(d_edges))
    return _result(observed, null, d_edges, t_edges, n, n_perm, alpha, seed, labels, int((~keep).sum()))


def knox_groups(
    groups: Sequence[str] | NDArray[np.generic],
    t_days: ArrayLike,
    *,
    time_edges: Sequence[float] = TIME_EDGES,
    n_permutations: int = 999,
    alpha: float = 0.05,
    seed: int | None = 0,
) -> Knox:
    """Knox test with "same area" in place of a distance band (e.g. the same 4-digit postcode).

    A pair counts when both events lie in the same group (area) and their time difference falls in a
    time band. The null shuffles the times over all events given (across areas, not within each), with
    the areas fixed: the areas' totals and the overall time pattern are kept. Pass the events of one
    city (or region) only: the shuffle treats all of them as exchangeable in time.

    Parameters
    ----------
    groups : sequence of str or array
        Area of each event; None, NaN and "" are unknown and left out (counted).
    t_days : array_like
        Time in days (whole days for dates; NaN unknown, left out).
    time_edges, n_permutations, alpha, seed
        As in :func:`knox`.

    Returns
    -------
    Knox
        With one distance band ``(0, 0)`` labelled "zelfde gebied" (observed has shape (1, nt)).

    Examples
    --------
    >>> k = knox_groups(["3311", "3311", "3312", "3311"], [0, 3, 4, 30], n_permutations=9)
    >>> k.observed.tolist()
    [[1, 0, 0, 1]]
    """
    t_edges = _edges(time_edges, "time_edges")
    n_perm = _n_permutations(n_permutations)
    alpha = check_alpha(alpha)
    ts = np.asarray(t_days, dtype=np.float64).ravel()
    raw = np.asarray(groups, dtype=object).ravel()
    if raw.size != ts.size:
        raise ValueError(f"groups and t_days must have one length, got {raw.size} and {ts.size}")
    if np.isinf(ts).any():
        raise ValueError("t_days must be finite or NaN (unknown)")
    names = np.array(["" if _missing(g) else str(g) for g in raw], dtype=object)
    keep = (names != "") & ~np.isnan(ts)
    codes = np.unique(names[keep].astype(str), return_inverse=True)[1].astype(np.int64)
    ts = ts[keep]
    n = int(ts.size)
    # Groups laid end to end on one time axis, separated by more than the longest band.
    t0 = ts - (ts.min() if n else 0.0)
    gap = np.ceil((t0.max() if n else 0.0) + t_edges[-1] + 1.0)
    order = np.argsort(t0, kind="stable")
    t_sorted = t0[order]
    g_sorted = codes[order]
    observed = _group_counts(g_sorted, t_sorted, gap, t_edges)
    null = np.empty((n_perm, 1, t_edges.size - 1), dtype=np.int64)
    for k, perm in enumerate(_permutations(n, n_perm, seed)):
        # Shuffling times over events == shuffling the areas over the sorted times.
        null[k] = _group_counts(g_sorted[perm], t_sorted, gap, t_edges)
    return _result(
        observed,
        null,
        np.zeros(2),
        t_edges,
        n,
        n_perm,
        alpha,
        seed,
        (_("zelfde gebied"),),
        int((~keep).sum()),
    )


def _result(
    observed: NDArray[np.int64],
    null: NDArray[np.int64],
    d_edges: NDArray[np.float64],
    t_edges: NDArray[np.float64],
    n: int,
    n_perm: int,
    alpha: float,
    seed: int | None,
    d_labels: tuple[str, ...],
    n_left_out: int,
) -> Knox:
    expected = null.mean(axis=0)
    obs = observed.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = obs / expected
    p = (1.0 + (null >= observed[None]).sum(axis=0)) / (1.0 + n_perm)
    fdr = fdr_bh(p, alpha=alpha)
    q = np.array(fdr.adjusted)
    significant = q <= alpha
    t_labels = tuple(_("{a}-{b} dagen").format(a=_num(a), b=_num(b)) for a, b in pairwise(t_edges))
    observed = observed.copy()
    frozen(d_edges, t_edges, observed, expected, ratio, p, q, significant)
    return Knox(
        distance_edges=d_edges,
        time_edges=t_edges,
        observed=observed,
        expected=expected,
        ratio=ratio,
        p=p,
        q=q,
        significant=significant,
        n_events=n,
        n_permutations=n_perm,
        alpha=alpha,
        seed=seed,
        distance_labels=d_labels,
        time_labels=t_labels,
        n_left_out=n_left_out,
    )


def _edges(edges: Sequence[float], name: str) -> NDArray[np.float64]:
    e = np.array(edges, dtype=np.float64).ravel()
    if e.size < 2 or not np.all(np.isfinite(e)) or e[0] < 0 or np.any(np.diff(e) <= 0):
        raise ValueError(
            f"{name} must be at least two finite, increasing edges, the first >= 0; got {edges!r}"
        )
    return e


def _n_permutations(n_permutations: int) -> int:
    n = int(n_permutations)
    if n < 1 or n != n_permutations:
        raise ValueError(f"n_permutations must be a whole number >= 1, got {n_permutations!r}")
    return n


def _missing(g: object) -> bool:
    return g is None or (isinstance(g, float) and np.isnan(g)) or (isinstance(g, str) and g.strip() == "")


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _permutations(n: int, n_perm: int, seed: int | None) -> Iterator[NDArray[np.intp]]:
    """The permutations, one at a time, in a fixed order (both engines draw the same ones)."""
    rng = np.random.default_rng(seed)
    for _k in range(n_perm):
        yield rng.permutation(n)


def _time_share(ts: NDArray[np.float64], t_max: float) -> float:
    """Share of all pairs whose time difference is below ``t_max`` (from sorted times)."""
    n = ts.size
    if n < 2:
        return 0.0
    s = np.sort(ts)
    close = np.searchsorted(s, s + t_max, side="left") - np.arange(1, n + 1)
    return float(np.maximum(close, 0).sum()) / (n * (n - 1) / 2)


def _bands(values: NDArray[np.float64], edges: NDArray[np.float64]) -> NDArray[np.intp]:
    """Band index of each value, ``[e_i, e_{i+1})``; -1 below the first edge, len(edges)-1 beyond."""
    return np.searchsorted(edges, values, side="right") - 1


def _distances(
    x: NDArray[np.float64], y: NDArray[np.float64], i: NDArray[np.intp], j: NDArray[np.intp]
) -> NDArray[np.float64]:
    dx = x[i] - x[j]
    dy = y[i] - y[j]
    return np.sqrt(dx * dx + dy * dy)


def _tree_counts(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    t: NDArray[np.float64],
    d_edges: NDArray[np.float64],
    t_edges: NDArray[np.float64],
) -> NDArray[np.int64]:
    """Pair counts per cell from the pairs within ``d_max`` and ``t_max`` (box query, then exact test)."""
    nd, nt = d_edges.size - 1, t_edges.size - 1
    if x.size < 2:
        return np.zeros((nd, nt), dtype=np.int64)
    d_max, t_max = float(d_edges[-1]), float(t_edges[-1])
    scale = d_max / t_max
    tree = cKDTree(np.column_stack([x, y, t * scale]), balanced_tree=False)
    # A margin so rounding in t * scale never drops a pair; the exact test below decides.
    pairs = tree.query_pairs(d_max * (1 + 1e-9) + 1e-9, p=np.inf, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    db = _bands(_distances(x, y, i, j), d_edges)
    tb = _bands(np.abs(t[i] - t[j]), t_edges)
    ok = (db >= 0) & (db < nd) & (tb >= 0) & (tb < nt)
    return np.bincount(db[ok] * nt + tb[ok], minlength=nd * nt).reshape(nd, nt).astype(np.int64)


def _spatial_pairs(
    x: NDArray[np.float64], y: NDArray[np.float64], d_edges: NDArray[np.float64]
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """All pairs in one of the distance bands (found once), with their band."""
    if x.size < 2:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, empty
    tree = cKDTree(np.column_stack([x, y]))
    pairs = tree.query_pairs(float(d_edges[-1]), output_type="ndarray")
    i, j = pairs[:, 0].astype(np.intp), pairs[:, 1].astype(np.intp)
    db = _bands(_distances(x, y, i, j), d_edges)
    ok = (db >= 0) & (db < d_edges.size - 1)
    return i[ok], j[ok], db[ok]


def _pair_counts(
    times: NDArray[np.float64],
    i: NDArray[np.intp],
    j: NDArray[np.intp],
    d_band: NDArray[np.intp],
    t_edges: NDArray[np.float64],
    shape: tuple[int, int],
) -> NDArray[np.int64]:
    """Counts per cell for each row of ``times`` (rows = permutations) over the fixed spatial pairs."""
    nd, nt = shape
    rows = times.shape[0]
    tb = _bands(np.abs(times[:, i] - times[:, j]), t_edges)
    ok = (tb >= 0) & (tb < nt)
    code = (np.arange(rows)[:, None] * nd + d_band[None, :]) * nt + tb
    counts = np.bincount(code[ok], minlength=rows * nd * nt)
    return counts.reshape(rows, nd, nt).astype(np.int64)


def _group_counts(
    g: NDArray[np.int64], t_sorted: NDArray[np.float64], gap: float, t_edges: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Pairs within a group per time band, for times sorted ascending (``g`` = group of each time).

    A stable sort by group keeps the times sorted within each group; the groups are then laid on one
    axis ``g * gap + t``. The number of pairs with difference below ``c`` is, for each event, the number of
    earlier events of its group after ``t - c``: ``position - searchsorted(v, v - c, "right")``.
    """
    nt = t_edges.size - 1
    if t_sorted.size < 2:
        return np.zeros((1, nt), dtype=np.int64)
    order = np.argsort(g, kind="stable")
    v = g[order].astype(np.float64) * gap + t_sorted[order]
    pos = np.arange(v.size)
    below = np.empty(t_edges.size, dtype=np.int64)
    for k, c in enumerate(t_edges):
        below[k] = 0 if c <= 0 else int((pos - np.searchsorted(v, v - c, side="right")).sum())
    return np.diff(below).reshape(1, nt)
