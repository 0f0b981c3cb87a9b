"""Staff login: lockout after failed attempts (axes) and TOTP (django-otp) for roles that need it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ivp.web.audit.models import AuditEvent

PASSWORD = "een-lang-wachtwoord-123"  # noqa: S105


def test_lockout_after_failed_attempts(client: Client, actors: dict[str, Any], settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/account/inloggen/", {"username": "analist", "password": "fout"})
        assert response.status_code == 200
        assert "Gebruikersnaam of wachtwoord klopt niet" in response.content.decode()
    response = client.post("/account/inloggen/", {"username": "analist", "password": "fout"})
    assert response.status_code == 429
    response = client.post("/account/inloggen/", {"username": "analist", "password": PASSWORD})
    assert response.status_code == 429  # the right password does not help while locked


def test_analist_logs_in_with_password_only(client: Client, actors: dict[str, Any]) -> None:
    response = client.post("/account/inloggen/", {"username": "analist", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/staf/"
    assert client.get("/staf/meldingen/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor_name="analist").exists()


def test_behandelaar_enrols_and_uses_totp(client: Client, actors: dict[str, Any]) -> None:
    response = client.post("/account/inloggen/", {"username": "lid", "password": PASSWORD})
    assert response["Location"] == "/account/tweede-factor/"
    page = client.get("/account/tweede-factor/").content.decode()
    assert "otpauth://totp/" in page
    device = TOTPDevice.objects.get(user=actors["member"])
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = client.post("/account/tweede-factor/", {"token": token})
    assert response.status_code == 302
    assert client.get("/staf/meldingen/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.parametrize("token", ["12345", "abcdef", ""])
def test_token_field_messages_are_dutch(client: Client, actors: dict[str, Any], token: str) -> None:
    client.post("/account/inloggen/", {"username": "lid", "password": PASSWORD})
    page = client.post("/account/tweede-factor/", {"token": token}).content.decode()
    assert "6 cijfers" in page


def test_wrong_totp_code_is_refused(client: Client, actors: dict[str, Any]) -> None:
    client.post("/account/inloggen/", {"username": "lid", "password": PASSWORD})
    client.get("/account/tweede-factor/")
    device = TOTPDevice.objects.get(user=actors["member"])
    wrong = f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"
    response = client.post("/account/tweede-factor/", {"token": wrong})
    assert response.status_code == 400
    assert "Deze code klopt niet" in response.content.decode()
    assert client.get("/staf/meldingen/").status_code == 302
