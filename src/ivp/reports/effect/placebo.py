"""Placebo areas: the same shape and periods elsewhere in the municipality, to measure how much areas
drift apart by themselves (the between-area variance of :mod:`ivp.stats.heterogeneity`).

The treated area (and its buffer ring) is moved so that its centre lands on the place of a random event
of the target types, at least one buffer width clear of the real treated area and buffer (so no placebo
holds the real effect). For each placebo the before/while-on sums of the placebo area, its ring and the
rest give the two-unit difference-in-differences estimate ``log((P1/C1)/(P0/C0))`` (the Poisson MLE of
the same model, see :func:`ivp.stats.effect.did`) and its variance
``phi (1/P0 + 1/P1 + 1/C0 + 1/C1)``. The placebos are seeded by the intervention's id, so a report made
twice gives the same interval.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
import shapely.affinity
from numpy.typing import NDArray

from ivp.reports.effect.areas import EvaluationAreas, within
from ivp.reports.effect.counts import CountTable
from ivp.stats.heterogeneity import calibrated_tau2, dersimonian_laird

#: Placebo areas drawn per evaluation, and the fewest usable ones for an estimate of the spread.
N_PLACEBOS = 200
MIN_PLACEBOS = 20
#: A placebo is used when its area holds at least this many events before and while on.
MIN_COUNT = 5


@dataclass(frozen=True)
class PlaceboSpread:
    """Between-area variance (log scale) of the treated area's and the buffer's estimate."""

    n: int
    tau2: float
    tau2_buffer: float
    mean: float  # random-effects mean of the placebo estimates (log scale): a random area's typical "effect"
    drawn: int
    estimates: tuple[float, ...] = ()
    variances: tuple[float, ...] = ()

    @property
    def usable(self) -> bool:
        return self.n >= MIN_PLACEBOS


def event_bins(begin: pd.Series, table: CountTable) -> NDArray[np.intp]:
    """Per event: the index of its bin in ``table``, or -1 when it falls in no bin of the window."""
    starts = np.array([b.start for b in table.bins], dtype="datetime64[D]")
    ends = np.array([b.end for b in table.bins], dtype="datetime64[D]")
    days = begin.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    pos = np.searchsorted(starts, days, side="right") - 1
    ok = (pos >= 0) & (days < ends[np.clip(pos, 0, None)])
    return np.where(ok, pos, -1).astype(np.intp)


def _share_fit(
    area: NDArray[np.float64], rest: NDArray[np.float64], design: NDArray[np.float64]
) -> tuple[float, float]:
    """The last coefficient of the logistic regression of ``area / (area + rest)`` per bin on ``design``
    and its unscaled variance: the two-unit Poisson model with period effects, conditional on the bin
    totals (each bin's total fixed), which is what :func:`ivp.stats.effect.did` fits for two units."""
    n = area + rest
    keep = n > 0
    x, k, n = design[keep], area[keep], n[keep]
    beta: NDArray[np.float64] = np.zeros(x.shape[1])
    p: NDArray[np.float64] = np.clip(k / n, 0.01, 0.99)
    eta: NDArray[np.float64] = np.log(p / (1 - p))
    for _step in range(30):
        p = np.asarray(1 / (1 + np.exp(-eta)), dtype=np.float64)
        w = n * p * (1 - p)
        z = eta + (k - n * p) / np.maximum(w, 1e-12)
        xw = x * w[:, None]
        new = np.asarray(np.linalg.solve(x.T @ xw, xw.T @ z), dtype=np.float64)
        if np.max(np.abs(new - beta)) < 1e-10:
            beta = new
            break
        beta = new
        eta = np.asarray(x @ beta, dtype=np.float64)
    p = np.asarray(1 / (1 + np.exp(-(x @ beta))), dtype=np.float64)
    w = n * p * (1 - p)
    cov = np.linalg.inv(x.T @ (x * w[:, None]))
    return float(beta[-1]), float(cov[-1, -1])


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def placebo_spread(
    areas: EvaluationAreas,
    frame: pd.DataFrame,
    table: CountTable,
    dispersion: float,
    *,
    key: str,
    n: int = N_PLACEBOS,
    level: float = 0.95,
    trend: bool = False,
) -> PlaceboSpread:
    """Draw ``n`` placebo areas over the events of ``frame`` (target types only) and estimate the spread."""
    x = frame["x_rd"].to_numpy(dtype="float64")
    y = frame["y_rd"].to_numpy(dtype="float64")
    placed = np.isfinite(x) & np.isfinite(y)
    x, y = x[placed], y[placed]
    bins = event_bins(frame["begin_at"][placed], table)
    used = bins >= 0
    x, y, bins = x[used], y[used], bins[used]
    n_bins = len(table.bins)
    totals = np.bincount(bins, minlength=n_bins).astype(np.float64)
    active = table.active.astype(np.float64)
    t = np.cumsum(table.days) / 365.25
    columns = [np.ones(n_bins)] + ([t - t.mean()] if trend else []) + [active]
    design = np.column_stack(columns)
    real = shapely.union(areas.treated, areas.buffer)
    keep_out = real.buffer(areas.buffer_m)
    candidates = np.flatnonzero(~within(keep_out, x, y))
    rng = np.random.default_rng(_seed(key))
    centre = areas.treated.centroid
    estimates: list[float] = []
    variances: list[float] = []
    ring_estimates: list[float] = []
    ring_variances: list[float] = []
    drawn = 0
    if len(candidates) == 0 or totals[table.pre].sum() <= 0 or totals[table.active].sum() <= 0:
        return PlaceboSpread(0, 0.0, 0.0, float("nan"), 0)
    for i in rng.choice(candidates, size=min(n, len(candidates)), replace=False):
        drawn += 1
        dx, dy = float(x[i] - centre.x), float(y[i] - centre.y)
        shape = shapely.affinity.translate(areas.treated, dx, dy)
        if shape.intersects(real):
            continue
        ring = shapely.affinity.translate(areas.buffer, dx, dy)
        inside = np.bincount(bins[within(shape, x, y)], minlength=n_bins).astype(np.float64)
        around = np.bincount(bins[within(ring, x, y)], minlength=n_bins).astype(np.float64)
        rest = totals - inside - around
        if min(inside[table.pre].sum(), inside[table.active].sum()) < MIN_COUNT:
            continue
        try:
            b, v = _share_fit(inside, rest, design)
        except np.linalg.LinAlgError:
            continue
        estimates.append(b)
        variances.append(dispersion * v)
        if min(around[table.pre].sum(), around[table.active].sum()) >= MIN_COUNT:
            try:
                b, v = _share_fit(around, rest, design)
            except np.linalg.LinAlgError:
                continue
            ring_estimates.append(b)
            ring_variances.append(dispersion * v)
    mean, _dl = dersimonian_laird(np.array(estimates), np.array(variances))
    tau2 = calibrated_tau2(np.array(estimates), np.array(variances), level=level)
    tau2_b = calibrated_tau2(np.array(ring_estimates), np.array(ring_variances), level=level)
    return PlaceboSpread(len(estimates), tau2, tau2_b, mean, drawn, tuple(estimates), tuple(variances))
