"""Admin for API tokens. Users and teams are not here: ``ivp gebruiker`` and /staf/gebruikers/ manage them
through ``services`` (ADR 0010), so every account change passes the second factor and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ivp.web.accounts import services
from ivp.web.accounts.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Read-only list of API tokens; made only with ``ivp manage ivp_api_token``, revoked, never deleted.

    The hash is not shown (and the key is never stored): neither is of use to anyone reading this page.
    """

    fields = ("user", "naam", "key_prefix", "aangemaakt", "laatst_gebruikt", "verloopt", "ingetrokken")
    readonly_fields = fields
    list_display = ("key_prefix", "user", "naam", "aangemaakt", "laatst_gebruikt", "verloopt", "ingetrokken")
    list_filter = ("ingetrokken",)
    search_fields = ("key_prefix", "user__username", "naam")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the key must be shown once to whoever made it: ivp manage ivp_api_token

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead, so the list keeps every token that ever existed

    @admin.action(description=gettext_lazy("Geselecteerde tokens intrekken"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = sum(services.revoke_api_token(token, actor=request.user) for token in queryset)
        self.message_user(request, _("%(count)d token(s) ingetrokken.") % {"count": count}, messages.SUCCESS)
