"""Benchmark the foundation: loading CBS crime figures and the change test at scale.

(a) Load every municipality's rows of 47018NED (shared data) through the CBS adapter into the store and
    run the exact change test for every municipality x crime type x pair of consecutive years.
(b) A synthetic table shaped like CBS's buurt table (14,000 buurten x 59 types x 13 years x 12 months,
    ~129 million cells): the change test for every buurt x type between the last two years, the months of
    those two years summed in one query. Checked against the first edition (every year aggregated first,
    every pair tested on its own): the same tests, counts, p-values, intervals and labels (a digest).

Each is compared with what an analyst would otherwise write: plain pandas plus scipy.stats.binomtest per
test. Run::

    .venv/bin/python bench/bench_change.py [--part a|b|all] [--repeat 3] [--layout jaar|willekeurig]
        [--baseline-sample N] [--skip-baseline-b]

Peak memory is the process's maximum resident set size (ru_maxrss) measured in a fresh child process per
measurement, so one measurement's memory does not leak into the next.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from scipy import stats as sps

from ivp.sources.base import get
from ivp.stats import change_test_many
from ivp.stats.change import ChangeArrays
from ivp.stats.change import _test as ungrouped_test
from ivp.store import Store

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
N_BUURTEN, N_TYPES, N_YEARS, N_MONTHS = 14_000, 59, 13, 12


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(name: str, *args: str) -> dict[str, Any]:
    """Run the function ``name`` in a fresh Python process; return its result with seconds and peak RSS."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _child(name: str, args: list[str]) -> None:
    func: Callable[..., dict[str, Any]] = CHILDREN[name]
    start = time.perf_counter()
    result = func(*args)
    result["seconds"] = time.perf_counter() - start
    result["peak_mb"] = _peak_mb()
    if "_check" in result:  # digested after the clock stopped
        result["checksum"] = _checksum(*result.pop("_check"))
    print(json.dumps(result))


# -- (a) every municipality of 47018NED ---------------------------------------------------------------


def ivp_a(folder: str, population_csv: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "s.duckdb") as store:
        for adapter_id, location, dataset in (
            ("cbs", folder, "47018NED"),
            ("bevolking", population_csv, None),
        ):
            adapter = get(adapter_id)
            store.load(adapter.parse(adapter.fetch(location, dataset=dataset)))
        t_load = time.perf_counter()
        frame = store.query(
            """
            SELECT a.region, a.category, a.year AS year_a, a.value AS count_a, b.value AS count_b,
                   pa.value AS pop_a, pb.value AS pop_b
            FROM observations a
            JOIN observations b ON b.region = a.region AND b.category = a.category AND b.year = a.year + 1
                 AND b.grain = 'jaar' AND b.measure = a.measure
            JOIN population pa ON pa.region = a.region AND pa.year = a.year
            JOIN population pb ON pb.region = b.region AND pb.year = b.year
            WHERE a.grain = 'jaar' AND a.measure = 'geregistreerde_misdrijven' AND a.region LIKE 'GM%'
              AND a.region <> 'GM0000'
            """
        )
        res = change_test_many(
            frame["count_a"].to_numpy(),
            frame["count_b"].to_numpy(),
            frame["pop_a"].to_numpy(),
            frame["pop_b"].to_numpy(),
        )
        return {
            "tests": len(frame),
            "demonstrable": int(np.count_nonzero(res.direction)),
            "test_seconds": time.perf_counter() - t_load,
        }


def pandas_a(folder: str, population_csv: str) -> dict[str, Any]:
    data = pd.read_json(Path(folder) / "TypedDataSet.json")
    for col in ("SoortMisdrijf", "WijkenEnBuurten"):
        data[col] = data[col].str.strip()
    data = data[data["WijkenEnBuurten"].str.startswith("GM") & (data["WijkenEnBuurten"] != "GM0000")]
    data["jaar"] = data["Perioden"].str[:4].astype(int)
    pop = pd.read_csv(population_csv).rename(columns={"gemeente_code": "WijkenEnBuurten"})
    data = data.merge(pop, on=["WijkenEnBuurten", "jaar"])
    nxt = data.assign(jaar=data["jaar"] - 1)
    pairs = data.merge(nxt, on=["WijkenEnBuurten", "SoortMisdrijf", "jaar"], suffixes=("_a", "_b"))
    demonstrable = 0
    for a, b, pa, pb in zip(
        pairs["GeregistreerdeMisdrijven_1_a"],
        pairs["GeregistreerdeMisdrijven_1_b"],
        pairs["gemiddelde_bevolking_a"],
        pairs["gemiddelde_bevolking_b"],
        strict=True,
    ):
        n = int(a + b)
        if n and sps.binomtest(int(b), n, pb / (pa + pb)).pvalue < 0.05:
            demonstrable += 1
    return {"tests": len(pairs), "demonstrable": demonstrable}


# -- (b) synthetic buurt table -------------------------------------------------------------------------


