"""Staff login: lockout after failed attempts (axes) and TOTP (django-otp) for roles that need it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ivp.web.accounts.models import User
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


def test_analist_needs_the_second_factor(client: Client, actors: dict[str, Any]) -> None:
    """Analists read and export every de-identified text: TOTP by default (issue 12, finding 9)."""
    response = client.post("/account/inloggen/", {"username": "analist", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/account/tweede-factor/"
    assert client.get("/staf/meldingen/").status_code == 302
    assert AuditEvent.objects.filter(action="login", actor_name="analist").exists()


def test_role_without_second_factor_logs_in_with_password_only(
    client: Client, actors: dict[str, Any], settings: Any
) -> None:
    settings.OTP_REQUIRED_ROLES = ["beheerder", "behandelaar"]
    response = client.post("/account/inloggen/", {"username": "analist", "password": PASSWORD})
    assert response["Location"] == "/staf/"
    assert client.get("/staf/meldingen/").status_code == 200


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


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{(totp(device.bin_key, device.step, device.t0, device.digits, device.drift) + offset) % 1_000_000:06d}"


def _password_step(client: Client, username: str = "lid") -> TOTPDevice:
    client.post("/account/inloggen/", {"username": username, "password": PASSWORD})
    client.get("/account/tweede-factor/")
    return TOTPDevice.objects.get(user__username=username)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "///evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
    ],
)
def test_next_after_the_second_factor_stays_on_the_site(
    client: Client, actors: dict[str, Any], target: str
) -> None:
    """Finding 4: ``next`` after a valid code redirected anywhere."""
    device = _password_step(client)
    response = client.post("/account/tweede-factor/?" + urlencode({"next": target}), {"token": _code(device)})
    assert response.status_code == 302
    assert response["Location"] == "/staf/"


def test_next_on_the_site_is_followed(client: Client, actors: dict[str, Any]) -> None:
    device = _password_step(client)
    response = client.post("/account/tweede-factor/?next=/staf/meldingen/", {"token": _code(device)})
    assert response["Location"] == "/staf/meldingen/"


def test_next_survives_the_password_step(client: Client, actors: dict[str, Any]) -> None:
    response = client.post(
        "/account/inloggen/?next=/staf/meldingen/", {"username": "lid", "password": PASSWORD}
    )
    assert response["Location"] == "/account/tweede-factor/?next=%2Fstaf%2Fmeldingen%2F"
    response = client.post(
        "/account/inloggen/?next=https://evil.example/", {"username": "lid", "password": PASSWORD}
    )
    assert response["Location"] == "/account/tweede-factor/"


def test_session_id_rotates_after_the_second_factor(client: Client, actors: dict[str, Any]) -> None:
    device = _password_step(client)
    before = client.session.session_key
    assert before
    assert client.post("/account/tweede-factor/", {"token": _code(device)}).status_code == 302
    after = client.session.session_key
    assert after
    assert after != before
    assert client.get("/staf/meldingen/").status_code == 200


def test_correct_code_right_after_a_wrong_one_is_accepted(client: Client, actors: dict[str, Any]) -> None:
    device = _password_step(client)
    assert client.post("/account/tweede-factor/", {"token": _code(device, 1)}).status_code == 400
    response = client.post("/account/tweede-factor/", {"token": _code(device)})
    assert response.status_code == 302
    assert client.get("/staf/meldingen/").status_code == 200


def test_guessing_codes_ends_in_a_lockout(client: Client, actors: dict[str, Any], settings: Any) -> None:
    device = _password_step(client)
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/account/tweede-factor/", {"token": _code(device, 1 + i)}).status_code == 400
    assert client.post("/account/tweede-factor/", {"token": _code(device, 99)}).status_code == 429
    response = client.post("/account/tweede-factor/", {"token": _code(device)})  # the session was ended
    assert response["Location"].startswith("/account/inloggen/")
    assert client.get("/staf/meldingen/").status_code == 302
    assert AuditEvent.objects.filter(action="login_failed", actor_name="lid").count() >= 4
    fresh = Client()  # the password step is locked too, from this address
    assert fresh.post("/account/inloggen/", {"username": "lid", "password": PASSWORD}).status_code == 429


def test_logging_in_again_does_not_wipe_wrong_codes(
    client: Client, actors: dict[str, Any], settings: Any
) -> None:
    device = _password_step(client)
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/account/tweede-factor/", {"token": _code(device, 1 + i)}).status_code == 400
    _password_step(client)  # the right password again: not a complete login, the count stays
    assert client.post("/account/tweede-factor/", {"token": _code(device, 50)}).status_code == 429


def test_a_complete_login_resets_the_count(client: Client, actors: dict[str, Any], settings: Any) -> None:
    device = _password_step(client)
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/account/tweede-factor/", {"token": _code(device, 1 + i)})
    assert client.post("/account/tweede-factor/", {"token": _code(device)}).status_code == 302
    client.logout()
    device = _password_step(client)
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/account/tweede-factor/", {"token": _code(device, 1 + i)}).status_code == 400


def test_guessing_codes_from_many_addresses_is_capped_per_device(
    actors: dict[str, Any], settings: Any
) -> None:
    """A password known to an attacker with many addresses still gives only a few guesses per device."""
    settings.OTP_DEVICE_FAILURE_LIMIT = 3
    device: TOTPDevice | None = None
    for i in range(3):
        client = Client(REMOTE_ADDR=f"10.0.0.{i + 1}")
        device = _password_step(client)
        assert client.post("/account/tweede-factor/", {"token": _code(device, 1 + i)}).status_code == 400
    assert device is not None
    client = Client(REMOTE_ADDR="10.0.0.9")
    client.post("/account/inloggen/", {"username": "lid", "password": PASSWORD})
    response = client.get("/account/tweede-factor/")
    assert response.status_code == 429
    assert "te vaak een foute code" in response.content.decode()
    response = client.post("/account/tweede-factor/", {"token": _code(device)})
    assert response["Location"].startswith("/account/inloggen/")  # the session was ended


def test_many_usernames_from_one_address_end_in_a_lockout(
    client: Client, actors: dict[str, Any], settings: Any
) -> None:
    """Finding 10: only username + address was locked; 30 usernames from one address went on for ever."""
    limit = settings.AXES_FAILURE_LIMIT_ADDRESS
    assert limit <= 30
    for i in range(limit - 1):
        response = client.post("/account/inloggen/", {"username": f"gok{i}", "password": "fout"})
        assert response.status_code == 200, i
    assert (
        client.post("/account/inloggen/", {"username": "gok-laatste", "password": "fout"}).status_code == 429
    )
    response = client.post("/account/inloggen/", {"username": "analist", "password": PASSWORD})
    assert response.status_code == 429
    other = Client(REMOTE_ADDR="10.1.2.3")  # another address is not affected
    assert other.post("/account/inloggen/", {"username": "analist", "password": PASSWORD}).status_code == 302


def test_a_colleagues_login_does_not_reset_the_address_count(
    client: Client, actors: dict[str, Any], settings: Any
) -> None:
    for i in range(settings.AXES_FAILURE_LIMIT_ADDRESS - 1):
        client.post("/account/inloggen/", {"username": f"gok{i}", "password": "fout"})
    assert (
        Client().post("/account/inloggen/", {"username": "analist", "password": PASSWORD}).status_code == 302
    )
    assert client.post("/account/inloggen/", {"username": "gok", "password": "fout"}).status_code == 429


def test_inactive_user_cannot_log_in(client: Client, actors: dict[str, Any]) -> None:
    User.objects.filter(username="lid").update(is_active=False)
    response = client.post("/account/inloggen/", {"username": "lid", "password": PASSWORD})
    assert response.status_code == 200


# Review of issue 12: behind a reverse proxy every client has the proxy's REMOTE_ADDR; the address lockout
# counts the client's address from X-Forwarded-For (ivp.web.clientip), not the proxy's.

PROXY = "10.9.9.9"


def _through_proxy(forwarded_for: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def _fill_address_limit(client: Client, limit: int) -> None:
    for i in range(limit):
        client.post("/account/inloggen/", {"username": f"gok{i}", "password": "fout"})


def test_behind_a_proxy_one_client_does_not_lock_out_the_others(
    actors: dict[str, Any], settings: Any
) -> None:
    settings.BEHIND_PROXY = True
    settings.AXES_FAILURE_LIMIT_ADDRESS = 6
    _fill_address_limit(_through_proxy("203.0.113.5"), 6)
    attacker = _through_proxy("203.0.113.5")
    assert (
        attacker.post("/account/inloggen/", {"username": "analist", "password": PASSWORD}).status_code == 429
    )
    colleague = _through_proxy("198.51.100.7")
    response = colleague.post("/account/inloggen/", {"username": "analist", "password": PASSWORD})
    assert response.status_code == 302


def test_behind_a_proxy_a_spoofed_leftmost_address_changes_nothing(
    actors: dict[str, Any], settings: Any
) -> None:
    """The client may send its own X-Forwarded-For; the proxy appends the real address, which is counted."""
    settings.BEHIND_PROXY = True
    settings.AXES_FAILURE_LIMIT_ADDRESS = 6
    for i in range(6):
        _through_proxy(f"192.0.2.{i + 1}, 203.0.113.5").post(
            "/account/inloggen/", {"username": f"gok{i}", "password": "fout"}
        )
    fresh_lie = _through_proxy("192.0.2.200, 203.0.113.5")
    assert (
        fresh_lie.post("/account/inloggen/", {"username": "analist", "password": PASSWORD}).status_code == 429
    )


def test_without_the_proxy_setting_x_forwarded_for_is_ignored(actors: dict[str, Any], settings: Any) -> None:
    """A client cannot escape the address lockout by sending another X-Forwarded-For each time."""
    settings.BEHIND_PROXY = False
    settings.AXES_FAILURE_LIMIT_ADDRESS = 6
    for i in range(6):
        _through_proxy(f"203.0.113.{i + 1}").post(
            "/account/inloggen/", {"username": f"gok{i}", "password": "fout"}
        )
    other_header = _through_proxy("198.51.100.7")
    response = other_header.post("/account/inloggen/", {"username": "analist", "password": PASSWORD})
    assert response.status_code == 429
