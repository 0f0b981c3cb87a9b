"""Login forms: password, then a TOTP code where the role requires it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Gebruikersnaam of wachtwoord klopt niet. Na enkele mislukte pogingen wordt inloggen geblokkeerd."
        ),
        "inactive": _("Dit account is niet actief."),
    }

    def clean(self) -> dict[str, Any]:
        """On a refused login, link both fields to the message in the error summary (the first item)."""
        try:
            return super().clean()
        except ValidationError:
            for name in ("username", "password"):
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": "fout-formulier-1"}
                )
            raise


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code uit uw authenticator-app"),
        regex=r"^\d{6}$",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={
            "required": _("Vul de code van 6 cijfers in."),
            "invalid": _("Een code heeft 6 cijfers."),
        },
    )


def _team_field() -> forms.ModelMultipleChoiceField[Any]:
    from ivp.web.accounts.services import teams

    return forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=teams(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Een behandelaar ziet de meldingen van zijn of haar teams."),
    )


def _role_field() -> forms.ChoiceField:
    from ivp.web.accounts.models import Role

    return forms.ChoiceField(label=_("Rol"), choices=Role.choices)


class NewStaffForm(forms.Form):
    """A new staff account on /staf/gebruikers/nieuw/; ``services.create_staff`` does the work."""

    username = forms.CharField(label=_("Gebruikersnaam"), max_length=150)
    first_name = forms.CharField(label=_("Voornaam"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mailadres"), required=False)
    password1 = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minstens 12 tekens; geef het de medewerker via een ander kanaal dan de gebruikersnaam."),
    )
    password2 = forms.CharField(
        label=_("Herhaal het wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field()
        self.fields["teams"] = _team_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("De wachtwoorden zijn niet gelijk."))
        return data


class EditStaffForm(forms.Form):
    """Role, teams and active state of an account on /staf/gebruikers/<id>/."""

    active = forms.BooleanField(
        label=_("Account actief"),
        required=False,
        help_text=_("Een gedeactiveerd account kan niet inloggen en zijn API-tokens werken niet."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"role": _role_field(), "teams": _team_field(), "active": self.fields["active"]}


class NewTeamForm(forms.Form):
    naam = forms.CharField(label=_("Naam van het nieuwe team"), max_length=100)
