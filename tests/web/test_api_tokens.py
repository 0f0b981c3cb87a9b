"""Staff API tokens: only a hash is stored; revoked, expired and inactive-user tokens fail; audit; command."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import json
import secrets
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone

from ivp.web.accounts import services
from ivp.web.accounts.models import ApiToken
from ivp.web.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/categorieen/"


def _command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ivp_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def _get(key: str, scheme: str = "Token") -> Any:
    return Client(headers={"Authorization": f"{scheme} {key}"}).get(URL)


def _codes(response: Any) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def _refused(response: Any) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert _codes(response) == [("", "authentication_failed")]


def test_token_from_the_command_works_with_token_or_bearer(actors: dict[str, Any]) -> None:
    key, _ = _command("analist", "--naam", "dashboard")
    assert len(key) == 43  # token_urlsafe(32): 256 random bits
    assert _get(key).status_code == 200
    assert _get(key, "Bearer").status_code == 200
    assert _get(key, "token").status_code == 200  # the keyword is case-insensitive, as in DRF
    token = ApiToken.objects.get()
    assert (token.user, token.naam, token.key_prefix) == (actors["analist"], "dashboard", key[:8])
    assert token.laatst_gebruikt is not None


def test_token_needs_no_second_factor_but_a_session_does(client: Client, actors: dict[str, Any]) -> None:
    key, _ = _command("lid")  # behandelaar: a role that must pass TOTP in the browser
    assert _get(key).status_code == 200
    client.force_login(actors["member"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "header",
    [
        "Token 0123456789abcdef0123456789abcdef01234567",  # a key that was never made
        "Token",  # no key
        "Token een twee",  # two words
        "Bearer ",
    ],
)
def test_wrong_key_gets_401(actors: dict[str, Any], header: str) -> None:
    _command("analist")
    _refused(Client(headers={"Authorization": header}).get(URL))


def test_other_schemes_are_left_to_the_session(actors: dict[str, Any]) -> None:
    response = Client(headers={"Authorization": "Basic YW5hbGlzdDpnZWhlaW0="}).get(URL)
    assert response.status_code == 401
    assert _codes(response) == [("", "not_authenticated")]


def test_revoked_token_gets_401_and_revocation_is_audited(actors: dict[str, Any]) -> None:
    key, _ = _command("analist")
    assert _get(key).status_code == 200
    out, _ = _command("--intrekken", key[:8])
    assert out == f"Token {key[:8]} van analist ingetrokken."
    _refused(_get(key))
    token = ApiToken.objects.get()
    assert token.ingetrokken is not None
    event = AuditEvent.objects.get(object_type="apitoken", action=Action.UPDATE)
    assert event.object_id == str(token.pk)
    assert event.before == {"ingetrokken": None}
    assert event.after == {"ingetrokken": token.ingetrokken.isoformat()}
    with pytest.raises(CommandError, match="Geen actief token"):
        _command("--intrekken", key[:8])


def test_revoke_by_whole_key_and_refuses_twice(actors: dict[str, Any]) -> None:
    key, _ = _command("analist")
    _command("--intrekken", key)
    _refused(_get(key))
    with pytest.raises(CommandError, match="al ingetrokken"):
        _command("--intrekken", key)
    assert AuditEvent.objects.filter(object_type="apitoken", action=Action.UPDATE).count() == 1


def test_revoke_with_an_ambiguous_prefix_needs_the_username(actors: dict[str, Any]) -> None:
    first = services.create_api_token(actors["analist"])[0]
    second = services.create_api_token(actors["beheerder"])[0]
    ApiToken.objects.filter(pk=second.pk).update(key_prefix=first.key_prefix)  # 1 in 2**48, forced here
    with pytest.raises(CommandError, match="Meer dan één"):
        _command("--intrekken", first.key_prefix)
    _command("beheerder", "--intrekken", first.key_prefix)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.ingetrokken is not None
    assert first.ingetrokken is None


def test_expired_token_gets_401(actors: dict[str, Any]) -> None:
    key, _ = _command("analist", "--dagen", "1")
    token = ApiToken.objects.get()
    assert token.verloopt is not None
    assert dt.timedelta(hours=23) < token.verloopt - timezone.now() <= dt.timedelta(days=1)
    assert _get(key).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
        _refused(_get(key))
    with pytest.raises(CommandError, match="1 of meer"):
        _command("analist", "--dagen", "0")


def test_token_of_inactive_user_gets_401(actors: dict[str, Any]) -> None:
    key, _ = _command("analist")
    actors["analist"].is_active = False
    actors["analist"].save()
    _refused(_get(key))


def test_database_holds_no_usable_key(actors: dict[str, Any]) -> None:
    key, _ = _command("analist", "--naam", "dashboard")
    row = ApiToken.objects.values().get()
    assert not any(key in str(value) for value in row.values())
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    _refused(_get(row["key_hash"]))  # what a database dump holds opens nothing
    for event in AuditEvent.objects.all():
        assert key not in json.dumps([event.before, event.after, event.detail])


def test_creation_is_audited(actors: dict[str, Any]) -> None:
    key, _ = _command("analist", "--naam", "dashboard")
    token = ApiToken.objects.get()
    event = AuditEvent.objects.get(object_type="apitoken")
    assert (event.action, event.object_id, event.actor_name) == (Action.CREATE, str(token.pk), "beheer")
    assert event.after == {
        "gebruiker": "analist",
        "naam": "dashboard",
        "prefix": key[:8],
        "verloopt": None,
    }


def test_command_refuses_unknown_users_and_users_without_role(actors: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="Onbekende gebruiker"):
        _command("niemand")
    with pytest.raises(CommandError, match="geen actieve rol"):
        _command("geenrol")
    with pytest.raises(CommandError, match="gebruikersnaam"):
        _command()
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(object_type="apitoken").exists()


def test_second_token_warns_and_vervang_revokes_the_others(actors: dict[str, Any]) -> None:
    first, _ = _command("analist")
    second, warning = _command("analist")  # rotation: the old one keeps working until revoked
    assert first[:8] in warning
    assert _get(first).status_code == 200
    assert _get(second).status_code == 200
    third, warning = _command("analist", "--vervang")
    assert warning == ""
    _refused(_get(first))
    _refused(_get(second))
    assert _get(third).status_code == 200
    assert AuditEvent.objects.filter(object_type="apitoken", action=Action.UPDATE).count() == 2


def test_schema_describes_the_token_header(client: Client) -> None:
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert "Token <sleutel>" in scheme["description"]
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/meldingen/"]["get"]["security"]


def test_admin_lists_tokens_without_hash_and_cannot_add_or_delete(
    actors: dict[str, Any], login: Callable[[Any], Client]
) -> None:
    key, _ = _command("analist", "--naam", "dashboard")
    token = ApiToken.objects.get()
    admin = actors["beheerder"]
    client = login(admin)  # the admin wants a beheerder past the second factor (ADR 0010)
    for url in ("/beheer/accounts/apitoken/", f"/beheer/accounts/apitoken/{token.pk}/change/"):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert key[:8] in html, url
        assert token.key_hash not in html, url
        assert key not in html, url
    assert client.get("/beheer/accounts/apitoken/add/").status_code == 403
    assert client.get(f"/beheer/accounts/apitoken/{token.pk}/delete/").status_code == 403
    response = client.post(
        "/beheer/accounts/apitoken/", {"action": "revoke", "_selected_action": [str(token.pk)]}
    )
    assert response.status_code == 302
    _refused(_get(key))
    event = AuditEvent.objects.get(object_type="apitoken", action=Action.UPDATE)
    assert event.actor_name == admin.username


def test_migration_carries_drf_tokens_over_hashed_and_drops_their_table(actors: dict[str, Any]) -> None:
    migration = importlib.import_module("ivp.web.accounts.migrations.0003_apitoken_from_drf")
    key = "0123456789abcdef0123456789abcdef01234567"  # DRF's shape: 40 hex characters
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone"
            " NOT NULL, user_id bigint NOT NULL)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created datetime NOT NULL,"
            " user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [key, timezone.now() - dt.timedelta(days=30), actors["analist"].pk],
        )
    migration.carry_over(apps, SimpleNamespace(connection=connection))
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get()
    assert (token.user, token.key_prefix) == (actors["analist"], key[:8])
    assert token.aangemaakt < timezone.now() - dt.timedelta(days=29)
    assert _get(key).status_code == 200
    migration.carry_over(apps, SimpleNamespace(connection=connection))  # nothing left to do
    assert ApiToken.objects.count() == 1


def test_keys_never_start_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    """A prefix starting with "-" would read as an option: ``--intrekken -ENcuByf`` (seen in CI)."""
    draws = iter(["-ENcuByf" + "a" * 35, "xENcuByf" + "a" * 35])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda _n: next(draws))
    assert services.new_api_key() == "xENcuByf" + "a" * 35
