"""The one way into the audit log. Other apps call :func:`record`; nothing else builds audit rows.

Rows are written in the caller's transaction, so a committed change always has its audit row and a
rolled-back change has none. :func:`event` builds the same row unsaved, for a caller that inserts it in one
statement together with the change it records (``ivp.web.inserts``); only new rows are ever inserted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from ivp.web.audit.middleware import current_request_id
from ivp.web.audit.models import Action, AuditEvent

# Other apps use audit only through this module; ``Action`` is re-exported for their calls.
__all__ = ["Action", "AuditEvent", "event", "record", "search"]


def record(
    actor: Any,
    action: Action | str,
    object_type: str,
    object_id: object = "",
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one audit event; ``actor`` is a user, or None/anonymous for residents and apps."""
    row = event(actor, action, object_type, object_id, before=before, after=after, detail=detail)
    row.save()
    return row


def event(
    actor: Any,
    action: Action | str,
    object_type: str,
    object_id: object = "",
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
) -> AuditEvent:
    """The audit event :func:`record` would append, not yet saved."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    name = user.get_username() if user is not None else (str(actor) if isinstance(actor, str) else "")
    return AuditEvent(
        actor=user,
        actor_name=name[:150],
        role=str(getattr(user, "role", "") or ""),
        action=str(action),
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
        request_id=current_request_id.get(),
        detail=detail[:200],
    )


def search(
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Filter the log for administrators."""
    rows = AuditEvent.objects.all()
    if actor:
        rows = rows.filter(Q(actor_name__icontains=actor))
    if action:
        rows = rows.filter(action=action)
    if object_type:
        rows = rows.filter(object_type=object_type)
    if object_id:
        rows = rows.filter(object_id=object_id)
    if since:
        rows = rows.filter(at__date__gte=since)
    if until:
        rows = rows.filter(at__date__lte=until)
    return rows
