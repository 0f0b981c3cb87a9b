"""Authentication of the staff REST API with hashed API tokens (``ApiToken``).

Kept free of ``rest_framework.views`` and drf-spectacular: DRF imports this class from its settings while
``rest_framework.views`` is still loading. The OpenAPI description of the scheme is in ``schema.py``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from ivp.web.accounts import services
from ivp.web.accounts.models import ApiToken, User

KEYWORD = "Token"
KEYWORDS = (b"token", b"bearer")  # "Bearer" too, for clients that only know that form


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>`` (or ``Bearer <key>``), looked up by the key's SHA-256 hash."""

    keyword = KEYWORD

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # another scheme, or none: let the next authenticator try
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Ongeldige Authorization-header: stuur 'Token <sleutel>'.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Ongeldig, verlopen of ingetrokken token.")) from None
        token = services.token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Ongeldig, verlopen of ingetrokken token."))
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
