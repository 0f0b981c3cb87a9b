"""Benchmark disclosure control against a linear-programming attacker (issue 10, item 9).

(a) Random 2-D tables as in the review (sizes 2x2 .. 12x15, many small counts), published with every
    total: small cells the LP attacker recovers exactly or narrows to a range <= 2, with the first
    edition's heuristic ("before", ``old_suppress_small``) and with ``ivp.stats.disclosure`` ("after").
(b) Groningen bicycle thefts 2013-2017 (shared data): buurt cells per year with wijk and gemeente totals.
(c) Time of ``protect_table`` for a few sizes.

The attacker and the old heuristic are the test suite's (``tests/stats/attacker.py``), independent of
the code measured. Run::

    .venv/bin/python bench/bench_disclosure.py [--tables 3000] [--workers 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.stats.attacker import attack, groningen_hierarchy, old_suppress_small  # noqa: E402

from ivp.stats.disclosure import (  # noqa: E402
    hierarchy_relations,
    product_relations,
    protect,
    protect_table,
    table_relations,
    with_margins,
)

SHARED = REPO.parent / "shared" / "data"
THRESHOLD = 5


def _score(values: Any, relations: Any, hidden: Any) -> tuple[int, int, int]:
    x = np.asarray(values, dtype=float).ravel()
    primary = np.flatnonzero((x > 0) & (x < THRESHOLD))
    found = attack(x, relations, hidden, cells=[p for p in primary if hidden[p]])
    exact = int(sum(not hidden[p] for p in primary))
    narrow = 0
    for low, high in found.values():
        if high - low < 0.5:
            exact += 1
        elif high - low <= 2 + 1e-9:
            narrow += 1
    return len(primary), exact, narrow


def _one(seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(2, 13)), int(rng.integers(2, 16)))
    table = rng.poisson(rng.gamma(0.7, 6.0), shape)
    full, relations = with_margins(table).ravel(), table_relations(shape)
    old = np.zeros(np.add(shape, 1), dtype=bool)
    old[:-1, :-1] = old_suppress_small(table)
    start = time.perf_counter()
    new = protect_table(table, THRESHOLD)
    seconds = time.perf_counter() - start
    _, exact_old, narrow_old = _score(full, relations, old.ravel())
    small_new, exact_new, narrow_new = _score(full, relations, new.ravel())
    interior = (table > 0) & (table < THRESHOLD)
    return {
        "small": float(interior.sum()),
        "exact_before": exact_old,
        "narrow_before": narrow_old,
        "exact_after": exact_new,
        "narrow_after": narrow_new,
        "suppressed_before": float(old.sum()),
        "suppressed_after": float(new.sum()),
        "cells": float(new.size),
        "seconds": seconds,
        "primary_with_totals": float(small_new),
    }


def random_tables(count: int, workers: int) -> dict[str, float]:
    with ProcessPoolExecutor(workers) as pool:
        rows = list(pool.map(_one, range(count), chunksize=8))
    return {key: float(sum(r[key] for r in rows)) for key in rows[0]} | {
        "max_seconds": max(r["seconds"] for r in rows)
    }


def groningen() -> dict[str, float]:
    values, parents, years, buurt = groningen_hierarchy(
        SHARED / "incidenten" / "groningen_fietsdiefstal_2013_2017.csv"
    )
    per_year = len(parents)
    relations = product_relations(sparse.csr_array((0, years)), hierarchy_relations(parents))
    before = np.zeros((years, per_year), dtype=bool)
    before[:, buurt] = old_suppress_small(values.reshape(years, per_year)[:, buurt].T).T
    start = time.perf_counter()
    after = protect(values, relations, threshold=THRESHOLD)
    seconds = time.perf_counter() - start
    small, exact_b, narrow_b = _score(values, relations, before.ravel())
    _, exact_a, narrow_a = _score(values, relations, after)
    return {
        "cells": float(values.size),
        "small": float(small),
        "exact_before": exact_b,
        "narrow_before": narrow_b,
        "exact_after": exact_a,
        "narrow_after": narrow_a,
        "suppressed_before": float(before.sum()),
        "suppressed_after": float(after.sum()),
        "seconds": seconds,
    }


def timings() -> list[tuple[str, int, int, float]]:
    rng = np.random.default_rng(1)
    out = []
    for shape, mean in (((12, 15), 6.0), ((50, 50), 6.0), ((50, 50), 30.0), ((6, 7, 20), 6.0)):
        table = rng.poisson(rng.gamma(0.7, mean, shape))
        start = time.perf_counter()
        mask = protect_table(table, THRESHOLD)
        out.append(
            (
                "x".join(map(str, shape)) + f" mean {mean:g}",
                int(((table > 0) & (table < 5)).sum()),
                int(mask.sum()),
                time.perf_counter() - start,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    r = random_tables(args.tables, args.workers)
    print(
        f"(a) {args.tables} random tables, {int(r['small'])} small interior cells ({int(r['primary_with_totals'])} with small totals)"
    )
    print("| | recovered exactly | narrowed to range <= 2 | cells suppressed |")
    print("|---|---:|---:|---:|")
    print(
        f"| before (heuristic) | {int(r['exact_before'])} | {int(r['narrow_before'])} | {int(r['suppressed_before'])} of {int(r['cells'])} |"
    )
    print(
        f"| after (joint LP) | {int(r['exact_after'])} | {int(r['narrow_after'])} | {int(r['suppressed_after'])} of {int(r['cells'])} |"
    )
    print(
        f"protect_table: {r['seconds']:.1f} s in all, {r['seconds'] / args.tables * 1000:.0f} ms per table, max {r['max_seconds']:.2f} s"
    )
    g = groningen()
    print(f"(b) Groningen: {int(g['cells'])} cells, {int(g['small'])} small")
    print(
        f"| before | {int(g['exact_before'])} | {int(g['narrow_before'])} | {int(g['suppressed_before'])} |"
    )
    print(
        f"| after | {int(g['exact_after'])} | {int(g['narrow_after'])} | {int(g['suppressed_after'])} | ({g['seconds']:.2f} s)"
    )
    print("(c) | table | small cells | suppressed | seconds |")
    for name, small, supp, sec in timings():
        print(f"| {name} | {small} | {supp} | {sec:.2f} |")


if __name__ == "__main__":
    main()
