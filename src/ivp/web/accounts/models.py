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
