from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "ivp.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from ivp.web.accounts import schema  # noqa: F401 (registers the OpenAPI description of the tokens)


class AdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with :class:`~ivp.web.accounts.admin_site.StaffAdminSite` as ``admin.site``."""

    default = False  # named in INSTALLED_APPS by its path; AccountsConfig stays this module's default
    default_site = "ivp.web.accounts.admin_site.StaffAdminSite"
