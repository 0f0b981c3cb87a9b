"""The plan as rows. Definitions are replaced on re-import; realisations are append-only history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a recorded realisation."""


class Plan(models.Model):
    """An adopted IVP; ``code`` is the plan id from the file."""

    code = models.CharField(_("id"), max_length=64, unique=True)
    naam = models.CharField(_("naam"), max_length=200)
    gemeente = models.CharField(_("gemeente"), max_length=6)
    van = models.PositiveSmallIntegerField(_("van"))
    tot = models.PositiveSmallIntegerField(_("tot"))
    vastgesteld = models.DateField(_("vastgesteld"), null=True, blank=True)
    beschrijving = models.TextField(_("beschrijving"), blank=True)
    geimporteerd_op = models.DateTimeField(_("geïmporteerd op"), auto_now=True)

    class Meta:
        ordering = (
            "-van",
            "code",
        )
        verbose_name = _("veiligheidsplan")
        verbose_name_plural = _("veiligheidsplannen")

    def __str__(self) -> str:
        return self.naam


class Werkwijze(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="werkwijzen")
    code = models.CharField(_("id"), max_length=64)
    naam = models.CharField(_("naam"), max_length=200)
    beschrijving = models.TextField(_("beschrijving"), blank=True)
    opgaven = models.JSONField(_("opgaven"), default=list, blank=True)
    volgorde = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = (
            "plan",
            "volgorde",
        )
        unique_together = (("plan", "code"),)
        verbose_name = _("werkwijze")
        verbose_name_plural = _("werkwijzen")

    def __str__(self) -> str:
        return self.naam


class Opgave(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="opgaven")
    code = models.CharField(_("id"), max_length=64)
    naam = models.CharField(_("naam"), max_length=200)
    beschrijving = models.TextField(_("beschrijving"), blank=True)
    themas = models.JSONField(_("thema's"), default=list)
    doelen = models.JSONField(_("doelen"), default=list, blank=True)
    werkwijze = models.CharField(_("werkwijze"), max_length=64, blank=True)
    volgorde = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = (
            "plan",
            "volgorde",
        )
        unique_together = (("plan", "code"),)
        verbose_name = _("opgave")
        verbose_name_plural = _("opgaven")

    def __str__(self) -> str:
        return self.naam


class Uitvoeringsplan(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="uitvoeringsplannen")
    code = models.CharField(_("id"), max_length=64)
    onderwerp = models.CharField(_("onderwerp"), max_length=64)
    naam = models.CharField(_("naam"), max_length=200)
    van = models.PositiveSmallIntegerField(_("van"))
    tot = models.PositiveSmallIntegerField(_("tot"))
    opgave = models.CharField(_("opgave"), max_length=64)
    themas = models.JSONField(_("thema's"), default=list)
    beschrijving = models.TextField(_("beschrijving"), blank=True)
    pijlers = models.JSONField(_("pijlers"), default=list, blank=True)
    acties = models.JSONField(_("acties"), default=list, blank=True)
    volgorde = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = (
            "plan",
            "volgorde",
        )
        unique_together = (("plan", "code"),)
        verbose_name = _("uitvoeringsplan")
        verbose_name_plural = _("uitvoeringsplannen")

    def __str__(self) -> str:
        return self.naam


class Indicator(models.Model):
    """A performance indicator. ``team`` and ``verantwoordelijke`` decide who may enter realisations."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicatoren")
    code = models.CharField(_("id"), max_length=64)
    naam = models.CharField(_("naam"), max_length=300)
    beschrijving = models.TextField(_("beschrijving"), blank=True)
    eenheid = models.CharField(_("eenheid"), max_length=20)
    richting = models.CharField(_("richting"), max_length=20)
    aggregatie = models.CharField(_("aggregatie"), max_length=10, default="som")
    eigenaar = models.CharField(_("eigenaar"), max_length=200)
    bron = models.CharField(_("bron"), max_length=20)
    themas = models.JSONField(_("thema's"), default=list)
    onderwerp = models.CharField(_("onderwerp"), max_length=64, blank=True)
    pijler = models.CharField(_("pijler"), max_length=64, blank=True)
    opgave = models.CharField(_("opgave"), max_length=64, blank=True)
    statistiek = models.JSONField(_("statistiek"), null=True, blank=True)
    nulmeting_jaar = models.PositiveSmallIntegerField(_("nulmeting jaar"), null=True, blank=True)
    nulmeting_waarde = models.FloatField(_("nulmeting waarde"), null=True, blank=True)
    volgorde = models.PositiveIntegerField(default=0)
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicatoren",
        verbose_name=_("team"),
    )
    verantwoordelijke = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verantwoordelijke"),
    )

    class Meta:
        ordering = (
            "plan",
            "volgorde",
        )
        unique_together = (("plan", "code"),)
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")

    def __str__(self) -> str:
        return f"{self.code} {self.naam}"


class Streefwaarde(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="streefwaarden")
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    waarde = models.FloatField(_("waarde"))

    class Meta:
        ordering = (
            "indicator",
            "jaar",
        )
        unique_together = (("indicator", "jaar"),)
        verbose_name = _("streefwaarde")
        verbose_name_plural = _("streefwaarden")


class Realisatie(models.Model):
    """What was achieved for an indicator in a year up to ``peildatum``. Never edited: a correction is a
    new row pointing at the one it replaces (``corrigeert``)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="realisaties")
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    waarde = models.FloatField(_("waarde"))
    peildatum = models.DateField(_("peildatum"), null=True, blank=True)
    bewijs = models.TextField(_("bewijs"), blank=True)
    toelichting = models.TextField(_("toelichting"), blank=True)
    bron = models.CharField(_("bron"), max_length=20, default="handmatig")
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    door_naam = models.CharField(_("vastgelegd door"), max_length=150, blank=True)
    op = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)
    corrigeert = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correctie",
        verbose_name=_("corrigeert"),
    )

    class Meta:
        ordering = (
            "indicator",
            "jaar",
            "op",
            "id",
        )
        verbose_name = _("realisatie")
        verbose_name_plural = _("realisaties")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.jaar}: {self.waarde}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("realisaties worden niet gewijzigd; leg een correctie vast")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("realisaties worden niet gewist; leg een correctie vast")
