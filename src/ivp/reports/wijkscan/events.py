"""The one event frame every hot-place, hot-time and near-repeat analysis reads.

Police incidents from the store and meldingen from the meldpunt (through the web app's
``events_for_analysis``) arrive in the same columns, :data:`EVENT_COLUMNS`:

- ``event_id``, ``category``, ``category_label``: what happened;
- ``begin_at``, ``end_at``: the interval in which it happened (naive local time, ``datetime64[ns]``;
  ``end_at == begin_at`` when the moment is known exactly);
- ``x_rd``, ``y_rd``: place in RD New metres (NaN when unknown);
- ``region``: the most detailed CBS code known (a buurt code, else a wijk or the municipality), or None;
- ``source``, ``dataset``: where it came from (a dataset whose name starts with ``illustratief`` is made-up
  demonstration data, see :func:`is_illustrative`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ivp.store import Store
    from ivp.workspace import Workspace

EVENT_COLUMNS = (
    "event_id", "category", "category_label", "begin_at", "end_at", "x_rd", "y_rd", "region", "source",
    "dataset",
)  # fmt: skip
_TIMES = ("begin_at", "end_at")
_FLOATS = ("x_rd", "y_rd")
ILLUSTRATIVE_PREFIX = "illustratief"


def _moment(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time())


def store_events(
    store: Store,
    ws: Workspace,
    *,
    start: dt.date | dt.datetime | None = None,
    end: dt.date | dt.datetime | None = None,
    categories: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The workspace municipality's incidents whose interval overlaps ``[start, end)``, as an event frame.

    A date for ``start``/``end`` means its midnight (``end`` is exclusive: ``end=2018-01-01`` keeps all of
    2017). ``categories``: incident codes (e.g. ``A72``), None for all.
    """
    from ivp.store.read import incidents

    raw = incidents(
        store,
        within=ws.gemeente,
        start=_moment(start),
        end=_moment(end),
        categories=list(categories) if categories else None,
    )
    frame = pd.DataFrame(
        {
            "event_id": raw["incident_id"],
            "category": raw["category"],
            "category_label": raw["category_label"],
            "begin_at": raw["begin_at"],
            "end_at": raw["end_at"].fillna(raw["begin_at"]),
            "x_rd": raw["x_rd"],
            "y_rd": raw["y_rd"],
            "region": raw["region"],
            "source": raw["source_id"],
            "dataset": raw["dataset"],
        }
    )
    return check_events(frame)


def check_events(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with exactly :data:`EVENT_COLUMNS` in order and their types, or ValueError naming what is off.

    Timestamps become ``datetime64[ns]`` (naive; a time zone is converted to Europe/Amsterdam local time
    and dropped), coordinates float64, the text columns object with None for missing.
    """
    missing = [c for c in EVENT_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"event frame lacks columns {missing}; expected {list(EVENT_COLUMNS)}")
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for column in EVENT_COLUMNS:
        values = frame[column].reset_index(drop=True)
        if column in _TIMES:
            try:
                stamps = pd.to_datetime(values)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"event frame column {column!r} is not a timestamp: {exc}") from exc
            if isinstance(stamps.dtype, pd.DatetimeTZDtype):
                stamps = stamps.dt.tz_convert("Europe/Amsterdam").dt.tz_localize(None)
            out[column] = stamps.astype("datetime64[ns]")
        elif column in _FLOATS:
            try:
                out[column] = pd.to_numeric(values).astype("float64")
            except (ValueError, TypeError) as exc:
                raise ValueError(f"event frame column {column!r} is not numeric: {exc}") from exc
        else:
            obj = values.astype("object")
            out[column] = obj.where(obj.notna(), None)
    return out


def is_illustrative(frame: pd.DataFrame) -> bool:
    """Whether any event comes from an illustrative dataset (name starting with ``illustratief``)."""
    if "dataset" not in frame.columns or frame.empty:
        return False
    names = frame["dataset"].dropna().astype(str).str.strip().str.lower()
    return bool(names.str.startswith(ILLUSTRATIVE_PREFIX).any())


def sample(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """``n`` events drawn without replacement (seeded), in their original order; all when there are fewer.

    What ``--steekproef N --zaad S`` does: show what a smaller data set (say the 46 reports of an app)
    could and could not show.
    """
    if n < 0:
        raise ValueError(f"sample size must be >= 0, not {n}")
    if n >= len(frame):
        return frame.reset_index(drop=True)
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(frame), size=n, replace=False))
    return frame.iloc[rows].reset_index(drop=True)


def period_of(
    frame: pd.DataFrame, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The period an analysis covers, as (first day, last day) inclusive.

    ``start``/``end`` as given (``end`` exclusive, so the last day is the day before); otherwise from the
    events (first begin, last end). An empty frame without dates gives today twice.
    """
    if start is not None and end is not None:
        return start, end - dt.timedelta(days=1)
    begin = frame["begin_at"].dropna()
    finish = frame["end_at"].dropna()
    first = start or (begin.min().date() if len(begin) else dt.date.today())
    last = end - dt.timedelta(days=1) if end is not None else None
    if last is None:
        last = finish.max().date() if len(finish) else first
    return first, max(first, last)
