from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "ivp.web.plan"
    label = "plan"
    verbose_name = "Integraal veiligheidsplan"
