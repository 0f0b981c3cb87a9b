from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ivp.web.accounts.models import Team, User


@admin.register(User)
class StaffAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("ivp", {"fields": ("role", "teams")}))
    list_display = ("username", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "teams")


admin.site.register(Team)
