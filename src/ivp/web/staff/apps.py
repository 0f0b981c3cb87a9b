from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "ivp.web.staff"
    label = "staff"
    verbose_name = "Staf"
