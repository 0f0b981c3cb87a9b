"""Staff accounts through ``ivp gebruiker`` and /staf/gebruikers/, every change audited (issue 12, ADR 0010)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from ivp.cli import main
from ivp.web.accounts import services
from ivp.web.accounts.models import Team, User
from ivp.web.audit.models import AuditEvent

PASSWORD = "een-lang-wachtwoord-123"  # noqa: S105
NEW_PASSWORD = "nog-een-lang-wachtwoord-456"  # noqa: S105

pytestmark = pytest.mark.django_db


def _run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(main, ["gebruiker", *args], input=input)


# --- the command -----------------------------------------------------------------------------------------


def test_cli_creates_a_user_with_role_and_teams(actors: dict[str, Any]) -> None:
    result = _run(
        "aanmaken", "nieuw", "--rol", "behandelaar", "--team", "Handhaving", "--wachtwoord-stdin",
        input=NEW_PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="nieuw")
    assert user.role == "behandelaar"
    assert [t.naam for t in user.teams.all()] == ["Handhaving"]
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(object_type="user", action="create", object_id=str(user.pk))
    assert event.actor_name.startswith("cli")
    assert event.after == {
        "gebruikersnaam": "nieuw",
        "rol": "behandelaar",
        "teams": ["Handhaving"],
        "actief": True,
    }
    assert NEW_PASSWORD not in str(event.after) + event.detail


def test_cli_asks_the_password_twice_without_echo(actors: dict[str, Any]) -> None:
    result = _run("aanmaken", "gevraagd", "--rol", "analist", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    assert User.objects.get(username="gevraagd").check_password(NEW_PASSWORD)


def test_cli_refuses_bad_input_in_dutch(actors: dict[str, Any]) -> None:
    weak = _run("aanmaken", "zwak", "--rol", "analist", "--wachtwoord-stdin", input="kort\n")
    assert weak.exit_code == 1
    assert "12 tekens" in weak.output
    unknown_team = _run("aanmaken", "x", "--rol", "behandelaar", "--team", "Bestaat niet", "--wachtwoord-stdin",
                        input=NEW_PASSWORD + "\n")  # fmt: skip
    assert unknown_team.exit_code == 1
    assert "Onbekend team: Bestaat niet" in unknown_team.output
    assert "Handhaving" in unknown_team.output
    taken = _run("aanmaken", "lid", "--rol", "analist", "--wachtwoord-stdin", input=NEW_PASSWORD + "\n")
    assert "bestaat al" in taken.output
    assert _run("rol", "niemand", "analist").exit_code == 1
    assert not User.objects.filter(username__in=["zwak", "x"]).exists()


def test_cli_role_teams_deactivate_activate_reset(actors: dict[str, Any]) -> None:
    member: User = actors["member"]
    TOTPDevice.objects.create(user=member, name="telefoon", confirmed=True)
    assert _run("rol", "lid", "analist").exit_code == 0
    assert _run("teams", "lid", "Handhaving", "Wijkteam Noord").exit_code == 0
    assert _run("deactiveren", "lid").exit_code == 0
    member.refresh_from_db()
    assert (member.role, member.is_active) == ("analist", False)
    assert sorted(t.naam for t in member.teams.all()) == ["Handhaving", "Wijkteam Noord"]
    assert _run("activeren", "lid").exit_code == 0
    result = _run("tweede-factor-resetten", "lid")
    assert result.exit_code == 0, result.output
    assert not TOTPDevice.objects.filter(user=member).exists()
    events = AuditEvent.objects.filter(object_id=str(member.pk)).order_by("id")
    assert [(e.object_type, e.before, e.after) for e in events] == [
        ("user", {"rol": "behandelaar"}, {"rol": "analist"}),
        ("user", {"teams": ["Handhaving"]}, {"teams": ["Handhaving", "Wijkteam Noord"]}),
        ("user", {"actief": True}, {"actief": False}),
        ("user", {"actief": False}, {"actief": True}),
        ("totpdevice", {"apparaten": 1}, {"apparaten": 0}),
    ]
    assert "had de rol analist al" in _run("rol", "lid", "analist").output


def test_cli_list_and_team_and_password(actors: dict[str, Any]) -> None:
    assert _run("team", "Jeugd").exit_code == 0
    assert Team.objects.filter(naam="Jeugd").exists()
    assert "bestaat al" in _run("team", "jeugd").output
    assert _run("wachtwoord", "lid", "--wachtwoord-stdin", input=NEW_PASSWORD + "\n").exit_code == 0
    assert User.objects.get(username="lid").check_password(NEW_PASSWORD)
    listing = _run("lijst")
    assert "lid\tbehandelaar\tHandhaving" in listing.output
    assert '"gebruikersnaam": "beheerder"' in _run("lijst", "--json").output


def test_password_is_never_an_argument() -> None:
    for command in ("aanmaken", "wachtwoord"):
        params = {p.name for p in main.commands["gebruiker"].commands[command].params}  # type: ignore[attr-defined]
        assert "password" not in params
        assert "wachtwoord" not in params


def test_the_last_active_beheerder_stays(actors: dict[str, Any]) -> None:
    result = _run("deactiveren", "beheerder")
    assert result.exit_code == 1
    assert "laatste actieve beheerder" in result.output
    assert _run("rol", "beheerder", "analist").exit_code == 1
    assert User.objects.get(username="beheerder").is_active
    services.create_staff("tweede", NEW_PASSWORD, "beheerder", actor="test")
    assert _run("deactiveren", "beheerder").exit_code == 0


# --- the staff site --------------------------------------------------------------------------------------


def test_only_a_verified_beheerder_manages_users(
    client: Client, login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    assert client.get("/staf/gebruikers/")["Location"].startswith("/account/inloggen/")
    client.post("/account/inloggen/", {"username": "beheerder", "password": PASSWORD})
    assert client.get("/staf/gebruikers/")["Location"] == "/account/tweede-factor/"  # password only
    client.logout()
    for name in ("analist", "member", "owner"):
        other = login(actors[name])
        assert other.get("/staf/gebruikers/").status_code == 403, name
        assert other.post("/staf/gebruikers/nieuw/", {"username": "x"}).status_code == 403, name
        other.logout()
    page = login(actors["beheerder"]).get("/staf/gebruikers/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert "buitenstaander" in page.content.decode()


def test_staff_site_creates_and_edits_a_user(login: Callable[[Any], Client], actors: dict[str, Any]) -> None:
    client = login(actors["beheerder"])
    assert "Gebruikers en teams" in client.get("/staf/").content.decode()
    team_a, team_b = actors["team_a"], actors["team_b"]
    response = client.post(
        "/staf/gebruikers/nieuw/",
        {
            "username": "nieuwe",
            "first_name": "Fatma",
            "last_name": "Yilmaz",
            "email": "",
            "role": "behandelaar",
            "teams": [team_a.pk, team_b.pk],
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="nieuwe")
    assert response["Location"] == f"/staf/gebruikers/{user.pk}/"
    assert user.teams.count() == 2
    created = AuditEvent.objects.get(object_type="user", action="create")
    assert (created.actor_name, created.role) == ("beheerder", "beheerder")

    response = client.post(f"/staf/gebruikers/{user.pk}/", {"role": "analist", "teams": [team_a.pk]})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.role, user.is_active) == ("analist", False)  # an unticked box: deactivated
    changed = AuditEvent.objects.get(object_type="user", action="update")
    assert changed.before == {"rol": "behandelaar", "teams": ["Handhaving", "Wijkteam Noord"], "actief": True}
    assert changed.after == {"rol": "analist", "teams": ["Handhaving"], "actief": False}

    TOTPDevice.objects.create(user=user, name="telefoon", confirmed=True)
    assert client.get(f"/staf/gebruikers/{user.pk}/tweede-factor/").status_code == 405
    assert client.post(f"/staf/gebruikers/{user.pk}/tweede-factor/").status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(object_type="totpdevice", object_id=str(user.pk)).exists()

    assert client.post("/staf/gebruikers/teams/", {"naam": "Jeugd"}).status_code == 302
    assert AuditEvent.objects.filter(object_type="team", action="create").exists()


def test_staff_site_form_errors_are_dutch(login: Callable[[Any], Client], actors: dict[str, Any]) -> None:
    client = login(actors["beheerder"])
    response = client.post(
        "/staf/gebruikers/nieuw/",
        {"username": "lid", "role": "analist", "password1": "kort", "password2": "anders"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "De wachtwoorden zijn niet gelijk" in page
    response = client.post(
        "/staf/gebruikers/nieuw/",
        {"username": "lid", "role": "analist", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert "bestaat al" in response.content.decode()


def test_a_beheerder_cannot_lock_themselves_out(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    beheerder = actors["beheerder"]
    services.create_staff("tweede", NEW_PASSWORD, "beheerder", actor="test")  # not the last one
    client = login(beheerder)
    for data in ({"role": "analist", "active": "on"}, {"role": "beheerder"}):
        response = client.post(f"/staf/gebruikers/{beheerder.pk}/", data)
        assert response.status_code == 400
        assert "eigen beheerdersrol of account" in response.content.decode()
    beheerder.refresh_from_db()
    assert (beheerder.role, beheerder.is_active) == ("beheerder", True)
    assert not AuditEvent.objects.filter(object_type="user", action="update").exists()


def test_deactivated_user_is_logged_out_and_cannot_log_in(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    member_client = login(actors["member"])
    assert member_client.get("/staf/meldingen/").status_code == 200
    services.update_staff(actors["member"], active=False, actor="test")
    assert member_client.get("/staf/meldingen/").status_code == 302
    fresh = Client()
    assert fresh.post("/account/inloggen/", {"username": "lid", "password": PASSWORD}).status_code == 200


def test_reset_second_factor_asks_for_a_new_enrolment(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    member_client = login(actors["member"])
    assert member_client.get("/staf/meldingen/").status_code == 200
    services.reset_second_factor(actors["member"], actor="test")
    response = member_client.get("/staf/meldingen/")
    assert response["Location"] == "/account/tweede-factor/"
    assert "otpauth://totp/" in member_client.get("/account/tweede-factor/").content.decode()
