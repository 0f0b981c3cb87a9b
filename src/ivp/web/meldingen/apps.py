from django.apps import AppConfig


class MeldingenConfig(AppConfig):
    name = "ivp.web.meldingen"
    label = "meldingen"
    verbose_name = "Meldingen"
