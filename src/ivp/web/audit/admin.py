"""Read-only admin for the audit log."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ivp.web.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("at", "actor_name", "role", "action", "object_type", "object_id", "request_id")
    list_filter = ("action", "object_type", "role")
    search_fields = ("actor_name", "object_id", "request_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
