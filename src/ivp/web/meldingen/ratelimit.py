"""Fixed-window rate limits per client, counted in this process.

Each worker process counts on its own (as Django's local-memory cache, used here before, did): with W
gunicorn workers a client can get up to W times the limit in one window when its requests land on every
worker. A plain dictionary under a lock costs about a microsecond per request; the cache cost about 40
(it pickles every value and validates every key for memcached).
"""

from __future__ import annotations

import threading
import time

from django.http import HttpRequest

from ivp.web import clientip

_counts: dict[tuple[str, str], tuple[int, int]] = {}  # (scope, key) -> (end of window, count)
_lock = threading.Lock()
_next_sweep = 0
SWEEP_SECONDS = 60  # how often counters of past windows are dropped


def client_ip(request: HttpRequest) -> str:
    """The key a client is counted by: its address, also behind a reverse proxy (``ivp.web.clientip``)."""
    return clientip.client_ip(request) or "onbekend"


def hit(scope: str, key: str, limit: tuple[int, int]) -> bool:
    """Count one request; return False when ``key`` is over ``limit`` (count, seconds) in ``scope``."""
    count, seconds = limit
    now = int(time.time())
    end = (now // seconds + 1) * seconds
    name = (scope, key)
    with _lock:
        if now >= _next_sweep:
            _sweep(now)
        seen_end, seen = _counts.get(name, (end, 0))
        seen = seen + 1 if seen_end == end else 1
        _counts[name] = (end, seen)
    return seen <= count


def _sweep(now: int) -> None:
    """Drop the counters of windows that have ended (with the lock held); runs at most once a minute."""
    global _next_sweep  # module state of this process, guarded by _lock
    _next_sweep = now + SWEEP_SECONDS
    for name in [name for name, (end, _count) in _counts.items() if end <= now]:
        del _counts[name]


def reset() -> None:
    """Forget every counter of this process (tests; a restart does the same)."""
    global _next_sweep
    with _lock:
        _counts.clear()
        _next_sweep = 0
