"""Error answers: a Dutch page in the site's layout, or the documented error shape under the APIs.

One function per error (``handler400/403/404/500`` in ``urls.py``, ``CSRF_FAILURE_VIEW`` in the settings)
and :class:`DatabaseUnavailableMiddleware`, which turns a failing or read-only database into a 503 instead
of a 500. Under ``/api/`` every error is ``{"errors": [{"field", "code", "message"}]}`` (as
``meldingen.drf.error_handler``); under ``/open311/`` it is GeoReport v2's ``[{"code", "description"}]``,
as XML for the ``.xml`` paths (as ``meldingen.open311``). Everything else gets ``errors/page.html``.

Pages are rendered without the request: no context processor runs, so neither the session, the user nor
the messages are read. A 500 or 503 often means the database is down, and the session and user live there.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError, DataError, IntegrityError, NotSupportedError, ProgrammingError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from ivp.web.audit.middleware import current_request_id

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"
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


def _surface(request: HttpRequest) -> str:
    path = request.path_info
    if path.startswith(OPEN311_PREFIX):
        return "open311"
    if path.startswith(API_PREFIX):
        return "api"
    return "html"


def _gemeente_naam(request: HttpRequest) -> str:
    from ivp.web.context_processors import site

    try:
        return str(site(request)["gemeente_naam"])
    except Exception:  # the error page must come out even when the workspace cannot be read
        return _("de gemeente")


def _page(
    request: HttpRequest, status: int, title: str, message: str, hint: str = "", kept_text: str = ""
) -> HttpResponse:
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
    return _page(request, 503, _("Tijdelijke storing"), message, kept_text=text)


def error_response(
    request: HttpRequest, status: int, code: str, title: str, message: str, hint: str = ""
) -> HttpResponse:
    """The answer for an error on ``request``'s surface: a Dutch page, the API's or Open311's JSON."""
    with translation.override(settings.LANGUAGE_CODE):
        surface = _surface(request)
        if surface == "open311":
            from ivp.web.meldingen.open311 import error_for_path

            return error_for_path(request.path_info, status, message)
        if surface == "api":
            return JsonResponse(
                {"errors": [{"field": "", "code": code, "message": message}]},
                status=status,
                json_dumps_params={"ensure_ascii": False},
            )
        return _page(request, status, title, message, hint)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: the database cannot be read or written at the moment."""
    response = error_response(
        request,
        503,
        "database_unavailable",
        _("Tijdelijke storing"),
        _(
            "Door een storing kunnen we uw verzoek nu niet verwerken. Probeer het over enkele minuten opnieuw."
        ),
    )
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 (413 for a body above ``DATA_UPLOAD_MAX_MEMORY_SIZE``); handler400."""
    if is_database_outage(exception):
        return database_unavailable(request)
    if isinstance(exception, RequestDataTooBig):
        return error_response(
            request,
            413,
            "request_too_large",
            _("Verzoek te groot"),
            _("Het verzoek is groter dan %(limit)d bytes en is niet verwerkt.")
            % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
            _("Maak uw tekst korter en probeer het opnieuw."),
        )
    if isinstance(exception, TooManyFieldsSent):
        return error_response(
            request,
            400,
            "too_many_fields",
            _("Verzoek niet begrepen"),
            _("Het verzoek heeft meer dan %(limit)d velden en is niet verwerkt.")
            % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS},
        )
    return error_response(
        request,
        400,
        "bad_request",
        _("Verzoek niet begrepen"),
        _("Uw verzoek kon niet worden verwerkt."),
        _("Ga terug en probeer het opnieuw."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403; handler403."""
    return error_response(
        request,
        403,
        "permission_denied",
        _("Geen toegang"),
        _("U heeft geen toegang tot deze pagina."),
        _("Denkt u dat dit niet klopt? Neem contact op met de beheerder van de gemeente."),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404; handler404."""
    return error_response(
        request,
        404,
        "not_found",
        _("Deze pagina bestaat niet"),
        _("Het adres klopt niet, of de pagina is verplaatst of verwijderd."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database is unavailable; handler500. Touches neither database nor session.

    Django calls this inside its ``except`` block, so the exception is in ``sys.exc_info()``; it has
    already been logged (once, by ``django.request``).
    """
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    return error_response(
        request,
        500,
        "server_error",
        _("Er ging iets mis"),
        _("Door een fout bij ons kon uw verzoek niet worden verwerkt. Probeer het later opnieuw."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a form without a valid CSRF token; ``CSRF_FAILURE_VIEW``.

    On the reporting form the resident's text is shown again in a fresh form (with a new token), so a form
    that stood open too long or a cookie that was cleared loses nothing.
    """
    from django.urls import reverse

    if _surface(request) == "html" and request.path_info == reverse("meldingen:melden"):
        from ivp.web.meldingen.views import form_again

        return form_again(
            request,
            _(
                "Uw melding is nog niet verstuurd: het formulier was verlopen. Uw tekst staat hieronder nog; "
                "controleer hem en verstuur het formulier opnieuw."
            ),
            status=403,
        )
    return error_response(
        request,
        403,
        "csrf_failed",
        _("Uw formulier is verlopen"),
        _("Het formulier kon om veiligheidsredenen niet worden verwerkt."),
        _(
            "Ga terug, laad de pagina opnieuw en verstuur het formulier nog eens. "
            "Staan cookies uit in uw browser? Zet ze dan aan voor deze site."
        ),
    )


class DatabaseUnavailableMiddleware:
    """Turn a database outage raised by a view into :func:`database_unavailable` (a 503, not a 500).

    Logged once, as one line with the method, the path without its query string, the request id and the
    database's message; never the request body or parameters (a resident's text, an Open311 api_key).
    Outages raised outside views (the session middleware, Open311 views that ``Open311Middleware`` calls
    directly) reach :func:`server_error` or :func:`bad_request`, which answer the same.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_outage(exception):
            return None
        log_outage(request, exception)
        return database_unavailable(request)


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
