from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ivp.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"
