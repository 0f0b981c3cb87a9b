"""Admin for configuration: categories, routing rules, Open311 apps. Meldingen change only via services."""

from __future__ import annotations

from django.contrib import admin

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
    list_display = ("naam", "key_prefix", "actief", "aangemaakt")
    readonly_fields = ("key_prefix", "key_hash")
