"""Meldingen as events for the hot-time and hot-place analysis (``ivp.reports.wijkscan``).

Other apps and the CLI reach this through ``ivp.web.meldingen.services.events_for_analysis``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone

from ivp.sources.politie_incidenten import wgs84_to_rd
from ivp.web.meldingen.models import Melding

__all__ = ["EVENT_COLUMNS", "events_for_analysis"]

#: The columns of :func:`events_for_analysis`, as ``ivp.reports.wijkscan.events.EVENT_COLUMNS``.
EVENT_COLUMNS = (
    "event_id", "category", "category_label", "begin_at", "end_at", "x_rd", "y_rd", "region", "source", "dataset",
)  # fmt: skip


def _moment(value: dt.date | dt.datetime) -> dt.datetime:
    """A date as its midnight in the served time zone; a naive datetime as local time there."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def events_for_analysis(
    *, since: dt.date | dt.datetime | None = None, until: dt.date | dt.datetime | None = None
) -> pd.DataFrame:
    """Every melding as one event for the hot-time and hot-place analysis (``EVENT_COLUMNS``).

    Only what the analysis needs and nothing personal: the category, the time window (``tijd_van`` to
    ``tijd_tot``; the report time when the resident gave none), the coarse location converted to RD New
    (NaN when none was given or it was erased with the personal data) and the buurt code. No text, street or
    contact details. Times are naive local times (``TIME_ZONE``), as in the store. As
    ``ivp.reports.wijkscan.events.store_events``: the meldingen whose window overlaps ``[since, until)``,
    a date meaning its midnight (``until=2025-01-01`` keeps all of 2024). Erased meldingen stay in: their
    category, period and buurt are kept for exactly this use (their location is gone).
    """
    rows = Melding.objects.annotate(
        begin=Coalesce("tijd_van", "aangemaakt"), end=Coalesce("tijd_tot", "tijd_van", "aangemaakt")
    )
    if since is not None:
        rows = rows.filter(end__gte=_moment(since))
    if until is not None:
        rows = rows.filter(begin__lt=_moment(until))
    values = list(
        rows.order_by("pk").values_list(
            "pk", "categorie__slug", "categorie__naam", "begin", "end", "lat", "lon", "buurt_code"
        )
    )
    zone = settings.TIME_ZONE
    if values:
        pk, slug, naam, begin, end, lat, lon, buurt = zip(*values, strict=True)
    else:
        pk = slug = naam = begin = end = lat = lon = buurt = ()

    def local(moments: tuple[Any, ...]) -> pd.Series:
        stamps = pd.to_datetime(pd.Series(moments, dtype=object), utc=True)
        return stamps.dt.tz_convert(zone).dt.tz_localize(None).astype("datetime64[ns]")

    begin_at = local(begin)
    end_at = local(end).fillna(begin_at)
    end_at = end_at.where(end_at >= begin_at, begin_at)  # a window given backwards: its begin only
    lat_a = np.array(lat, dtype="float64").reshape(-1)
    lon_a = np.array(lon, dtype="float64").reshape(-1)
    x_rd = np.full(lat_a.shape, np.nan)
    y_rd = np.full(lat_a.shape, np.nan)
    known = np.isfinite(lat_a) & np.isfinite(lon_a)
    if known.any():
        x_rd[known], y_rd[known] = wgs84_to_rd(lon_a[known], lat_a[known])
    return pd.DataFrame(
        {
            "event_id": pd.Series([f"M{p}" for p in pk], dtype=object),
            "category": pd.Series(slug, dtype=object),
            "category_label": pd.Series(naam, dtype=object),
            "begin_at": begin_at,
            "end_at": end_at,
            "x_rd": x_rd,
            "y_rd": y_rd,
            "region": pd.Series([code or None for code in buurt], dtype=object),
            "source": pd.Series(["meldpunt"] * len(pk), dtype=object),
            "dataset": pd.Series(["meldingen"] * len(pk), dtype=object),
        },
        columns=list(EVENT_COLUMNS),
    )
