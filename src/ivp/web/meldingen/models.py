"""Meldingen (resident reports), their categories, contact details (apart), history and messages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ivp.web.meldingen import workflow


class Category(models.Model):
    """A configurable report category; ``slug`` doubles as the Open311 service_code."""

    slug = models.SlugField(_("code"), max_length=50, unique=True)
    naam = models.CharField(_("naam"), max_length=100)
    omschrijving = models.CharField(_("omschrijving"), max_length=300, blank=True)
    actief = models.BooleanField(_("actief"), default=True)
    volgorde = models.PositiveIntegerField(_("volgorde"), default=100)

    class Meta:
        ordering = ["volgorde", "naam"]
        verbose_name = _("categorie")
        verbose_name_plural = _("categorieën")

    def __str__(self) -> str:
        return self.naam


class Kanaal(models.TextChoices):
    WEB = "web", _("meldformulier")
    OPEN311 = "open311", _("app (Open311)")
    IMPORT = "import", _("import")
    API = "api", _("koppeling")


class Open311Client(models.Model):
    """An app that may submit through Open311; only a hash of its key is stored."""

    naam = models.CharField(_("naam"), max_length=100, unique=True)
    key_prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    actief = models.BooleanField(default=True)
    aangemaakt = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311-app")
        verbose_name_plural = _("Open311-apps")

    def __str__(self) -> str:
        return self.naam


class Melding(models.Model):
    """A report. The free text is personal data until the retention command erases it."""

    categorie = models.ForeignKey(Category, on_delete=models.PROTECT, verbose_name=_("categorie"))
    status = models.CharField(
        _("status"), max_length=20, choices=workflow.STATUS_CHOICES, default=workflow.GEMELD
    )
    tijd_van = models.DateTimeField(_("vanaf"), null=True, blank=True)
    tijd_tot = models.DateTimeField(_("tot"), null=True, blank=True)
    buurt_code = models.CharField(_("buurtcode"), max_length=12, blank=True)
    buurt_naam = models.CharField(_("buurt"), max_length=100, blank=True)
    straat = models.CharField(_("straat"), max_length=100, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    tekst = models.TextField(_("tekst"), blank=True)
    tekst_deid = models.TextField(_("tekst (gede-identificeerd)"), null=True, blank=True)
    volgcode_hash = models.CharField(max_length=64, null=True, blank=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("team")
    )
    behandelaar = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kanaal = models.CharField(_("kanaal"), max_length=10, choices=Kanaal.choices, default=Kanaal.WEB)
    client = models.ForeignKey(Open311Client, null=True, blank=True, on_delete=models.SET_NULL)
    extern_id = models.CharField(_("extern id"), max_length=64, blank=True)
    aangemaakt = models.DateTimeField(_("gemeld op"), default=timezone.now, db_index=True)
    gewijzigd = models.DateTimeField(_("gewijzigd"), auto_now=True)
    afgehandeld_op = models.DateTimeField(null=True, blank=True)
    gewist_op = models.DateTimeField(_("persoonsgegevens gewist op"), null=True, blank=True)

    class Meta:
        ordering = ["-aangemaakt", "-id"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        # Indexes and unique constraints in Meta, not db_index/unique on the fields: on PostgreSQL those also
        # get a second "_like" index (varchar_pattern_ops) for LIKE queries nobody runs on these columns,
        # and every index is work on every submission.
        indexes = [
            models.Index(fields=["status"], name="melding_status"),
            models.Index(fields=["buurt_code"], name="melding_buurt"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kanaal", "extern_id"], condition=~models.Q(extern_id=""), name="melding_extern_uniek"
            ),
            models.UniqueConstraint(fields=["volgcode_hash"], name="melding_volgcode_uniek"),
        ]

    def __str__(self) -> str:
        return f"M{self.pk}"

    @property
    def status_label(self) -> str:
        return str(workflow.LABELS.get(self.status, self.status))


class Contact(models.Model):
    """Optional contact details, kept apart from the melding so fewer queries ever touch them."""

    melding = models.OneToOneField(Melding, on_delete=models.CASCADE, related_name="contact")
    naam = models.CharField(_("naam"), max_length=100, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    telefoon = models.CharField(_("telefoon"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contactgegevens")
        verbose_name_plural = _("contactgegevens")


class AppendOnly(models.Model):
    """A model whose rows are never changed or deleted by code (history)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("history rows are append-only")
        super().save(*args, **kwargs)


class StatusWijziging(AppendOnly):
    """One step in a melding's status history."""

    melding = models.ForeignKey(Melding, on_delete=models.CASCADE, related_name="historie")
    van = models.CharField(max_length=20, blank=True)
    naar = models.CharField(max_length=20)
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    toelichting = models.CharField(max_length=500, blank=True)
    op = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["op", "id"]

    @property
    def naar_label(self) -> str:
        return str(workflow.LABELS.get(self.naar, self.naar))


class Richting(models.TextChoices):
    GEMEENTE = "gemeente", _("antwoord van de gemeente")
    MELDER = "melder", _("aanvulling van de melder")


class Bericht(AppendOnly):
    """A message: the municipality's answer to the reporter, or information the reporter adds."""

    melding = models.ForeignKey(Melding, on_delete=models.CASCADE, related_name="berichten")
    richting = models.CharField(max_length=10, choices=Richting.choices)
    tekst = models.TextField()
    tekst_deid = models.TextField(null=True, blank=True)
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    op = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["op", "id"]


class RoutingRule(models.Model):
    """Category and area to team; the first matching rule (lowest ``volgorde``) wins."""

    categorie = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE)
    gebied = models.CharField(
        _("gebied"), max_length=12, blank=True, help_text=_("Wijk- of buurtcode; leeg is overal.")
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE)
    volgorde = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["volgorde", "id"]
        verbose_name = _("routeringsregel")
        verbose_name_plural = _("routeringsregels")

    def matches(self, categorie_id: int, buurt_code: str) -> bool:
        if self.categorie_id is not None and self.categorie_id != categorie_id:
            return False
        if not self.gebied:
            return True
        return buurt_code[2:].startswith(self.gebied[2:]) if buurt_code else False
