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
