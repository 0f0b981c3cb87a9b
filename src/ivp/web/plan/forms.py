"""The realisation and definition forms; validation of period and unit is the service's, shown on the
fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ivp.lib import cells
from ivp.web.accounts import services as accounts


def plain_text(form: forms.Form, name: str) -> str:
    """The cleaned text of ``name``, line breaks normalised; control characters refused (issue 12)."""
    value: str = form.cleaned_data.get(name) or ""
    message = cells.intake_error(None, value)
    if message:
        raise forms.ValidationError(message, code="ongeldig_teken")
    return cells.normalise_newlines(value)


class RealisatieForm(forms.Form):
    jaar = forms.IntegerField(label=_("Jaar"))
    waarde = forms.CharField(
        label=_("Waarde"), max_length=40, help_text=_("Een getal; bij ja/nee: ja of nee.")
    )
    peildatum = forms.DateField(
        label=_("Peildatum"),
        required=False,
        help_text=_("Stand tot en met deze datum; leeg: het hele jaar."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    bewijs = forms.CharField(
        label=_("Bewijs"), max_length=500, help_text=_("Rapportage, register of document.")
    )
    toelichting = forms.CharField(
        label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_bewijs(self) -> str:
        return plain_text(self, "bewijs")

    def clean_toelichting(self) -> str:
        return plain_text(self, "toelichting")


class DefinitieForm(forms.Form):
    """An indicator's definition. Targets are one line per year (``2025: 12``); a year left out is
    removed. Unit and period are checked by the service with the rules of the YAML import."""

    naam = forms.CharField(label=_("Naam"), max_length=300)
    eigenaar = forms.CharField(label=_("Eigenaar"), max_length=200)
    team = forms.ModelChoiceField(label=_("Team"), queryset=accounts.teams(), required=False)
    streefwaarden = forms.CharField(
        label=_("Streefwaarden"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Eén regel per jaar, zoals 2025: 12 of 2025: 25%. Laat een jaar weg om het te schrappen."
        ),
    )

    def clean_naam(self) -> str:
        return plain_text(self, "naam")

    def clean_eigenaar(self) -> str:
        return plain_text(self, "eigenaar")

    def clean_streefwaarden(self) -> dict[int, str]:
        targets: dict[int, str] = {}
        for line in str(self.cleaned_data["streefwaarden"]).splitlines():
            if not line.strip():
                continue
            year_text, sep, raw = line.partition(":")
            year_text = year_text.strip()
            if not sep or not raw.strip() or not (year_text.isdigit() and len(year_text) == 4):
                raise forms.ValidationError(
                    _("'%(line)s' is geen regel 'jaar: waarde'."), params={"line": line.strip()}
                )
            if int(year_text) in targets:
                raise forms.ValidationError(
                    _("jaar %(year)s staat er meer dan eens."), params={"year": year_text}
                )
            targets[int(year_text)] = raw.strip()
        return targets


def targets_text(targets: dict[int, float]) -> str:
    """The stored targets as the form's lines (Dutch decimal comma, read back by ``parse_value``)."""
    return "\n".join(f"{year}: {_plain(value)}" for year, value in sorted(targets.items()))


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value)).replace(".", ",")
