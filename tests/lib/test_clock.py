"""The report date does not depend on the process's time zone."""

from __future__ import annotations

import datetime as dt
import os
import time

import time_machine

from ivp.lib import clock


def test_today_is_the_dutch_date_whatever_tz_says() -> None:
    # 23:30 UTC on 1 December is 00:30 on 2 December in Amsterdam.
    old = os.environ.get("TZ")
    try:
        for tz in ("UTC", "America/New_York", "Europe/Amsterdam"):
            os.environ["TZ"] = tz
            time.tzset()
            with time_machine.travel(dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC), tick=False):
                assert clock.today() == dt.date(2026, 12, 2)
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()
