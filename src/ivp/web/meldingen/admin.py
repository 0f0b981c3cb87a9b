"""Admin for configuration: categories, routing rules, Open311 apps. Meldingen change only via services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from ivp.web.meldingen.models import Category, Open311Client, RoutingRule


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("naam", "slug", "actief", "volgorde")
    list_editable = ("actief", "volgorde")


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = ("volgorde", "categorie", "gebied", "team")


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin[Open311Client]):
    """Rename or switch off an app here; a new app and its key come from ``ivp open311 key create``.

    Added here, an app had an empty key (of no use to anyone) and a second one broke the unique key hash.
    """

    list_display = ("naam", "key_prefix", "actief", "aangemaakt")
    fields = ("naam", "actief", "key_prefix", "aangemaakt")
    readonly_fields = ("key_prefix", "aangemaakt")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # the key must be shown once to whoever made it: ivp open311 key create

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        context = {
            **(extra_context or {}),
            "title": gettext_lazy(
                "Open311-apps (een nieuwe app en haar sleutel maakt u met: ivp open311 key create NAAM)"
            ),
        }
        return super().changelist_view(request, context)
