"""Compare gunicorn set-ups (or code versions) under the Open311 load in interleaved windows.

On the benchmark VM the host's speed drifts by up to 2x within minutes (bench/RESULTS.md: the same code
served 356-614 submissions/s in back-to-back runs), so runs one after another cannot resolve a 10 %
difference. Here all set-ups run at once, idle while not loaded; the load of ``bench_open311`` (closed
loop, keep-alive connections closed after ``--per-connection`` submissions) goes to one set-up at a time,
in windows of a few seconds, round-robin with the order reversed every round. Reported per set-up: median
and best submissions/s, CPU milliseconds per submission (server, PostgreSQL backends, load generator),
median p99; and the median over rounds of the ratio to the first set-up in the same round.

    .venv/bin/python bench/bench_open311_interleaved.py 2x4 2x2 2x1 [--rounds 8] [--seconds 6]
    .venv/bin/python bench/bench_open311_interleaved.py 2x4@old 2x4 --src old=/tmp/old-checkout/src

A set-up is WORKERSxTHREADS, optionally ``:python`` (gunicorn's pure-Python HTTP parser instead of the C
one) and ``@NAME`` (run the code of the source tree ``--src NAME=PATH``, e.g. a git worktree of an older
commit). PostgreSQL as in bench_open311 (IVP_TEST_DATABASE_URL or scripts/start-postgres).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere
from bench import bench_open311 as open311

SETUP = re.compile(r"(?P<workers>\d+)x(?P<threads>\d+)(?::(?P<parser>auto|python))?(?:@(?P<src>\w+))?")


@dataclass
class Setup:
    name: str
    workers: int
    threads: int
    parser: str
    src: str | None


def _setups(specs: list[str], sources: dict[str, str]) -> list[Setup]:
    setups = []
    for spec in specs:
        match = SETUP.fullmatch(spec)
        if match is None:
            raise SystemExit(f"{spec}: use WORKERSxTHREADS[:python][@NAME], e.g. 2x4 or 2x4:python@old")
        src = match["src"]
        if src is not None and src not in sources:
            raise SystemExit(f"{spec}: no --src {src}=PATH given")
        setups.append(
            Setup(spec, int(match["workers"]), int(match["threads"]), match["parser"] or "auto", src)
        )
    return setups


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("setups", nargs="+")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--per-connection", type=int, default=20)
    parser.add_argument("--port", type=int, default=18500, help="first port; one per set-up")
    parser.add_argument("--src", action="append", default=[], help="NAME=PATH of a source tree (src/)")
    args = parser.parse_args()
    sources = dict(item.split("=", 1) for item in args.src)
    setups = _setups(args.setups, sources)
    db_url, env, key = open311.prepare(open311.cluster_url(), "interleaved")
    servers = []
    try:
        for index, setup in enumerate(setups):
            port = args.port + index
            server_env = dict(env, PYTHONPATH=sources[setup.src]) if setup.src else env
            options = argparse.Namespace(
                workers=setup.workers, threads=setup.threads, worker_class="gthread", http_parser=setup.parser
            )
            proc = open311._start(server_env, port, options)
            asyncio.run(open311.Load(port, key, args.connections, args.per_connection).run(2))  # warm-up
            servers.append((setup, port, proc))
        windows: dict[str, list[dict[str, float]]] = {setup.name: [] for setup in setups}
        for round_ in range(args.rounds):
            for setup, port, proc in servers if round_ % 2 == 0 else servers[::-1]:
                meter = open311.CpuMeter(proc.pid, db_url)
                load = open311.Load(port, key, args.connections, args.per_connection)
                meter.start()
                asyncio.run(load.run(args.seconds))
                cpu = meter.stop()["cpu_s"]
                assert isinstance(cpu, dict)
                done = max(1, len(load.acked))
                windows[setup.name].append(
                    {
                        "per_second": len(load.acked) / args.seconds,
                        "server_ms": 1000 * cpu["server"] / done,
                        "postgres_ms": 1000 * cpu["postgres_backends"] / done,
                        "load_generator_ms": 1000 * cpu["load_generator"] / done,
                        "p99_ms": open311._pct(load.latencies, 0.99),
                        "errors": load.errors,
                    }
                )
    finally:
        for _setup, _port, proc in servers:
            open311._kill(proc)
    first = setups[0].name
    summary = {}
    for name, rows in windows.items():
        med = {k: round(statistics.median(r[k] for r in rows), 2) for k in rows[0]}
        summary[name] = {
            **{f"median_{k}": v for k, v in med.items() if k != "errors"},
            "best_per_second": round(max(r["per_second"] for r in rows), 1),
            "errors": sum(int(r["errors"]) for r in rows),
            "ratio_per_second_to_first": round(
                statistics.median(
                    r["per_second"] / f["per_second"] for r, f in zip(rows, windows[first], strict=True)
                ),
                3,
            ),
            "ratio_server_ms_to_first": round(
                statistics.median(
                    r["server_ms"] / f["server_ms"] for r, f in zip(rows, windows[first], strict=True)
                ),
                3,
            ),
        }
    print(
        json.dumps(
            {"rounds": args.rounds, "seconds": args.seconds, "summary": summary, "windows": windows}, indent=1
        )
    )


if __name__ == "__main__":
    main()
