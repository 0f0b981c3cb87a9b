"""The date as the municipality's users read it.

``datetime.date.today()`` follows the process's ``TZ``, and Django sets ``TZ`` to its ``TIME_ZONE`` when it
starts: the same report made just after midnight by ``ivp demo`` (which starts Django) and by
``ivp report`` (which does not) would carry different dates. Reports use this instead.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TIME_ZONE = ZoneInfo("Europe/Amsterdam")


def today() -> dt.date:
    """Today's date in the Netherlands, whatever the process's time zone."""
    return dt.datetime.now(TIME_ZONE).date()
