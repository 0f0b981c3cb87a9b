"""Staff REST API /api/v1/: auth, owner/member/outsider on every endpoint, audit rows, suppression, errors."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from ivp.web.accounts import services as accounts
from ivp.web.audit.models import AuditEvent
from ivp.web.meldingen import workflow
from ivp.web.meldingen.models import Category, Contact, Melding, StatusWijziging
from tests.web.factories import make_melding

pytestmark = pytest.mark.django_db

SECRETS = ("Jan de Vries", "Voorstraat 12", "06-12345678", "jan@example.nl", "12-ABC-3")

ApiFor = Callable[[Any], Client]


def _token(user: Any) -> str:
    out = io.StringIO()
    call_command("ivp_api_token", user.username, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def api() -> ApiFor:
    """A client that authenticates as ``user`` with a real token made by the management command."""

    def make(user: Any) -> Client:
        return Client(headers={"Authorization": f"Token {_token(user)}"})

    return make


def _endpoints(pk: int) -> list[tuple[str, str, dict[str, str] | None]]:
    return [
        ("get", "/api/v1/meldingen/", None),
        ("get", f"/api/v1/meldingen/{pk}/", None),
        ("post", f"/api/v1/meldingen/{pk}/status/", {"status": "in_behandeling"}),
        ("post", f"/api/v1/meldingen/{pk}/antwoord/", {"tekst": "Bedankt, we gaan kijken."}),
        ("get", "/api/v1/categorieen/", None),
        ("get", "/api/v1/statistiek/", None),
    ]


def _call(client: Client, method: str, url: str, data: dict[str, str] | None) -> Any:
    if method == "post":
        return client.post(url, data or {}, content_type="application/json")
    return client.get(url)


def _codes(response: Any) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def test_unauthenticated_gets_401_with_error_shape(client: Client, actors: dict[str, Any]) -> None:
    for method, url, data in _endpoints(actors["melding"].pk):
        response = _call(client, method, url, data)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token", url
        assert _codes(response) == [("", "not_authenticated")], url


def test_unknown_token_gets_401(actors: dict[str, Any]) -> None:
    client = Client(headers={"Authorization": "Token 0123456789abcdef0123456789abcdef01234567"})
    response = client.get("/api/v1/meldingen/")
    assert response.status_code == 401
    assert _codes(response) == [("", "authentication_failed")]


def test_user_without_role_gets_403(actors: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="geen actieve rol"):
        _token(actors["nobody"])
    key = accounts.create_api_token(actors["nobody"])[1]  # e.g. a role withdrawn after the token was made
    client = Client(headers={"Authorization": f"Token {key}"})
    for method, url, data in _endpoints(actors["melding"].pk):
        response = _call(client, method, url, data)
        assert response.status_code == 403, url
        assert _codes(response) == [("", "permission_denied")], url


def test_session_needs_second_factor(
    client: Client, login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    client.force_login(actors["member"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/v1/meldingen/").status_code == 403
    assert login(actors["member"]).get("/api/v1/meldingen/").status_code == 200


def test_session_post_needs_csrf_token(actors: dict[str, Any]) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(enforce_csrf_checks=True)
    client.force_login(actors["member"], backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.create(user=actors["member"], name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    url = f"/api/v1/meldingen/{actors['melding'].pk}/status/"
    response = client.post(url, {"status": "in_behandeling"}, content_type="application/json")
    assert response.status_code == 403
    assert _codes(response) == [("", "permission_denied")]
    assert Melding.objects.get().status == workflow.GEMELD


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("owner", [200, 200, 200, 201, 200, 403]),
        ("member", [200, 200, 200, 201, 200, 403]),
        ("outsider", [200, 404, 404, 404, 200, 403]),
        ("analist", [200, 200, 403, 403, 200, 200]),
        ("beheerder", [200, 200, 403, 403, 200, 200]),
    ],
)
def test_every_endpoint_per_actor(
    api: ApiFor, actors: dict[str, Any], actor: str, expected: list[int]
) -> None:
    client = api(actors[actor])
    pk = actors["melding"].pk
    got = [_call(client, method, url, data).status_code for method, url, data in _endpoints(pk)]
    assert got == expected
    listed = [m["id"] for m in client.get("/api/v1/meldingen/").json()["results"]]
    assert listed == ([] if actor == "outsider" else [pk])
    if actor == "outsider":
        response = client.get(f"/api/v1/meldingen/{pk}/")
        assert _codes(response) == [("", "not_found")]
        assert not AuditEvent.objects.filter(action="view", object_id=str(pk)).exists()
        assert not StatusWijziging.objects.filter(melding_id=pk).exclude(van="").exists()
    if actor == "analist":
        response = client.post(
            f"/api/v1/meldingen/{pk}/status/", {"status": "afgehandeld"}, "application/json"
        )
        assert _codes(response) == [("", "permission_denied")]
        assert Melding.objects.get(pk=pk).status == workflow.GEMELD


def test_detail_is_deidentified_and_audited(api: ApiFor, actors: dict[str, Any]) -> None:
    melding = actors["melding"]
    melding.tekst = (
        "Jan de Vries uit de Voorstraat 12 belde 06-12345678 en mailde jan@example.nl; auto 12-ABC-3."
    )
    melding.straat = "Voorstraat 12"
    melding.save()
    Contact.objects.create(
        melding=melding, naam="Jan de Vries", email="jan@example.nl", telefoon="06-12345678"
    )
    client = api(actors["member"])
    response = client.get(f"/api/v1/meldingen/{melding.pk}/")
    assert response.status_code == 200
    body = response.json()
    for secret in SECRETS:
        assert secret not in response.content.decode(), secret
    assert "[PERSOON-1]" in body["tekst"]
    assert "[KENTEKEN]" in body["tekst"]
    assert not {"contact", "straat", "lat", "lon", "email", "naam", "telefoon"} & set(body)
    assert body["categorie"] == "straatintimidatie"
    assert body["mogelijke_statussen"] == workflow.allowed(workflow.GEMELD)
    assert [h["naar"] for h in body["historie"]] == []  # the factory adds no history rows
    event = AuditEvent.objects.get(action="view", object_id=str(melding.pk))
    assert (event.actor_name, event.role, event.object_type, event.detail) == (
        "lid",
        "behandelaar",
        "melding",
        "api detail",
    )
    assert event.request_id
    assert not AuditEvent.objects.filter(action="view_original").exists()


def test_list_is_deidentified_filtered_and_audited(api: ApiFor, actors: dict[str, Any]) -> None:
    melding = actors["melding"]
    other = make_melding(
        buurt_code="BU05050900",
        buurt_naam="Elders",
        categorie=Category.objects.get(slug="drugsoverlast"),
        status=workflow.AFGEHANDELD,
        aangemaakt=timezone.make_aware(dt.datetime(2024, 3, 15, 12)),
    )
    client = api(actors["analist"])
    response = client.get("/api/v1/meldingen/")
    body = response.json()
    assert body["count"] == 2
    assert [m["id"] for m in body["results"]] == [melding.pk, other.pk]
    for secret in ("06-12345678", "Voorstraat 12"):
        assert secret not in response.content.decode()
    assert "[TELEFOONNUMMER-1]" in body["results"][0]["tekst"]

    def ids(**params: str) -> list[int]:
        return [m["id"] for m in client.get("/api/v1/meldingen/", params).json()["results"]]

    # ADR 0009: a role with suppressed statistics neither sees nor filters by buurt in a listing.
    assert all(m["buurt_code"] == "" and m["buurt_naam"] == "" for m in body["results"])
    assert _codes(client.get("/api/v1/meldingen/", {"buurt": "BU05050900"})) == [
        ("buurt", "buurt_niet_beschikbaar")
    ]
    assert ids(categorie="drugsoverlast") == [other.pk]
    assert ids(categorie="bestaat-niet") == []
    assert ids(status="afgehandeld") == [other.pk]
    assert ids(van="2024-03-01", tot="2024-03-31") == [other.pk]
    assert ids(van="2024-03-16") == [melding.pk]
    assert ids(limit="1", offset="1") == [other.pk]
    event = AuditEvent.objects.filter(action="view", object_type="melding", object_id="").first()
    assert event is not None
    assert event.after == {"filters": {}, "ids": [other.pk]}
    assert event.detail == "api lijst 1 meldingen"
    assert AuditEvent.objects.filter(action="view", object_type="melding", object_id="").count() == 7
    first = AuditEvent.objects.filter(action="view", object_type="melding").order_by("id").first()
    assert first is not None
    assert first.after == {"filters": {}, "ids": [melding.pk, other.pk]}
    # The behandelaar, who gets no statistics, keeps the buurt of the meldingen of the team.
    own = api(actors["owner"]).get("/api/v1/meldingen/", {"buurt": melding.buurt_code}).json()["results"]
    assert [(m["id"], m["buurt_code"]) for m in own] == [(melding.pk, melding.buurt_code)]


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"status": "weg"}, [("status", "invalid_choice")]),
        ({"van": "gisteren"}, [("van", "invalid")]),
        ({"van": "2024-05-01", "tot": "2024-04-01"}, [("tot", "periode_omgekeerd")]),
        ({"limit": "0"}, [("limit", "ongeldig_getal")]),
        ({"limit": "abc"}, [("limit", "ongeldig_getal")]),
        ({"offset": "-1"}, [("offset", "ongeldig_getal")]),
    ],
)
def test_list_rejects_bad_parameters(
    api: ApiFor, actors: dict[str, Any], params: dict[str, str], errors: list[tuple[str, str]]
) -> None:
    response = api(actors["analist"]).get("/api/v1/meldingen/", params)
    assert response.status_code == 400
    assert _codes(response) == errors
    assert not AuditEvent.objects.filter(action="view").exists()


def test_status_change_through_the_service(api: ApiFor, actors: dict[str, Any]) -> None:
    melding = actors["melding"]
    client = api(actors["member"])
    url = f"/api/v1/meldingen/{melding.pk}/status/"
    response = client.post(url, {"status": "in_behandeling", "toelichting": "opgepakt"}, "application/json")
    assert response.status_code == 200
    assert response.json() == {"id": melding.pk, "status": "in_behandeling", "status_label": "In behandeling"}
    step = StatusWijziging.objects.get(melding=melding)
    assert (step.van, step.naar, step.toelichting, step.door) == (
        "gemeld",
        "in_behandeling",
        "opgepakt",
        actors["member"],
    )
    event = AuditEvent.objects.get(action="update", object_id=str(melding.pk))
    assert (event.actor_name, event.before, event.after) == (
        "lid",
        {"status": "gemeld"},
        {"status": "in_behandeling"},
    )

    refused = client.post(url, {"status": "gemeld"}, "application/json")
    assert refused.status_code == 400
    assert _codes(refused) == [("status", "status_niet_toegestaan")]
    invalid = client.post(url, {"status": "opgelost"}, "application/json")
    assert _codes(invalid) == [("status", "invalid_choice")]
    missing = client.post(url, {}, "application/json")
    assert _codes(missing) == [("status", "required")]
    not_json = client.post(url, "status=afgehandeld", "application/x-www-form-urlencoded")
    assert not_json.status_code == 415
    assert _codes(not_json) == [("", "unsupported_media_type")]
    broken = client.post(url, "{", "application/json")
    assert _codes(broken) == [("", "parse_error")]
    assert StatusWijziging.objects.filter(melding=melding).count() == 1
    assert AuditEvent.objects.filter(action="update").count() == 1


def test_answer_through_the_service(api: ApiFor, actors: dict[str, Any]) -> None:
    melding = actors["melding"]
    client = api(actors["owner"])
    url = f"/api/v1/meldingen/{melding.pk}/antwoord/"
    response = client.post(url, {"tekst": "Bedankt, we gaan kijken."}, "application/json")
    assert response.status_code == 201
    bericht = melding.berichten.get()
    assert response.json()["id"] == bericht.pk
    assert (bericht.tekst, bericht.richting, bericht.door) == (
        "Bedankt, we gaan kijken.",
        "gemeente",
        actors["owner"],
    )
    event = AuditEvent.objects.get(action="create", object_type="bericht")
    assert (event.actor_name, event.after) == ("eigenaar", {"melding": melding.pk, "richting": "gemeente"})
    assert _codes(client.post(url, {"tekst": ""}, "application/json")) == [("tekst", "blank")]
    assert _codes(client.post(url, {"tekst": "x" * 5001}, "application/json")) == [("tekst", "max_length")]
    detail = client.get(f"/api/v1/meldingen/{melding.pk}/").json()
    assert [(b["richting"], b["tekst"]) for b in detail["berichten"]] == [
        ("gemeente", "Bedankt, we gaan kijken.")
    ]


def test_categories(api: ApiFor, actors: dict[str, Any]) -> None:
    body = api(actors["outsider"]).get("/api/v1/categorieen/").json()
    assert body[0] == {
        "code": "straatintimidatie",
        "naam": "Straatintimidatie",
        "omschrijving": "",
        "actief": True,
    }
    assert len(body) == 7


def _many(count: int, slug: str, buurt: str, when: dt.datetime) -> None:
    category = Category.objects.get(slug=slug)
    for _ in range(count):
        make_melding(categorie=category, buurt_code=buurt, aangemaakt=when)


def test_statistiek_suppresses_small_counts(api: ApiFor, actors: dict[str, Any]) -> None:
    march = timezone.make_aware(dt.datetime(2024, 3, 15, 12))
    april = timezone.make_aware(dt.datetime(2024, 4, 2, 9))
    # March as a table (categories x buurten): [[6, 2, 9], [7, 8, 10]]; the 2 is under the threshold,
    # and complementary suppression hides 6, 7 and 8 so that no row or column gives the 2 away.
    for slug, counts in (("drugsoverlast", (6, 2, 9)), ("straatintimidatie", (7, 8, 10))):
        for buurt, count in zip(("BU05050101", "BU05050102", "BU05050103"), counts, strict=True):
            _many(count, slug, buurt, march)
    _many(1, "drugsoverlast", "BU05050101", april)
    client = api(actors["analist"])
    response = client.get("/api/v1/statistiek/", {"van": "2024-03-01", "tot": "2024-04-30"})
    assert response.status_code == 200
    body = response.json()
    assert body["drempel"] == 5
    cells = {
        (c["maand"], c["categorie"], c["buurt_code"]): (c["aantal"], c["onderdrukt"]) for c in body["cellen"]
    }
    # One fixed pattern over the whole month x categorie x buurt table with its margins: the 2 and the
    # April 1 are hidden, and so are enough partners that no total gives them away.
    assert cells[("2024-03", "drugsoverlast", "BU05050102")] == (None, True)
    assert cells[("2024-04", "drugsoverlast", "BU05050101")] == (None, True)
    assert all(c["aantal"] is None or c["aantal"] >= 5 for c in body["cellen"])
    event = AuditEvent.objects.get(action="export", object_type="statistiek")
    assert (event.actor_name, event.after) == (
        "analist",
        {"formaat": "api", "cellen": len(cells), "filters": {"van": "2024-03-01", "tot": "2024-04-30"}},
    )
    only = client.get("/api/v1/statistiek/", {"categorie": "drugsoverlast", "buurt": "BU05050103"}).json()
    assert [(c["maand"], c["aantal"], c["onderdrukt"]) for c in only["cellen"]] == [
        ("2024-03", *cells[("2024-03", "drugsoverlast", "BU05050103")])
    ]
    assert _codes(client.get("/api/v1/statistiek/", {"van": "2024-05-01", "tot": "2024-01-01"})) == [
        ("tot", "periode_omgekeerd")
    ]


def test_statistiek_is_for_analysts(api: ApiFor, actors: dict[str, Any]) -> None:
    response = api(actors["owner"]).get("/api/v1/statistiek/")
    assert response.status_code == 403
    assert _codes(response) == [("", "permission_denied")]
    assert not AuditEvent.objects.filter(object_type="statistiek").exists()


def test_unknown_api_path_is_json_404(api: ApiFor, actors: dict[str, Any]) -> None:
    client = api(actors["analist"])
    for url in ("/api/v1/bestaat-niet/", "/api/v1/meldingen/-1/", "/api/v1/meldingen/999999/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert _codes(response) == [("", "not_found")], url
    huge = client.get(f"/api/v1/meldingen/{2**70}/")
    assert huge.status_code == 404


def test_schema_is_public_openapi_with_dutch_descriptions(client: Client) -> None:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/meldingen/",
        "/api/v1/meldingen/{id}/",
        "/api/v1/meldingen/{id}/status/",
        "/api/v1/meldingen/{id}/antwoord/",
        "/api/v1/categorieen/",
        "/api/v1/statistiek/",
    }
    assert "gede-identificeerd" in schema["paths"]["/api/v1/meldingen/"]["get"]["summary"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
