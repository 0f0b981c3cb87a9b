"""Counts of an effect evaluation: events per unit (treated, buffer, comparison) and period bin.

The time axis is cut into bins: calendar months, or ISO weeks or days when the intervention's periods
are short (a mobile camera for a fortnight; :func:`grain_for`). Only bins that the data cover whole are
used. A bin is *active* when at least half of its days fall in one of the intervention's periods; a bin
that is partly covered, less than that, is left out (it belongs to neither side), as are the bins after
the last period ended (what happens after an intervention stops is another question). The window starts
``pre_bins`` bins before the first start.

An event is counted in the bin of its first possible moment (``begin_at``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ivp.lib.i18n import _

Grain = Literal["maand", "week", "dag"]

#: Bins before the first start when the caller gives no number (two years of months, as the Wbmgp and
#: camera evaluations use; weeks and days: the same two years).
DEFAULT_PRE = {"maand": 24, "week": 104, "dag": 730}


@dataclass(frozen=True)
class Bin:
    start: dt.date
    end: dt.date  # exclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def label(self, grain: Grain) -> str:
        if grain == "maand":
            return f"{self.start.year}-{self.start.month:02d}"
        if grain == "week":
            iso = self.start.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        return self.start.isoformat()


@dataclass(frozen=True)
class Periods:
    """An intervention's periods as ``[start, end)`` days, clipped to the data; ``running``: not yet ended."""

    spans: tuple[tuple[dt.date, dt.date], ...]
    running: bool


@dataclass(frozen=True)
class CountTable:
    """Counts per unit x bin of the evaluation window, with which bins are active and which pre."""

    grain: Grain
    bins: tuple[Bin, ...]
    counts: NDArray[np.int64]  # units x bins
    active: NDArray[np.bool_]  # per bin: the intervention was on
    pre: NDArray[np.bool_]  # per bin: before the first start
    excluded: int  # partly covered bins left out

    @property
    def days(self) -> NDArray[np.float64]:
        return np.array([b.days for b in self.bins], dtype=np.float64)


def grain_for(spans: Sequence[tuple[dt.date, dt.date]]) -> Grain:
    """Months when every period lasts at least 62 days; weeks when at least 14; days otherwise."""
    shortest = min((end - start).days for start, end in spans)
    if shortest >= 62:
        return "maand"
    if shortest >= 14:
        return "week"
    return "dag"


def _next(day: dt.date, grain: Grain) -> dt.date:
    if grain == "maand":
        return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return day + dt.timedelta(days=7 if grain == "week" else 1)


def _floor(day: dt.date, grain: Grain) -> dt.date:
    if grain == "maand":
        return day.replace(day=1)
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


def bins_between(first: dt.date, last: dt.date, grain: Grain) -> list[Bin]:
    """The whole bins inside ``[first, last]`` (both days included)."""
    start = _floor(first, grain)
    if start < first:
        start = _next(start, grain)
    out: list[Bin] = []
    while True:
        end = _next(start, grain)
        if end > last + dt.timedelta(days=1):
            return out
        out.append(Bin(start, end))
        start = end


def _covered(b: Bin, spans: Sequence[tuple[dt.date, dt.date]]) -> int:
    days = 0
    for start, end in spans:
        days += max(0, (min(b.end, end) - max(b.start, start)).days)
    return days


def count_table(
    begin: pd.Series,
    units: NDArray[np.int8],
    n_units: int,
    periods: Periods,
    data_span: tuple[dt.date, dt.date],
    *,
    grain: Grain,
    pre_bins: int | None = None,
) -> CountTable:
    """Count events (their ``begin`` timestamps and ``units``) per unit and bin of the evaluation window.

    ``data_span``: first and last day the data cover. Raises ValueError with a Dutch message when the
    window holds no active bin or no bin before the start.
    """
    if not periods.spans:
        raise ValueError(_("De interventie valt helemaal buiten de periode van de gegevens."))
    first_start = min(s for s, _e in periods.spans)
    last_end = max(e for _s, e in periods.spans)
    pre = DEFAULT_PRE[grain] if pre_bins is None else pre_bins
    every = bins_between(data_span[0], min(data_span[1], last_end - dt.timedelta(days=1)), grain)
    before = [b for b in every if b.end <= first_start][-pre:] if pre > 0 else []
    after = [b for b in every if b.start >= (before[-1].end if before else first_start)]
    keep: list[Bin] = list(before)
    active: list[bool] = [False] * len(before)
    excluded = 0
    for b in after:
        covered = _covered(b, periods.spans)
        if covered * 2 >= b.days:
            keep.append(b)
            active.append(True)
        elif covered == 0 and b.start >= first_start:
            keep.append(b)  # between two deployments: off
            active.append(False)
        else:
            excluded += 1
    if not any(active):
        raise ValueError(
            _("Er is nog geen hele {grain} met de interventie in de gegevens.").format(grain=_(grain))
        )
    if not before:
        raise ValueError(
            _("De gegevens beginnen pas bij de start van de interventie: er is geen voorperiode.")
        )
    days = begin.dt.floor("D").dt.date.to_numpy()
    starts = np.array([b.start for b in keep], dtype=object)
    ends = np.array([b.end for b in keep], dtype=object)
    counts = np.zeros((n_units, len(keep)), dtype=np.int64)
    order = np.argsort(starts)
    pos = (
        np.searchsorted(starts[order].astype("datetime64[D]"), days.astype("datetime64[D]"), side="right") - 1
    )
    ok = pos >= 0
    idx = np.where(ok, order[np.clip(pos, 0, None)], 0)
    ok &= days.astype("datetime64[D]") < ends[idx].astype("datetime64[D]")
    np.add.at(counts, (units[ok].astype(np.intp), idx[ok]), 1)
    is_pre = np.array([b.end <= first_start for b in keep], dtype=bool)
    return CountTable(grain, tuple(keep), counts, np.array(active, dtype=bool), is_pre, excluded)


def clip_periods(spans: Sequence[tuple[dt.date, dt.date | None]], data_last: dt.date) -> Periods:
    """Periods ``(start, eind)`` (eind inclusive, None = running) as ``[start, end)`` up to the data's end."""
    out = []
    running = False
    limit = data_last + dt.timedelta(days=1)
    for start, eind in spans:
        end = limit if eind is None else min(eind + dt.timedelta(days=1), limit)
        if eind is None or eind + dt.timedelta(days=1) > limit:
            running = True
        if end > start:
            out.append((start, end))
    return Periods(tuple(sorted(out)), running)
