"""Fixed-window rate limits (``meldingen.ratelimit``): counted per scope and key, reset each window."""

from __future__ import annotations

import datetime as dt

import time_machine

from ivp.web.meldingen import ratelimit

START = dt.datetime(2026, 11, 22, 12, 0, 0, tzinfo=dt.UTC)  # on a whole hour: windows start here


def test_limit_per_key_and_scope() -> None:
    with time_machine.travel(START, tick=False):
        assert [ratelimit.hit("melden", "10.0.0.1", (3, 60)) for _ in range(5)] == [
            True,
            True,
            True,
            False,
            False,
        ]
        assert ratelimit.hit("melden", "10.0.0.2", (3, 60))  # another client
        assert ratelimit.hit("volgen", "10.0.0.1", (3, 60))  # another scope


def test_new_window_starts_counting_again() -> None:
    with time_machine.travel(START + dt.timedelta(seconds=59), tick=False) as clock:
        assert ratelimit.hit("melden", "a", (1, 60))
        assert not ratelimit.hit("melden", "a", (1, 60))
        clock.shift(1)  # 12:01:00, the next window
        assert ratelimit.hit("melden", "a", (1, 60))
        assert not ratelimit.hit("melden", "a", (1, 60))


def test_ended_windows_are_dropped() -> None:
    with time_machine.travel(START, tick=False) as clock:
        for n in range(100):
            ratelimit.hit("open311", f"k{n}", (10, 60))
        ratelimit.hit("melden", "lang", (20, 3600))
        clock.shift(ratelimit.SWEEP_SECONDS + 1)
        ratelimit.hit("open311", "k0", (10, 60))  # triggers the sweep
        assert set(ratelimit._counts) == {("open311", "k0"), ("melden", "lang")}
        assert ratelimit._counts[("open311", "k0")][1] == 1  # counted afresh
