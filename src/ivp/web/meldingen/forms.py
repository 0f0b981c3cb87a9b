"""The public reporting form and the follow-up forms, with Dutch field-level messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ivp.lib import cells
from ivp.web.meldingen.models import Category
from ivp.web.meldingen.regions import region_map

PLACE = {
    "invalid": _("De plek op de kaart is niet goed doorgekomen; kies een buurt."),
    "min_value": _("De plek op de kaart is niet goed doorgekomen; kies een buurt."),
    "max_value": _("De plek op de kaart is niet goed doorgekomen; kies een buurt."),
}


def plain_text(form: forms.Form, name: str) -> str:
    """The cleaned text of field ``name``, line breaks normalised; control characters refused (issue 12).

    Control characters (but tab and line break), reading-direction overrides and invalid code points are
    refused with a Dutch message saying which character and where ("Dit veld bevat ..."; the error summary
    puts the field's label before it), so that the resident can remove it; the text stays in the field.
    """
    value: str = form.cleaned_data.get(name) or ""
    message = cells.intake_error(None, value)  # the label stands above it and in the error summary
    if message:
        raise forms.ValidationError(message, code="ongeldig_teken")
    return cells.normalise_newlines(value)


class TijdSoort:
    MOMENT = "moment"
    PERIODE = "periode"
    ONBEKEND = "onbekend"


class MeldingForm(forms.Form):
    """What a resident fills in. Contact details are optional: anonymous by default."""

    categorie = forms.ModelChoiceField(
        label=_("Waar gaat uw melding over?"),
        queryset=Category.objects.filter(actief=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Kies waar uw melding over gaat."),
            "invalid_choice": _("Kies een onderwerp uit de lijst."),
        },
    )
    tijd_soort = forms.ChoiceField(
        label=_("Wanneer gebeurde het?"),
        choices=[
            (TijdSoort.MOMENT, _("Op een bepaald moment")),
            (TijdSoort.PERIODE, _("Ergens tussen twee tijdstippen")),
            (TijdSoort.ONBEKEND, _("Weet ik niet")),
        ],
        initial=TijdSoort.MOMENT,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wanneer het gebeurde.")},
    )
    van = forms.DateTimeField(
        label=_("Datum en tijd (of begin van de periode)"),
        # Required unless "Weet ik niet" is chosen (clean()); the form says so in the help text, not with
        # "(niet verplicht)", and leaves the HTML attribute off so the form works without JavaScript.
        required=False,
        help_text=_("Nodig, behalve als u bij 'Wanneer gebeurde het?' kiest voor 'Weet ik niet'."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%Y-%m-%d"],
        error_messages={"invalid": _("Vul een datum en tijd in, bijvoorbeeld 21-05-2025 22:30.")},
    )
    tot = forms.DateTimeField(
        label=_("Einde van de periode (alleen bij 'ergens tussen')"),
        required=False,  # required under TijdSoort.PERIODE only (clean())
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%Y-%m-%d"],
        error_messages={"invalid": _("Vul een datum en tijd in, bijvoorbeeld 21-05-2025 23:30.")},
    )
    buurt = forms.ChoiceField(
        label=_("In welke buurt?"),
        required=False,
        error_messages={"invalid_choice": _("Kies een buurt uit de lijst.")},
    )
    straat = forms.CharField(
        label=_("Straat of plek (zonder huisnummer)"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Gebruik hooguit %(limit_value)d tekens.")},
    )
    lat = forms.FloatField(
        label=_("Plek op de kaart"),
        required=False,
        widget=forms.HiddenInput,
        min_value=-90,
        max_value=90,
        error_messages=PLACE,
    )
    lon = forms.FloatField(
        label=_("Plek op de kaart"),
        required=False,
        widget=forms.HiddenInput,
        min_value=-180,
        max_value=180,
        error_messages=PLACE,
    )
    tekst = forms.CharField(
        label=_("Wat is er gebeurd?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Beschrijf wat er is gebeurd."),
            "max_length": _(
                "Uw tekst is te lang: gebruik hooguit %(limit_value)d tekens (nu %(show_value)d)."
            ),
        },
    )
    naam = forms.CharField(label=_("Naam"), required=False, max_length=100)
    email = forms.EmailField(
        label=_("E-mailadres"),
        required=False,
        error_messages={"invalid": _("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")},
    )
    telefoon = forms.RegexField(
        label=_("Telefoonnummer"),
        required=False,
        regex=r"^[0-9 +()-]{8,20}$",
        error_messages={"invalid": _("Vul een telefoonnummer in met alleen cijfers, spaties, + of -.")},
    )
    website = forms.CharField(label=_("Laat dit veld leeg"), required=False)  # honeypot

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tekst = self.fields["tekst"]
        assert isinstance(tekst, forms.CharField)
        tekst.max_length = settings.MAX_TEXT_LENGTH
        tekst.validators.append(forms.CharField(max_length=settings.MAX_TEXT_LENGTH).validators[0])
        self.fields["tekst"].widget.attrs["maxlength"] = str(settings.MAX_TEXT_LENGTH)
        buurt_field = self.fields["buurt"]
        assert isinstance(buurt_field, forms.ChoiceField)
        buurt_field.choices = [("", _("Kies een buurt (of klik op de kaart)"))] + [
            (b.code, b.naam) for b in region_map().buurten
        ]

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean_tekst(self) -> str:
        return plain_text(self, "tekst")

    def clean_straat(self) -> str:
        return plain_text(self, "straat")

    def clean_naam(self) -> str:
        return plain_text(self, "naam")

    def clean_email(self) -> str:
        return plain_text(self, "email")  # a quoted local part may hold control characters

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        soort = data.get("tijd_soort")
        van: dt.datetime | None = data.get("van")
        tot: dt.datetime | None = data.get("tot")
        now = timezone.now() + dt.timedelta(minutes=10)
        if soort in (TijdSoort.MOMENT, TijdSoort.PERIODE) and van is None and "van" not in self.errors:
            self.add_error("van", forms.ValidationError(_("Vul in wanneer het gebeurde."), code="required"))
        if soort == TijdSoort.PERIODE and tot is None and "tot" not in self.errors:
            self.add_error(
                "tot", forms.ValidationError(_("Vul het einde van de periode in."), code="required")
            )
        if van is not None and van > now:
            self.add_error(
                "van", forms.ValidationError(_("Dit tijdstip ligt in de toekomst."), code="future")
            )
        if soort == TijdSoort.PERIODE and van is not None and tot is not None:
            if tot < van:
                self.add_error(
                    "tot", forms.ValidationError(_("Het einde ligt vóór het begin."), code="order")
                )
            elif tot > now:
                self.add_error(
                    "tot", forms.ValidationError(_("Dit tijdstip ligt in de toekomst."), code="future")
                )
        if soort != TijdSoort.PERIODE:
            data["tot"] = van if soort == TijdSoort.MOMENT else None
        if soort == TijdSoort.ONBEKEND:
            data["van"] = None
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            data["lat"] = data["lon"] = None
        if not data.get("buurt") and lat is not None and lon is not None:
            found = region_map().locate(lat, lon)
            if found is not None:
                data["buurt"] = found.code
        if not data.get("buurt") and not data.get("straat") and data.get("lat") is None:
            self.add_error(
                "buurt",
                forms.ValidationError(
                    _("Kies een buurt, klik op de kaart of vul een straat in."), code="required"
                ),
            )
        return data


class VolgcodeForm(forms.Form):
    code = forms.CharField(
        label=_("Uw volgcode"),
        max_length=20,
        help_text=_("De code op uw ontvangstbevestiging, bijvoorbeeld ABCD-EFGH-JKMN."),
        error_messages={
            "required": _("Vul uw volgcode in."),
            "max_length": _("Een volgcode heeft 12 tekens."),
        },
    )


class AanvullingForm(forms.Form):
    tekst = forms.CharField(
        label=_("Aanvulling op uw melding"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Schrijf uw aanvulling."),
            "max_length": _("Gebruik hooguit %(limit_value)d tekens."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tekst"]
        assert isinstance(field, forms.CharField)
        field.max_length = settings.MAX_TEXT_LENGTH
        field.validators.append(forms.CharField(max_length=settings.MAX_TEXT_LENGTH).validators[0])

    def clean_tekst(self) -> str:
        return plain_text(self, "tekst")
