"""Knox near-repeat test on the 15,947 Groningen bicycle thefts: ivp versus the plain approach.

Each measurement runs in a fresh Python process (time and peak resident memory of that process):

- ``ivp``: :func:`ivp.stats.nearrepeat.knox` on all thefts, 999 permutations, bands 0-400 m x 0-28 days.
- ``plain``: what an analyst would write: ``scipy.spatial.distance.pdist`` for the distances once, then
  per permutation ``pdist`` of the shuffled times and ``numpy.histogram2d``. All pairs are formed
  (127 M for the full file, 1 GB per array), so it runs on a random subsample and a few permutations;
  the time is extrapolated to the full file (pairs grow as n^2) and to 999 permutations.
- ``ivp-sub``: ivp on that same subsample, to compare like with like.

Run: ``.venv/bin/python bench/bench_nearrepeat.py [--sub 3000] [--plain-perms 5] [--perms 999]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("IVP_SHARED_DATA", str(REPO.parent / "shared" / "data"))) / "incidenten"
FILE = DATA / "groningen_fietsdiefstal_2013_2017.csv"
D_EDGES = (0.0, 100.0, 200.0, 300.0, 400.0)
T_EDGES = (0.0, 7.0, 14.0, 21.0, 28.0)


def load() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X, Y (RD metres) and the begin time in days since 2013-01-01."""
    import pandas as pd

    frame = pd.read_csv(FILE, usecols=["X", "Y", "Begin-pleegdatum/tijd"])
    begin = pd.to_datetime(frame["Begin-pleegdatum/tijd"], format="%Y-%m-%dT%H:%M:%S")
    t = (begin - pd.Timestamp("2013-01-01")).dt.total_seconds().to_numpy() / 86400.0
    return frame["X"].to_numpy(float), frame["Y"].to_numpy(float), t


def subsample(n: int) -> np.ndarray:
    return np.sort(np.random.default_rng(7).choice(15_947, size=n, replace=False))


def run(mode: str, perms: int, sub: int) -> dict[str, Any]:
    x, y, t = load()
    if mode != "ivp":
        idx = subsample(sub)
        x, y, t = x[idx], y[idx], t[idx]
    start = time.perf_counter()
    if mode in ("ivp", "ivp-sub"):
        from ivp.stats.nearrepeat import knox

        k = knox(x, y, t, distance_edges=D_EDGES, time_edges=T_EDGES, n_permutations=perms, seed=1)
        observed = k.observed.tolist()
        extra = {"significant": int(k.significant.sum()), "ratio_00": float(k.ratio[0, 0])}
    else:
        from scipy.spatial.distance import pdist

        d = pdist(np.column_stack([x, y]))
        rng = np.random.default_rng(1)
        observed = np.histogram2d(d, pdist(t[:, None]), bins=[D_EDGES, T_EDGES])[0].astype(int).tolist()
        null = []
        for _ in range(perms):
            dt = pdist(t[rng.permutation(t.size)][:, None])
            null.append(np.histogram2d(d, dt, bins=[D_EDGES, T_EDGES])[0])
        extra = {}
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "mode": mode,
        "n": int(x.size),
        "perms": perms,
        "seconds": seconds,
        "peak_mb": peak_mb,
        "observed": observed,
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sub", type=int, default=3000, help="subsample size for the plain approach")
    parser.add_argument(
        "--plain-perms", type=int, default=5, help="permutations timed for the plain approach"
    )
    parser.add_argument("--perms", type=int, default=999)
    parser.add_argument("--mode", choices=["ivp", "ivp-sub", "plain"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(run(args.mode, args.perms, args.sub)))
        return

    def child(mode: str, perms: int) -> dict[str, Any]:
        cmd = [sys.executable, __file__, "--mode", mode, "--perms", str(perms), "--sub", str(args.sub)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        return dict(json.loads(out.strip().splitlines()[-1]))

    print(f"load average before: {os.getloadavg()}")
    full = child("ivp", args.perms)
    sub = child("ivp-sub", args.perms)
    plain = child("plain", args.plain_perms)
    print(f"load average after: {os.getloadavg()}")
    n_full, n_sub = int(full["n"]), int(sub["n"])
    per_perm = float(plain["seconds"]) / (args.plain_perms + 1)
    plain_sub = per_perm * (args.perms + 1)
    plain_full = plain_sub * (n_full * (n_full - 1)) / (n_sub * (n_sub - 1))
    same = plain["observed"] == sub["observed"]
    print(
        f"ivp, all {n_full} thefts, {args.perms} permutations: {full['seconds']:.1f} s, "
        f"peak {full['peak_mb']:.0f} MB; significant cells {full['significant']}, ratio 0-100 m x 0-7 d "
        f"{full['ratio_00']:.2f}"
    )
    print(f"ivp, subsample {n_sub}: {sub['seconds']:.2f} s, peak {sub['peak_mb']:.0f} MB")
    print(
        f"plain (pdist + histogram2d), subsample {n_sub}, {args.plain_perms} permutations: "
        f"{plain['seconds']:.1f} s, peak {plain['peak_mb']:.0f} MB; observed counts equal to ivp: {same}"
    )
    print(
        f"plain extrapolated: subsample, {args.perms} permutations {plain_sub:.0f} s "
        f"(ratio {plain_sub / float(sub['seconds']):.0f}x); full file {plain_full:.0f} s "
        f"(ratio {plain_full / float(full['seconds']):.0f}x), memory for the full file about "
        f"{3 * 8 * n_full * (n_full - 1) / 2 / 1e9:.1f} GB (three pair arrays)"
    )


if __name__ == "__main__":
    main()
