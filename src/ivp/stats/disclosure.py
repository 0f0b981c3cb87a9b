"""Disclosure control for tables of counts: primary and complementary cell suppression.

Counts built from reports or cases can identify people when they are small. Cells with
``0 < count < threshold`` are suppressed (shown as, for example, "<5"). If a row or a column then has
exactly one suppressed cell, its value follows from the row or column total, so a second
(complementary) cell in that line is suppressed as well: the smallest other non-zero cell.

This heuristic guarantees that no suppressed cell can be recovered from a single row or column
equation. It does not solve the full cell-suppression problem (bounds that an attacker can derive by
combining several equations), which needs linear programming as in tau-ARGUS.

References
----------
.. [1] Cox, L. H. (1980). Suppression methodology and statistical disclosure control. *Journal of the
   American Statistical Association* 75(370), 377-385.
.. [2] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, chapter 4 (magnitude and
   frequency tables, secondary suppression).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ivp.stats._checks import as_counts

__all__ = ["DEFAULT_THRESHOLD", "suppress_small"]

#: Counts below this (and above 0) are suppressed by default.
DEFAULT_THRESHOLD = 5


def suppress_small(table: ArrayLike, *, threshold: int = DEFAULT_THRESHOLD) -> NDArray[np.bool_]:
    """Cells to suppress in a 2-D table of counts: primary plus complementary suppression.

    1. Primary: every cell with ``0 < count < threshold``.
    2. Complementary, repeated until nothing changes: in each row and each column (of at least two
       cells) with exactly one suppressed cell, also suppress the smallest unsuppressed cell, preferring
       non-zero cells (a suppressed zero protects little, as zeros are often known) and, among equals,
       the first.

    Afterwards no row or column has exactly one suppressed cell, so row and column totals can be
    published without revealing a suppressed value. Zeros are not suppressed as primary cells.

    Parameters
    ----------
    table : array_like of int, 2-D
        Non-negative whole counts (rows x columns).
    threshold : int, default 5
        Smallest count that may be shown.

    Returns
    -------
    ndarray of bool
        True for cells to suppress, same shape as ``table``.

    Raises
    ------
    ValueError
        For a table that is not 2-D, negative or non-whole counts, or a ``threshold`` below 1.

    References
    ----------
    .. [1] Cox, L. H. (1980). *JASA* 75, 377-385.
    .. [2] Hundepool, A. et al. (2012). *Statistical Disclosure Control*, chapter 4.

    Examples
    --------
    >>> table = [[12, 3, 40],
    ...          [25, 30, 18],
    ...          [ 9, 14, 22]]
    >>> suppress_small(table).astype(int).tolist()
    [[1, 1, 0], [0, 0, 0], [1, 1, 0]]
    """
    if int(threshold) != threshold or threshold < 1:
        raise ValueError(f"threshold must be a whole number >= 1, got {threshold!r}")
    values = as_counts(table, "table")
    if values.ndim != 2:
        raise ValueError(f"table must be 2-D, got {values.ndim} dimension(s)")
    masked = (values > 0) & (values < threshold)
    # Sort key for complementary cells: non-zero cells first, then the smallest.
    cost = np.where(values > 0, values, np.inf)
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):  # rows, then columns
            lines = masked if axis == 1 else masked.T
            line_values = values if axis == 1 else values.T
            line_cost = cost if axis == 1 else cost.T
            if lines.shape[1] < 2:
                continue
            single = np.flatnonzero(lines.sum(axis=1) == 1)
            for i in single:
                candidates = np.where(lines[i], np.nan, line_cost[i])
                if np.all(np.isinf(candidates[~lines[i]])):  # only zeros left: take the smallest (a zero)
                    candidates = np.where(lines[i], np.nan, line_values[i])
                j = int(np.nanargmin(candidates))
                lines[i, j] = True  # a view: writes through to ``masked``
                changed = True
    return masked
