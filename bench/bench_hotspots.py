"""Benchmark: Gi* (analytical z + exact p + BH) on a 1000 x 1000 grid, and esda on a size it can run.

Run each part in a fresh process so peak RSS is the whole process:
    .venv/bin/python bench/bench_hotspots.py --part ivp
    .venv/bin/python bench/bench_hotspots.py --part esda --size 200
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import warnings

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", choices=["ivp", "esda"], default="ivp")
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--dist", choices=["poisson", "negbin"], default="negbin")
    a = ap.parse_args()
    rng = np.random.default_rng(1)
    n = a.size
    y = (
        rng.poisson(2.0, (n, n)) if a.dist == "poisson" else rng.negative_binomial(1.0, 1 / 3, (n, n))
    ).astype(float)
    from ivp.stats.hotspots import gi_star, gi_star_z

    t0 = time.perf_counter()
    r = gi_star(y, method="exact")
    t_ivp = time.perf_counter() - t0
    line = f"ivp gi_star exact {n}x{n} {a.dist}: {t_ivp:.3f} s, hot {int(r.hot.sum())}, phi {r.phi:.2f}"
    if a.part == "esda":
        import esda  # type: ignore[import-untyped]
        import libpysal  # type: ignore[import-untyped]

        w = libpysal.weights.lat2W(n, n, rook=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            g = esda.getisord.G_Local(y.ravel(), w, star=True, transform="B", permutations=999, seed=1)
            t_esda = time.perf_counter() - t0
        diff = float(np.max(np.abs(g.Zs - gi_star_z(y).ravel())))
        line += f"; esda permutations=999: {t_esda:.3f} s (ratio {t_esda / t_ivp:.0f}x), max |dz| {diff:.2e}"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{line}; peak RSS {rss:.0f} MB; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
