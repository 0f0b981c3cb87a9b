from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ivp.web.audit"
    label = "audit"
    verbose_name = "Audit"
