"""Calibration benchmark (issue 10): how often is a change or a difference called "aantoonbaar" when there is none?

(a) Change between the last two years. Yearly series of 14 years (2012-2025) with a constant mean and a
    constant population, counts negative binomial with variance 1, 1.5, 2, 3 or 5 times the mean
    (Poisson at 1). For each series:

    - **before** (the first edition): the exact conditional test with the minimum-likelihood two-sided
      p-value, ``scipy.stats.binomtest(b, a + b, 0.5).pvalue < 0.05``; its small-number mark did not
      withhold the wording, so every p < 0.05 was worded as a change;
    - **after** (ivp now): ``estimate_dispersion`` on the 14 years, then ``change_test(a, b,
      dispersion=phi, df=df)``, called when ``direction != 0`` (this includes the small-number rule);
    - **after, test only**: the same test's ``p_value < 0.05`` ignoring the small-number rule.

(b) Peer comparison. A municipality and 20 peers of 90,000-150,000 inhabitants whose true rates differ by
    a log-normal spread (sd of the log rate 0, 0.1, 0.2, 0.3), Poisson counts with a mean per unit of 5,
    30, 200 or 600 at 120,000 inhabitants; the municipality is an ordinary member of the group.

    - **before**: the exact (central) Poisson test of its count against the pooled rate of the 20 peers
      treated as fixed (``rate_vs_reference_many`` with dispersion 1);
    - **after**: ``funnel(counts, pops)``: ``direction[0] != 0``, and ``p_value[0] < 0.05`` (test only).

The realistic spread is estimated from the shared CBS data when present: the between-municipality sd of
log rates (Poisson noise subtracted) among municipalities within +-25% of Dordrecht's population in 2023,
per crime type.

One line for a whole report: 59 constant crime types (variance 3x the mean) tested together with
Benjamini-Hochberg, before and after; the share of reports that call at least one change.

A power row per part shows the price of calibration: a planted change (rate ratio 0.6 at mean 200,
variance 3x the mean) and a municipality with 1.5 times its peers' rate.

Run (from the repository root)::

    .venv/bin/python bench/bench_calibration.py [--quick] [--reps N] [--part a|b|all] [--seed S]

Prints Markdown tables. Simulation standard error of a share near 5% with N replicates: sqrt(.05 .95 / N)
(0.49 percentage points at N = 2,000, the default; ``--quick`` uses 300).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from pathlib import Path

import numpy as np
import scipy
from scipy import stats as sps

from ivp.stats import change_test_many, estimate_dispersion, fdr_bh, funnel, pooled_dispersion
from ivp.stats.rates import rate_vs_reference_many

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data" / "cbs"
YEARS = np.arange(2012, 2026)
MEANS = (5, 30, 200, 600)
RATIOS = (1.0, 1.5, 2.0, 3.0, 5.0)
SPREADS = (0.0, 0.1, 0.2, 0.3)
ALPHA = 0.05
PEERS = 20
REFERENCE_POP = 120_000


def negative_binomial(rng: np.random.Generator, mean: np.ndarray, ratio: float, size: int) -> np.ndarray:
    """Counts with the given mean and variance ``ratio * mean`` (Poisson when ratio is 1)."""
    if ratio == 1.0:
        return rng.poisson(mean, size=(size, mean.size))
    k = mean / (ratio - 1.0)  # variance mu + mu^2 / k = ratio * mu
    return rng.negative_binomial(k, k / (k + mean), size=(size, mean.size))


def se_at_null(reps: int) -> float:
    """Simulation standard error of a share of 5% with ``reps`` replicates."""
    return math.sqrt(ALPHA * (1 - ALPHA) / reps)


def fmt(share: float, reps: int, *, mark: bool = True) -> str:
    """Percentage with one decimal; bold when above 5% + 2 simulation standard errors."""
    text = f"{100 * share:.1f}%"
    if mark and share > ALPHA + 2 * se_at_null(reps):
        return f"**{text}**"
    return text


# -- (a) change between the last two years ------------------------------------------------------------


def change_cell(
    rng: np.random.Generator, mean: float, ratio: float, reps: int, planted: float = 1.0
) -> dict[str, float]:
    means = np.full(YEARS.size, float(mean))
    means[-1] *= planted
    series = negative_binomial(rng, means, ratio, reps)
    a, b = series[:, -2], series[:, -1]
    before = np.array(
        [
            ai + bi > 0 and sps.binomtest(int(bi), int(ai + bi), 0.5).pvalue < ALPHA
            for ai, bi in zip(a, b, strict=True)
        ]
    )  # 0 -> 0: nothing to test
    phis = np.empty(reps)
    dfs = np.empty(reps)
    outlier = np.zeros(reps, dtype=bool)
    outlier_compared = np.zeros(reps, dtype=bool)
    for i, s in enumerate(series):
        d = estimate_dispersion(YEARS, s, protect=YEARS[-2:])  # as the report: compared years stay in
        if d is None:  # no count in any year: the stated fallback (Poisson)
            d = pooled_dispersion([None])
        phis[i], dfs[i] = d.phi, d.df
        outlier[i] = d.outlier_year is not None
        outlier_compared[i] = d.outlier_year in (int(YEARS[-2]), int(YEARS[-1]))
    res = change_test_many(a, b, dispersion=phis, df=dfs, alpha=ALPHA)
    return {
        "before": float(before.mean()),
        "after": float(np.mean(res.direction != 0)),
        "test_only": float(np.mean(res.p_value < ALPHA)),
        "median_phi": float(np.median(phis)),
        "outlier": float(outlier.mean()),
        "outlier_compared": float(outlier_compared.mean()),
        "too_few": float(np.mean(res.small_numbers)),
    }


def part_a(rng: np.random.Generator, reps: int, power_reps: int) -> list[str]:
    se = se_at_null(reps)
    lines = [
        "### (a) Change between the last two years, no true change",
        "",
        f"{reps:,} series of 14 years per cell; simulation SE at 5%: {100 * se:.2f} percentage points; "
        f"**bold**: above 5% + 2 SE = {100 * (ALPHA + 2 * se):.1f}%.",
        "",
        "| mean | variance / mean | before (binomtest) | after (ivp) | after, test only | "
        "median phi used | outlier year left out | of which a compared year | small numbers |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for mean in MEANS:
        for ratio in RATIOS:
            c = change_cell(rng, mean, ratio, reps)
            lines.append(
                f"| {mean} | {ratio:g} | {fmt(c['before'], reps)} | {fmt(c['after'], reps)} | "
                f"{fmt(c['test_only'], reps)} | {c['median_phi']:.2f} | {100 * c['outlier']:.1f}% | "
                f"{100 * c['outlier_compared']:.1f}% | {100 * c['too_few']:.0f}% |"
            )
            print(f"  (a) mean {mean} ratio {ratio:g} done", flush=True)
    p = change_cell(rng, 200, 3.0, power_reps, planted=0.6)
    families = max(100, reps // 5)
    fam = family_share(rng, families)
    lines += [
        "",
        f"Power (planted change: last year's mean x 0.6, mean 200, variance 3x the mean; {power_reps:,} "
        f"series): before {100 * p['before']:.1f}%, after {100 * p['after']:.1f}% "
        f"(test only {100 * p['test_only']:.1f}%; outlier year left out in {100 * p['outlier']:.1f}%, "
        f"median phi {p['median_phi']:.2f}).",
        "",
        f"One report's family ({families:,} synthetic reports of {FAMILY_TYPES} crime types, all constant, "
        f"variance 3x the mean, means 30-600, Benjamini-Hochberg at 0.05 over the {FAMILY_TYPES} changes): "
        f"share of reports with at least one change called: before {fmt(fam[0], families)}, after "
        f"{fmt(fam[1], families)} (SE at 5%: "
        f"{100 * se_at_null(families):.1f} points).",
    ]
    return lines


FAMILY_TYPES = 59


def family_share(rng: np.random.Generator, families: int) -> tuple[float, float]:
    """Share of synthetic reports (59 constant crime types, variance 3x the mean) in which ivp, with
    Benjamini-Hochberg over the report's changes, calls at least one change; before (binomtest + BH)
    and after."""
    means = np.exp(np.linspace(np.log(30), np.log(600), FAMILY_TYPES))
    hits = hits_before = 0
    for _ in range(families):
        series = np.vstack([negative_binomial(rng, np.full(YEARS.size, m), 3.0, 1)[0] for m in means])
        ds = [estimate_dispersion(YEARS, s, protect=YEARS[-2:]) or pooled_dispersion([None]) for s in series]
        res = change_test_many(
            series[:, -2], series[:, -1], dispersion=[d.phi for d in ds], df=[d.df for d in ds]
        )
        hits += bool(np.any(fdr_bh(res.p_value).rejected & ~res.small_numbers))
        old = [sps.binomtest(int(b), int(a + b), 0.5).pvalue for a, b in series[:, -2:]]
        hits_before += bool(np.any(fdr_bh(old).rejected))
    return hits_before / families, hits / families


# -- (b) peer comparison ------------------------------------------------------------------------------


def peer_cell(
    rng: np.random.Generator, mean: float, sdlog: float, reps: int, own_ratio: float = 1.0
) -> dict[str, float]:
    units = PEERS + 1
    pops = rng.uniform(90_000, 150_000, (reps, units))
    rates = mean / REFERENCE_POP * np.exp(rng.normal(0.0, sdlog, (reps, units)))
    rates[:, 0] *= own_ratio
    counts = rng.poisson(rates * pops)
    peer_rate = counts[:, 1:].sum(axis=1) / pops[:, 1:].sum(axis=1) * 1000
    if np.any(peer_rate <= 0):  # peers without a single count: no reference rate (only at tiny means)
        peer_rate = np.where(peer_rate > 0, peer_rate, 1e-9)
    old = rate_vs_reference_many(counts[:, 0], pops[:, 0], peer_rate)
    after = np.zeros(reps, dtype=bool)
    test_only = np.zeros(reps, dtype=bool)
    phis = np.empty(reps)
    for i in range(reps):
        f = funnel(counts[i], pops[i])
        after[i] = f.direction[0] != 0
        test_only[i] = f.p_value[0] < ALPHA
        phis[i] = f.phi
    return {
        "before": float(np.mean(old.p_value < ALPHA)),
        "after": float(after.mean()),
        "test_only": float(test_only.mean()),
        "median_phi": float(np.median(phis)),
        "too_few": float(np.mean(counts[:, 0] < 20)),
    }


def real_spread() -> tuple[str, list[float]]:
    """Between-municipality sd of log rates, Poisson noise removed, among municipalities within +-25%
    of Dordrecht's population (GM0505, 2023), per crime type: a line for the report (or why not) and
    the median and largest sd over the crime types (empty without the data)."""
    data_path = SHARED / "47018NED" / "TypedDataSet.json"
    pop_path = SHARED / "bevolking_gemeenten_2012_2025.csv"
    if not (data_path.exists() and pop_path.exists()):
        return "Shared CBS data not found: no estimate of the real spread.", []
    import pandas as pd

    data = pd.read_json(data_path)
    data["code"] = data["WijkenEnBuurten"].str.strip()
    data["type"] = data["SoortMisdrijf"].str.strip()
    data = data[data["Perioden"].str.startswith("2023") & data["code"].str.startswith("GM")]
    data = data[(data["code"] != "GM0000") & (data["type"] != "0.0.0")]
    table = pd.read_csv(pop_path)
    pop = table[table["jaar"] == 2023].set_index("gemeente_code")["gemiddelde_bevolking"]
    own = float(pop.loc["GM0505"])
    group = pop[(pop >= 0.75 * own) & (pop <= 1.25 * own)]
    data = data[data["code"].isin(group.index)]
    sds = []
    for _type, rows in data.groupby("type"):
        y = rows["GeregistreerdeMisdrijven_1"].to_numpy(dtype=float)
        n = group.loc[rows["code"]].to_numpy(dtype=float)
        keep = y > 0
        log_rate = np.log(y[keep] / n[keep])
        between = float(np.var(log_rate, ddof=1) - np.mean(1.0 / y[keep]))
        sds.append(math.sqrt(max(0.0, between)))
    q = np.quantile(sds, [0.0, 0.25, 0.5, 0.75, 1.0])
    text = (
        f"Real spread (47018NED, 2023, {len(group)} municipalities within +-25% of Dordrecht's "
        f"{own:,.0f} inhabitants, {len(sds)} crime types): sd of the log rate between municipalities, "
        f"Poisson noise removed: min {q[0]:.2f}, quartiles {q[1]:.2f} / {q[2]:.2f} / {q[3]:.2f}, "
        f"max {q[4]:.2f}. The rows marked *real* use the median and the largest of these."
    )
    return text, [round(float(q[2]), 2), round(float(q[4]), 2)]


def part_b(rng: np.random.Generator, reps: int, power_reps: int) -> list[str]:
    se = se_at_null(reps)
    spread_text, real = real_spread()
    lines = [
        "### (b) Peer comparison, the municipality an ordinary member of its group",
        "",
        spread_text,
        "",
        f"A municipality and {PEERS} peers (90,000-150,000 inhabitants), {reps:,} groups per cell; "
        f"simulation SE at 5%: {100 * se:.2f} percentage points; **bold**: above "
        f"{100 * (ALPHA + 2 * se):.1f}%.",
        "",
        "| mean per unit | sd of log rate | before (vs pooled peers, fixed) | after (funnel) | "
        "after, test only | median funnel phi | municipality < 20 events |",
        "|---|---|---|---|---|---|---|",
    ]
    for mean in MEANS:
        for sdlog in (*SPREADS, *real):
            c = peer_cell(rng, mean, sdlog, reps)
            tag = " (*real*)" if sdlog in real and sdlog not in SPREADS else ""
            lines.append(
                f"| {mean} | {sdlog:g}{tag} | {fmt(c['before'], reps)} | {fmt(c['after'], reps)} | "
                f"{fmt(c['test_only'], reps)} | {c['median_phi']:.2f} | {100 * c['too_few']:.0f}% |"
            )
            print(f"  (b) mean {mean} sd {sdlog:g} done", flush=True)
    p = peer_cell(rng, 200, 0.2, power_reps, own_ratio=1.5)
    lines += [
        "",
        f"Power (the municipality at 1.5 times its group's rate, mean 200, sd 0.2; {power_reps:,} groups): "
        f"before {100 * p['before']:.1f}%, after {100 * p['after']:.1f}% (test only "
        f"{100 * p['test_only']:.1f}%).",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["a", "b", "all"], default="all")
    parser.add_argument("--reps", type=int, default=None, help="replicates per cell (default 2000)")
    parser.add_argument("--quick", action="store_true", help="300 replicates per cell")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    reps = args.reps or (300 if args.quick else 2000)
    power_reps = max(300, reps // 2)
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    lines: list[str] = []
    if args.part in ("a", "all"):
        lines += [*part_a(rng, reps, power_reps), ""]
    if args.part in ("b", "all"):
        lines += [*part_b(rng, reps, power_reps), ""]
    seconds = time.perf_counter() - start
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    lines.append(
        f"Wall time {seconds:.0f} s (part {args.part}, {reps:,} replicates per cell, seed {args.seed}); "
        f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; python "
        f"{platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}."
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
