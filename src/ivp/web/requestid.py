"""The id of the request being served, for audit rows, error pages and log lines.

Set by ``ivp.web.audit.middleware.RequestIdMiddleware``; kept here, below the apps and importing none, so
that the error pages (``ivp.web.errorpage``) can read it without importing the audit app (ADR 0008).
"""

from __future__ import annotations

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("ivp_request_id", default="")