def make_synthetic(path: Path, *, by_year: bool = True) -> int:
    """Write the synthetic monthly buurt table as Parquet (not timed). Returns the number of cells.

    ``by_year``: rows ordered by year, as a store holds a table it appends period by period; each row
    group then holds one year and its statistics let a query for two years skip the others. Without it
    the rows come in the generator's order (every row group holds every year), as in the first edition.
    """
    order = "ORDER BY jaar" if by_year else ""
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
          SELECT b::INTEGER AS buurt, t::SMALLINT AS soort, (2012 + y)::SMALLINT AS jaar,
                 m::TINYINT AS maand,
                 -- a buurt x type level times a mild trend, made integer by a hash: deterministic
                 ((hash(b, t, y, m) % 1000) / 1000.0 * ((b * 7 + t * 13) % 6) * (1 + y / 20.0))::INTEGER
                   AS aantal
          FROM range({N_BUURTEN}) r1(b), range({N_TYPES}) r2(t), range({N_YEARS}) r3(y),
               range(1, {N_MONTHS + 1}) r4(m)
          {order}
        ) TO '{path}' (FORMAT PARQUET, ROW_GROUP_SIZE 1000000)
        """
    )
    cells = con.execute(f"SELECT count(*) FROM '{path}'").fetchone()
    con.close()
    return int(cells[0]) if cells else 0


def ivp_b(path: str) -> dict[str, Any]:
    """The change test between the last two years for every buurt x type, as ivp runs it.

    One query sums the months of only the two compared years per buurt x type (the other eleven years
    are never aggregated: the test does not need them), straight into the two count columns; then
    ``change_test_many`` tests every pair.
    """
    year_a, year_b = 2012 + N_YEARS - 2, 2012 + N_YEARS - 1
    t0 = time.perf_counter()
    # perfect_ht_threshold: group keys of up to 20 bits (buurt 14 + type 6, from the Parquet statistics)
    # go into a directly indexed table instead of a hash table (DuckDB's default stops at 12 bits)
    con = duckdb.connect(config={"threads": 2, "memory_limit": "3GB", "perfect_ht_threshold": 20})
    years = con.execute(
        f"""
        SELECT buurt, soort,
               sum(aantal) FILTER (WHERE jaar = {year_a}) AS a,
               sum(aantal) FILTER (WHERE jaar = {year_b}) AS b
        FROM '{path}' WHERE jaar IN ({year_a}, {year_b})
        GROUP BY buurt, soort ORDER BY buurt, soort
        """
    ).fetchnumpy()
    con.close()
    t1 = time.perf_counter()
    a = np.asarray(years["a"], dtype=np.float64)
    b = np.asarray(years["b"], dtype=np.float64)
    res = change_test_many(a, b)
    t2 = time.perf_counter()
    return {
        "tests": len(res.p_value),
        "demonstrable": int(np.count_nonzero(res.direction)),
        "_check": (a, b, res),
        "aggregate_seconds": t1 - t0,
        "test_seconds": t2 - t1,
    }


def ivp_b_before(path: str) -> dict[str, Any]:
    """The first edition (issue 2), kept to check the result: every year aggregated into a table first,
    and every pair tested on its own."""
    t0 = time.perf_counter()
    con = duckdb.connect(config={"threads": 2, "memory_limit": "3GB"})
    con.execute(
        f"CREATE TABLE yearly AS SELECT buurt, soort, jaar, sum(aantal) AS aantal FROM '{path}' "
        "GROUP BY buurt, soort, jaar"
    )
    t1 = time.perf_counter()
    years = con.execute(
        f"""
        SELECT buurt, soort,
               sum(aantal) FILTER (WHERE jaar = {2012 + N_YEARS - 2}) AS a,
               sum(aantal) FILTER (WHERE jaar = {2012 + N_YEARS - 1}) AS b
        FROM yearly WHERE jaar >= {2012 + N_YEARS - 2}
        GROUP BY buurt, soort ORDER BY buurt, soort
        """
    ).fetchnumpy()
    yearly_rows = con.execute("SELECT count(*) FROM yearly").fetchone()
    t2 = time.perf_counter()
    a = np.asarray(years["a"], dtype=np.float64)
    b = np.asarray(years["b"], dtype=np.float64)
    # every pair tested on its own, as before ``change_test_many`` grouped repeated pairs
    ones, inf = np.ones_like(a), np.full_like(a, np.inf)
    res = ungrouped_test(a, b, ones, ones, ones, inf, 0.05, "two-sided")
    t3 = time.perf_counter()
    return {
        "tests": len(res.p_value),
        "demonstrable": int(np.count_nonzero(res.direction)),
        "_check": (a, b, res),
        "yearly_rows": int(yearly_rows[0]) if yearly_rows else 0,
        "aggregate_seconds": t1 - t0,
        "pivot_seconds": t2 - t1,
        "test_seconds": t3 - t2,
    }


def _checksum(a: np.ndarray, b: np.ndarray, res: ChangeArrays) -> str:
    """A digest of the counts and the whole result in buurt x type order, to compare two runs exactly."""
    digest = hashlib.sha256(a.tobytes() + b.tobytes())
    for field in ("p_value", "ci_low", "ci_high", "percent_change", "direction", "small_numbers", "label"):
        digest.update(np.ascontiguousarray(getattr(res, field)).tobytes())
    return digest.hexdigest()[:16]


def pandas_b(path: str, sample: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    data = pd.read_parquet(path)
    yearly = data.groupby(["buurt", "soort", "jaar"], as_index=False)["aantal"].sum()
    aggregate_seconds = time.perf_counter() - t0
    last = yearly[yearly["jaar"] >= 2012 + N_YEARS - 2]
    wide = last.pivot_table(index=["buurt", "soort"], columns="jaar", values="aantal").reset_index()
    a = wide[2012 + N_YEARS - 2].to_numpy()
    b = wide[2012 + N_YEARS - 1].to_numpy()
    idx = range(len(a)) if sample == "all" else range(0, len(a), max(1, len(a) // int(sample)))
    start = time.perf_counter()
    demonstrable = 0
    for i in idx:
        n = int(a[i] + b[i])
        if n and sps.binomtest(int(b[i]), n, 0.5).pvalue < 0.05:
            demonstrable += 1
    loop = time.perf_counter() - start
    return {
        "tests": len(a),
        "looped": len(idx),
        "loop_seconds": loop,
        "demonstrable_in_loop": demonstrable,
        "yearly_rows": len(yearly),
        "aggregate_seconds": aggregate_seconds,
    }


def make_b(path: str, layout: str) -> dict[str, Any]:
    return {"cells": make_synthetic(Path(path), by_year=layout == "jaar")}


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "make_b": make_b,
    "ivp_a": ivp_a,
    "pandas_a": pandas_a,
    "ivp_b": ivp_b,
    "ivp_b_before": ivp_b_before,
    "pandas_b": pandas_b,
}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=["a", "b", "all"], default="all")
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=None,
        help="(b) run binomtest on only this many pairs and extrapolate the loop time",
    )
    parser.add_argument("--repeat", type=int, default=3, help="(b) runs of ivp, each in a fresh process")
    parser.add_argument(
        "--layout",
        choices=["jaar", "willekeurig"],
        default="jaar",
        help="(b) rows of the Parquet file ordered by year, or in the generator's order",
    )
    parser.add_argument("--skip-baseline-b", action="store_true", help="(b) leave out pandas + scipy")
    args = parser.parse_args()
    out: dict[str, Any] = {}
    if args.part in ("a", "all"):
        folder = str(SHARED / "cbs" / "47018NED")
        population = str(SHARED / "cbs" / "bevolking_gemeenten_2012_2025.csv")
        out["a_ivp"] = measure("ivp_a", folder, population)
        out["a_pandas"] = measure("pandas_a", folder, population)
        out["a_ratio"] = out["a_pandas"]["seconds"] / out["a_ivp"]["seconds"]
        print(json.dumps({k: v for k, v in out.items() if k.startswith("a")}, indent=2), flush=True)
    if args.part in ("b", "all"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "buurt_maand.parquet"
            t0 = time.perf_counter()
            # in a child of its own: Linux hands a parent's peak RSS on to the children it starts
            cells = measure("make_b", str(path), args.layout)["cells"]
            out["b_layout"] = args.layout
            out["b_cells"] = cells
            out["b_generate_seconds"] = time.perf_counter() - t0
            runs = [measure("ivp_b", str(path)) for _run in range(args.repeat)]
            seconds = sorted(r["seconds"] for r in runs)
            out["b_ivp"] = min(runs, key=lambda r: r["seconds"])
            out["b_ivp_seconds_all"] = seconds
            out["b_ivp_seconds_median"] = seconds[len(seconds) // 2]
            out["b_ivp_peak_mb_max"] = max(r["peak_mb"] for r in runs)
            before = measure("ivp_b_before", str(path))
            out["b_ivp_before"] = before
            for run in runs:  # the same tests, the same counts, the same p-values as the first edition
                for key in ("tests", "demonstrable", "checksum"):
                    assert run[key] == before[key], (key, run[key], before[key])
            if args.skip_baseline_b:
                print(json.dumps({k: v for k, v in out.items() if k.startswith("b")}, indent=2), flush=True)
                return
            base = measure("pandas_b", str(path), str(args.baseline_sample or "all"))
            if args.baseline_sample:
                full_loop = base["loop_seconds"] * base["tests"] / base["looped"]
                base["seconds_extrapolated"] = base["seconds"] - base["loop_seconds"] + full_loop
            out["b_pandas"] = base
            total = base.get("seconds_extrapolated", base["seconds"])
            out["b_ratio"] = total / out["b_ivp"]["seconds"]
        print(json.dumps({k: v for k, v in out.items() if k.startswith("b")}, indent=2), flush=True)
    print(f"python {sys.version.split()[0]}, duckdb {duckdb.__version__}, pandas {pd.__version__}")


if __name__ == "__main__":
    main()
