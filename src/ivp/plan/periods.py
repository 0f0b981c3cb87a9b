"""Periods typed by a user (``2025``, ``2023-2024``) and attainment as plain records for ``--json``."""

from __future__ import annotations

from typing import Any

from ivp.lib.errors import IvpError
from ivp.lib.i18n import _
from ivp.plan.attainment import Attainment
from ivp.plan.model import Period


class PeriodError(IvpError):
    """A period that is not a year or a span of years inside the plan period."""


def parse_period(text: str | None, default: Period) -> Period:
    """``2025`` or ``2023-2024`` as a period inside ``default`` (``default`` itself when empty).

    >>> parse_period("2024", Period(2023, 2026)).label()
    '2024'
    >>> parse_period("2023-2024", Period(2023, 2026)).label()
    '2023-2024'
    >>> parse_period(None, Period(2023, 2026)).label()
    '2023-2026'
    """
    if not text:
        return default
    try:
        parts = [int(p) for p in text.split("-")]
        period = Period(parts[0], parts[-1]) if len(parts) in (1, 2) else None
    except ValueError:
        period = None
    if period is None or period.start < default.start or period.end > default.end:
        raise PeriodError(
            _("'{text}' is geen jaar of periode binnen {plan}.").format(text=text, plan=default.label())
        )
    return period


def attainment_record(a: Attainment, unit: str) -> dict[str, Any]:
    """One indicator's attainment as a JSON-ready record with Dutch keys (``ivp plan status --json``)."""
    return {
        "indicator": a.indicator,
        "periode": a.period.label(),
        "streefwaarde": a.target,
        "gerealiseerd": a.realised,
        "prognose": a.projection,
        "status": a.status,
        "reden": a.reason,
        "compleet": a.complete,
        "eenheid": unit,
        "aantoonbaar": a.demonstrable,
        "verandering": a.change.label if a.change else None,
        "p_waarde": a.change.p_value if a.change else None,
    }
