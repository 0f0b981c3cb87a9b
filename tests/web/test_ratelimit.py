"""Fixed-window rate limits (``meldingen.ratelimit``): counted per scope and key, reset each window."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.http import HttpRequest
from django.test import Client, RequestFactory

from ivp.web import clientip
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


# The client address behind a reverse proxy (ivp.web.clientip; review of issue 12).


def _request(remote: str = "10.9.9.9", forwarded: str | None = None) -> HttpRequest:
    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = remote
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),  # the leftmost value is the client's own claim
        (1, "rubbish, 203.0.113.5", "203.0.113.5"),  # what the client sent may be anything
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # two proxies: the second from the right
        (2, "203.0.113.5,10.0.0.2", "203.0.113.5"),
        (1, " 2001:DB8::1 ", "2001:db8::1"),  # one spelling per address
        (1, "", "10.9.9.9"),  # no header: the proxy is not set up as documented
        (1, "203.0.113.5, nonsense", "10.9.9.9"),
        (1, "203.0.113.5, ", "10.9.9.9"),
        (1, "203.0.113.5:4711", "10.9.9.9"),  # a port is not an address
        (2, "203.0.113.5", "10.9.9.9"),  # fewer values than proxies
    ],
)
def test_client_address_behind_a_proxy(settings: Any, count: int, forwarded: str, expected: str) -> None:
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = count
    assert clientip.client_ip(_request(forwarded=forwarded)) == expected


def test_client_address_without_the_proxy_setting_is_remote_addr(settings: Any) -> None:
    settings.BEHIND_PROXY = False
    assert clientip.client_ip(_request(forwarded="203.0.113.5")) == "10.9.9.9"
    assert clientip.client_ip(_request(remote="")) == ""
    assert ratelimit.client_ip(_request(remote="")) == "onbekend"


def test_axes_counts_the_same_address(settings: Any) -> None:
    from axes.helpers import get_client_ip_address

    settings.BEHIND_PROXY = True
    assert get_client_ip_address(_request(forwarded="192.0.2.1, 203.0.113.5")) == "203.0.113.5"


@pytest.mark.django_db
def test_behind_a_proxy_anonymous_open311_is_limited_per_client(settings: Any) -> None:
    settings.BEHIND_PROXY = True
    settings.RATE_OPEN311 = (2, 60)
    busy = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    codes = [busy.get("/open311/v2/requests.json").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    other = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.get("/open311/v2/requests.json").status_code == 200
