"""Linear programs behind :mod:`ivp.stats.disclosure`: joint cell suppression and the attacker's bounds.

A table of counts is described as a vector of *all* published cells (interior cells and every total)
plus a sparse relation matrix ``A`` with ``A @ values == 0`` (one row per additivity relation, such as
``total - sum(parts) = 0``). Suppression is protected against an attacker who knows every unsuppressed
value, every relation, and that cells are non-negative whole numbers (the audit of tau-ARGUS).

For each primary cell ``p`` with value ``v`` and each direction, :func:`protect` searches an *adjustment*
``d`` with ``A d = 0``, ``values + d >= 0`` and ``d[p] >= threshold - v`` (upwards) or ``d[p] = -v``
(downwards), at the least cost on cells not yet suppressed (Fischetti & Salazar-González 2000, the
"attacker subproblem" turned round), and suppresses every cell that ``d`` changes. Then ``values + d``
is a table the attacker cannot tell apart from the true one, so the attacker's maximum of ``p`` is at
least ``threshold`` and the minimum at most 0. The suppressed set only grows, so an adjustment found
for one cell remains valid when later cells are protected: no verification pass is needed. When the
linear program returns a fractional ``d`` (possible for tables of three or more dimensions), the
search is repeated as a mixed-integer program so that ``values + d`` is a table of whole numbers.

References
----------
.. [1] Cox, L. H. (1980). Suppression methodology and statistical disclosure control. *JASA* 75(370),
   377-385.
.. [2] Fischetti, M. & Salazar-González, J. J. (2000). Models and algorithms for optimizing cell
   suppression in tabular data with linear constraints. *Mathematical Programming* 84, 283-312.
.. [3] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, chapter 4.
.. [4] de Wolf, P.-P. et al. *tau-ARGUS user's manual*, Statistics Netherlands (protection levels,
   the audit of a suppression pattern).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from ivp.stats._checks import as_counts

__all__ = ["DEFAULT_THRESHOLD", "as_relations", "attacker_bounds", "protect"]

#: Counts below this (and above 0) are suppressed by default.
DEFAULT_THRESHOLD = 5

_TOL = 1e-6


def as_relations(relations: Any, n: int) -> sparse.csr_array:
    """Return ``relations`` as a sparse CSR array with ``n`` columns; raise ``ValueError`` otherwise."""
    matrix = sparse.csr_array(relations, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != n:
        raise ValueError(
            f"relations must be a matrix with one column per cell ({n}), got shape {matrix.shape}"
        )
    if not np.all(np.isfinite(matrix.data)):
        raise ValueError("relations must be finite, got NaN or infinity")
    return matrix


def _checked(
    values: ArrayLike, relations: Any, threshold: int
) -> tuple[NDArray[np.float64], sparse.csr_array]:
    if int(threshold) != threshold or threshold < 1:
        raise ValueError(f"threshold must be a whole number >= 1, got {threshold!r}")
    cells = as_counts(values, "values")
    if cells.ndim != 1:
        raise ValueError(f"values must be 1-D (one entry per published cell), got {cells.ndim}-D")
    matrix = as_relations(relations, cells.size)
    residual = matrix @ cells
    if residual.size and np.max(np.abs(residual)) > _TOL * (1 + np.max(cells, initial=0)):
        row = int(np.argmax(np.abs(residual)))
        raise ValueError(
            f"values do not satisfy the relations: row {row} of relations @ values is {residual[row]:g}, not 0"
        )
    return cells, matrix


def _primary_mask(cells: NDArray[np.float64], threshold: int, primary: ArrayLike | None) -> NDArray[np.bool_]:
    if primary is None:
        return (cells > 0) & (cells < threshold)
    mask = np.asarray(primary, dtype=bool)
    if mask.shape != cells.shape:
        raise ValueError(f"primary must have the shape of values {cells.shape}, got {mask.shape}")
    return mask & (cells > 0)  # a zero needs no protection: its lower level is 0 already


def _run(
    matrix: sparse.csr_array,
    cost: NDArray[np.float64],
    lower: NDArray[np.float64],
    upper: NDArray[np.float64],
    rows: sparse.csr_array | None,
    rows_upper: NDArray[np.float64] | None,
    *,
    integer: bool,
) -> NDArray[np.float64] | None:
    """Solve ``min cost @ x`` with ``matrix @ x == 0``, optional ``rows @ x <= rows_upper`` and bounds."""
    if integer:
        cons = [LinearConstraint(matrix, 0.0, 0.0)] if matrix.shape[0] else []
        if rows is not None and rows_upper is not None:
            cons.append(LinearConstraint(rows, -np.inf, rows_upper))
        result = milp(cost, constraints=cons, integrality=np.ones(cost.size), bounds=Bounds(lower, upper))
    else:
        result = linprog(
            cost,
            A_eq=matrix if matrix.shape[0] else None,
            b_eq=np.zeros(matrix.shape[0]) if matrix.shape[0] else None,
            A_ub=rows,
            b_ub=rows_upper,
            bounds=np.column_stack([lower, upper]),
            method="highs",
        )
    if result.status != 0 or result.x is None:
        return None
    return np.asarray(result.x, dtype=np.float64)


def _adjust(
    matrix: sparse.csr_array,
    cells: NDArray[np.float64],
    cols: NDArray[np.intp],
    cost: NDArray[np.float64],
    cell: int,
    change: float,
    *,
    up: bool,
    integer: bool,
) -> NDArray[np.float64] | None:
    """A least-cost adjustment ``d`` (``A d = 0``, ``cells + d >= 0``, zero outside ``cols``) moving ``cell``.

    Upwards ``d[cell] >= change``, downwards ``d[cell] == -change``; None when there is none.
    """
    k = cols.size
    sub = matrix[:, cols]
    where = int(np.searchsorted(cols, cell))
    # Variables: d_plus (k) then d_minus (k); d = d_plus - d_minus.
    lower = np.zeros(2 * k)
    upper = np.concatenate([np.full(k, np.inf), cells[cols]])
    if up:
        lower[where], upper[k + where] = change, 0.0
    else:
        upper[where], lower[k + where] = 0.0, change
    stacked = sparse.csr_array(sparse.hstack([sub, -sub], format="csr"))
    x = _run(stacked, np.concatenate([cost[cols], cost[cols]]), lower, upper, None, None, integer=integer)
    if x is None:
        return None
    d = np.zeros(cells.size)
    d[cols] = x[:k] - x[k:]
    return d


def _integral(d: NDArray[np.float64]) -> bool:
    return bool(np.all(np.abs(d - np.round(d)) <= _TOL))


def protect(
    values: ArrayLike,
    relations: Any,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    primary: ArrayLike | None = None,
    cost: ArrayLike | None = None,
) -> NDArray[np.bool_]:
    """Cells to suppress so that every primary cell keeps the interval [0, threshold] against an attacker.

    Protection requirement (tau-ARGUS protection levels): for every primary cell with value ``v``, an
    attacker who knows every published (unsuppressed) value, every relation and that cells are
    non-negative whole numbers, and who minimises and maximises the cell by (integer) linear
    programming, finds a minimum <= 0 and a maximum >= ``threshold``: lower protection level ``v``,
    upper protection level ``threshold - v``. Totals are cells like any other, so a suppressed total is
    protected by the same rule, and cells shared by several tables are protected jointly.

    Method: for each primary cell and direction, a least-cost adjustment ``d`` with
    ``relations @ d == 0`` and ``values + d >= 0`` that moves the cell to ``threshold`` (or above) and to
    0 is found by linear programming (HiGHS), at cost 0 on cells already suppressed and ``cost`` per unit
    of change elsewhere; every cell it changes is suppressed. A fractional ``d`` is recomputed as a
    mixed-integer program. Adjustments found earlier are reused when they already cover a cell, and
    an adjustment among the suppressed cells alone (a smaller program) is tried first.

    Parameters
    ----------
    values : array_like of int, 1-D
        Every published cell (interior cells and totals), non-negative whole counts.
    relations : sparse or dense matrix, shape (m, n)
        Additivity relations: ``relations @ values == 0`` (e.g. a row ``total - sum(parts)``). Build it
        with :func:`ivp.stats.disclosure.table_relations`, :func:`~ivp.stats.disclosure.hierarchy_relations`,
        :func:`~ivp.stats.disclosure.product_relations` and :func:`~ivp.stats.disclosure.combine_relations`.
    threshold : int, default 5
        Smallest count that may be shown; cells with ``0 < v < threshold`` are primary.
    primary : array_like of bool, optional
        Primary cells instead of the threshold rule (zeros in it are ignored).
    cost : array_like of float, optional
        Cost per unit of change of each cell when it has to be suppressed as a complement (default
        ``1 + log(1 + v)``: prefer small cells, but not at any price). Must be positive.

    Returns
    -------
    ndarray of bool
        True for cells to suppress (primary and complementary), same shape as ``values``.

    Raises
    ------
    ValueError
        For negative or non-whole values, values that break the relations, a relation matrix of the
        wrong width, a ``threshold`` below 1, or a ``primary``/``cost`` of the wrong shape.

    References
    ----------
    .. [1] Fischetti, M. & Salazar-González, J. J. (2000). *Mathematical Programming* 84, 283-312.
    .. [2] Hundepool, A. et al. (2012). *Statistical Disclosure Control*, chapter 4.
    .. [3] de Wolf, P.-P. et al. *tau-ARGUS user's manual*.

    Examples
    --------
    A total of three parts (the total is the last cell); the 2 needs one partner:

    >>> from ivp.stats.disclosure import hierarchy_relations
    >>> values = [2, 9, 30, 41]
    >>> relations = hierarchy_relations([3, 3, 3, -1])
    >>> protect(values, relations).astype(int).tolist()
    [1, 1, 0, 0]
    """
    cells, matrix = _checked(values, relations, threshold)
    primaries = _primary_mask(cells, threshold, primary)
    if cost is None:
        weights = 1.0 + np.log1p(cells)
    else:
        weights = np.asarray(cost, dtype=np.float64)
        if weights.shape != cells.shape or not np.all(np.isfinite(weights)) or np.any(weights <= 0):
            raise ValueError(f"cost must be positive and finite with the shape of values {cells.shape}")
    suppressed = primaries.copy()
    found: list[NDArray[np.float64]] = []
    # Smallest cells first: the largest upper protection levels give the widest adjustments.
    order = np.flatnonzero(primaries)[np.argsort(cells[primaries], kind="stable")]
    for cell in order:
        v = float(cells[cell])
        for up, change in ((True, threshold - v), (False, v)):
            if any(_covers(d, cell, change, up=up) for d in found):
                continue
            d = _complement(matrix, cells, weights, suppressed, int(cell), change, up=up)
            suppressed |= d != 0
            found.append(d)
    return suppressed


def _complement(
    matrix: sparse.csr_array,
    cells: NDArray[np.float64],
    weights: NDArray[np.float64],
    suppressed: NDArray[np.bool_],
    cell: int,
    change: float,
    *,
    up: bool,
) -> NDArray[np.float64]:
    """A whole-number adjustment for one cell and direction: within the suppressed cells if possible."""
    inside = np.flatnonzero(suppressed)
    d = _adjust(matrix, cells, inside, np.ones(cells.size), cell, change, up=up, integer=False)
    if d is not None and _integral(d):
        return np.round(d)
    everything = np.arange(cells.size)
    cost = np.where(suppressed, 0.0, weights)
    d = _adjust(matrix, cells, everything, cost, cell, change, up=up, integer=False)
    if d is None:  # cannot happen for additivity relations: scaling the table is always an adjustment
        raise ValueError(
            f"no table consistent with the relations moves cell {cell} by {change:g}; "
            "check that every relation is an additivity relation (totals minus parts)"
        )
    if _integral(d):
        return np.round(d)
    # Fractional (tables of three or more dimensions): whole numbers, first near the linear solution.
    near = np.flatnonzero(suppressed | (np.abs(d) > _TOL))
    for cols in (near, everything):
        whole = _adjust(matrix, cells, cols, cost, cell, change, up=up, integer=True)
        if whole is not None:
            return np.round(whole)
    raise ValueError(f"no whole-number adjustment moves cell {cell} by {change:g}")


def _covers(d: NDArray[np.float64], cell: int, change: float, *, up: bool) -> bool:
    if up:
        return bool(d[cell] >= change - _TOL)
    return bool(d[cell] <= -change + _TOL)


def attacker_bounds(
    values: ArrayLike,
    relations: Any,
    suppressed: ArrayLike,
    *,
    integer: bool = False,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The attacker's smallest and largest value of every suppressed cell (the audit of a pattern).

    The attacker knows every unsuppressed value, the relations and that cells are non-negative (and,
    with ``integer=True``, whole numbers: a mixed-integer program). Unsuppressed cells get their own
    value as both bounds; an unbounded maximum is ``inf``.

    Parameters
    ----------
    values : array_like of int, 1-D
        Every published cell.
    relations : sparse or dense matrix, shape (m, n)
        ``relations @ values == 0``.
    suppressed : array_like of bool, 1-D
        The suppression pattern.
    integer : bool, default False
        Solve for whole numbers (slower; equal to the linear bounds for 2-D tables and hierarchies).

    Returns
    -------
    (lower, upper) : tuple of ndarray of float
        Bounds per cell, same shape as ``values``.

    Examples
    --------
    >>> from ivp.stats.disclosure import hierarchy_relations
    >>> low, high = attacker_bounds([2, 9, 30, 41], hierarchy_relations([3, 3, 3, -1]), [1, 1, 0, 0])
    >>> low.tolist(), high.tolist()  # 2 + 9 = 11: either may be 0 or 11
    ([0.0, 0.0, 30.0, 41.0], [11.0, 11.0, 30.0, 41.0])
    """
    cells, matrix = _checked(values, relations, 1)
    hidden = np.asarray(suppressed, dtype=bool)
    if hidden.shape != cells.shape:
        raise ValueError(f"suppressed must have the shape of values {cells.shape}, got {hidden.shape}")
    lower, upper = cells.copy(), cells.copy()
    index = np.flatnonzero(hidden)
    if index.size == 0:
        return lower, upper
    sub = sparse.csr_array(matrix[:, index])
    rhs = -(matrix[:, ~hidden] @ cells[~hidden])
    keep = np.diff(sub.indptr) > 0
    sub, rhs = sub[keep], rhs[keep]
    for k, cell in enumerate(index):
        for sign in (1.0, -1.0):
            c = np.zeros(index.size)
            c[k] = sign
            if integer:
                cons = [LinearConstraint(sub, rhs, rhs)] if sub.shape[0] else []
                result = milp(c, constraints=cons, integrality=np.ones(index.size), bounds=Bounds(0, np.inf))
            else:
                result = linprog(
                    c,
                    A_eq=sub if sub.shape[0] else None,
                    b_eq=rhs if sub.shape[0] else None,
                    bounds=(0, None),
                    method="highs",
                )
            unbounded = result.status == 3  # only a maximum can be: then it is infinite
            value = np.inf if unbounded else sign * float(result.fun)
            if sign > 0:
                lower[cell] = value
            else:
                upper[cell] = value
    return lower, upper
