"""Fixed-window rate limits per client, in the Django cache."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "") or "onbekend")


def hit(scope: str, key: str, limit: tuple[int, int]) -> bool:
    """Count one request; return False when ``key`` is over ``limit`` (count, seconds) in ``scope``."""
    count, seconds = limit
    window = int(time.time()) // seconds
    name = f"rl:{scope}:{key}:{window}"
    if cache.add(name, 1, timeout=seconds + 1):
        return True
    try:
        return cache.incr(name) <= count
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=seconds + 1)
        return True
