"""REST API for staff integrations (DRF)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ivp.web.accounts import permissions


class IsStaff(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return permissions.is_staff_member(request.user)


def error_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """One error shape: {"errors": [{"field", "code", "message"}]}."""
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
    else:
        errors.append({"field": "", "code": str(codes or "error"), "message": str(detail or exc)})
    response.data = {"errors": errors}
    return response
