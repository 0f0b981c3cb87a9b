"""Population adapter: the shared csv, Dutch variants, and every refusal with the store unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ivp.lib.errors import InputError
from ivp.sources.base import ingest
from ivp.sources.bevolking import BevolkingAdapter
from ivp.store import Store


def _write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "bevolking.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_shared_file_loads_every_row(store: Store, shared_data: Path) -> None:
    path = shared_data / "cbs" / "bevolking_gemeenten_2012_2025.csv"
    with path.open(encoding="utf-8") as handle:
        source = list(csv.DictReader(handle))
    result = ingest(store, "bevolking", str(path))
    assert result.action == "geladen"
    assert result.row_count == len(source)
    loaded = store.query("SELECT region, year, value FROM population")
    got = {(r, int(y)): v for r, y, v in loaded.itertuples(index=False)}
    assert got == {(s["gemeente_code"], int(s["jaar"])): float(s["gemiddelde_bevolking"]) for s in source}
    prov = store.sources().iloc[0]
    assert (prov["publisher"], prov["licence"], prov["period"]) == ("CBS", "CC BY 4.0", "2012-2025")
    assert ingest(store, "bevolking", str(path)).action == "ongewijzigd"


def test_semicolon_dutch_headers_and_cp1252(tmp_path: Path) -> None:
    text = "Gemeentecode;Perioden;Gemiddeld aantal inwoners;Naam\nGM0505;2023JJ00;121.300;Dordrecht\n"
    text += "gm0363;2023;931.298;Amsterdam – hoofdstad\n"
    adapter = BevolkingAdapter()
    batch = adapter.parse(adapter.fetch(str(_write(tmp_path, text, "cp1252"))))
    pop = batch.tables["population"]
    assert list(zip(pop["region"], pop["year"], pop["value"], strict=True)) == [
        ("GM0505", 2023, 121_300.0),
        ("GM0363", 2023, 931_298.0),
    ]
    assert "cp1252" in (batch.provenance.notes or "")


def _refused(store: Store, path: Path, code: str) -> InputError:
    with pytest.raises(InputError) as info:
        ingest(store, "bevolking", str(path))
    assert info.value.code == code, str(info.value)
    assert store.query("SELECT count(*) AS n FROM population")["n"].item() == 0
    assert store.sources().empty
    return info.value


def test_missing_column_lists_expected_names(store: Store, tmp_path: Path) -> None:
    error = _refused(store, _write(tmp_path, "gemeente_code,jaar,aantal\nGM0505,2023,5\n"), "missing_column")
    assert error.field == "gemiddelde_bevolking"
    assert error.hint is not None
    assert "'gemiddelde_bevolking'" in error.hint
    assert "'inwoners'" in error.hint


def test_non_numeric_value(store: Store, tmp_path: Path) -> None:
    text = "gemeente_code,jaar,gemiddelde_bevolking\nGM0505,2022,120000\nGM0505,2023,onbekend\n"
    error = _refused(store, _write(tmp_path, text), "not_a_number")
    assert (error.record, error.field) == (3, "gemiddelde_bevolking")


def test_negative_value(store: Store, tmp_path: Path) -> None:
    text = "gemeente_code,jaar,gemiddelde_bevolking\nGM0505,2023,-5\n"
    assert _refused(store, _write(tmp_path, text), "negative_value").record == 2


def test_missing_value(store: Store, tmp_path: Path) -> None:
    text = "gemeente_code,jaar,gemiddelde_bevolking\nGM0505,2023,\n"
    assert _refused(store, _write(tmp_path, text), "missing_value").record == 2


def test_duplicate_code_and_year(store: Store, tmp_path: Path) -> None:
    text = "gemeente_code,jaar,gemiddelde_bevolking\nGM0505,2023,1\nGM0363,2023,2\nGM0505,2023,3\n"
    error = _refused(store, _write(tmp_path, text), "duplicate_row")
    assert error.record == 4
    assert "2" in error.message  # names the first occurrence, line 2


@pytest.mark.parametrize(("code", "year"), [("0505", "2023"), ("GM505", "2023"), ("GM0505", "23")])
def test_bad_code_or_year_format(store: Store, tmp_path: Path, code: str, year: str) -> None:
    text = f"gemeente_code,jaar,gemiddelde_bevolking\n{code},{year},100\n"
    assert _refused(store, _write(tmp_path, text), "bad_code").record == 2


@pytest.mark.parametrize("text", ["", "gemeente_code,jaar,gemiddelde_bevolking\n"])
def test_empty_file(store: Store, tmp_path: Path, text: str) -> None:
    _refused(store, _write(tmp_path, text), "empty_file")


def test_bytes_that_are_no_text_encoding(store: Store, tmp_path: Path) -> None:
    # 0x81 is undefined in cp1252 and invalid in UTF-8: neither decoding can be right.
    path = tmp_path / "kapot.csv"
    path.write_bytes(b"gemeente_code,jaar,gemiddelde_bevolking\nGM0505,2023,1\x81\n")
    _refused(store, path, "encoding")


def test_header_normalisation_accepts_spacing_and_case(tmp_path: Path) -> None:
    buffer = io.StringIO()
    buffer.write(" Gemeente Code \tJaar\tInwoners\nGM0505\t2024\t122000\n")
    adapter = BevolkingAdapter()
    batch = adapter.parse(adapter.fetch(str(_write(tmp_path, buffer.getvalue()))))
    assert batch.tables["population"]["value"].tolist() == [122_000.0]
