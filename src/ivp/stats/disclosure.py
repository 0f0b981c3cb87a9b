"""Disclosure control for tables of counts: cell suppression that survives a linear-programming attacker.

Counts built from reports or cases can identify people when they are small. Cells with
``0 < count < threshold`` are suppressed (shown as, for example, "<5"), and so many other cells
(complementary suppression) that nothing published gives them away: not a row or column total, not a
wijk total next to its buurten, not two tables that share a margin, and not any combination of these
equations. All published cells are protected *jointly*, as tau-ARGUS and sdcTable do.

A table is described as a 1-D vector of every published cell (totals are cells too) and a relation
matrix ``A`` with ``A @ values == 0``. The builders here make ``A``:

- :func:`table_relations` for an n-D table with its margins (cells in the order of :func:`with_margins`);
- :func:`hierarchy_relations` for a gemeente/wijk/buurt tree;
- :func:`product_relations` for a table whose axes carry such relations (buurten x years, with the
  hierarchy on one axis and a year total on the other);
- :func:`combine_relations` for several tables published together that show the same cells.

:func:`protect` (in :mod:`ivp.stats.disclosure_lp`) chooses the pattern; :func:`attacker_bounds` audits
one. :func:`suppress_small` is the 2-D convenience: a table published with its row, column and grand
totals.

References
----------
.. [1] Cox, L. H. (1980). Suppression methodology and statistical disclosure control. *Journal of the
   American Statistical Association* 75(370), 377-385.
.. [2] Fischetti, M. & Salazar-González, J. J. (2000). Models and algorithms for optimizing cell
   suppression in tabular data with linear constraints. *Mathematical Programming* 84, 283-312.
.. [3] Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, chapter 4 (magnitude and
   frequency tables, secondary suppression, the audit of a pattern).
.. [4] de Wolf, P.-P. et al. *tau-ARGUS user's manual*, Statistics Netherlands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from ivp.stats._checks import as_counts
from ivp.stats.disclosure_lp import DEFAULT_THRESHOLD, attacker_bounds, protect

__all__ = [
    "DEFAULT_THRESHOLD",
    "attacker_bounds",
    "combine_relations",
    "hierarchy_relations",
    "product_relations",
    "protect",
    "protect_table",
    "suppress_small",
    "table_relations",
    "total_relations",
    "with_margins",
]


def total_relations(size: int) -> sparse.csr_array:
    """Relation of one axis of ``size`` parts followed by their total: ``total - sum(parts) = 0``.

    Examples
    --------
    >>> total_relations(3).toarray().tolist()
    [[-1.0, -1.0, -1.0, 1.0]]
    """
    if int(size) != size or size < 1:
        raise ValueError(f"size must be a whole number >= 1, got {size!r}")
    row = np.full(int(size) + 1, -1.0)
    row[-1] = 1.0
    return sparse.csr_array(row[None, :])


def hierarchy_relations(parents: Sequence[int] | ArrayLike) -> sparse.csr_array:
    """Relations of a hierarchy: every parent cell equals the sum of its children.

    Parameters
    ----------
    parents : sequence of int
        ``parents[i]`` is the index of cell ``i``'s parent cell, or -1 for a root (the gemeente). A
        parent that holds more than its children (meldingen not placed in a buurt) needs a
        'remainder' child cell, published or not, so that the relation is exact.

    Returns
    -------
    scipy.sparse.csr_array, shape (number of parents, len(parents))
        One row ``parent - sum(children)`` per cell that has children.

    Raises
    ------
    ValueError
        For an index out of range, a cell that is its own parent, or a cycle.

    Examples
    --------
    A gemeente (cell 0) with two wijken (1, 2); wijk 1 has buurten 3 and 4:

    >>> hierarchy_relations([-1, 0, 0, 1, 1]).toarray().astype(int).tolist()
    [[1, -1, -1, 0, 0], [0, 1, 0, -1, -1]]
    """
    parent = np.asarray(parents)
    if parent.ndim != 1 or (parent.size and not np.issubdtype(parent.dtype, np.integer)):
        raise ValueError("parents must be a 1-D sequence of whole numbers (cell indices, -1 for a root)")
    parent = parent.astype(np.int64)
    n = parent.size
    bad = np.flatnonzero((parent < -1) | (parent >= n))
    if bad.size:
        raise ValueError(f"parents[{bad[0]}] = {parent[bad[0]]} is not a cell index (0..{n - 1}) or -1")
    own = np.flatnonzero(parent == np.arange(n))
    if own.size:
        raise ValueError(f"cell {own[0]} is its own parent")
    for i in range(n):  # walk up from every cell; more than n steps means a cycle
        j, steps = i, 0
        while parent[j] != -1:
            j, steps = int(parent[j]), steps + 1
            if steps > n:
                raise ValueError(f"parents has a cycle through cell {i}")
    heads = np.unique(parent[parent >= 0])
    row_of = {int(h): r for r, h in enumerate(heads)}
    rows, cols, vals = [], [], []
    for r, h in enumerate(heads):
        rows.append(r)
        cols.append(int(h))
        vals.append(1.0)
    for child in np.flatnonzero(parent >= 0):
        rows.append(row_of[int(parent[child])])
        cols.append(int(child))
        vals.append(-1.0)
    return sparse.csr_array((vals, (rows, cols)), shape=(heads.size, n))


def product_relations(*axes: Any) -> sparse.csr_array:
    """Relations of a table whose axes each carry their own relations (a Kronecker product).

    Axis ``k`` has ``n_k`` positions (parts and totals) and a relation matrix of shape ``(m_k, n_k)``;
    pass ``scipy.sparse.csr_array((0, n_k))`` for an axis without totals. The cells of the product table
    are in C order (the last axis fastest), as ``numpy.ravel`` of an array of shape ``(n_0, n_1, ...)``.
    Every relation of an axis holds at every position of the other axes, totals included.

    Examples
    --------
    Two years (and their total) by a wijk of two buurten: 3 x 3 cells, 3 + 3 relations.

    >>> product_relations(total_relations(2), hierarchy_relations([-1, 0, 0])).shape
    (6, 9)
    """
    if not axes:
        raise ValueError("product_relations needs at least one axis")
    matrices = [sparse.csr_array(a, dtype=np.float64) for a in axes]
    sizes = [m.shape[1] for m in matrices]
    blocks = []
    for k, m in enumerate(matrices):
        before = sparse.identity(int(np.prod(sizes[:k], dtype=np.int64)), format="csr")
        after = sparse.identity(int(np.prod(sizes[k + 1 :], dtype=np.int64)), format="csr")
        blocks.append(sparse.kron(sparse.kron(before, m), after, format="csr"))
    return sparse.csr_array(sparse.vstack(blocks, format="csr"))


def _margin_axes(ndim: int, margins: Sequence[int] | None) -> tuple[int, ...]:
    if margins is None:
        return tuple(range(ndim))
    axes = tuple(sorted({int(a) for a in margins}))
    if any(a < 0 or a >= ndim for a in axes):
        raise ValueError(f"margins must be axes 0..{ndim - 1}, got {tuple(margins)}")
    return axes


def table_relations(shape: Sequence[int], *, margins: Sequence[int] | None = None) -> sparse.csr_array:
    """Relations of an n-D table published with its totals along the axes in ``margins``.

    Each axis in ``margins`` gets one extra position at its end holding the total over that axis, so
    the published cells are the array of :func:`with_margins` (shape ``shape[k] + 1`` along those axes),
    raveled in C order; with all axes (the default) every marginal table is published: row, column and
    grand totals for 2-D; for month x categorie x buurt also every 2-D and 1-D margin and the total.

    Examples
    --------
    >>> table_relations((2, 3)).shape  # 3 row totals + 4 column totals over the 3 x 4 cells
    (7, 12)
    """
    dims = tuple(int(s) for s in shape)
    if not dims or any(s < 1 for s in dims):
        raise ValueError(f"shape must be one or more sizes >= 1, got {tuple(shape)}")
    axes = _margin_axes(len(dims), margins)
    return product_relations(
        *[total_relations(s) if k in axes else sparse.csr_array((0, s)) for k, s in enumerate(dims)]
    )


def with_margins(table: ArrayLike, *, margins: Sequence[int] | None = None) -> NDArray[np.float64]:
    """The table with a total appended along each axis in ``margins`` (default all): the published cells.

    Examples
    --------
    >>> with_margins([[1, 2], [3, 4]]).astype(int).tolist()
    [[1, 2, 3], [3, 4, 7], [4, 6, 10]]
    """
    out = as_counts(table, "table")
    if out.ndim == 0:
        raise ValueError("table must have at least one dimension")
    for axis in _margin_axes(out.ndim, margins):
        out = np.concatenate([out, out.sum(axis=axis, keepdims=True)], axis=axis)
    return out


def combine_relations(parts: Sequence[Any], *, equal: Sequence[tuple[int, int]] = ()) -> sparse.csr_array:
    """Relations of several tables published together: their cells side by side, shared cells equal.

    The cells of ``parts[0]`` come first, then those of ``parts[1]``, and so on. A cell that two tables
    both show (a shared margin) is listed in ``equal`` as a pair of indices into the combined vector; it
    gets the relation ``x_i - x_j = 0`` so that :func:`protect` suppresses both or neither.

    Examples
    --------
    A wijk total in one table (cell 2) is the same number as a cell of another (cell 3):

    >>> combine_relations([total_relations(2), total_relations(1)], equal=[(2, 4)]).shape
    (3, 5)
    """
    if not parts:
        raise ValueError("combine_relations needs at least one table")
    block = sparse.csr_array(sparse.block_diag([sparse.csr_array(p) for p in parts], format="csr"))
    n = block.shape[1]
    if not equal:
        return block
    pairs = np.asarray(equal, dtype=np.int64).reshape(-1, 2)
    if np.any((pairs < 0) | (pairs >= n)) or np.any(pairs[:, 0] == pairs[:, 1]):
        raise ValueError(f"equal must pair two different cell indices in 0..{n - 1}")
    rows = np.repeat(np.arange(len(pairs)), 2)
    vals = np.tile([1.0, -1.0], len(pairs))
    link = sparse.csr_array((vals, (rows, pairs.ravel())), shape=(len(pairs), n))
    return sparse.csr_array(sparse.vstack([block, link], format="csr"))


def protect_table(
    table: ArrayLike,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    margins: Sequence[int] | None = None,
) -> NDArray[np.bool_]:
    """Suppression pattern of an n-D table published with its totals (see :func:`protect`).

    Returns the mask of the array of :func:`with_margins` (totals last along each axis in ``margins``).
    Totals are complements of last resort: their cost is higher by one for every axis they sum over.

    Examples
    --------
    >>> protect_table([[12, 3], [25, 30]]).astype(int).tolist()
    [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    """
    full = with_margins(table, margins=margins)
    axes = _margin_axes(full.ndim, margins)
    totals = np.zeros(full.shape)
    for axis in axes:
        index = [slice(None)] * full.ndim
        index[axis] = slice(-1, None)
        totals[tuple(index)] += 1
    relations = table_relations(
        [s - 1 if k in axes else s for k, s in enumerate(full.shape)], margins=margins
    )
    cost = (1.0 + np.log1p(full)) * (1.0 + totals)
    mask = protect(full.ravel(), relations, threshold=threshold, cost=cost.ravel())
    return mask.reshape(full.shape)


def suppress_small(table: ArrayLike, threshold: int = DEFAULT_THRESHOLD) -> NDArray[np.bool_]:
    """Cells to suppress in a 2-D table of counts published with its row, column and grand totals.

    Primary cells (``0 < count < threshold``) and complementary cells are chosen jointly over the
    interior and the totals by :func:`protect`, so that a linear-programming attacker who sees every
    published cell and total cannot narrow any primary cell below [0, threshold]. This returns the
    mask of the interior cells; a total may have to be suppressed too: :func:`protect_table` returns
    the full mask (``protect_table(table)[-1, :]`` is the row of column totals). Zeros are not primary.

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
    .. [2] Fischetti, M. & Salazar-González, J. J. (2000). *Mathematical Programming* 84, 283-312.
    .. [3] Hundepool, A. et al. (2012). *Statistical Disclosure Control*, chapter 4.

    Examples
    --------
    >>> table = [[12, 3, 40],
    ...          [25, 30, 18],
    ...          [ 9, 14, 22]]
    >>> suppress_small(table).astype(int).tolist()
    [[1, 1, 0], [0, 0, 0], [1, 1, 0]]
    """
    values = as_counts(table, "table")
    if values.ndim != 2:
        raise ValueError(f"table must be 2-D, got {values.ndim} dimension(s)")
    mask: NDArray[np.bool_] = protect_table(values, threshold)[:-1, :-1]
    return mask
