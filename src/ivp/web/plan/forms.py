"""The realisation form; validation of period and unit is the service's, shown on the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
