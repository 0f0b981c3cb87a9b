"""Control characters are refused at every way in, with a Dutch message naming the field (issue 12, 3).

Form, follow-up form, Open311, the staff REST API, the staff forms and the csv import each refuse
``\\x01``, ``\\x1b`` and U+202E; the service layer strips what might still come through.
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from ivp.lib.errors import InputError
from ivp.web.meldingen import services
from ivp.web.meldingen.importing import import_csv
from ivp.web.meldingen.models import Bericht, Category, Contact, Melding, StatusWijziging

pytestmark = pytest.mark.django_db

BAD = ["\x01", "\x1b", "\u202e", "\x85", "\x7f"]


def _form(**extra: str) -> dict[str, str]:
    data = {
        "categorie": str(Category.objects.get(slug="straatintimidatie").pk),
        "tijd_soort": "onbekend",
        "buurt": "BU05050101",
        "straat": "Voorstraat",
        "tekst": "Een groep jongens riep mij na.",
        "naam": "",
        "email": "",
        "telefoon": "",
        "website": "",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("char", BAD)
@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("tekst", "Wat is er gebeurd?"),
        ("straat", "Straat of plek (zonder huisnummer)"),
        ("naam", "Naam"),
    ],
)
def test_form_refuses_with_the_field_named_and_keeps_the_text(
    client: Client, field: str, label: str, char: str
) -> None:
    value = f"Bij de{char} brug"
    response = client.post("/", _form(**{field: value}))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.has_error(field, "ongeldig_teken")
    message = form.errors[field][0]
    assert message.startswith("Dit veld bevat ")
    assert f"U+{ord(char):04X}" in message
    assert "positie 7 (na „Bij de”)" in message
    assert form[field].value() == value  # what was typed stays in the field
    page = html.unescape(response.content.decode())
    assert f"{label}: Dit veld bevat " in page  # the error summary names the field
    assert not Melding.objects.exists()


def test_form_refuses_a_quoted_email_with_a_control_character(client: Client) -> None:
    response = client.post("/", _form(email='"a\x01b"@example.nl'))
    assert response.status_code == 400
    assert response.context["form"].has_error("email")
    assert not Contact.objects.exists()


def test_form_keeps_line_breaks_tabs_and_other_scripts(client: Client) -> None:
    tekst = "Regel een\r\nregel twee\tmet tab; عربى \u200f; 🚲 en één."
    response = client.post("/", _form(tekst=tekst))
    assert response.status_code == 302
    assert Melding.objects.get().tekst == tekst.replace("\r\n", "\n")


def _code(client: Client) -> str:
    import re

    response = client.post("/", _form(), follow=True)
    match = re.search(r'id="volgcode">([A-Z0-9-]+)<', response.content.decode())
    assert match
    return match.group(1)


@pytest.mark.parametrize("char", BAD)
def test_follow_up_form_refuses(client: Client, char: str) -> None:
    client.post("/volgen/", {"code": _code(client)})
    response = client.post("/volgen/melding/", {"tekst": f"Het waren{char} er vijf."})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.has_error("tekst", "ongeldig_teken")
    assert form.errors["tekst"][0].startswith("Dit veld bevat ")
    assert "Aanvulling op uw melding: Dit veld bevat " in html.unescape(response.content.decode())
    assert form["tekst"].value() == f"Het waren{char} er vijf."
    assert not Bericht.objects.exists()


@pytest.fixture
def key(db: Any) -> str:
    return services.create_open311_client("BuitenBeter")[1]


@pytest.mark.parametrize("char", BAD)
@pytest.mark.parametrize("field", ["description", "address_string", "first_name", "email", "device_id"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_refuses(client: Client, key: str, field: str, char: str, fmt: str) -> None:
    data = {
        "api_key": key,
        "service_code": "drugsoverlast",
        "lat": "51.8133",
        "long": "4.6690",
        "description": "Dealen bij de brug.",
    }
    data[field] = data.get(field, "x") + char
    response = client.post(f"/open311/v2/requests.{fmt}", data)
    assert response.status_code == 400
    text = response.content.decode()
    if fmt == "json":
        (error,) = response.json()
        assert error["code"] == 400
        text = error["description"]
    assert f"‘{field}’ bevat " in text
    assert f"U+{ord(char):04X}" in text
    assert char not in text
    assert not Melding.objects.exists()


def test_open311_nul_is_refused_too(client: Client, key: str) -> None:
    data = {"api_key": key, "service_code": "drugsoverlast", "address_string": "Brug"}
    response = client.post("/open311/v2/requests.json", {**data, "description": "Dealen\x00"})
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("description: ")
    assert not Melding.objects.exists()


def _token(user: Any) -> str:
    out = io.StringIO()
    call_command("ivp_api_token", user.username, stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize("char", [*BAD, "\x00", "\ud800"])
def test_api_refuses_in_answer_and_status(actors: dict[str, Any], char: str) -> None:
    melding = actors["melding"]
    client = Client(headers={"Authorization": f"Token {_token(actors['owner'])}"})
    # json.dumps writes a lone surrogate as \\ud800, which DRF's parser turns back into one.
    body = json.dumps({"tekst": f"Bedankt{char}."})
    response = client.post(f"/api/v1/meldingen/{melding.pk}/antwoord/", body, "application/json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("tekst", "ongeldig_teken")
    assert error["message"].startswith("‘tekst’ bevat ")
    assert not Bericht.objects.exists()
    body = json.dumps({"status": "in_behandeling", "toelichting": f"op{char}gepakt"})
    response = client.post(f"/api/v1/meldingen/{melding.pk}/status/", body, "application/json")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("toelichting", "ongeldig_teken")]
    assert StatusWijziging.objects.filter(melding=melding).count() == 0


@pytest.mark.parametrize("char", BAD)
def test_staff_forms_refuse(login: Callable[[Any], Client], actors: dict[str, Any], char: str) -> None:
    melding = actors["melding"]
    client = login(actors["owner"])
    response = client.post(f"/staf/meldingen/{melding.pk}/antwoord/", {"tekst": f"Bedankt{char}."})
    assert response.status_code == 400
    assert response.context["form"].has_error("tekst", "ongeldig_teken")
    assert "Antwoord aan de melder: Dit veld bevat " in html.unescape(response.content.decode())
    response = client.post(
        f"/staf/meldingen/{melding.pk}/status/", {"status": "in_behandeling", "toelichting": f"o{char}k"}
    )
    assert response.status_code == 400
    assert response.context["form"].has_error("toelichting", "ongeldig_teken")
    assert not Bericht.objects.exists()


@pytest.mark.parametrize("column", ["id", "categoryName", "area"])
def test_import_names_file_line_and_field(tmp_path: Path, column: str) -> None:
    rows = {"id": "1", "categoryName": "Overig", "created": "2024-01-02 10:00", "area": "Centrum"}
    bad = {**rows, "id": "2"}
    bad[column] += "\x1b[31m"
    path = tmp_path / "fixi.csv"
    lines = [",".join(rows), ",".join(rows.values()), ",".join(bad.values())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_csv(path)
    error = info.value
    assert (error.code, error.record, error.field) == ("ongeldig_teken", 3, column)
    text = str(error)
    assert text.startswith(
        f"bestand {path}, regel 3, veld '{column}': bevat een onzichtbaar stuurteken (U+001B)"
    )
    assert "\x1b" not in text


def test_services_strip_what_gets_past_intake(actors: dict[str, Any]) -> None:
    melding, _code = services.create_melding(
        services.NewMelding(
            categorie=Category.objects.get(slug="straatintimidatie"),
            tekst="Over\x01last\x1b[2J\r\nbij\u202e de brug",
            straat="Voor\x00straat",
            naam="Jan\x07",
        )
    )
    melding.refresh_from_db()
    assert (melding.tekst, melding.straat) == ("Overlast[2J\nbij de brug", "Voorstraat")
    assert Contact.objects.get(melding=melding).naam == "Jan"
    owner = actors["owner"]
    melding.team = actors["team_a"]
    melding.save()
    assert services.answer(melding.pk, owner, "Be\x1bdankt").tekst == "Bedankt"
    assert services.add_information(melding.pk, "Nog\x01 iets").tekst == "Nog iets"
    services.change_status(melding.pk, "in_behandeling", owner, toelichting="op\x1bgepakt")
    assert StatusWijziging.objects.filter(melding=melding).last().toelichting == "opgepakt"  # type: ignore[union-attr]
