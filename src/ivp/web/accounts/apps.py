from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "ivp.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from ivp.web.accounts import schema  # noqa: F401 (registers the OpenAPI description of the tokens)


#: Admins that libraries register on ``admin.site`` themselves and that must not be there (ADR 0010):
#: django_otp's TOTP devices show each key and its QR code and let a beheerder add a confirmed device with a
#: key of their choosing for someone else (the second factor is reset at /staf/gebruikers/ instead);
#: django.contrib.auth's groups give no access here (the role does) and their permission changes would be
#: audited as empty.
UNREGISTERED_ADMINS = ("otp_totp.TOTPDevice", "auth.Group")


class AdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with :class:`~ivp.web.accounts.admin_site.StaffAdminSite` as ``admin.site``."""

    default = False  # named in INSTALLED_APPS by its path; AccountsConfig stays this module's default
    default_site = "ivp.web.accounts.admin_site.StaffAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscover: every app's admin module has registered by now
        from django.apps import apps
        from django.contrib import admin

        for label in UNREGISTERED_ADMINS:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue  # the app is not installed
            if admin.site.is_registered(model):
                admin.site.unregister(model)
