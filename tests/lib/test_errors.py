"""InputError names file, record or line, and field, and says what to do."""

from __future__ import annotations

from ivp.lib.errors import InputError


def test_csv_records_are_lines() -> None:
    err = InputError(
        code="x",
        message="geen getal.",
        file="overlast.csv",
        record=3,
        field="aantal",
        hint="vul een getal in.",
    )
    text = str(err)
    assert text.startswith("bestand overlast.csv, regel 3, veld 'aantal': geen getal.")
    assert "Oplossing: vul een getal in." in text
    assert text.endswith("Er is niets van dit bestand geladen.")


def test_json_records_are_records() -> None:
    text = str(InputError(code="x", message="negatief.", file="TypedDataSet.json", record=12))
    assert "record 12" in text
    assert "regel" not in text


def test_retry_is_said_instead_of_nothing_loaded() -> None:
    text = str(InputError(code="net", message="geen verbinding.", file="47018NED", retry=True))
    assert "Opnieuw proberen kan helpen." in text
    assert "niets van dit bestand" not in text
