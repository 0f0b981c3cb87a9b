"""Load benchmark of Open311 submissions: gunicorn + PostgreSQL on 127.0.0.1, bounded in count and time.

Phase 1 measures sustained POST /open311/v2/requests.json per second with p50/p99 latency. Phase 2 runs the
same load, kills the whole gunicorn process group with SIGKILL mid-load, restarts it, and then checks that
every acknowledged report (HTTP 201 with an id) is in the database.

    .venv/bin/python bench/bench_open311.py [--workers 2] [--connections 16] [--seconds 20]

Needs PostgreSQL: IVP_TEST_DATABASE_URL, or scripts/start-postgres is run. Uses a database ivp_bench.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "127.0.0.1"  # loopback only


def _database(base_url: str) -> str:
    parts = urlsplit(base_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute("DROP DATABASE IF EXISTS ivp_bench")
        con.execute("CREATE DATABASE ivp_bench")
    return urlunsplit(parts._replace(path="/ivp_bench"))


def _env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DJANGO_SETTINGS_MODULE="ivp.web.settings",
        IVP_RATE_OPEN311="100000000/60",
        IVP_SECRET_KEY="bench-secret-key-not-for-production",  # noqa: S106
        IVP_REGIONS_GEOJSON=str(REPO.parent / "shared" / "data" / "geo" / "dordrecht_buurten_2024.geojson"),
    )
    env.pop("IVP_WORKSPACE", None)
    return env


def _start(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [PY, "-m", "gunicorn", "ivp.web.wsgi:application", "--bind", f"{HOST}:{port}", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", "4", "--keep-alive", "30", "--log-level", "warning"],
        env=env, cwd=REPO, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(env["DATABASE_URL"]):
                pass
            import socket

            with socket.create_connection((HOST, port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _kill(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


class Load:
    """Keep-alive HTTP/1.1 clients on asyncio streams; bounded by a deadline."""

    def __init__(self, port: int, key: str, connections: int) -> None:
        self.port, self.key, self.connections = port, key, connections
        self.latencies: list[float] = []
        self.acked: list[int] = []
        self.errors = 0
        self.seq = 0

    def _body(self) -> bytes:
        self.seq += 1
        return urlencode(
            {"api_key": self.key, "service_code": "straatintimidatie", "lat": "51.8133", "long": "4.6690",
             "description": f"Benchmarkmelding {self.seq}: nageroepen bij de brug."}
        ).encode()  # fmt: skip

    async def _client(self, deadline: float) -> None:
        reader = writer = None
        while time.monotonic() < deadline:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, self.port)
                assert reader is not None
                body = self._body()
                head = (
                    f"POST /open311/v2/requests.json HTTP/1.1\r\nHost: {HOST}\r\n"
                    f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode()
                start = time.perf_counter()
                writer.write(head + body)
                await writer.drain()
                status_line = await asyncio.wait_for(reader.readline(), 10)
                length = 0
                close = False
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                    if name.lower() == "connection" and "close" in value.lower():
                        close = True
                payload = await reader.readexactly(length)
                elapsed = time.perf_counter() - start
                if status_line.split()[1:2] == [b"201"]:
                    self.latencies.append(elapsed)
                    self.acked.append(int(json.loads(payload)[0]["service_request_id"]))
                else:
                    self.errors += 1
                if close or not status_line:
                    writer.close()
                    writer = None
            except (TimeoutError, OSError, asyncio.IncompleteReadError, IndexError, ValueError):
                self.errors += 1
                if writer is not None:
                    writer.close()
                writer = None
                await asyncio.sleep(0.05)
        if writer is not None:
            writer.close()

    async def run(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(self._client(deadline) for _ in range(self.connections)))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=18311)
    args = parser.parse_args()
    base = (
        os.environ.get("IVP_TEST_DATABASE_URL")
        or subprocess.check_output(["bash", "scripts/start-postgres"], cwd=REPO, text=True).strip()
    )
    db_url = _database(base)
    env = _env(db_url)
    subprocess.run([PY, "-m", "ivp.cli", "manage", "migrate", "-v", "0"], env=env, cwd=REPO, check=True)
    key = subprocess.check_output(
        [PY, "-m", "ivp.cli", "open311", "key", "create", "bench"], env=env, cwd=REPO, text=True
    ).strip()

    proc = _start(env, args.port, args.workers)
    try:
        asyncio.run(Load(args.port, key, 4).run(2))  # warm-up: imports, connections
        load = Load(args.port, key, args.connections)
        asyncio.run(load.run(args.seconds))
    finally:
        _kill(proc)
    sustained = {
        "requests_ok": len(load.acked),
        "errors": load.errors,
        "per_second": round(len(load.acked) / args.seconds, 1),
        "p50_ms": round(_pct(load.latencies, 0.50), 1),
        "p99_ms": round(_pct(load.latencies, 0.99), 1),
    }

    # Crash run: SIGKILL the whole server a third of the way in, restart, keep loading.
    proc = _start(env, args.port, args.workers)
    crash = Load(args.port, key, args.connections)

    async def crash_run() -> None:
        nonlocal proc
        task = asyncio.create_task(crash.run(args.seconds))
        await asyncio.sleep(args.seconds / 3)
        _kill(proc)
        await asyncio.sleep(1)
        proc = await asyncio.to_thread(_start, env, args.port, args.workers)
        await task

    try:
        asyncio.run(crash_run())
    finally:
        _kill(proc)
    with psycopg.connect(db_url) as con:
        present = {
            row[0]
            for row in con.execute("SELECT id FROM meldingen_melding WHERE id = ANY(%s)", [crash.acked])
        }
        histories = con.execute(
            "SELECT count(*) FROM meldingen_melding m WHERE NOT EXISTS "
            "(SELECT 1 FROM meldingen_statuswijziging h WHERE h.melding_id = m.id)"
        ).fetchone()
    lost = sorted(set(crash.acked) - present)
    result = {
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "sustained": sustained,
        "crash": {
            "acknowledged": len(crash.acked),
            "errors_during_outage": crash.errors,
            "lost": len(lost),
            "meldingen_without_history": histories[0] if histories else None,
        },
    }
    print(json.dumps(result, indent=2))
    if lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
