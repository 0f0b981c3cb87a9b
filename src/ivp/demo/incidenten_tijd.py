"""Times for the illustrative incidents of the demo (:mod:`ivp.demo.incidenten`): when each event begins
and how long its pleegtijd is, per kind of crime. Everything here is invented, to look plausible.

- Begin: a weekday x hour profile (:data:`PROFILES`) and a mild seasonal one (:data:`SEASONS`).
- Length: burglary an interval of several hours, bicycle theft of hours, violence an exact moment (at most
  an hour), vandalism and theft from cars mostly overnight; a few percent of the intervals are long (3.5 to
  14 days: a holiday, a bicycle left at the station) so the exclusion of intervals over 72 hours in the
  hot-time analysis (:data:`ivp.stats.aoristic.MAX_HOURS`) has something to show.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


def _hours(spec: dict[int, float], default: float = 0.2) -> NDArray[np.float64]:
    out = np.full(24, default)
    for hour, weight in spec.items():
        out[hour] = weight
    return out


def _table(day: NDArray[np.float64], week: Sequence[float] | NDArray[np.float64]) -> NDArray[np.float64]:
    table = np.outer(np.asarray(week, dtype=float), day)
    out: NDArray[np.float64] = table / table.sum()
    return out


_DAY = _hours(dict.fromkeys(range(7, 23), 1.0) | {7: 0.6, 8: 1.6, 17: 1.6, 18: 1.5, 22: 0.6})
_HOME = _hours(dict.fromkeys(range(8, 22), 1.0) | {9: 1.4, 10: 1.4, 17: 1.6, 18: 1.8, 19: 1.8, 20: 1.4})
_EVENING = _hours(dict.fromkeys((17, 18, 19, 20, 21, 22, 23), 1.0) | {21: 1.4, 22: 1.4}, 0.1)
_NIGHT_OUT = _hours({22: 1.2, 23: 2.0, 0: 2.5, 1: 2.5, 2: 2.0, 3: 1.4, 4: 0.8, 21: 0.6}, 0.08)
_ELSEWHERE = _hours(dict.fromkeys(range(12, 24), 1.0) | {0: 0.5, 1: 0.4, 10: 0.6, 11: 0.8}, 0.15)

#: Begin profiles, weekday (maandag .. zondag) x hour, each summing to 1. The night out ("uitgaan",
#: violence in the centre) is weighted up on Friday and Saturday evening and in the early hours of
#: Saturday and Sunday (the same two nights, after midnight).
PROFILES: dict[str, NDArray[np.float64]] = {
    "woning": _table(_HOME, (1.0, 1.0, 1.0, 1.0, 1.1, 1.1, 0.9)),
    "fiets": _table(_DAY, (1.1, 1.1, 1.1, 1.1, 1.1, 1.0, 0.7)),
    "auto": _table(_EVENING, (1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.0)),
    "geweld": _table(_ELSEWHERE, (0.8, 0.8, 0.8, 0.9, 1.1, 1.3, 1.1)),
    "vernieling": _table(_EVENING, (0.9, 0.9, 0.9, 1.0, 1.3, 1.4, 1.0)),
}
_late = np.zeros((7, 24))
_late[4, 20:] = _late[5, 20:] = 1.0  # Friday and Saturday evening
_late[5, :6] = _late[6, :6] = 1.0  # the early hours of Saturday and Sunday
PROFILES["uitgaan"] = _table(_NIGHT_OUT, np.ones(7)) * (0.15 + _late)
PROFILES["uitgaan"] /= PROFILES["uitgaan"].sum()

#: Month weights (januari .. december): burglary and car crime peak in the dark months, bicycle theft and
#: violence in summer.
SEASONS: dict[str, tuple[float, ...]] = {
    "woning": (1.3, 1.1, 1.0, 0.8, 0.7, 0.7, 0.8, 0.8, 0.9, 1.2, 1.4, 1.5),
    "fiets": (0.7, 0.7, 0.9, 1.0, 1.1, 1.2, 1.1, 1.1, 1.2, 1.1, 1.0, 0.8),
    "auto": (1.2, 1.1, 1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.1, 1.2, 1.2),
    "geweld": (0.8, 0.8, 0.9, 1.0, 1.1, 1.2, 1.1, 1.1, 1.0, 1.0, 0.9, 1.1),
    "vernieling": (1.1, 0.9, 0.9, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9, 1.0, 1.0, 1.4),
}
SEASONS["uitgaan"] = SEASONS["geweld"]


@functools.cache
def _calendar(year: int) -> tuple[NDArray[np.datetime64], tuple[NDArray[np.intp], ...], NDArray[np.int64]]:
    """The days of ``year``, the day indices per weekday (0 = maandag) and each day's month (0..11)."""
    days = np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 1}-01-01"))
    weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday (index 3)
    months = days.astype("datetime64[M]").astype("int64") % 12
    return days, tuple(np.flatnonzero(weekday == wd) for wd in range(7)), months


def begins(rng: np.random.Generator, profile: str, year: int, n: int) -> NDArray[np.datetime64]:
    """``n`` begin moments in ``year`` following the weekday x hour profile and the seasons."""
    cells = rng.choice(168, size=n, p=PROFILES[profile].ravel())
    weekday, hour = cells // 24, cells % 24
    days, pools, months = _calendar(year)
    season = np.asarray(SEASONS[profile])[months]
    out = np.empty(n, dtype="datetime64[D]")
    for wd in np.unique(weekday):
        chosen = weekday == wd
        pool = pools[wd]
        p = season[pool] / season[pool].sum()
        out[chosen] = days[rng.choice(pool, size=int(chosen.sum()), p=p)]
    minutes = rng.integers(0, 60, n)
    moments: NDArray[np.datetime64] = out.astype("datetime64[m]") + (hour * 60 + minutes).astype(
        "timedelta64[m]"
    )
    return moments


def durations(rng: np.random.Generator, profile: str, n: int) -> NDArray[np.float64]:
    """Length of the pleegtijd in hours (0 = an exact moment)."""
    if profile == "woning":
        hours = np.clip(rng.lognormal(np.log(5.0), 0.6, n), 1.0, 14.0)
        long_share = 0.07
    elif profile == "fiets":
        hours = np.clip(rng.lognormal(np.log(3.0), 0.9, n), 0.25, 20.0)
        long_share = 0.05
    elif profile == "auto":
        night = rng.random(n) < 0.7
        hours = np.where(night, rng.uniform(8.0, 14.0, n), rng.uniform(1.0, 4.0, n))
        long_share = 0.04
    elif profile == "vernieling":
        exact = rng.random(n) < 0.4
        hours = np.where(exact, 0.0, rng.uniform(6.0, 12.0, n))
        long_share = 0.03
    else:  # geweld, uitgaan: known to the minute, sometimes a short window
        exact = rng.random(n) < 0.9
        hours = np.where(exact, 0.0, rng.uniform(0.25, 1.0, n))
        long_share = 0.0
    long = rng.random(n) < long_share
    hours = np.where(long, rng.uniform(3.5 * 24, 14 * 24, n), hours)
    if profile not in ("geweld", "uitgaan"):
        hours = np.round(hours * 4) / 4  # intervals are often registered in quarters of an hour
    return hours
