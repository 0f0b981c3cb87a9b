"""The append-only audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("aangemaakt")
    UPDATE = "update", _("gewijzigd")
    DELETE = "delete", _("gewist")
    VIEW = "view", _("bekeken")
    VIEW_ORIGINAL = "view_original", _("origineel bekeken")
    EXPORT = "export", _("geëxporteerd")
    LOGIN = "login", _("ingelogd")
    LOGIN_FAILED = "login_failed", _("inloggen mislukt")


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit row."""


class AuditEvent(models.Model):
    """One event: who (and in which role) did what to which object, with before/after and request id."""

    at = models.DateTimeField(_("tijd"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    role = models.CharField(_("rol"), max_length=20, blank=True)
    action = models.CharField(_("actie"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("objecttype"), max_length=50)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    before = models.JSONField(_("voor"), null=True, blank=True)
    after = models.JSONField(_("na"), null=True, blank=True)
    request_id = models.CharField(_("verzoek-id"), max_length=64, blank=True)
    detail = models.CharField(_("toelichting"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # In Meta rather than db_index on the fields: no extra "_like" indexes on PostgreSQL (every index is
        # work on every audited action). The history of one object is found by type and id together.
        indexes = [
            models.Index(fields=["action"], name="audit_action"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditlog")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit rows are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit rows are never deleted")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"
