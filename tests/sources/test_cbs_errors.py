"""CBS adapter: every broken input is refused with a stable code, and the store is left as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ivp.lib.errors import InputError
from ivp.sources.base import ingest
from ivp.store import Store
from tests.fixtures.cbs.replay import write_folder

TABLES = ("sources", "regions", "population", "categories", "observations", "incidents")


def _snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    return {
        t: sorted(map(tuple, store.query(f"SELECT * FROM {t}").astype(str).itertuples(index=False)))
        for t in TABLES
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_folder("47018NED", tmp_path / "47018NED")


@pytest.fixture
def loaded(store: Store, folder: Path) -> Store:
    """A store that already holds this table: a failed reload must leave every row in place."""
    assert ingest(store, "cbs", str(folder), dataset="47018NED").action == "geladen"
    return store


def _rows(folder: Path, name: str = "TypedDataSet") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    return rows


def _write(folder: Path, rows: Any, name: str = "TypedDataSet") -> None:
    (folder / f"{name}.json").write_text(json.dumps(rows), encoding="utf-8")


def _refused(store: Store, folder: Path, code: str, dataset: str = "47018NED") -> InputError:
    before = _snapshot(store)
    with pytest.raises(InputError) as info:
        ingest(store, "cbs", str(folder), dataset=dataset)
    assert info.value.code == code, str(info.value)
    assert info.value.retry is False
    assert _snapshot(store) == before
    return info.value


def test_truncated_json(loaded: Store, folder: Path) -> None:
    data = (folder / "TypedDataSet.json").read_bytes()
    (folder / "TypedDataSet.json").write_bytes(data[: len(data) // 2])
    error = _refused(loaded, folder, "invalid_json")
    assert error.file is not None
    assert error.file.endswith("TypedDataSet.json")
    assert "Oplossing" in str(error)


def test_json_that_is_not_a_list(loaded: Store, folder: Path) -> None:
    _write(folder, {"rows": []})
    _refused(loaded, folder, "not_a_list")


@pytest.mark.parametrize(
    "name", ["TypedDataSet", "TableInfos", "Perioden", "SoortMisdrijf", "WijkenEnBuurten"]
)
def test_required_file_missing(loaded: Store, folder: Path, name: str) -> None:
    (folder / f"{name}.json").unlink()
    error = _refused(loaded, folder, "missing_file")
    assert error.file is not None
    assert error.file.endswith(f"{name}.json")


def test_required_field_missing_in_a_record(loaded: Store, folder: Path) -> None:
    rows = _rows(folder)
    del rows[3]["Perioden"]
    _write(folder, rows)
    error = _refused(loaded, folder, "missing_field")
    assert (error.record, error.field) == (3, "Perioden")


def test_non_numeric_count(loaded: Store, folder: Path) -> None:
    rows = _rows(folder)
    rows[5]["GeregistreerdeMisdrijven_1"] = "veel"
    _write(folder, rows)
    error = _refused(loaded, folder, "not_a_number")
    assert (error.record, error.field) == (5, "GeregistreerdeMisdrijven_1")


def test_negative_count(loaded: Store, folder: Path) -> None:
    rows = _rows(folder)
    rows[2]["GeregistreerdeMisdrijven_1"] = -4
    _write(folder, rows)
    assert _refused(loaded, folder, "negative_value").record == 2


def test_fractional_count(loaded: Store, folder: Path) -> None:
    rows = _rows(folder)
    rows[1]["GeregistreerdeMisdrijven_1"] = 2.5
    _write(folder, rows)
    assert _refused(loaded, folder, "not_an_integer").record == 1


def test_region_not_in_dimension_file(loaded: Store, folder: Path) -> None:
    rows = _rows(folder)
    rows[4]["WijkenEnBuurten"] = "GM9999    "
    _write(folder, rows)
    error = _refused(loaded, folder, "unknown_region")
    assert (error.record, error.field) == (4, "WijkenEnBuurten")
    assert "GM9999" in error.message


def test_crime_code_not_in_dimension_file(loaded: Store, folder: Path) -> None:
    rows = _rows(folder)
    rows[6]["SoortMisdrijf"] = "9.9.9 "
    _write(folder, rows)
    error = _refused(loaded, folder, "unknown_category")
    assert (error.record, error.field) == (6, "SoortMisdrijf")


def test_period_not_in_perioden(loaded: Store, folder: Path) -> None:
    rows = _rows(folder)
    rows[0]["Perioden"] = "2031JJ00"
    _write(folder, rows)
    assert _refused(loaded, folder, "unknown_period").record == 0


def test_duplicate_type_region_period(loaded: Store, folder: Path) -> None:
    rows = _rows(folder)
    rows.append({**rows[7], "ID": len(rows), "GeregistreerdeMisdrijven_1": 1})
    _write(folder, rows)
    error = _refused(loaded, folder, "duplicate_row")
    assert error.record == len(rows) - 1
    assert "7" in error.message  # names the first occurrence too


def test_cp1252_bytes(loaded: Store, folder: Path) -> None:
    rows = _rows(folder, "WijkenEnBuurten")
    rows[1]["Title"] = "Dordrecht Zuidwest – Crabbehof"
    text = json.dumps(rows, ensure_ascii=False)
    (folder / "WijkenEnBuurten.json").write_bytes(text.encode("cp1252"))
    error = _refused(loaded, folder, "encoding")
    assert error.file is not None
    assert error.file.endswith("WijkenEnBuurten.json")


@pytest.mark.parametrize("content", [b"", b"  \n", b"[]"])
def test_empty_file(loaded: Store, folder: Path, content: bytes) -> None:
    (folder / "SoortMisdrijf.json").write_bytes(content)
    _refused(loaded, folder, "empty_file")


def test_bad_period_key(loaded: Store, folder: Path) -> None:
    periods = _rows(folder, "Perioden")
    periods[0]["Key"] = "2022KW01"
    _write(folder, periods, "Perioden")
    _refused(loaded, folder, "bad_period")


def test_folder_of_another_table(loaded: Store, folder: Path) -> None:
    _refused(loaded, folder, "table_mismatch", dataset="47022NED")


def test_unsupported_table(store: Store, folder: Path) -> None:
    info = _rows(folder, "TableInfos")
    info[0]["Identifier"] = "83648NED"
    _write(folder, info, "TableInfos")
    _refused(store, folder, "unknown_table", dataset="83648NED")


def test_folder_without_json(store: Store, tmp_path: Path) -> None:
    (tmp_path / "leeg").mkdir()
    _refused(store, tmp_path / "leeg", "no_json_files")


def test_missing_folder(store: Store, tmp_path: Path) -> None:
    _refused(store, tmp_path / "bestaat-niet", "folder_missing")


MUTATIONS: list[tuple[str, Callable[[list[dict[str, Any]]], None]]] = [
    ("null dimension", lambda rows: rows[0].update(SoortMisdrijf=None)),
]


@pytest.mark.parametrize(("label", "mutate"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_null_dimension_value(
    loaded: Store, folder: Path, label: str, mutate: Callable[[list[dict[str, Any]]], None]
) -> None:
    rows = _rows(folder)
    mutate(rows)
    _write(folder, rows)
    assert _refused(loaded, folder, "missing_value").field == "SoortMisdrijf"
