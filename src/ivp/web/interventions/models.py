"""The register of place-based interventions as rows; changed only through ``services``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ivp.interventions.model import SOORT_LABELS, SOORTEN, VERGELIJKINGEN


class Interventie(models.Model):
    """One intervention; ``code`` is its id in the file. ``gebied`` holds the file's ``gebied`` mapping."""

    code = models.CharField(_("id"), max_length=64, unique=True)
    naam = models.CharField(_("naam"), max_length=200)
    soort = models.CharField(_("soort"), max_length=40, choices=[(s, SOORT_LABELS[s]) for s in SOORTEN])
    gebied = models.JSONField(_("gebied"))
    doelen = models.JSONField(_("doelen"), default=list)
    besluit = models.TextField(_("besluit"), blank=True)
    verantwoordelijke = models.CharField(_("verantwoordelijke"), max_length=200, blank=True)
    verwacht_effect = models.TextField(_("verwacht effect"), blank=True)
    buffer_m = models.FloatField(_("omgeving (m)"), null=True, blank=True)
    vergelijking = models.CharField(
        _("vergelijking"), max_length=20, choices=[(v, v) for v in VERGELIJKINGEN], default="rest"
    )
    toelichting = models.TextField(_("toelichting"), blank=True)
    created = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("interventie")
        verbose_name_plural = _("interventies")

    def __str__(self) -> str:
        return self.naam


class Periode(models.Model):
    """A period an intervention ran; ``eind`` inclusive, empty while it still runs."""

    interventie = models.ForeignKey(Interventie, on_delete=models.CASCADE, related_name="perioden")
    start = models.DateField(_("start"))
    eind = models.DateField(_("eind"), null=True, blank=True)

    class Meta:
        ordering = ("interventie", "start")
        verbose_name = _("periode")
        verbose_name_plural = _("perioden")

    def __str__(self) -> str:
        return f"{self.start} – {self.eind or '…'}"
