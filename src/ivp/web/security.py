"""Security headers and the production checks of the settings.

:class:`ContentSecurityPolicyMiddleware` puts the Content-Security-Policy on every response, in development
too, so that an inline script or style attribute shows up as a violation in the browser tests long before
production. The pages need none: scripts and styles are files under ``static/ivp/``.

:func:`production_problems` lists what makes a configuration unfit for production (``IVP_PRODUCTIE=1``,
``ivp serve --productie``); the settings refuse to load while the list is not empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:  # the settings module imports this one: nothing that needs configured settings at import
    from django.http import HttpRequest, HttpResponseBase

#: Only our own files; no inline script, inline style, plug-ins, framing or foreign form targets.
CONTENT_SECURITY_POLICY: str = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

#: Hosts that only a developer's own machine answers to.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1", "testserver"})


class ContentSecurityPolicyMiddleware:
    """Add ``Content-Security-Policy`` to every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = getattr(
                settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY
            )
        return response


def production_problems(
    *, secret_key: str, default_secret_key: str, debug: bool, allowed_hosts: Sequence[str]
) -> list[str]:
    """Why these settings may not run in production (Dutch, one sentence each); empty when they may."""
    problems = []
    if secret_key == default_secret_key or len(secret_key) < 32:
        problems.append(
            "IVP_SECRET_KEY is de openbare standaardsleutel of korter dan 32 tekens; "
            "zet een lange willekeurige waarde (bv. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if debug:
        problems.append("IVP_DEBUG staat aan; zet IVP_DEBUG=0 in productie.")
    if not [host for host in allowed_hosts if host not in LOCAL_HOSTS]:
        problems.append(
            "IVP_ALLOWED_HOSTS bevat alleen localhost; zet de hostnaam van de site, bv. meldpunt.gemeente.nl."
        )
    return problems
