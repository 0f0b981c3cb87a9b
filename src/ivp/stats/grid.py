"""A regular grid in RD New (EPSG:28992) metres, counts per cell and moving-window sums.

Cell edges lie at multiples of ``cell`` metres (so grids of different data line up). Row ``iy`` counts
northwards from ``y0``, column ``ix`` eastwards from ``x0``. Window sums over a (2r+1) x (2r+1) square
(the cell itself and its neighbours, queen style) are computed with two-dimensional cumulative sums, so
their cost does not depend on the window size.

Examples
--------
>>> g = grid_for([150.0, 420.0], [90.0, 310.0], cell=100.0, margin=0)
>>> (g.x0, g.y0, g.nx, g.ny)
(100.0, 0.0, 4, 4)
>>> grid_counts(g, [150.0, 420.0, 430.0], [90.0, 310.0, 399.0])[3].tolist()
[0.0, 0.0, 0.0, 2.0]
>>> window_sum(np.ones((3, 3)), 1).tolist()
[[4.0, 6.0, 4.0], [6.0, 9.0, 6.0], [4.0, 6.0, 4.0]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Grid", "grid_counts", "grid_for", "window_size", "window_sum"]


@dataclass(frozen=True)
class Grid:
    """Regular grid: lower-left corner ``(x0, y0)``, square cells of ``cell`` metres, ``ny`` rows x ``nx`` columns."""

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int

    def cell_of(self, x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """(row, column) of each point; -1 for both when the point is unknown (NaN) or outside the grid."""
        xa = np.asarray(x, dtype=np.float64)
        ya = np.asarray(y, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            fx = np.floor((xa - self.x0) / self.cell)
            fy = np.floor((ya - self.y0) / self.cell)
            ok = np.isfinite(fx) & np.isfinite(fy) & (fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny)
        ix = np.where(ok, fx, -1).astype(np.intp)
        iy = np.where(ok, fy, -1).astype(np.intp)
        return iy, ix

    def centres(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Cell centres as two (ny, nx) arrays: x and y."""
        xs = self.x0 + (np.arange(self.nx) + 0.5) * self.cell
        ys = self.y0 + (np.arange(self.ny) + 0.5) * self.cell
        gx, gy = np.meshgrid(xs, ys)
        return gx.astype(np.float64), gy.astype(np.float64)

    def bounds(self, row: int, col: int) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of one cell."""
        xmin = self.x0 + col * self.cell
        ymin = self.y0 + row * self.cell
        return (xmin, ymin, xmin + self.cell, ymin + self.cell)


def grid_for(
    x: ArrayLike,
    y: ArrayLike,
    cell: float = 100.0,
    *,
    margin: int = 1,
    bounds: tuple[float, float, float, float] | None = None,
) -> Grid:
    """The grid covering the points (or ``bounds`` = (xmin, ymin, xmax, ymax)) plus ``margin`` cells around.

    Edges are snapped to multiples of ``cell``. Raises ``ValueError`` without any known point or bounds.
    """
    if not cell > 0:
        raise ValueError(f"cell must be positive, got {cell!r}")
    if bounds is None:
        xa = np.asarray(x, dtype=np.float64)
        ya = np.asarray(y, dtype=np.float64)
        ok = np.isfinite(xa) & np.isfinite(ya)
        if not ok.any():
            raise ValueError("no point with known coordinates to build a grid on")
        bounds = (float(xa[ok].min()), float(ya[ok].min()), float(xa[ok].max()), float(ya[ok].max()))
    xmin, ymin, xmax, ymax = bounds
    x0 = (math.floor(xmin / cell) - margin) * cell
    y0 = (math.floor(ymin / cell) - margin) * cell
    nx = int(math.floor(xmax / cell) + margin + 1 - (x0 / cell))
    ny = int(math.floor(ymax / cell) + margin + 1 - (y0 / cell))
    return Grid(x0=float(x0), y0=float(y0), cell=float(cell), nx=max(nx, 1), ny=max(ny, 1))


def grid_counts(
    grid: Grid, x: ArrayLike, y: ArrayLike, weights: ArrayLike | None = None
) -> NDArray[np.float64]:
    """Number (or sum of ``weights``) of points per cell, shape (ny, nx); unknown or outside points dropped."""
    iy, ix = grid.cell_of(x, y)
    ok = iy >= 0
    w = None
    if weights is not None:
        wa = np.broadcast_to(np.asarray(weights, dtype=np.float64), iy.shape)
        ok &= np.isfinite(wa)
        w = wa[ok]
    flat = iy[ok] * grid.nx + ix[ok]
    counts = np.bincount(flat, weights=w, minlength=grid.nx * grid.ny).astype(np.float64)
    return counts.reshape(grid.ny, grid.nx)


def window_sum(values: ArrayLike, radius: int = 1) -> NDArray[np.float64]:
    """Sum over the (2r+1) x (2r+1) square around each cell, the cell included; zero beyond the edge."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2:
        raise ValueError(f"values must be two-dimensional, got shape {v.shape}")
    if radius < 0:
        raise ValueError(f"radius must be >= 0, got {radius}")
    ny, nx = v.shape
    c = np.zeros((ny + 1, nx + 1), dtype=np.float64)
    np.cumsum(v, axis=0, out=c[1:, 1:])
    np.cumsum(c[1:, 1:], axis=1, out=c[1:, 1:])
    r0 = np.clip(np.arange(ny) - radius, 0, ny)
    r1 = np.clip(np.arange(ny) + radius + 1, 0, ny)
    c0 = np.clip(np.arange(nx) - radius, 0, nx)
    c1 = np.clip(np.arange(nx) + radius + 1, 0, nx)
    rows = c[r1]
    rows -= c[r0]
    del c
    out: NDArray[np.float64] = rows[:, c1]
    out -= rows[:, c0]
    return out


def window_size(shape: tuple[int, int], radius: int = 1, mask: ArrayLike | None = None) -> NDArray[np.int64]:
    """Number of cells (inside ``mask`` when given) in each cell's window."""
    if mask is None or bool(np.all(mask)):
        ny, nx = shape
        rows = np.minimum(np.arange(ny) + radius + 1, ny) - np.maximum(np.arange(ny) - radius, 0)
        cols = np.minimum(np.arange(nx) + radius + 1, nx) - np.maximum(np.arange(nx) - radius, 0)
        return np.outer(rows, cols).astype(np.int64)
    return np.rint(window_sum(np.asarray(mask, dtype=np.float64), radius)).astype(np.int64)
