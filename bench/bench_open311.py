"""Load benchmark of Open311 submissions: gunicorn + PostgreSQL on 127.0.0.1, bounded in count and time.

Phase 1 measures sustained POST /open311/v2/requests.json per second with p50/p99 latency, and the CPU
seconds spent by the server (gunicorn master and workers), the PostgreSQL backends, the load generator (this
process) and everything else on the machine, plus ``uptime`` before and after. Phase 2 runs the same load,
kills the whole gunicorn process group with SIGKILL mid-load, restarts it, and then checks that every
acknowledged report (HTTP 201 with an id) is in the database, with its history row and its audit row.

    .venv/bin/python bench/bench_open311.py [--workers 2] [--threads 2] [--connections 16] [--seconds 20]
        [--durable-db]

Needs PostgreSQL: IVP_TEST_DATABASE_URL, or scripts/start-postgres is run (a test cluster with fsync=off and
synchronous_commit=off). ``--durable-db`` instead starts a second, throw-away cluster on 127.0.0.1:54339 with
fsync=on, synchronous_commit=on and full_page_writes=on (PostgreSQL's durable defaults) and stops it at the
end. Uses its own database ivp_bench_open311. The settings the database ran with are part of the output.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
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
        con.execute("DROP DATABASE IF EXISTS ivp_bench_open311")
        con.execute("CREATE DATABASE ivp_bench_open311")
    return urlunsplit(parts._replace(path="/ivp_bench_open311"))


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


@contextmanager
def _durable_cluster(port: int) -> Iterator[str]:
    """A throw-away PostgreSQL cluster with the durable defaults (fsync, synchronous_commit, full pages)."""
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]
    data = Path(tempfile.mkdtemp(prefix="ivp-bench-pg-"))
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if run_as:
        shutil.chown(data, "postgres")
    subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    options = (f"-h {HOST} -p {port} -k /tmp -c fsync=on -c synchronous_commit=on -c full_page_writes=on "
               "-c max_connections=50")  # fmt: skip
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-s", "-D", str(data), "-l", str(data / "server.log"), "-w",
                    "-o", options, "start"], check=True)  # fmt: skip
    try:
        url = f"postgres://postgres@{HOST}:{port}/postgres"
        with psycopg.connect(url, autocommit=True) as con:
            con.execute("CREATE ROLE ivp LOGIN SUPERUSER PASSWORD 'ivp'")
        yield f"postgres://ivp:ivp@{HOST}:{port}/postgres"
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-s", "-D", str(data), "-m", "fast", "-w", "stop"],
                       check=False)  # fmt: skip
        shutil.rmtree(data, ignore_errors=True)


def _db_settings(db_url: str) -> dict[str, str]:
    with psycopg.connect(db_url) as con:
        return {
            name: str(row[0])
            for name in (
                "fsync",
                "synchronous_commit",
                "full_page_writes",
                "wal_sync_method",
                "server_version",
            )
            if (row := con.execute(f"SHOW {name}").fetchone()) is not None
        }


def _start(env: dict[str, str], port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [PY, "-m", "gunicorn", "ivp.web.wsgi:application", "--bind", f"{HOST}:{port}",
         "--workers", str(args.workers), "--worker-class", args.worker_class, "--threads", str(args.threads),
         "--keep-alive", "30", "--backlog", "256", "--preload", "--log-level", "warning",
         "--http-parser", args.http_parser],
        env=env, cwd=REPO, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _answers(port):
            return proc
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _parser_in_use(setting: str) -> str:
    """The HTTP parser gunicorn uses with this setting: its C parser when importable (auto) or required."""
    if setting == "python":
        return "python"
    try:
        import gunicorn_h1c  # optional, as in gunicorn
    except ImportError:
        return "python"
    return f"gunicorn_h1c {getattr(gunicorn_h1c, '__version__', '?')}"


def _answers(port: int) -> bool:
    """True when the server answers a real request (GET services.json: 200), not just a TCP connect.

    A bare connect was not enough: right after a kill -9 it sometimes succeeded while nothing listened
    (seen on this VM), and the crash run then began against a server that was still importing.
    """
    try:
        with socket.create_connection((HOST, port), timeout=5) as sock:
            sock.sendall(b"GET /open311/v2/services.json HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n"
                         b"Connection: close\r\n\r\n")  # fmt: skip
            return sock.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def _kill(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


TICK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process, 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _group(pgid: int) -> list[int]:
    """Pids in a process group (the gunicorn master and its workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:
                pids.append(int(entry.name))
    return pids


def _machine_busy() -> tuple[float, float]:
    """CPU seconds since boot: all cores busy in this VM, and stolen by the hypervisor (steal)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    steal = values[7]
    return (sum(values[:7]) - values[3] - values[4]) / TICK, steal / TICK


def _cpu_probe_ms() -> float:
    """Best of 5 for ``sum(range(10**6))`` in ms: how fast the (shared, virtual) CPU is right now.

    The host's speed drifts by up to half between runs; the same code then needs more CPU per submission.
    Recorded before and after each window so runs can be compared.
    """
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        sum(range(10**6))
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 1)


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


class CpuMeter:
    """CPU seconds of server, database backends, load generator, the rest of the VM and steal over a window."""

    def __init__(self, server_pgid: int, db_url: str) -> None:
        self.server_pgid, self.db_url = server_pgid, db_url

    def _backends(self) -> list[int]:
        with psycopg.connect(self.db_url, autocommit=True) as con:
            rows = con.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        return [int(r[0]) for r in rows]

    def _sample(self) -> tuple[float, dict[int, float], float, tuple[float, float]]:
        server = sum(_proc_cpu(pid) for pid in _group(self.server_pgid))
        backends = {pid: _proc_cpu(pid) for pid in self._backends()}
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return server, backends, usage.ru_utime + usage.ru_stime, _machine_busy()

    def start(self) -> None:
        self.uptime_before = _uptime()
        self.probe_before = _cpu_probe_ms()
        self.t0 = time.monotonic()
        self.before = self._sample()

    def stop(self) -> dict[str, object]:
        after = self._sample()
        wall = time.monotonic() - self.t0
        server = after[0] - self.before[0]
        database = sum(after[1][pid] - self.before[1].get(pid, 0.0) for pid in after[1])
        loadgen = after[2] - self.before[2]
        machine = after[3][0] - self.before[3][0]
        steal = after[3][1] - self.before[3][1]
        cores = os.cpu_count() or 1
        return {
            "wall_s": round(wall, 2),
            "cpu_s": {
                "server": round(server, 2),
                "postgres_backends": round(database, 2),
                "load_generator": round(loadgen, 2),
                "other": round(max(0.0, machine - server - database - loadgen), 2),
                "steal": round(steal, 2),  # taken by the hypervisor for other guests
                "machine_capacity": round(wall * cores, 2),
            },
            "cpu_probe_ms": [self.probe_before, _cpu_probe_ms()],
            "uptime_before": self.uptime_before,
            "uptime_after": _uptime(),
        }


class Load:
    """Keep-alive HTTP/1.1 clients (closed loop) on asyncio protocols; bounded by a deadline.

    Protocol callbacks rather than asyncio streams: the load generator shares the two cores with the
    server and the database, and streams cost about twice the CPU per request (0.56 against ~0.25 ms on
    the benchmark machine). Every acknowledged id is kept for the loss check.
    """

    TIMEOUT = 10.0  # a request unanswered this long counts as an error and its connection is dropped

    def __init__(self, port: int, key: str, connections: int, per_connection: int = 0) -> None:
        self.port, self.connections = port, connections
        self.per_connection = per_connection  # close and reconnect after this many answers (0: never)
        self.latencies: list[float] = []
        self.acked: list[int] = []
        self.errors = 0
        self.error_kinds: Counter[str] = Counter()
        self.seq = 0
        self.deadline = 0.0
        fields = {"api_key": key, "service_code": "straatintimidatie", "lat": "51.8133", "long": "4.6690"}
        self._body_head = (urlencode(fields) + "&description=Benchmarkmelding+").encode()
        self._body_tail = b"%3A+nageroepen+bij+de+brug."
        self._head = (
            b"POST /open311/v2/requests.json HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
        )  # fmt: skip

    def request(self) -> bytes:
        self.seq += 1
        body = self._body_head + str(self.seq).encode() + self._body_tail
        return self._head + str(len(body)).encode() + b"\r\n\r\n" + body

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] += 1

    async def _client(self) -> None:
        loop = asyncio.get_running_loop()
        while time.monotonic() < self.deadline:
            done: asyncio.Future[None] = loop.create_future()
            try:
                transport, protocol = await loop.create_connection(
                    functools.partial(_Client, self, done), HOST, self.port
                )
            except OSError as exc:
                self.error(type(exc).__name__)
                await asyncio.sleep(0.05)
                continue
            while not done.done():  # watch for a request that takes too long
                await asyncio.wait([done], timeout=1.0)
                if (
                    not done.done()
                    and protocol.started
                    and time.perf_counter() - protocol.started > self.TIMEOUT
                ):
                    protocol.started = 0.0  # counted here, not again as a lost connection
                    protocol.failed = True
                    self.error("TimeoutError")
                    transport.abort()
            if protocol.failed:
                await asyncio.sleep(0.05)

    async def run(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds  # the crash run may extend it, within a bound
        await asyncio.gather(*(self._client() for _ in range(self.connections)))


class _Client(asyncio.Protocol):
    """One keep-alive connection: send a submission, read the whole response, send the next."""

    def __init__(self, load: Load, done: asyncio.Future[None]) -> None:
        self.load, self.done = load, done
        self.buffer = b""
        self.started = 0.0
        self.failed = False
        self.answered = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._send()

    def _send(self) -> None:
        assert self.transport is not None
        if time.monotonic() >= self.load.deadline:
            self.started = 0.0
            self.transport.close()
            return
        self.buffer = b""
        self.started = time.perf_counter()
        self.transport.write(self.load.request())

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        status_line, _, headers = self.buffer[:end].partition(b"\r\n")
        length, close = 0, False
        for line in headers.lower().split(b"\r\n"):
            if line.startswith(b"content-length:"):
                length = int(line[15:])
            elif line.startswith(b"connection:") and b"close" in line:
                close = True
            elif line.startswith(b"transfer-encoding:"):
                self._fail("chunked response: the server should send Content-Length")
                return
        if len(self.buffer) < end + 4 + length:
            return  # the rest of the body is still on its way
        payload = self.buffer[end + 4 : end + 4 + length]
        elapsed = time.perf_counter() - self.started
        if status_line.split()[1:2] == [b"201"]:
            self.load.latencies.append(elapsed)
            self.load.acked.append(int(json.loads(payload)[0]["service_request_id"]))
        else:
            self.load.error(status_line.decode(errors="replace").strip()[9:])
        self.answered += 1
        if close or self.answered == self.load.per_connection:  # a new client: a new connection
            self.started = 0.0
            assert self.transport is not None
            self.transport.close()
        else:
            self._send()

    def _fail(self, kind: str) -> None:
        self.failed = True
        self.load.error(kind)
        self.started = 0.0
        if self.transport is not None:
            self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.started:  # a request was in flight: never acknowledged
            self.failed = True
            self.load.error(type(exc).__name__ if exc else "IncompleteReadError")
        if not self.done.done():
            self.done.set_result(None)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)  # as ivp serve
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=2)  # as ivp serve
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--per-connection",
        type=int,
        default=20,
        help="submissions per connection before it is closed and a new one opened (0: keep it for the run); "
        "apps submit a few reports and go, and gunicorn binds a kept-alive connection to the worker that "
        "accepted it, so 16 everlasting connections measure the luck of their split over the workers",
    )
    parser.add_argument(
        "--http-parser",
        choices=["auto", "fast", "python"],
        default="auto",
        help="gunicorn's HTTP parser: auto takes the C parser (gunicorn_h1c) when installed",
    )
    parser.add_argument("--no-crash", action="store_true", help="skip the kill -9 run (A/B comparisons)")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=18311)
    parser.add_argument(
        "--durable-db", action="store_true", help="own cluster with fsync/synchronous_commit on"
    )
    parser.add_argument("--durable-port", type=int, default=54339)
    args = parser.parse_args()
    args.seconds = min(max(args.seconds, 1.0), 300.0)  # bounded
    if args.durable_db:
        with _durable_cluster(args.durable_port) as base:
            result = run(args, base)
    else:
        result = run(args, cluster_url())
    print(json.dumps(result, indent=2))
    crash = result["crash"]
    assert isinstance(crash, dict)
    if crash and (crash["lost"] or crash["meldingen_without_history"] or crash["acknowledged_without_audit"]):
        sys.exit(1)


def cluster_url() -> str:
    """Base URL of the test cluster: IVP_TEST_DATABASE_URL, or the one scripts/start-postgres starts."""
    return (
        os.environ.get("IVP_TEST_DATABASE_URL")
        or subprocess.check_output(["bash", "scripts/start-postgres"], cwd=REPO, text=True).strip()
    )


def prepare(base: str, app: str) -> tuple[str, dict[str, str], str]:
    """A fresh, migrated bench database with an Open311 key for ``app``: its URL, the server env, the key."""
    db_url = _database(base)
    env = _env(db_url)
    subprocess.run([PY, "-m", "ivp.cli", "manage", "migrate", "-v", "0"], env=env, cwd=REPO, check=True)
    key = subprocess.check_output(
        [PY, "-m", "ivp.cli", "open311", "key", "create", app], env=env, cwd=REPO, text=True
    ).strip()
    return db_url, env, key


def run(args: argparse.Namespace, base: str) -> dict[str, object]:
    db_url, env, key = prepare(base, "bench")

    proc = _start(env, args.port, args)
    try:
        asyncio.run(Load(args.port, key, 4).run(2))  # warm-up: imports, connections
        asyncio.run(Load(args.port, key, args.connections).run(1))  # every worker thread connected
        meter = CpuMeter(proc.pid, db_url)
        load = Load(args.port, key, args.connections, args.per_connection)
        meter.start()
        asyncio.run(load.run(args.seconds))
        cpu = meter.stop()
    finally:
        _kill(proc)
    sustained = {
        "requests_ok": len(load.acked),
        "errors": load.errors,
        "error_kinds": dict(load.error_kinds),
        "per_second": round(len(load.acked) / args.seconds, 1),
        "p50_ms": round(_pct(load.latencies, 0.50), 1),
        "p99_ms": round(_pct(load.latencies, 0.99), 1),
        **cpu,
    }

    setup = {
        "workers": args.workers,
        "per_connection": args.per_connection,
        "worker_class": args.worker_class,
        "threads": args.threads,
        "http_parser": _parser_in_use(args.http_parser),
        "connections": args.connections,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "database": _db_settings(db_url),
    }
    if args.no_crash:
        return {**setup, "sustained": sustained, "crash": {}}

    # Crash run: SIGKILL the whole server a third of the way in, restart, keep loading for another
    # half run after the new server answers requests (the restart itself is bounded by _start).
    proc = _start(env, args.port, args)
    crash = Load(args.port, key, args.connections, args.per_connection)
    restart: dict[str, float] = {}

    async def crash_run() -> None:
        nonlocal proc
        task = asyncio.create_task(crash.run(args.seconds))
        await asyncio.sleep(args.seconds / 3)
        acked_before_kill = len(crash.acked)
        killed = time.monotonic()
        _kill(proc)
        await asyncio.sleep(1)
        proc = await asyncio.to_thread(_start, env, args.port, args)
        restart["seconds_until_answering"] = round(time.monotonic() - killed, 1)
        restart["acknowledged_before_kill"] = acked_before_kill
        crash.deadline = max(crash.deadline, time.monotonic() + args.seconds / 2)
        await task
        restart["acknowledged_after_restart"] = len(crash.acked) - acked_before_kill

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
        audited = {
            int(row[0])
            for row in con.execute(
                "SELECT object_id FROM audit_auditevent WHERE object_type = 'melding' AND action = 'create' "
                "AND object_id = ANY(%s)",
                [[str(i) for i in crash.acked]],
            )
        }
    lost = sorted(set(crash.acked) - present)
    return {
        **setup,
        "sustained": sustained,
        "crash": {
            "acknowledged": len(crash.acked),
            **restart,
            "errors_during_outage": crash.errors,
            "error_kinds": dict(crash.error_kinds),
            "lost": len(lost),
            "meldingen_without_history": histories[0] if histories else None,
            "acknowledged_without_audit": len(set(crash.acked) - audited),
        },
    }


if __name__ == "__main__":
    main()
