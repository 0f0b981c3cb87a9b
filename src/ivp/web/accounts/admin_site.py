"""Django's admin at /beheer/ behind the staff site's gates, with every change in the audit log (ADR 0010).

``accounts.apps.AdminConfig`` (in ``INSTALLED_APPS`` instead of ``django.contrib.admin``) makes :class:`StaffAdminSite`
the default site, so the apps keep registering on ``admin.site`` and import nothing from here.

- Who gets in is decided by ``permissions.can_use_admin`` (a beheerder past the second factor); the
  admin's own login page only redirects to the staff login (django-axes lockout and TOTP apply there), so
  no form under /beheer/ authenticates anyone.
- :meth:`StaffAdminSite.register` slots :class:`AuditedModelAdmin` under every registered admin class: the
  role replaces Django's model permissions (an app's own ``has_*_permission`` still narrows them), and each
  add, change (also from the list's editable columns) and delete, single or bulk, writes an audit row with
  the changed fields before and after, leaving out any field whose name marks a secret (:func:`is_secret_field`).
- Only this project's configuration models are registered: ``AdminConfig.ready`` takes out what libraries
  register themselves (django_otp's TOTP devices with their keys, django.contrib.auth's groups), and
  ``tests/web/test_admin_gates.py`` compares the registry with an explicit allow-list.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from ivp.web.accounts import permissions
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action

#: Fields never copied into the audit log, by exact name: secrets, hashes of them, or OTP state.
SECRET_FIELDS = frozenset({"password", "last_t"})
#: ... and by part of the name (``key``, ``key_hash``, ``key_prefix``, ``secret``, ``token``, ...): a new
#: field is left out unless its name is harmless, rather than logged until someone notices.
SECRET_NAME_PARTS = ("key", "secret", "token")


def is_secret_field(name: str) -> bool:
    """Whether the audit log must leave out a field called ``name`` (lower-cased, so ``apiKey`` too)."""
    lowered = name.lower()
    return lowered in SECRET_FIELDS or any(part in lowered for part in SECRET_NAME_PARTS)


def _json(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_json(v) for v in value]
    return str(value)


def field_values(obj: Model, names: list[str] | None = None) -> dict[str, Any]:
    """The concrete, non-secret fields of ``obj`` (or those of ``names`` among them) as JSON values."""
    fields = [
        f
        for f in obj._meta.concrete_fields
        if not is_secret_field(f.name) and (names is None or f.name in names)
    ]
    return {f.name: _json(f.value_from_object(obj)) for f in fields}


class AuditedModelAdmin(admin.ModelAdmin[Any]):
    """Role-based permissions and an audit row for every change; placed under each registered admin."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_use_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return permissions.can_use_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_use_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_use_admin(request.user)

    def _object_type(self) -> str:
        return str(self.model._meta.model_name)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        names = list(form.changed_data) if change else None
        old = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk else None
        super().save_model(request, obj, form, change)
        after = field_values(obj, names)
        audit.record(
            request.user,
            Action.UPDATE if change else Action.CREATE,
            self._object_type(),
            obj.pk,
            before=field_values(old, names) if old is not None else None,
            after=after,
            detail=f"beheer: {obj}",
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._record_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def _record_deletion(self, request: HttpRequest, obj: Any) -> None:
        audit.record(
            request.user,
            Action.DELETE,
            self._object_type(),
            obj.pk,
            before=field_values(obj),
            detail=f"beheer: {obj}",
        )


class StaffAdminSite(admin.AdminSite):
    """The admin for configuration, open only to a beheerder past the staff login and second factor."""

    site_header = gettext_lazy("ivp beheer")
    site_title = gettext_lazy("ivp beheer")
    index_title = gettext_lazy("Instellingen")
    site_url = "/staf/"

    def has_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_admin(request.user)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Never authenticate here: send the user through the staff login and its second factor."""
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = ""
        target = target or reverse("admin:index")
        if permissions.can_use_admin(request.user):
            return redirect(target)
        if permissions.is_staff_member(request.user) and not permissions.is_fully_authenticated(request.user):
            return redirect(reverse("accounts:otp") + "?" + urlencode({"next": target}))
        if request.user.is_authenticated:
            raise PermissionDenied  # verified, but the admin is not for this role
        return redirect(reverse("accounts:login") + "?" + urlencode({"next": target}))

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> TemplateResponse:
        """Django's own-password form, audited like ``services.set_password``."""
        response = super().password_change(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            audit.record(
                request.user,
                Action.UPDATE,
                "user",
                request.user.pk,
                detail=f"wachtwoord gewijzigd: {request.user.get_username()} (beheer)",
            )
        return response

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Register as usual, with :class:`AuditedModelAdmin` below ``admin_class`` in its MRO."""
        base = admin_class or AuditedModelAdmin
        if base is admin.ModelAdmin:
            base = AuditedModelAdmin
        elif not issubclass(base, AuditedModelAdmin):
            # (base, AuditedModelAdmin): base's own overrides win, AuditedModelAdmin's replace ModelAdmin's.
            base = type(base.__name__, (base, AuditedModelAdmin), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)
