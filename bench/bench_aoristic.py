"""Benchmark aoristic weights: 1 million incidents into a weekday x hour table (issue 14: under 2 s).

Synthetic incidents over five years: 10 % exact moments, the rest intervals uniform in 0-72 hours, and 5 %
of all intervals stretched five-fold (up to 360 hours, so most of those are excluded by the 72-hour rule
and some whole-week wraps occur when ``--max-hours`` is raised). Compared with what an analyst would
otherwise write in plain pandas: per incident the clock hours of its interval (``pd.date_range`` per
event), exploded to one row per hour, the overlap of each hour with the interval as the weight, then a
group-by on weekday and hour. That baseline runs on a subsample and is extrapolated linearly (it is
linear in the number of incident-hours); on the subsample both tables are checked to agree.

Each measurement runs in a fresh Python process (import and data generation not timed; peak RSS is the
process maximum). Run::

    .venv/bin/python bench/bench_aoristic.py [--n 1000000] [--baseline-n 20000] [--layout weekday_hour]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

from ivp.stats.aoristic import MAX_HOURS, aoristic


def synthetic(n: int, seed: int = 20261202) -> tuple[np.ndarray, np.ndarray]:
    """``n`` incidents: begin uniform over 2019-2023 (to the second), interval lengths as described."""
    rng = np.random.default_rng(seed)
    begin = np.datetime64("2019-01-01T00:00:00", "s") + rng.integers(0, 5 * 365 * 86_400, n).astype(
        "timedelta64[s]"
    )
    length = rng.random(n) * 72 * 3600
    length[rng.random(n) < 0.10] = 0.0
    length[rng.random(n) < 0.05] *= 5
    return begin, begin + length.astype(np.int64).astype("timedelta64[s]")


def pandas_baseline(begin: np.ndarray, end: np.ndarray, max_hours: float) -> np.ndarray:
    """The analyst's version: date_range per incident, explode, overlap weights, group by weekday/hour."""
    frame = pd.DataFrame({"begin": begin, "end": end})
    if np.isfinite(max_hours):
        frame = frame[(frame["end"] - frame["begin"]) <= pd.Timedelta(hours=max_hours)].reset_index(drop=True)
    hours = [
        pd.date_range(b.floor("h"), e, freq="h") if e > b else pd.DatetimeIndex([b.floor("h")])
        for b, e in zip(frame["begin"], frame["end"], strict=True)
    ]
    frame["hour"] = pd.Series(hours, index=frame.index, dtype=object)
    rows = frame.explode("hour")
    rows["hour"] = pd.to_datetime(rows["hour"])
    length = (rows["end"] - rows["begin"]).dt.total_seconds()
    start = rows[["begin", "hour"]].max(axis=1)
    stop = pd.concat([rows["end"], rows["hour"] + pd.Timedelta(hours=1)], axis=1).min(axis=1)
    overlap = (stop - start).dt.total_seconds().clip(lower=0)
    rows["w"] = np.where(length > 0, overlap / length.where(length > 0, 1.0), 1.0)
    table = rows.groupby([rows["hour"].dt.dayofweek, rows["hour"].dt.hour])["w"].sum()
    out = np.zeros((7, 24))
    days = table.index.get_level_values(0).to_numpy(dtype=np.int64)
    clock = table.index.get_level_values(1).to_numpy(dtype=np.int64)
    out[days, clock] = table.to_numpy()
    return out


def child(kind: str, n: int, layout: str, max_hours: float) -> dict[str, Any]:
    begin, end = synthetic(n)
    start = time.perf_counter()
    if kind == "ivp":
        a = aoristic(begin, end, layout=layout, max_hours=max_hours)  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
        result = {"n_used": a.n_used, "n_too_long": a.n_too_long, "total": float(a.table.sum())}
    else:
        table = pandas_baseline(begin, end, max_hours)
        seconds = time.perf_counter() - start
        check = aoristic(begin, end, max_hours=max_hours).table
        result = {"max_abs_diff": float(np.abs(table - check).max()), "total": float(table.sum())}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "n": n, "seconds": seconds, "peak_mb": peak, **result}


def measure(kind: str, n: int, layout: str, max_hours: float) -> dict[str, Any]:
    """Run one measurement in a fresh Python process."""
    args = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--n",
        str(n),
        "--layout",
        layout,
        "--max-hours",
        str(max_hours),
    ]
    proc = subprocess.run(args, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--baseline-n", type=int, default=20_000)
    parser.add_argument("--layout", default="weekday_hour")
    parser.add_argument("--max-hours", type=float, default=float(MAX_HOURS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=("ivp", "pandas"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.n, args.layout, args.max_hours)))
        return
    runs = [measure("ivp", args.n, args.layout, args.max_hours) for _ in range(args.repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    base = measure("pandas", args.baseline_n, args.layout, args.max_hours)
    extrapolated = base["seconds"] * args.n / args.baseline_n
    load = os.getloadavg()
    print(f"ivp.stats.aoristic, {args.n:,} incidents ({args.layout}, max {args.max_hours:g} h):")
    times = ", ".join(f"{r['seconds']:.3f}" for r in runs)
    print(f"  best of {args.repeat}: {best['seconds']:.3f} s (all: {times}),")
    print(f"  peak RSS {best['peak_mb']:.0f} MB, used {best['n_used']:,}, too long {best['n_too_long']:,}")
    print(
        f"pandas date_range/explode on {args.baseline_n:,}: {base['seconds']:.2f} s, peak RSS {base['peak_mb']:.0f} MB,"
    )
    print(
        f"  max |difference| with ivp {base['max_abs_diff']:.2e}; extrapolated to {args.n:,}: {extrapolated:.0f} s"
    )
    print(f"ratio (extrapolated pandas / ivp): {extrapolated / best['seconds']:.0f}x")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; cpus {os.cpu_count()}")


if __name__ == "__main__":
    main()
