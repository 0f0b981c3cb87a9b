"""Error answers: a Dutch page in the site's layout, or the documented error shape under the APIs.

One function per error (``handler400/403/404/500`` in ``urls.py``, ``CSRF_FAILURE_VIEW`` in the settings)
and :class:`DatabaseUnavailableMiddleware`, which turns a failing or read-only database into a 503 instead
of a 500. Under ``/api/`` every error is ``{"errors": [{"field", "code", "message"}]}`` (as
``meldingen.drf.error_handler``); under ``/open311/`` it is GeoReport v2's ``[{"code", "description"}]``,
as XML for the ``.xml`` paths (as ``meldingen.open311``). Everything else gets ``errors/page.html``.

Pages are drawn by ``ivp.web.errorpage`` (which apps may import: it imports no app), without the request.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from ivp.web.errorpage import (
    RETRY_AFTER_SECONDS,
    STAFF_PREFIXES,
    is_database_outage,
    log_outage,
    outage_message,
    page,
    text_kept_page,
)

# Re-exported: the handlers' module is where one looks for them; apps import them from ivp.web.errorpage.
__all__ = [
    "RETRY_AFTER_SECONDS",
    "STAFF_PREFIXES",
    "DatabaseUnavailableMiddleware",
    "bad_request",
    "csrf_failure",
    "database_unavailable",
    "error_response",
    "is_database_outage",
    "log_outage",
    "page_not_found",
    "permission_denied",
    "server_error",
    "text_kept_page",
]

API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"


def _surface(request: HttpRequest) -> str:
    path = request.path_info
    if path.startswith(OPEN311_PREFIX):
        return "open311"
    if path.startswith(API_PREFIX):
        return "api"
    return "html"


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
        return page(request, status, title, message, hint)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: the database cannot be read or written at the moment."""
    response = error_response(
        request,
        503,
        "database_unavailable",
        _("Tijdelijke storing"),
        outage_message(),
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
