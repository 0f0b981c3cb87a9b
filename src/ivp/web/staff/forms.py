"""Staff forms: triage filters, status change, answer, audit search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ivp.lib import cells
from ivp.web.audit.services import Action
from ivp.web.meldingen import services


def plain_text(form: forms.Form, name: str) -> str:
    """The cleaned text of ``name`` with line breaks normalised; control characters refused (issue 12)."""
    value: str = form.cleaned_data.get(name) or ""
    message = cells.intake_error(None, value)  # the label stands above it and in the error summary
    if message:
        raise forms.ValidationError(message, code="ongeldig_teken")
    return cells.normalise_newlines(value)


class FilterForm(forms.Form):
    categorie = forms.ModelChoiceField(
        label=_("Categorie"), queryset=services.categories(), required=False, empty_label=_("alle")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("alle")), *services.STATUS_CHOICES]
    )
    buurt = forms.ChoiceField(label=_("Buurt"), required=False)
    van = forms.DateField(
        label=_("Gemeld vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tot = forms.DateField(
        label=_("Gemeld tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, show_buurt: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not show_buurt:  # ADR 0009: roles with suppressed statistics do not list by buurt
            del self.fields["buurt"]
            return
        field = self.fields["buurt"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("alle")), *services.buurten()]

    def apply(self, rows: Any) -> Any:
        if not self.is_valid():
            return rows.none()
        data = self.cleaned_data
        return services.filter_meldingen(
            rows,
            categorie=data.get("categorie"),
            status=data.get("status"),
            buurt=data.get("buurt") or None,
            van=data.get("van"),
            tot=data.get("tot"),
        )

    def as_params(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.data.items() if k in self.fields and v}


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Nieuwe status"), error_messages={"invalid_choice": _("Deze overgang is niet toegestaan.")}
    )
    toelichting = forms.CharField(label=_("Toelichting (intern)"), required=False, max_length=500)

    def __init__(self, current: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, services.STATUS_LABELS[key]) for key in services.allowed_statuses(current)]

    def clean_toelichting(self) -> str:
        return plain_text(self, "toelichting")


class AnswerForm(forms.Form):
    tekst = forms.CharField(
        label=_("Antwoord aan de melder"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("De melder leest dit met de volgcode. Noem geen namen van anderen."),
    )

    def clean_tekst(self) -> str:
        return plain_text(self, "tekst")


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("Medewerker"), required=False)
    action = forms.ChoiceField(label=_("Actie"), required=False, choices=[("", _("alle")), *Action.choices])
    object_type = forms.CharField(label=_("Objecttype"), required=False)
    object_id = forms.CharField(label=_("Object-id"), required=False)
    since = forms.DateField(label=_("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
