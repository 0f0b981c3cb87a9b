"""How the OpenAPI schema (drf-spectacular) describes ``ApiTokenAuthentication``; loaded in ``apps.py``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "ivp.web.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "API-token met het voorvoegsel 'Token': 'Authorization: Token <sleutel>'.",
        }
