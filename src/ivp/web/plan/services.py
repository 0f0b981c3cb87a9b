"""The one way to change the plan in the app database: import, record realisations, export.

The one entry point other code calls; the work is in ``plan_import``, ``realisations``,
``definitions`` and ``queries`` (ADR 0008).

Views, forms, admin and the CLI call only these functions. An import runs in one transaction (a plan
with a problem leaves the database as it was); a realisation is appended, never edited, and a
correction points at the row it replaces. Every change writes an audit row in the same transaction.
"""

from __future__ import annotations

from ivp.plan.sources import register_realisation_source, unregister_realisation_source
from ivp.web.plan.definitions import edit_indicator_definition
from ivp.web.plan.plan_import import import_plan
from ivp.web.plan.queries import active_plan, export_plan
from ivp.web.plan.realisations import (
    indicator_history,
    record_realisation,
    record_realisations,
    stored_realisations,
)

__all__ = [
    "active_plan",
    "edit_indicator_definition",
    "export_plan",
    "import_plan",
    "indicator_history",
    "record_realisation",
    "record_realisations",
    "register_realisation_source",
    "stored_realisations",
    "unregister_realisation_source",
]
