"""Staff views: every view with an outsider, de-identified text, audited reads, status, answer, export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from ivp.web.audit.models import AuditEvent
from ivp.web.meldingen import workflow


def _urls(pk: int) -> list[tuple[str, str]]:
    return [
        ("get", "/staf/"),
        ("get", "/staf/meldingen/"),
        ("get", f"/staf/meldingen/{pk}/"),
        ("post", f"/staf/meldingen/{pk}/origineel/"),
        ("post", f"/staf/meldingen/{pk}/status/"),
        ("post", f"/staf/meldingen/{pk}/antwoord/"),
        ("get", "/staf/meldingen/export.csv"),
        ("get", "/staf/audit/"),
    ]


def test_anonymous_is_sent_to_login(client: Client, actors: dict[str, Any]) -> None:
    for method, url in _urls(actors["melding"].pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/inloggen/"), url


def test_user_without_role_is_refused(login: Callable[[Any], Client], actors: dict[str, Any]) -> None:
    client = login(actors["nobody"])
    for method, url in _urls(actors["melding"].pk):
        assert getattr(client, method)(url).status_code == 403, url


def test_outsider_sees_nothing_of_another_teams_melding(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    client = login(actors["outsider"])
    pk = actors["melding"].pk
    expected = {
        "/staf/": 200,
        "/staf/meldingen/": 200,
        f"/staf/meldingen/{pk}/": 404,
        f"/staf/meldingen/{pk}/origineel/": 404,
        f"/staf/meldingen/{pk}/status/": 404,
        f"/staf/meldingen/{pk}/antwoord/": 404,
        "/staf/meldingen/export.csv": 403,
        "/staf/audit/": 403,
    }
    for method, url in _urls(pk):
        response = getattr(client, method)(
            url, {"status": "in_behandeling", "tekst": "x"} if method == "post" else None
        )
        assert response.status_code == expected[url], url
    assert f"M{pk}<" not in client.get("/staf/meldingen/").content.decode()
    assert not AuditEvent.objects.filter(action="view_original").exists()


def test_second_factor_required_for_behandelaar(client: Client, actors: dict[str, Any]) -> None:
    client.force_login(actors["member"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/staf/meldingen/")
    assert response.status_code == 302
    assert response["Location"] == "/account/tweede-factor/"


def test_member_sees_deidentified_text_and_audit_row(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    melding = actors["melding"]
    melding.tekst = (
        "Jan de Vries uit de Voorstraat 12 belde 06-12345678 en mailde jan@example.nl; auto 12-ABC-3."
    )
    melding.save()
    client = login(actors["member"])
    page = client.get(f"/staf/meldingen/{melding.pk}/").content.decode()
    for secret in ("Jan de Vries", "Voorstraat 12", "06-12345678", "jan@example.nl", "12-ABC-3"):
        assert secret not in page, secret
    assert "[PERSOON-1]" in page
    assert "[KENTEKEN]" in page
    assert "[EMAILADRES-1]" in page
    event = AuditEvent.objects.get(action="view", object_id=str(melding.pk))
    assert (event.actor_name, event.role, event.object_type) == ("lid", "behandelaar", "melding")
    assert event.request_id


def test_original_is_audited_and_only_for_the_team(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    melding = actors["melding"]
    client = login(actors["member"])
    response = client.post(f"/staf/meldingen/{melding.pk}/origineel/")
    assert response.status_code == 200
    assert melding.tekst in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="view_original")
    assert (event.actor_name, event.object_id) == ("lid", str(melding.pk))
    assert client.get(f"/staf/meldingen/{melding.pk}/origineel/").status_code == 405
    analist = login(actors["analist"])  # past the second factor, which analists need too
    assert analist.post(f"/staf/meldingen/{melding.pk}/origineel/").status_code == 403
    assert AuditEvent.objects.filter(action="view_original").count() == 1


def test_status_change_and_answer(login: Callable[[Any], Client], actors: dict[str, Any]) -> None:
    melding = actors["melding"]
    client = login(actors["member"])
    response = client.post(
        f"/staf/meldingen/{melding.pk}/status/", {"status": "in_behandeling", "toelichting": "opgepakt"}
    )
    assert response.status_code == 302
    assert client.post(f"/staf/meldingen/{melding.pk}/status/", {"status": "gemeld"}).status_code == 400
    client.post(f"/staf/meldingen/{melding.pk}/antwoord/", {"tekst": "Bedankt, we gaan kijken."})
    melding.refresh_from_db()
    assert melding.status == workflow.IN_BEHANDELING
    assert melding.berichten.get().tekst == "Bedankt, we gaan kijken."


def test_analist_reads_but_cannot_edit(login: Callable[[Any], Client], actors: dict[str, Any]) -> None:
    client = login(actors["analist"])
    pk = actors["melding"].pk
    assert client.get(f"/staf/meldingen/{pk}/").status_code == 200
    assert client.post(f"/staf/meldingen/{pk}/status/", {"status": "in_behandeling"}).status_code == 403


def test_list_filters(login: Callable[[Any], Client], actors: dict[str, Any]) -> None:
    from tests.web.factories import make_melding

    other = make_melding(buurt_code="BU05050900", buurt_naam="Elders")
    client = login(actors["owner"])
    page = client.get("/staf/meldingen/", {"buurt": "BU05050101"}).content.decode()
    assert f">M{actors['melding'].pk}<" in page
    assert f">M{other.pk}<" not in page
    # ADR 0009: the analyst (suppressed statistics) has no buurt filter and sees no buurt in the list.
    client = login(actors["analist"])
    page = client.get("/staf/meldingen/", {"buurt": "BU05050101"}).content.decode()
    assert f">M{other.pk}<" in page
    assert 'name="buurt"' not in page
    assert "Elders" not in page
    page = client.get("/staf/meldingen/", {"status": "afgehandeld"}).content.decode()
    assert "Geen meldingen." in page
    page = client.get("/staf/meldingen/", {"van": "2000-01-01", "tot": "2000-12-31"}).content.decode()
    assert "Geen meldingen." in page
    assert AuditEvent.objects.filter(action="view", object_type="melding", object_id="").count() == 4


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_is_deidentified_and_audited(
    login: Callable[[Any], Client], actors: dict[str, Any], fmt: str
) -> None:
    melding = actors["melding"]
    client = login(actors["analist"])
    response = client.get(f"/staf/meldingen/export.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = [[str(c) if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "id"
    assert rows[1][0] == str(melding.pk)
    assert "06-12345678" not in str(rows)
    assert "[TELEFOONNUMMER-1]" in rows[1][-1]
    event = AuditEvent.objects.get(action="export")
    assert event.after == {"formaat": fmt, "aantal": 1, "filters": {}}


def test_audit_search_for_beheerder(login: Callable[[Any], Client], actors: dict[str, Any]) -> None:
    client = login(actors["beheerder"])
    client.get(f"/staf/meldingen/{actors['melding'].pk}/")
    page = client.get(
        "/staf/audit/", {"action": "view", "object_id": str(actors["melding"].pk)}
    ).content.decode()
    assert "beheerder" in page
    assert "bekeken" in page
    assert AuditEvent.objects.filter(object_type="audit", action="view").count() == 1


# Finding 10 (staff): paging keeps its filters, the list audit row names the meldingen, no-store.


def test_list_paging_keeps_the_filters(login: Callable[[Any], Client], actors: dict[str, Any]) -> None:
    from tests.web.factories import make_melding

    for _ in range(55):
        make_melding(team=actors["team_a"], buurt_code="BU05050900", buurt_naam="Elders")
    client = login(actors["owner"])
    page = client.get("/staf/meldingen/", {"buurt": "BU05050900", "status": "gemeld"}).content.decode()
    assert 'href="?buurt=BU05050900&amp;status=gemeld&amp;pagina=2"' in page
    second = client.get("/staf/meldingen/", {"buurt": "BU05050900", "status": "gemeld", "pagina": "2"})
    assert f">M{actors['melding'].pk}<" not in second.content.decode()  # still filtered on page 2
    assert 'href="?buurt=BU05050900&amp;status=gemeld&amp;pagina=1"' in second.content.decode()
    # The export links carry the filters too (they were written as the dict's repr).
    page = login(actors["analist"]).get("/staf/meldingen/", {"status": "gemeld"}).content.decode()
    assert 'href="/staf/meldingen/export.csv?status=gemeld"' in page


def test_list_audit_row_names_the_meldingen_shown(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    from tests.web.factories import make_melding

    other = make_melding(team=actors["team_a"])
    client = login(actors["owner"])
    client.get("/staf/meldingen/", {"status": "gemeld"})
    event = AuditEvent.objects.get(action="view", object_type="melding", object_id="")
    assert event.after is not None
    assert sorted(event.after["ids"]) == sorted([actors["melding"].pk, other.pk])
    assert event.after["filters"] == {"status": "gemeld"}


def test_staff_pages_with_melding_data_are_not_stored(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    client = login(actors["owner"])
    pk = actors["melding"].pk
    for url in ("/staf/", "/staf/meldingen/", f"/staf/meldingen/{pk}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url
