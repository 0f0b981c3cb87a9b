"""Staff users with one role, and teams that handle meldingen."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles; what each may do is decided in ``permissions.py``."""

    BEHEERDER = "beheerder", _("Beheerder")
    ANALIST = "analist", _("Analist")
    BEHANDELAAR = "behandelaar", _("Behandelaar")


class Team(models.Model):
    """A team that handles meldingen (e.g. handhaving, wijkteam Noord)."""

    naam = models.CharField(_("naam"), max_length=100, unique=True)

    class Meta:
        ordering = ["naam"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.naam


class User(AbstractUser):
    """A staff member. Residents have no account."""

    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, blank=True)
    teams = models.ManyToManyField(Team, blank=True, related_name="leden", verbose_name=_("teams"))

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class ApiToken(models.Model):
    """A key for the staff REST API; only its SHA-256 hash and first 8 characters are stored.

    The key itself is shown once, when ``services.create_api_token`` makes it. A token is never deleted
    but revoked (``ingetrokken``), so the audit log and the admin keep showing which tokens existed.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("gebruiker")
    )
    naam = models.CharField(_("naam"), max_length=100, blank=True)
    key_prefix = models.CharField(_("begin van de sleutel"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    aangemaakt = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    laatst_gebruikt = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    verloopt = models.DateTimeField(_("verloopt"), null=True, blank=True)
    ingetrokken = models.DateTimeField(_("ingetrokken"), null=True, blank=True)

    class Meta:
        ordering = ["-aangemaakt"]
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")

    def __str__(self) -> str:
        label = f" ({self.naam})" if self.naam else ""
        return f"{self.key_prefix}… {self.user}{label}"
