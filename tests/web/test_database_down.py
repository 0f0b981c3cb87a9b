"""A read-only or failing database: a Dutch 503 page or the JSON error, and nothing the resident typed lost.

Reproduces finding 6 of issue 12 (Django's English "Server Error (500)" for the form, Open311, login and the
API; the resident's text gone; HTML for Open311 clients). Writes are made to fail with a connection
``execute_wrapper`` that raises the error SQLite gives for a read-only file; "down" makes every query fail.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client

from ivp.web.meldingen import services
from ivp.web.meldingen.models import Category, Melding

pytestmark = pytest.mark.django_db

TEXT = "Al drie avonden staat er een groep bij de speeltuin aan de Vrieseweg die mensen uitscheldt."
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@contextmanager
def _failing(kinds: tuple[str, ...] | None) -> Iterator[None]:
    """Make statements starting with one of ``kinds`` (all statements for None) raise OperationalError."""

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if kinds is None or sql.lstrip().upper().startswith(kinds):
            raise OperationalError("attempt to write a readonly database")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def _form() -> dict[str, str]:
    return {
        "categorie": str(Category.objects.get(slug="straatintimidatie").pk),
        "tijd_soort": "periode",
        "van": "2025-05-21T22:00",
        "tot": "2025-05-21T23:30",
        "buurt": "BU05050101",
        "straat": "Vrieseweg",
        "tekst": TEXT,
        "naam": "Fatima el Amrani",
        "email": "fatima@example.nl",
        "telefoon": "",
        "website": "",
    }


def _is_503(response: Any) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


def test_form_keeps_everything_typed_when_the_database_is_read_only(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    data = _form()
    with _failing(WRITES), caplog.at_level(logging.INFO):
        response = client.post("/", data)
    _is_503(response)
    page = response.content.decode()
    assert "Uw melding is niet opgeslagen door een storing" in page
    assert f"{TEXT}</textarea>" in page
    assert 'value="Vrieseweg"' in page
    assert 'value="Fatima el Amrani"' in page
    assert 'value="fatima@example.nl"' in page
    assert "checked" in page
    assert not Melding.objects.exists()
    outage = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(outage) == 1  # logged once
    assert all(TEXT not in r.getMessage() and "Fatima" not in r.getMessage() for r in caplog.records)


def test_form_text_is_kept_even_when_nothing_can_be_read(client: Client) -> None:
    data = _form()
    with _failing(None):
        response = client.post("/", data)
    _is_503(response)
    page = response.content.decode()
    assert "Uw melding is niet opgeslagen door een storing" in page
    assert f"{TEXT}</textarea>" in page
    assert '<html lang="nl">' in page


def test_form_page_is_a_dutch_503_when_the_database_is_down(client: Client) -> None:
    with _failing(None):
        response = client.get("/")
    _is_503(response)
    page = response.content.decode()
    assert "Tijdelijke storing" in page
    assert "Server Error" not in page


def test_open311_post_is_a_json_503(client: Client) -> None:
    key = services.create_open311_client("BuitenBeter")[1]
    services.client_for_key(key)  # in the process cache, as after the first request of a running server
    with _failing(WRITES):
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": "drugsoverlast",
                "lat": "51.8133",
                "long": "4.6690",
                "description": TEXT,
            },
        )
    _is_503(response)
    body = response.json()
    assert body == [{"code": 503, "description": body[0]["description"]}]
    assert "storing" in body[0]["description"]


def test_open311_read_is_a_json_503_when_the_database_is_down(client: Client) -> None:
    with _failing(None):
        response = client.get("/open311/v2/services.json")
    _is_503(response)
    assert response.json()[0]["code"] == 503
    with _failing(None):
        response = client.get("/open311/v2/requests.xml")
    _is_503(response)
    assert b"<errors><error><code>503</code>" in response.content


def _token(user: Any) -> str:
    out = io.StringIO()
    call_command("ivp_api_token", user.username, stdout=out)
    return out.getvalue().strip()


def test_api_write_is_a_json_503(actors: dict[str, Any]) -> None:
    api = Client(headers={"Authorization": f"Token {_token(actors['member'])}"})
    api.get("/api/v1/categorieen/")  # the token's last use is recorded; later uses within a while are not
    with _failing(WRITES):
        response = api.post(
            f"/api/v1/meldingen/{actors['melding'].pk}/antwoord/",
            {"tekst": "We komen kijken."},
            content_type="application/json",
        )
    _is_503(response)
    assert response.json()["errors"][0]["code"] == "database_unavailable"


def test_api_read_is_a_json_503_when_the_database_is_down(actors: dict[str, Any]) -> None:
    api = Client(headers={"Authorization": f"Token {_token(actors['analist'])}"})
    with _failing(None):
        response = api.get("/api/v1/meldingen/")
    _is_503(response)
    assert response.json()["errors"][0]["code"] == "database_unavailable"


def test_login_is_a_dutch_503_page(client: Client, actors: dict[str, Any]) -> None:
    with _failing(WRITES):
        response = client.post(
            "/account/inloggen/", {"username": "analist", "password": "een-lang-wachtwoord-123"}
        )
    _is_503(response)
    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert "Tijdelijke storing" in page


def test_staff_page_is_a_dutch_503_when_the_session_cannot_be_read(
    client: Client, actors: dict[str, Any]
) -> None:
    client.force_login(actors["analist"])
    with _failing(None):
        response = client.get("/staf/")
    _is_503(response)
    assert "Tijdelijke storing" in response.content.decode()


def test_session_that_cannot_be_saved_is_a_503_not_a_400(rf: Any) -> None:
    """The session middleware turns a failed UPDATE into SessionInterrupted (a 400): followed to its cause."""
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.exceptions import SessionInterrupted

    from ivp.web.errors import bad_request

    def save() -> None:
        try:
            try:
                raise OperationalError("attempt to write a readonly database")
            except OperationalError:
                raise UpdateError  # noqa: B904 - as SessionBase.save does
        except UpdateError as exc:
            raise SessionInterrupted(
                "The request's session was deleted before the request completed."
            ) from exc

    with pytest.raises(SessionInterrupted) as raised:
        save()
    response = bad_request(rf.get("/staf/"), raised.value)
    _is_503(response)
    assert "Tijdelijke storing" in response.content.decode()


def test_an_integrity_error_is_no_outage() -> None:
    from django.db import IntegrityError

    from ivp.web.errors import is_database_outage

    assert not is_database_outage(IntegrityError("UNIQUE constraint failed"))
    assert is_database_outage(OperationalError("attempt to write a readonly database"))
