"""A test-only attacker of suppression patterns, independent of ivp.stats.disclosure.

The attacker knows every published (unsuppressed) cell, every additivity relation and that cells are
non-negative (and, with ``integer=True``, whole numbers). For each suppressed cell it minimises and
maximises the cell with ``scipy.optimize.linprog`` or ``scipy.optimize.milp`` over dense equations it
builds itself. Also here: the first edition's heuristic (``old_suppress_small``), kept as the "before".
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


def attack(
    values: Any, relations: Any, suppressed: Any, *, integer: bool = False, cells: Any = None
) -> dict[int, tuple[float, float]]:
    """The attacker's (min, max) of every suppressed cell (or of ``cells``), from dense equations."""
    x = np.asarray(values, dtype=float).ravel()
    dense = relations.toarray() if hasattr(relations, "toarray") else np.asarray(relations, dtype=float)
    hidden = np.asarray(suppressed, dtype=bool).ravel()
    unknown = np.flatnonzero(hidden)
    out: dict[int, tuple[float, float]] = {}
    if unknown.size == 0:
        return out
    a = dense[:, unknown]
    b = -dense[:, ~hidden] @ x[~hidden]
    used = np.any(a != 0, axis=1)
    a, b = a[used], b[used]
    targets = unknown if cells is None else np.asarray(cells)
    for cell in targets:
        k = int(np.flatnonzero(unknown == cell)[0])
        pair = []
        for sign in (1.0, -1.0):
            c = np.zeros(unknown.size)
            c[k] = sign
            if integer:
                cons = [LinearConstraint(a, b, b)] if len(a) else []
                res = milp(c, constraints=cons, integrality=np.ones(unknown.size), bounds=Bounds(0, np.inf))
            else:
                res = linprog(
                    c,
                    A_eq=a if len(a) else None,
                    b_eq=b if len(a) else None,
                    bounds=(0, None),
                    method="highs",
                )
            pair.append(np.inf if res.status == 3 else sign * float(res.fun))
        out[int(cell)] = (pair[0], pair[1])
    return out


def leaks(
    values: Any, relations: Any, suppressed: Any, threshold: int, *, integer: bool = False
) -> tuple[int, int, int]:
    """(primary cells, recovered exactly, narrowed below [0, threshold]) for the primary cells."""
    x = np.asarray(values, dtype=float).ravel()
    primary = np.flatnonzero((x > 0) & (x < threshold))
    hidden = np.asarray(suppressed, dtype=bool).ravel()
    exact = narrowed = 0
    shown = [int(p) for p in primary if not hidden[p]]
    exact += len(shown)  # a primary cell that is shown is recovered by reading it
    found = attack(x, relations, hidden, integer=integer, cells=[p for p in primary if hidden[p]])
    for low, high in found.values():
        if high - low < 0.5:
            exact += 1
        elif low > 1e-6 or high < threshold - 1e-6:
            narrowed += 1
    return len(primary), exact, narrowed


def old_suppress_small(table: Any, threshold: int = 5) -> NDArray[np.bool_]:
    """The first edition's heuristic: primary cells plus a complement in every line with one suppression."""
    values = np.asarray(table, dtype=float)
    masked = (values > 0) & (values < threshold)
    cost = np.where(values > 0, values, np.inf)
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):
            lines = masked if axis == 1 else masked.T
            line_values = values if axis == 1 else values.T
            line_cost = cost if axis == 1 else cost.T
            if lines.shape[1] < 2:
                continue
            for i in np.flatnonzero(lines.sum(axis=1) == 1):
                candidates = np.where(lines[i], np.nan, line_cost[i])
                if np.all(np.isinf(candidates[~lines[i]])):
                    candidates = np.where(lines[i], np.nan, line_values[i])
                lines[i, int(np.nanargmin(candidates))] = True
                changed = True
    return masked


def groningen_hierarchy(path: Any) -> tuple[NDArray[np.float64], list[int], int, NDArray[np.intp]]:
    """Bicycle thefts in Groningen per year: gemeente, wijk and buurt cells of one year after another.

    Returns (values, parents of one year's cells, number of years, index of the buurt cells in a year).
    """
    import pandas as pd

    df = pd.read_csv(path, usecols=["Pleeggemeente", "Pleegwijk", "Pleegbuurt", "Begin-pleegdatum/tijd"])
    df = df[df["Pleeggemeente"] == "Groningen"]
    df = df.assign(jaar=df["Begin-pleegdatum/tijd"].str[:4])
    years = sorted(df["jaar"].unique())
    wijken = sorted(df["Pleegwijk"].unique())
    buurten = sorted(set(zip(df["Pleegwijk"], df["Pleegbuurt"], strict=True)))
    parents = [-1] + [0] * len(wijken) + [1 + wijken.index(w) for w, _ in buurten]
    counts = df.groupby(["jaar", "Pleegwijk", "Pleegbuurt"]).size()
    values = []
    for year in years:
        per_buurt = [int(counts.get((year, w, b), 0)) for w, b in buurten]
        per_wijk = [sum(n for (w2, _), n in zip(buurten, per_buurt, strict=True) if w2 == w) for w in wijken]
        values += [sum(per_buurt), *per_wijk, *per_buurt]
    buurt_index = np.arange(1 + len(wijken), len(parents))
    return np.asarray(values, dtype=float), parents, len(years), buurt_index
