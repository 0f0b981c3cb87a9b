"""Every report ivp can write, by name: its registration with the report core (``ivp.reports.core``).

Adding a report: build its context (a frozen dataclass, elsewhere), write its template under
``ivp/reports/templates/``, declare a ``Report`` next to its DOCX/xlsx builders and list it here
(see docs/reports.md).
"""

from __future__ import annotations

from typing import Any

from ivp.reports.core.report import Report
from ivp.reports.effect.report import REPORT as EFFECT
from ivp.reports.plan.render import EVALUATIE, RIB
from ivp.reports.veiligheidsbeeld.report import REPORT as VEILIGHEIDSBEELD
from ivp.reports.wijkscan.report import REPORT as WIJKSCAN

REPORTS: dict[str, Report[Any]] = {r.name: r for r in (VEILIGHEIDSBEELD, EVALUATIE, RIB, WIJKSCAN, EFFECT)}


def get(name: str) -> Report[Any]:
    """The report called ``name``; KeyError listing the known names otherwise."""
    try:
        return REPORTS[name]
    except KeyError:
        raise KeyError(f"unknown report {name!r}; known: {', '.join(REPORTS)}") from None
