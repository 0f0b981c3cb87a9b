"""The address of the client a request comes from, the one the lockout and the rate limits count per.

Without a reverse proxy that is ``REMOTE_ADDR``. Behind one (``IVP_BEHIND_PROXY=1``) ``REMOTE_ADDR`` is the
proxy's for every client, so one address would be counted for all: 30 failed logins from anyone would lock
out all staff, one busy resident would use up the form's limit for the town. Then the address comes from
``X-Forwarded-For``, which each proxy extends with the address it got the connection from: with
``IVP_PROXY_COUNT`` (n) proxies of our own in front of the app, the n-th value from the right is the one the
first of them saw. Everything left of it was sent by the client and can be anything, so it is never used.
A header with fewer than n values, or no valid IP address at that place, means the proxies are not set up
as documented (docs/web.md, "Productie"): then ``REMOTE_ADDR``, as without a proxy.

Apps import this module (like ``env``); it imports no app.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

HEADER = "HTTP_X_FORWARDED_FOR"


def client_ip(request: HttpRequest) -> str:
    """The client's IP address (normalised), or ``""`` when the request carries none."""
    remote = _normalised(str(request.META.get("REMOTE_ADDR") or ""))
    if not getattr(settings, "BEHIND_PROXY", False):
        return remote
    count = int(getattr(settings, "PROXY_COUNT", 1))
    values = str(request.META.get(HEADER) or "").split(",")
    if count < 1 or len(values) < count:
        return remote
    return _normalised(values[-count]) or remote


def _normalised(value: str) -> str:
    """``value`` as one spelling of its address (``::FFFF:1.2.3.4`` and ``::ffff:1.2.3.4`` count as one)."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""
