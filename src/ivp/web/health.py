"""Readiness: ``GET /gereed`` and the 503 staff pages get while de-identification is not loaded."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views.decorators.http import require_GET

from ivp.lib.i18n import _
from ivp.web.meldingen import deid

RETRY_AFTER_SECONDS = "15"


def _not_ready_message() -> str:
    if deid.failure():
        return _(
            "De-identificatie kon niet worden geladen; de beheerder is gewaarschuwd. Probeer het later opnieuw."
        )
    return _("De-identificatie wordt nog geladen; probeer het over een halve minuut opnieuw.")


@require_GET
def gereed(request: HttpRequest) -> JsonResponse:
    """Return 200 once this worker can de-identify, 503 with a Dutch message before that."""
    if deid.is_ready():
        return JsonResponse({"gereed": True, "deidentificatie": "geladen"})
    response = JsonResponse(
        {
            "gereed": False,
            "deidentificatie": "fout" if deid.failure() else "laden",
            "bericht": _not_ready_message(),
        },
        status=503,
    )
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def not_ready_response(request: HttpRequest) -> HttpResponse:
    """A Dutch 503 page (JSON for the API) instead of a 500 while de-identification is unavailable."""
    message = _not_ready_message()
    response: HttpResponse
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"code": "deidentificatie_niet_gereed", "message": message}, status=503)
    else:
        title = escape(_("Even geduld"))
        response = HttpResponse(
            f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><main><h1>{title}</h1><p>{escape(message)}</p></main></body></html>",
            status=503,
        )
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


class DeidentificationUnavailableMiddleware:
    """Turn :class:`deid.DeidentificationUnavailableError` from any view into :func:`not_ready_response`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, deid.DeidentificationUnavailableError):
            return not_ready_response(request)
        return None
