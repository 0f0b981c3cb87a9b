"""Serializers of the staff REST API: de-identified meldingen only, never originals or contact details."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from ivp.lib import cells
from ivp.web.meldingen import services, workflow
from ivp.web.meldingen.models import Bericht, Category, Melding, StatusWijziging


class PlainTextField(serializers.CharField):
    """Text that staff write: control characters, reading-direction overrides and invalid code points are
    refused (code ``ongeldig_teken``, a Dutch message naming the field and the place); CR LF becomes LF."""

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        message = cells.intake_error(self.field_name or "", value)
        if message:
            raise serializers.ValidationError(message, code="ongeldig_teken")
        return cells.normalise_newlines(value)


class ErrorSerializer(serializers.Serializer[Any]):
    """One error: the field it concerns (empty for the whole request), a stable code and a Dutch message."""

    field = serializers.CharField(help_text=_("Veld waar de fout over gaat; leeg voor het hele verzoek."))
    code = serializers.CharField(help_text=_("Vaste foutcode, bijvoorbeeld status_niet_toegestaan."))
    message = serializers.CharField(help_text=_("Uitleg in gewone taal."))


# A field named ``errors`` would shadow Serializer.errors, so the envelope is declared for the schema only.
ErrorsSerializer = inline_serializer(name="Errors", fields={"errors": ErrorSerializer(many=True)})


class CategorySerializer(serializers.ModelSerializer[Category]):
    code = serializers.CharField(
        source="slug", help_text=_("Code van de categorie (ook Open311 service_code).")
    )

    class Meta:
        model = Category
        fields = ["code", "naam", "omschrijving", "actief"]


class MeldingSerializer(serializers.ModelSerializer[Melding]):
    """A melding as listed: period, place at buurt level, status and the de-identified text."""

    categorie = serializers.CharField(source="categorie.slug", help_text=_("Code van de categorie."))
    categorie_naam = serializers.CharField(source="categorie.naam")
    status_label = serializers.CharField(help_text=_("Status in woorden."))
    gemeld_op = serializers.DateTimeField(source="aangemaakt")
    team = serializers.SerializerMethodField(help_text=_("Team dat de melding behandelt."))
    tekst = serializers.SerializerMethodField(
        help_text=_("Meldingstekst met namen, adressen, telefoonnummers en kentekens vervangen door labels.")
    )

    class Meta:
        model = Melding
        fields = [
            "id",
            "categorie",
            "categorie_naam",
            "status",
            "status_label",
            "gemeld_op",
            "tijd_van",
            "tijd_tot",
            "buurt_code",
            "buurt_naam",
            "kanaal",
            "team",
            "tekst",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_team(self, melding: Melding) -> str | None:
        return melding.team.naam if melding.team else None

    def get_tekst(self, melding: Melding) -> str:
        return services.deidentified_text(melding)

    def to_representation(self, instance: Melding) -> dict[str, Any]:
        body: dict[str, Any] = super().to_representation(instance)
        if not self.context.get("show_buurt", True):  # ADR 0009: no buurt for suppressed statistics
            body["buurt_code"], body["buurt_naam"] = "", ""
        return body


class BerichtSerializer(serializers.ModelSerializer[Bericht]):
    tekst = serializers.CharField(source="tekst_deid", help_text=_("Gede-identificeerde tekst."))

    class Meta:
        model = Bericht
        fields = ["richting", "op", "tekst"]


class StatusWijzigingSerializer(serializers.ModelSerializer[StatusWijziging]):
    class Meta:
        model = StatusWijziging
        fields = ["van", "naar", "op", "toelichting"]


class MeldingDetailSerializer(MeldingSerializer):
    """One melding with its messages (de-identified) and status history."""

    berichten = serializers.SerializerMethodField()
    historie = StatusWijzigingSerializer(many=True, read_only=True)
    mogelijke_statussen = serializers.SerializerMethodField(
        help_text=_("Statussen waar de melding vanuit de huidige status naartoe kan.")
    )

    class Meta(MeldingSerializer.Meta):
        fields = [*MeldingSerializer.Meta.fields, "berichten", "historie", "mogelijke_statussen"]

    @extend_schema_field(BerichtSerializer(many=True))
    def get_berichten(self, melding: Melding) -> list[dict[str, Any]]:
        return [
            {"richting": bericht.richting, "op": bericht.op, "tekst": tekst}
            for bericht, tekst in services.deidentified_messages(melding)
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_mogelijke_statussen(self, melding: Melding) -> list[str]:
        return workflow.allowed(melding.status)


class MeldingFilterSerializer(serializers.Serializer[Any]):
    """Query parameters of the list."""

    categorie = serializers.SlugField(required=False, help_text=_("Code van de categorie."))
    status = serializers.ChoiceField(choices=workflow.STATUS_CHOICES, required=False)
    buurt = serializers.CharField(
        required=False, max_length=12, help_text=_("CBS-buurtcode, zoals BU05050101.")
    )
    van = serializers.DateField(required=False, help_text=_("Gemeld op of na deze datum (JJJJ-MM-DD)."))
    tot = serializers.DateField(required=False, help_text=_("Gemeld op of voor deze datum (JJJJ-MM-DD)."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("van") and attrs.get("tot") and attrs["van"] > attrs["tot"]:
            raise serializers.ValidationError(
                {"tot": _("De einddatum ligt voor de begindatum.")}, code="periode_omgekeerd"
            )
        return attrs


class StatusChangeSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=workflow.STATUS_CHOICES, help_text=_("Nieuwe status."))
    toelichting = PlainTextField(
        required=False, allow_blank=True, max_length=500, help_text=_("Interne toelichting.")
    )


class StatusResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()


class AnswerSerializer(serializers.Serializer[Any]):
    tekst = PlainTextField(
        max_length=settings.MAX_TEXT_LENGTH,
        help_text=_(
            "Antwoord aan de melder; de melder leest het met de volgcode. Noem geen namen van anderen."
        ),
    )


class AnswerResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("Nummer van het bericht."))
    melding = serializers.IntegerField()
    op = serializers.DateTimeField()


class StatistiekFilterSerializer(serializers.Serializer[Any]):
    categorie = serializers.SlugField(required=False, help_text=_("Alleen deze categorie."))
    buurt = serializers.CharField(required=False, max_length=12, help_text=_("Alleen deze buurt."))
    van = serializers.DateField(required=False, help_text=_("Gemeld op of na deze datum (JJJJ-MM-DD)."))
    tot = serializers.DateField(required=False, help_text=_("Gemeld op of voor deze datum (JJJJ-MM-DD)."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return MeldingFilterSerializer.validate(self, attrs)  # type: ignore[arg-type]


class CelSerializer(serializers.Serializer[Any]):
    maand = serializers.CharField(help_text=_("Maand van melden, JJJJ-MM."))
    categorie = serializers.CharField()
    buurt_code = serializers.CharField(help_text=_("Buurtcode; leeg als de buurt onbekend is."))
    aantal = serializers.IntegerField(
        allow_null=True, help_text=_("Aantal meldingen; leeg (null) als het is onderdrukt.")
    )
    onderdrukt = serializers.BooleanField(
        help_text=_("Waar als het aantal onder de drempel ligt of is weggelaten om het te beschermen.")
    )


class StatistiekSerializer(serializers.Serializer[Any]):
    drempel = serializers.IntegerField(help_text=_("Kleinste aantal dat wordt getoond."))
    cellen = CelSerializer(many=True)
