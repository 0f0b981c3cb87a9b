"""DRF glue for the staff API: the permission class and the one error shape.

Kept apart from the views in ``api.py``: DRF imports these from its settings while
``rest_framework.views`` is still loading, so this module must not import the views.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from ivp.web.accounts import permissions


class IsStaff(BasePermission):
    """Staff only; a session must have passed the second factor, a token need not (see permissions)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        token = permissions.authenticated_by_token(request)
        return permissions.can_use_api(request.user, token=token)


def error_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """One error shape: {"errors": [{"field", "code", "message"}]}."""
    from rest_framework.views import exception_handler

    if isinstance(exc, Http404):  # DRF converts these too, but after it we only hold the original
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    errors: list[dict[str, str]] = []
    detail = getattr(exc, "detail", None)
    codes = exc.get_codes() if hasattr(exc, "get_codes") else None
    if isinstance(detail, dict) and isinstance(codes, dict):
        for field, messages in detail.items():
            field_codes = codes.get(field)
            code_list = field_codes if isinstance(field_codes, list) else [field_codes]
            message_list = messages if isinstance(messages, list) else [messages]
            for message, code in zip(message_list, code_list, strict=False):
                errors.append(
                    {
                        "field": "" if field == "non_field_errors" else str(field),
                        "code": str(code),
                        "message": str(message),
                    }
                )
    elif isinstance(detail, list) and isinstance(codes, list):
        for message, code in zip(detail, codes, strict=False):
            errors.append({"field": "", "code": str(code), "message": str(message)})
    else:
        errors.append({"field": "", "code": str(codes or "error"), "message": str(detail or exc)})
    response.data = {"errors": errors}
    return response
