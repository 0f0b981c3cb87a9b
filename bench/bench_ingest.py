"""Benchmark ingest through the adapters (parse + validate + atomic load) against a bare pandas read.

Run::

    .venv/bin/python bench/bench_ingest.py [--repeat 3]

The reference is what a user would otherwise do to get the rows into a DataFrame: ``pandas.read_csv`` /
``pandas.read_json`` of the same file, without validation, provenance or a store.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ivp.sources.base import ingest
from ivp.store import Store

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
CASES: list[tuple[str, str, Path, str | None, Callable[[Path], object]]] = [
    (
        "Groningen incidents (15,947 rows)",
        "politie-incidenten",
        SHARED / "incidenten" / "groningen_fietsdiefstal_2013_2017.csv",
        None,
        lambda p: pd.read_csv(p),
    ),
    (
        "CBS 47018NED folder (57,756 rows)",
        "cbs",
        SHARED / "cbs" / "47018NED",
        "47018NED",
        lambda p: pd.read_json(p / "TypedDataSet.json"),
    ),
]


def _time(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| input | ivp ingest (median) | pandas read only (median) | ratio |")
    print("|---|---|---|---|")
    for label, adapter, path, dataset, reference in CASES:

        def run(adapter: str = adapter, path: Path = path, dataset: str | None = dataset) -> None:
            with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "s.duckdb") as store:
                ingest(store, adapter, str(path), dataset=dataset)

        ours = _time(run, args.repeat)
        theirs = _time(lambda path=path, reference=reference: reference(path), args.repeat)  # type: ignore[misc]
        print(f"| {label} | {ours:.2f} s | {theirs:.2f} s | {ours / theirs:.1f}x |")


if __name__ == "__main__":
    main()
