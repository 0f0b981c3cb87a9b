"""The Dutch error page and the database-outage helpers that apps may use (below the apps, ADR 0008).

``ivp.web.errors`` (the handlers, the CSRF view, the outage middleware) chooses the answer per surface and
therefore knows the apps (the Open311 error shape, the reporting form); an app that must answer an outage
itself (the form keeps what was typed, Open311 skips the middleware stack) uses this module, which imports
no app.

Pages are rendered without the request: no context processor runs, so neither the session, the user nor
the messages are read. A 500 or 503 often means the database is down, and the session and user live there.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, DataError, IntegrityError, NotSupportedError, ProgrammingError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.html import escape
from django.utils.translation import gettext as _

from ivp.web.requestid import current_request_id

log = logging.getLogger("ivp.web.errors")  # one logger for every outage line, wherever it is answered

STAFF_PREFIXES = ("/staf/", "/account/", "/beheer/")
RETRY_AFTER_SECONDS = "120"  # "probeer het over enkele minuten opnieuw"

# Errors that say the data or the code is wrong, not that the database is unavailable: these stay a 500.
_NOT_AN_OUTAGE = (IntegrityError, DataError, ProgrammingError, NotSupportedError)


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or an exception it was raised from) says the database cannot be used right now.

    OperationalError (connection refused, disk full, "attempt to write a readonly database", a lock that
    timed out), InterfaceError and InternalError (PostgreSQL's read-only transaction) count; constraint
    violations and SQL errors do not. The session middleware turns a failed save into ``SessionInterrupted``
    (a 400); its cause is followed, so that becomes a 503 as well.
    """
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DatabaseError) and not isinstance(exc, _NOT_AN_OUTAGE):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def outage_message() -> str:
    """What a 503 for an unavailable database says, on every surface."""
    return _(
        "Door een storing kunnen we uw verzoek nu niet verwerken. Probeer het over enkele minuten opnieuw."
    )


def log_outage(request: HttpRequest, exception: BaseException) -> None:
    """One log line for a database outage: no body, no query string."""
    log.error(
        "database unavailable: %s %s id=%s: %s: %s",
        request.method,
        request.path_info,
        current_request_id.get(),
        type(exception).__name__,
        str(exception).splitlines()[0] if str(exception) else "",
    )


def _gemeente_naam(request: HttpRequest) -> str:
    from ivp.web.context_processors import site

    try:
        return str(site(request)["gemeente_naam"])
    except Exception:  # the error page must come out even when the workspace cannot be read
        return _("de gemeente")


def page(
    request: HttpRequest, status: int, title: str, message: str, hint: str = "", kept_text: str = ""
) -> HttpResponse:
    """``errors/page.html`` in the site's layout (the staff layout under the staff prefixes)."""
    staff = request.path_info.startswith(STAFF_PREFIXES)
    context: dict[str, Any] = {
        "title": title,
        "message": message,
        "hint": hint,
        "status": status,
        "staff": staff,
        "home_url": "/staf/" if staff else "/",
        "home_label": _("Naar het overzicht") if staff else _("Naar het meldformulier"),
        "gemeente_naam": _gemeente_naam(request),
        "request_id": current_request_id.get() if status >= 500 else "",
        "kept_text": kept_text,
    }
    try:
        body = loader.get_template("errors/page.html").render(context)  # no request: see the module doc
    except Exception:  # e.g. a missing static manifest: still a Dutch page, without the layout
        log.exception("error page template failed")
        body = (
            f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"</head><body><main><h1>{escape(title)}</h1><p>{escape(message)}</p>"
            f"<pre>{escape(kept_text)}</pre></main></body></html>"
        )
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def text_kept_page(request: HttpRequest, message: str, text: str) -> HttpResponse:
    """A 503 page that shows ``text`` (what the resident typed) to copy, when not even the form can be drawn."""
    return page(request, 503, _("Tijdelijke storing"), message, kept_text=text)
