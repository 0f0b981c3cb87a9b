"""Hot places: Getis-Ord Gi* on a regular grid or on areas, with exact p-values and FDR control.

Method in plain words
---------------------
For every cell, Gi* compares the number of events in its window (the cell and its neighbours; a 3 x 3
square by default) with what the window would hold if the counts of all cells in the study area were
shuffled at random over the cells (Getis & Ord 1992; Ord & Getis 1995). The z-score standardises the
window sum by the mean and variance of that shuffle, exactly as esda's ``G_Local(star=True,
transform="B")`` does.

With few events per cell the normal approximation of that z is far too liberal in the tail that matters
for many tests (a window with 8 events where 1.8 are expected is "z = 4.5"), so the default p-value is
*exact*: the distribution of the sum of ``k`` counts drawn without replacement from the ``N`` observed
counts, computed by dynamic programming over the distinct count values with hypergeometric weights (no
permutation floor). Two-sided: ``p = min(1, 2 min(P(S >= s), P(S <= s)))``. Benjamini & Hochberg (1995)
then controls the false discovery rate over all cells of the study area.

Overdispersion: the null shuffles the *observed* counts, so a skewed, overdispersed distribution (one
address with many events, bursts of events at one point) is part of the null and does not by itself
produce flags; only their spatial arrangement does. ``phi`` (variance / mean of the counts) is reported.

References
----------
.. [1] Getis, A. and Ord, J. K. (1992). The analysis of spatial association by use of distance
   statistics. *Geographical Analysis* 24(3), 189-206.
.. [2] Ord, J. K. and Getis, A. (1995). Local spatial autocorrelation statistics: distributional issues
   and an application. *Geographical Analysis* 27(4), 286-306.
.. [3] Benjamini, Y. and Hochberg, Y. (1995). *JRSS B* 57(1), 289-300.

Examples
--------
A 3 x 3 block of six events per cell on an empty 30 x 30 grid is a hot spot; far from it nothing is:

>>> counts = np.zeros((30, 30))
>>> counts[14:17, 14:17] = 6
>>> r = gi_star(counts)
>>> bool(r.hot[15, 15]), bool(r.hot[:10].any()), r.method
(True, False, 'exact')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import signal, sparse, special, stats

from ivp.stats._checks import check_alpha, check_option
from ivp.stats.grid import window_size, window_sum
from ivp.stats.multiple import fdr_bh
from ivp.stats.sufficiency import Sufficiency, needed_events

__all__ = [
    "HotspotResult",
    "Method",
    "area_neighbours",
    "classify_periods",
    "gi_star",
    "gi_star_areas",
    "gi_star_z",
    "permutations_needed",
    "sufficiency",
]

Method = Literal["exact", "analytical", "permutation"]
METHODS = ("exact", "analytical", "permutation")
#: Upper limit on the number of permutations (time); above it BH may not reach alpha, use "exact".
MAX_PERMUTATIONS = 1_000_000
#: Work budget (cells x values) of the exact dynamic programme; beyond it "exact" falls back to permutation.
EXACT_BUDGET = 2e9
_CHUNK_BYTES = 64_000_000


@dataclass(frozen=True)
class HotspotResult:
    """Gi* per cell (or area): z, p by ``method``, BH-adjusted q, hot/cold flags; NaN outside the mask."""

    counts: NDArray[np.float64]
    z: NDArray[np.float64]
    p: NDArray[np.float64]
    q: NDArray[np.float64]
    hot: NDArray[np.bool_]
    cold: NDArray[np.bool_]
    method: Method
    alpha: float
    n_permutations: int | None
    phi: float
    n_events: float
    n_cells: int


def permutations_needed(n_tests: int, alpha: float) -> int:
    """Smallest number of permutations ``n`` with ``1 / (n + 1) <= alpha / n_tests`` (so BH can reach alpha)."""
    alpha = check_alpha(alpha)
    return max(math.ceil(max(n_tests, 1) / alpha - 1 - 1e-9), 1)


def _z(s: NDArray[np.float64], k: NDArray[np.float64], values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Gi* z of window sums ``s`` over ``k`` cells given the study-area counts ``values`` (Ord & Getis 1995)."""
    n = values.size
    mean = values.mean()
    sd = math.sqrt(max(float(np.mean(values**2) - mean**2), 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        den = k * (n - k)
        den /= n - 1
        np.sqrt(den, out=den)
        den *= sd
        z: NDArray[np.float64] = np.asarray(s - k * mean, dtype=np.float64)
        z /= den
    z[~np.isfinite(z)] = 0.0
    return z


def _logcomb(n: NDArray[Any], k: NDArray[Any]) -> NDArray[np.float64]:
    ok = (k >= 0) & (k <= n)
    kk = np.where(ok, k, 0)
    out = special.gammaln(n + 1.0) - special.gammaln(kk + 1.0) - special.gammaln(n - kk + 1.0)
    return np.where(ok, out, -np.inf)


def exact_sum_distribution(values: NDArray[np.float64], kmax: int) -> NDArray[np.float64]:
    """P(S = s) for the sum S of c values drawn without replacement from integer ``values``, c = 0..kmax.

    Row c of the (kmax+1, smax+1) result is the distribution for c draws. Groups of equal values are added
    one at a time: drawing c from the first j groups takes t from group j with hypergeometric probability,
    so every table entry is a probability (no overflow).
    """
    v = np.rint(values).astype(np.int64)
    kmax = min(kmax, v.size)
    tally = np.bincount(v)
    vals = np.flatnonzero(tally)
    mult = tally[vals]
    top, left, smax = vals.size - 1, kmax, 0
    while left > 0:  # sum of the kmax largest values, from the tally
        take = min(left, int(mult[top]))
        smax += take * int(vals[top])
        left -= take
        top -= 1
    f = np.zeros((kmax + 1, smax + 1))
    f[0, 0] = 1.0
    c = np.arange(kmax + 1)
    m_prev = 0
    for value, m in zip(vals.tolist(), mult.tolist(), strict=True):
        m_all = m_prev + m
        new = np.zeros_like(f)
        for t in range(min(m, kmax) + 1):
            cc = c[t:]
            den = _logcomb(np.asarray(m_all), cc)
            num = _logcomb(np.asarray(m), np.asarray(t)) + _logcomb(np.asarray(m_prev), cc - t)
            h = np.where(
                np.isfinite(den) & np.isfinite(num), np.exp(num - np.where(np.isfinite(den), den, 0.0)), 0.0
            )
            shift = t * value
            if shift > smax:
                break
            new[t:, shift:] += h[:, None] * f[: kmax + 1 - t, : smax + 1 - shift]
        f = new
        m_prev = m_all
    return f


def _exact_p(
    s: NDArray[np.float64], k: NDArray[np.int64], values: NDArray[np.float64]
) -> NDArray[np.float64]:
    f = exact_sum_distribution(values, int(k.max()))
    upper = np.cumsum(f[:, ::-1], axis=1)[:, ::-1]
    lower = np.cumsum(f, axis=1)
    flat = np.clip(np.rint(s).astype(np.int64), 0, f.shape[1] - 1)
    flat += k * f.shape[1]
    p = upper.ravel()[flat]
    np.minimum(p, lower.ravel()[flat], out=p)
    p *= 2.0
    return np.minimum(p, 1.0, out=p)


def _draw_without(
    rng: np.random.Generator, n: int, size: tuple[int, int, int], held: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Per row r, ``size[1]`` x ``d`` indices drawn without replacement from range(n) minus ``held[r]``."""
    rows, nb, d = size
    taken = np.broadcast_to(held[:, None, None], (rows, nb, 1)).copy()
    out = np.empty((rows, nb, d), dtype=np.int64)
    for t in range(d):
        x = rng.integers(0, n - 1 - t, size=(rows, nb))
        srt = np.sort(taken, axis=2)
        for j in range(srt.shape[2]):
            x = x + (x >= srt[:, :, j])
        out[:, :, t] = x
        taken = np.concatenate([taken, x[:, :, None]], axis=2)
    return out


def _perm_p(
    s: NDArray[np.float64], k: NDArray[np.int64], y: NDArray[np.float64], values: NDArray[np.float64],
    n_perm: int, seed: int | None,
) -> NDArray[np.float64]:  # fmt: skip
    """Conditional permutation p: hold the cell's own count, draw the k-1 others from the other N-1 counts.

    Cells with the same own count and window size share one set of draws (their null is the same).
    Two-sided on the distance from the conditional mean; smallest possible p is 1 / (n_perm + 1).
    """
    rng = np.random.default_rng(seed)
    n = values.size
    total = values.sum()
    keys = np.stack([y, k.astype(np.float64)], axis=1)
    combos, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    first = np.full(len(combos), -1, dtype=np.int64)
    first[inverse[::-1]] = np.arange(n)[::-1]  # a cell holding each combo's own value
    mean = combos[:, 0] + (combos[:, 1] - 1) * (total - combos[:, 0]) / max(n - 1, 1)
    target = np.abs(s - mean[inverse])
    target = target - 1e-9 * (1.0 + target)
    exceed = np.zeros(n, dtype=np.int64)
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(len(combos)))
    ends = np.searchsorted(inverse[order], np.arange(len(combos)), side="right")
    for kk in np.unique(combos[:, 1]).astype(int).tolist():
        d = kk - 1
        ids = np.flatnonzero(combos[:, 1] == kk)
        if d == 0:
            continue  # the window is the cell alone: the held value is the statistic, p = 1
        block = max(1, min(n_perm, _CHUNK_BYTES // (8 * d * (d + 2))))
        for start in range(0, len(ids), max(1, _CHUNK_BYTES // (8 * d * (d + 2) * block))):
            chunk = ids[start : start + max(1, _CHUNK_BYTES // (8 * d * (d + 2) * block))]
            for b0 in range(0, n_perm, block):
                nb = min(block, n_perm - b0)
                idx = _draw_without(rng, n, (len(chunk), nb, d), first[chunk])
                sims = combos[chunk, 0][:, None] + values[idx].sum(axis=2)
                dev = np.sort(np.abs(sims - mean[chunk][:, None]), axis=1)
                for r, cid in enumerate(chunk.tolist()):
                    cells = order[starts[cid] : ends[cid]]
                    exceed[cells] += nb - np.searchsorted(dev[r], target[cells], side="left")
    p = (1.0 + exceed) / (n_perm + 1.0)
    p[k <= 1] = 1.0
    out: NDArray[np.float64] = np.minimum(p, 1.0)
    return out


def _result(
    counts: NDArray[np.float64], inside: NDArray[np.bool_], s: NDArray[np.float64], k: NDArray[np.int64],
    method: Method, alpha: float, n_permutations: int | None, seed: int | None,
) -> HotspotResult:  # fmt: skip
    """Shared part of :func:`gi_star` and :func:`gi_star_areas` (``s``, ``k`` over the cells in the mask)."""
    check_option("method", method, METHODS)
    alpha = check_alpha(alpha)
    every = bool(inside.all())
    y = counts.ravel() if every else counts[inside]
    n = y.size
    if n < 2:
        raise ValueError("Gi* needs at least two cells in the study area")
    z_in = _z(s, k.astype(np.float64), y)
    integer = bool(np.all(y == np.floor(y)))
    used: Method = method
    n_perm: int | None = None
    if method == "exact" and integer:
        kmax = int(k.max())
        work = (kmax + 1) ** 2 * (float(y.max()) * kmax + 1) * min(float(y.max()) + 1, n)
        if work > EXACT_BUDGET:
            used = "permutation"
    elif method == "exact":
        used = "permutation"
    if float(np.var(y)) == 0.0:
        p_in = np.ones(n)
    elif used == "exact":
        p_in = _exact_p(s, k, y)
    elif used == "analytical":
        p_in = np.minimum(1.0, 2.0 * stats.norm.sf(np.abs(z_in)))
    else:
        n_perm = n_permutations or min(permutations_needed(n, alpha), MAX_PERMUTATIONS)
        p_in = _perm_p(s, k, y, y, n_perm, seed)
    fdr = fdr_bh(p_in, alpha=alpha)

    def full(v: NDArray[Any], fill: Any) -> NDArray[Any]:
        if every:
            return v.reshape(counts.shape)
        out = np.full(counts.shape, fill, dtype=v.dtype)
        out[inside] = v
        return out

    q_in = fdr.adjusted
    hot = full(fdr.rejected & (z_in > 0), False)
    cold = full(fdr.rejected & (z_in < 0), False)
    mean = float(y.mean())
    phi = float(np.var(y, ddof=1) / mean) if mean > 0 else float("nan")
    return HotspotResult(
        counts=counts, z=full(z_in, np.nan), p=full(p_in, np.nan), q=full(np.asarray(q_in), np.nan),
        hot=hot, cold=cold, method=used, alpha=alpha, n_permutations=n_perm, phi=phi,
        n_events=float(y.sum()), n_cells=int(n),
    )  # fmt: skip


def _grid_input(counts: ArrayLike, mask: ArrayLike | None) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 2:
        raise ValueError(f"counts must be a two-dimensional grid, got shape {c.shape}")
    inside = np.isfinite(c) if mask is None else (np.asarray(mask, dtype=bool) & np.isfinite(c))
    if inside.shape != c.shape:
        raise ValueError("mask must have the shape of counts")
    if np.any(c[inside] < 0):
        raise ValueError("counts must not be negative")
    return c, inside


def gi_star_z(counts: ArrayLike, radius: int = 1, mask: ArrayLike | None = None) -> NDArray[np.float64]:
    """Gi* z per grid cell with a (2r+1)^2 binary window including the cell; NaN outside ``mask``.

    Cells outside the mask (or NaN) are absent: not in the window and not in the mean and variance.
    Equals esda ``G_Local(y, w, star=True, transform="B").Zs`` with queen lattice weights plus self.
    """
    c, inside = _grid_input(counts, mask)
    y = np.where(inside, c, 0.0)
    s = window_sum(y, radius)[inside]
    k = window_size(c.shape, radius, inside)[inside]
    out = np.full(c.shape, np.nan)
    out[inside] = _z(s, k.astype(np.float64), c[inside])
    return out


def gi_star(
    counts: ArrayLike, *, radius: int = 1, mask: ArrayLike | None = None, method: Method = "exact",
    alpha: float = 0.05, n_permutations: int | None = None, seed: int | None = 0,
) -> HotspotResult:  # fmt: skip
    """Gi* hot and cold spots on a grid of counts, p by ``method``, Benjamini-Hochberg over the mask.

    ``method="exact"`` (default) needs whole counts; otherwise it falls back to conditional permutation
    with ``permutations_needed(n_cells, alpha)`` permutations (``result.method`` says what was used).
    """
    c, inside = _grid_input(counts, mask)
    if inside.all():  # no copies of a million cells: flat views
        s = window_sum(c, radius).ravel()
        k = window_size(c.shape, radius).ravel()
    else:
        y = np.where(inside, c, 0.0)
        s = window_sum(y, radius)[inside]
        k = window_size(c.shape, radius, inside)[inside]
    return _result(c, inside, s, k, method, alpha, n_permutations, seed)


def gi_star_areas(
    counts: ArrayLike, neighbours: Sequence[Sequence[int]], *, method: Method = "exact", alpha: float = 0.05,
    n_permutations: int | None = None, seed: int | None = 0,
) -> HotspotResult:  # fmt: skip
    """Gi* on areas (e.g. buurten): window = the area plus its contiguous ``neighbours`` (self added)."""
    c = np.asarray(counts, dtype=np.float64).reshape(-1)
    n = c.size
    if len(neighbours) != n:
        raise ValueError(f"neighbours has {len(neighbours)} entries for {n} areas")
    if not np.all(np.isfinite(c)) or np.any(c < 0):
        raise ValueError("area counts must be finite and non-negative")
    rows = [i for i in range(n) for j in set(neighbours[i]) if j != i] + list(range(n))
    cols = [j for i in range(n) for j in set(neighbours[i]) if j != i] + list(range(n))
    w = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    s = np.asarray(w @ c, dtype=np.float64)
    k = np.asarray(w.sum(axis=1)).reshape(-1).astype(np.int64)
    return _result(c, np.ones(n, dtype=bool), s, k, method, alpha, n_permutations, seed)


def area_neighbours(geometries: Sequence[Any]) -> list[list[int]]:
    """Queen contiguity: for each geometry the indices of the others it touches or overlaps."""
    import shapely

    geoms = np.asarray(list(geometries), dtype=object)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    out: list[list[int]] = [[] for _ in range(len(geoms))]
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i != j:
            out[i].append(j)
    return [sorted(set(o)) for o in out]


def classify_periods(results: Sequence[HotspotResult]) -> NDArray[np.str_]:
    """Per cell, how a hot spot developed over periods (``results`` oldest first, at least two, same shape).

    Rule (h = hot flag per period, T = last period, d = (z_T - z_{T-1}) / sqrt(2), c = z_{1-alpha/2}):
    never hot: ""; hot in T only: "nieuw"; hot in T and T-1: "toenemend" if d > c, "afnemend" if
    d < -c, else "blijvend"; hot in T-1 but not in T: "verdwenen"; any other pattern (hot earlier, not
    in both of the last two periods): "sporadisch".
    """
    if len(results) < 2:
        raise ValueError("classify_periods needs at least two periods")
    shape = results[0].z.shape
    if any(r.z.shape != shape for r in results):
        raise ValueError("all periods must have the same cells")
    h = np.stack([r.hot for r in results])
    z = np.stack([np.nan_to_num(r.z) for r in results])
    c = stats.norm.isf(results[-1].alpha / 2)
    d = (z[-1] - z[-2]) / math.sqrt(2.0)
    earlier = h[:-1].any(axis=0)
    last, prev = h[-1], h[-2]
    out = np.full(shape, "", dtype="<U10")
    out[earlier | last] = "sporadisch"
    out[last & ~earlier] = "nieuw"
    both = last & prev
    out[both] = "blijvend"
    out[both & (d > c)] = "toenemend"
    out[both & (d < -c)] = "afnemend"
    out[prev & ~last] = "verdwenen"
    return out


def _null_sf(mean: float, phi: float) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    if phi <= 1.0 + 1e-12:
        return lambda s: np.asarray(stats.poisson.sf(s - 1, mean), dtype=np.float64)
    size = mean / (phi - 1.0)
    return lambda s: np.asarray(stats.nbinom.sf(s - 1, size, 1.0 / phi), dtype=np.float64)


#: Above this many events expected per window the power uses normal tails (the counts are large; the
#: exact tables would be long and slow to convolve).
LARGE_WINDOW_MEAN = 400.0


def _normal_power(
    avg: float, base: float, k: int, overlap: NDArray[np.float64], ratio: float, phi: float, alpha: float,
    n_cells: int, offsets: list[tuple[int, int]],
) -> float:  # fmt: skip
    """:func:`sufficiency`'s power with normal tails: null N(k avg, phi k avg); a window overlapping the
    block by ``o`` cells N(k base + e, phi k base + e) with ``e = o (ratio - 1) base`` extra events."""
    mu0, sd0 = k * avg, math.sqrt(phi * k * avg)
    extra = overlap * (ratio - 1.0) * base
    mu1 = k * base + extra
    sd1 = np.sqrt(phi * k * base + extra)

    def rejected(level: float) -> NDArray[np.float64]:
        crit = mu0 + sd0 * float(stats.norm.isf(level / 2))
        return np.asarray(stats.norm.sf((crit - mu1) / sd1), dtype=np.float64)

    level = alpha / n_cells
    for _ in range(6):
        expected = rejected(level).sum() + (n_cells - len(offsets)) * level
        level = alpha * max(1.0, expected) / n_cells
    return float(min(1.0, rejected(level)[offsets.index((0, 0))]))


def sufficiency(
    n_events: int, n_cells: int, *, ratio: float = 2.0, window_cells: int = 9, alpha: float = 0.05,
    phi: float = 1.0, target: float = 0.8, method: Method = "exact",
) -> Sufficiency:  # fmt: skip
    """Power that a block of ``window_cells`` cells at ``ratio`` x the rate of the others is flagged hot.

    Model: ``n_events`` fall over ``n_cells`` cells, the block's cells ``ratio`` times as likely: each
    cell has the background (Poisson, or negative binomial with variance ``phi`` x mean) and the block's
    cells Poisson extra events at ``ratio - 1`` times the background rate on top (what planting does). Flagged = the window centred on the block rejects under BH over ``n_cells`` windows. The null
    window sum is Poisson (negative binomial with ``phi`` > 1) with the average rate; the BH level is
    ``alpha * R / n_cells`` with R the expected number of rejections (the block's overlapping windows plus
    null windows), solved by a few fixed-point steps. Alternative window sums are Poisson/NB with their
    mean. Checked against simulation in the tests.
    """
    alpha = check_alpha(alpha)
    side = round(math.sqrt(window_cells))
    square = side * side == window_cells and side % 2 == 1
    offsets = (
        [(dx, dy) for dx in range(-side + 1, side) for dy in range(-side + 1, side)] if square else [(0, 0)]
    )
    overlap = np.array(
        [(side - abs(a)) * (side - abs(b)) if square else window_cells for a, b in offsets], float
    )

    def power_of(n: int) -> float:
        base = n / (n_cells - window_cells + window_cells * ratio)
        avg = n / n_cells
        mean_alt = base * (window_cells + overlap * (ratio - 1.0))
        if window_cells * avg > LARGE_WINDOW_MEAN:
            return _normal_power(avg, base, window_cells, overlap, ratio, phi, alpha, n_cells, offsets)
        null_sf = _null_sf(window_cells * avg, phi)
        smax = int(mean_alt.max() + 12 * math.sqrt(phi * mean_alt.max() + 1) + 20)
        grid_s = np.arange(smax + 1, dtype=np.float64)
        if method == "analytical":
            sd = math.sqrt(phi * window_cells * avg) or 1.0
            pvals = 2 * stats.norm.sf((grid_s - window_cells * avg) / sd)
        else:
            pvals = np.minimum(1.0, 2 * null_sf(grid_s))
        # Planted events come on top of the background: background (Poisson / NB with phi) plus Poisson
        # extra events in the block's cells, convolved.
        background = np.diff(np.concatenate([[0.0], 1 - _null_sf(window_cells * base, phi)(grid_s + 1)]))
        alt = np.stack(
            [
                np.clip(signal.fftconvolve(background, stats.poisson.pmf(grid_s, extra))[: grid_s.size], 0, 1)
                for extra in overlap * (ratio - 1.0) * base
            ]
        )
        level = alpha / n_cells
        for _ in range(6):
            rej = (alt * (pvals <= level)).sum(axis=1)
            expected = rej.sum() + (n_cells - len(offsets)) * level
            level = alpha * max(1.0, expected) / n_cells
        centre = offsets.index((0, 0))
        return float(min(1.0, (alt[centre] * (pvals <= level)).sum()))

    power = power_of(int(n_events))
    need = needed_events(power_of, target=target)
    return Sufficiency(
        question="hotplace", n_events=int(n_events), n_cells=int(n_cells), ratio=float(ratio), power=power,
        needed=need, alpha=alpha, target_power=target, cells_in_hotspot=int(window_cells), phi=float(phi),
    )  # fmt: skip
