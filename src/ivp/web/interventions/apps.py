from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "ivp.web.interventions"
    label = "interventions"
    verbose_name = "Interventies"
