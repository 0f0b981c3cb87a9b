from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ivp.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from ivp.web.accounts import schema  # noqa: F401 (registers the OpenAPI description of the tokens)
