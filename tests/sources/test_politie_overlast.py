"""politie-overlast: nuisance registrations as the police deliver them to a municipality."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivp.sources.base import ingest
from ivp.sources.politie_overlast import parse_period
from ivp.store import Store
from tests.sources.test_politie_common import assert_refused, seed_regions, write_csv, write_xlsx

ID = "politie-overlast"

#: A long-format delivery: one row per wijk, month and code, codes with labels, names of areas.
LONG = [
    ["Wijk", "Periode", "Incidentcode", "Aantal registraties"],
    ["Wijk 01 Binnenstad", "januari 2023", "E33 Overlast door verward persoon", "14"],
    ["Wijk 01 Binnenstad", "januari 2023", "E35 Melding overlast jeugd", "9"],
    ["Wijk 01 Binnenstad", "februari 2023", "E33 Overlast door verward persoon", "11"],
    ["Oud Krispijn", "januari 2023", "E38 Overlast ivm alcohol/ drugs", "3"],
    ["WK050503", "februari 2023", "E38", "0"],
]


def _observations(store: Store) -> list[tuple[object, ...]]:
    frame = store.query(
        "SELECT category, region, grain, year, month, value, status FROM observations "
        "WHERE source_id = 'politie-overlast' ORDER BY region, year, month, category"
    )
    return [tuple(r) for r in frame.itertuples(index=False)]


@pytest.fixture
def seeded(store: Store) -> Store:
    seed_regions(store)
    return store


def test_long_csv_with_names_and_month_labels(seeded: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "overlast_dordrecht_2023.csv", LONG, sep=";", bom=True)
    result = ingest(seeded, ID, str(path), gemeente="GM0505")
    assert result.action == "geladen"
    assert _observations(seeded) == [
        ("E33", "WK050501", "maand", 2023, 1, 14.0, "definitief"),
        ("E35", "WK050501", "maand", 2023, 1, 9.0, "definitief"),
        ("E33", "WK050501", "maand", 2023, 2, 11.0, "definitief"),
        ("E38", "WK050503", "maand", 2023, 1, 3.0, "definitief"),
        ("E38", "WK050503", "maand", 2023, 2, 0.0, "definitief"),
    ]
    categories = seeded.query("SELECT code, title, parent, is_total FROM categories ORDER BY code")
    assert categories["code"].tolist() == ["E33", "E35", "E38"]
    assert categories["parent"].tolist() == ["0.0.0"] * 3
    assert not categories["is_total"].any()
    source = seeded.sources().set_index("source_id").loc[ID]
    assert source["dataset"] == "overlast_dordrecht_2023.csv"
    assert source["publisher"] == "Politie"
    assert source["licence"] == "aangeleverd door de politie (niet openbaar)"
    assert source["period"] == "2023"


def test_xlsx_with_jaar_and_maand_columns_labels_only_and_provisional_flag(
    seeded: Store, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        ["Buurt", "Jaar", "Maand", "Soort overlast", "Registraties", "Voorlopig"],
        ["Zuidendijk", 2024, "mei", "Overlast door verward persoon", 2, "ja"],
        ["Zuidendijk", 2024, 6, "Melding overlast jeugd", 5, "nee"],
        ["Groenmarkt en omgeving", 2024, "12", "Geluidshinder horeca", 7, ""],
    ]
    path = write_xlsx(
        tmp_path / "overlast.xlsx",
        {"Toelichting": [["Cijfers uit BVH, peildatum 10-01-2025"]], "Overlast per buurt": rows},
        before=[["Overlastregistraties Dordrecht 2024"]],
    )
    ingest(seeded, ID, str(path), gemeente="GM0505")
    assert _observations(seeded) == [
        ("M061", "BU05050101", "maand", 2024, 12, 7.0, "definitief"),
        ("E33", "BU05050300", "maand", 2024, 5, 2.0, "voorlopig"),
        ("E35", "BU05050300", "maand", 2024, 6, 5.0, "definitief"),
    ]


def test_wide_years_without_area_column_use_the_workspace_municipality(seeded: Store, tmp_path: Path) -> None:
    rows = [
        ["Code", "Omschrijving", "2021", "2022", "2023"],
        ["Totaal", "Totaal registraties overlast", "1.412", "1.530", "1.601"],
        ["E33", "Overlast door verward persoon", "512", "598", "640"],
    ]
    path = write_csv(tmp_path / "overlast_jaren.csv", rows, sep=",")
    ingest(seeded, ID, str(path), gemeente="GM0505")
    got = {(c, y): v for c, r, g, y, m, v, s in _observations(seeded)}
    assert got == {
        ("0.0.0", 2021): 1412.0, ("0.0.0", 2022): 1530.0, ("0.0.0", 2023): 1601.0,
        ("E33", 2021): 512.0, ("E33", 2022): 598.0, ("E33", 2023): 640.0,
    }  # fmt: skip
    totals = seeded.query("SELECT code, is_total, parent FROM categories WHERE is_total")
    assert totals["code"].tolist() == ["0.0.0"]
    assert totals["parent"].isna().all()


def test_status_column_and_stated_licence(seeded: Store, tmp_path: Path) -> None:
    rows = [
        ["gemeentecode", "jaar", "code", "aantal", "status", "licentie"],
        ["GM0505", "2024", "E35", "800", "Voorlopig", "CC BY 4.0"],
        ["GM0505", "2023", "E35", "760", "Definitief", "CC BY 4.0"],
    ]
    ingest(seeded, ID, str(write_csv(tmp_path / "o.csv", rows)), gemeente="GM0505")
    assert [(y, s) for _c, _r, _g, y, _m, _v, s in _observations(seeded)] == [
        (2023, "definitief"),
        (2024, "voorlopig"),
    ]
    assert seeded.sources().set_index("source_id").loc[ID, "licence"] == "CC BY 4.0"


def test_same_file_twice_is_unchanged_and_a_new_version_replaces(seeded: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "o.csv", LONG)
    ingest(seeded, ID, str(path), gemeente="GM0505")
    assert ingest(seeded, ID, str(path), gemeente="GM0505").action == "ongewijzigd"
    write_csv(path, LONG[:2])
    assert ingest(seeded, ID, str(path), gemeente="GM0505").action == "vervangen"
    assert len(_observations(seeded)) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023", ("jaar", 2023, None)),
        ("2023-05", ("maand", 2023, 5)),
        ("mei 2023", ("maand", 2023, 5)),
        ("Mrt-2023", ("maand", 2023, 3)),
        ("2023M11", ("maand", 2023, 11)),
        ("05-2023", ("maand", 2023, 5)),
        ("2023-05-01T00:00:00", ("maand", 2023, 5)),
        ("2023-13", None),
        ("vorig jaar", None),
    ],
)
def test_period_spellings(text: str, expected: object) -> None:
    assert parse_period(text) == expected


# -- bad input: one test per case; each asserts the code and that nothing of the file was loaded ---------


@pytest.fixture
def loaded(seeded: Store, tmp_path: Path) -> tuple[Store, Path]:
    """A store where a good version of overlast.csv is loaded, so a refused file must leave it intact."""
    path = write_csv(tmp_path / "overlast.csv", LONG)
    ingest(seeded, ID, str(path), gemeente="GM0505")
    return seeded, path


def test_truncated_csv(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    path.write_bytes(path.read_bytes()[:-12])
    error = assert_refused(store, ID, path, "truncated")
    assert error.record == 6


def test_truncated_xlsx(loaded: tuple[Store, Path], tmp_path: Path) -> None:
    store, _path = loaded
    path = write_xlsx(tmp_path / "overlast.xlsx", {"Overlast": LONG})
    path.write_bytes(path.read_bytes()[:2000])
    assert_refused(store, ID, path, "truncated")


def test_missing_count_column_lists_accepted_names(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [row[:3] for row in LONG])
    error = assert_refused(store, ID, path, "missing_column")
    assert error.record == 1
    assert error.field == "aantal"
    assert "'registraties'" in (error.hint or "")


def test_misnamed_code_column(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [["Wijk", "Periode", "Incident", "Aantal"], *LONG[1:]])
    error = assert_refused(store, ID, path, "missing_column")
    assert error.field == "code"


def test_non_numeric_count(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*LONG[:3], ["Oud Krispijn", "januari 2023", "E38", "drie"]])
    error = assert_refused(store, ID, path, "not_a_number")
    assert (error.record, error.field) == (4, "Aantal registraties")
    assert "drie" in str(error)


def test_negative_count(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*LONG[:2], ["Oud Krispijn", "januari 2023", "E38", "-3"]])
    error = assert_refused(store, ID, path, "negative_value")
    assert (error.record, error.field) == (3, "Aantal registraties")


def test_fractional_count(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*LONG[:2], ["Oud Krispijn", "januari 2023", "E38", "2,5"]])
    assert_refused(store, ID, path, "not_a_number")


def test_unknown_region_name(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*LONG[:3], ["Sterrenburg-Noord", "januari 2023", "E33", "4"]])
    error = assert_refused(store, ID, path, "unknown_region")
    assert (error.record, error.field) == (4, "Wijk")
    assert "Sterrenburg-Noord" in str(error)
    assert "ivp ingest geo" in (error.hint or "")


def test_unknown_nuisance_code(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*LONG[:4], ["Oud Krispijn", "januari 2023", "E99 Overlast door buren", "4"]])
    error = assert_refused(store, ID, path, "unknown_code")
    assert (error.record, error.field) == (5, "Incidentcode")
    assert "E33" in (error.hint or "")


def test_unknown_nuisance_label(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*LONG[:2], ["Oud Krispijn", "januari 2023", "Burenruzie", "4"]])
    assert_refused(store, ID, path, "unknown_code")


def test_duplicate_rows(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    # Same wijk written two ways: the name and the code are the same area.
    write_csv(path, [*LONG, ["WK050501", "2023-01", "E33", "14"]])
    error = assert_refused(store, ID, path, "duplicate_row")
    assert error.record == 7
    assert "regel 2" in error.message


def test_unreadable_period(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*LONG[:2], ["Oud Krispijn", "Q1 2023", "E38", "3"]])
    error = assert_refused(store, ID, path, "invalid_period")
    assert (error.record, error.field) == (3, "Periode")


def test_cp1252_instead_of_utf8(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    text = "Gebied;Periode;Code;Aantal\r\nDordrecht;2023;E33;4\r\nDordrecht;2023;Geluidshinder café;2\r\n"
    path.write_bytes(text.encode("cp1252"))
    error = assert_refused(store, ID, path, "encoding")
    assert (error.record, error.field) == (3, "Code")
    assert "UTF-8" in (error.hint or "")


def test_empty_file(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    path.write_bytes(b"")
    assert_refused(store, ID, path, "empty_file")


def test_header_only(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, LONG[:1])
    assert_refused(store, ID, path, "no_rows")


def test_row_with_too_few_fields(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    path.write_text("Wijk;Periode;Code;Aantal\nOud Krispijn;2023;E33\nOud Krispijn;2022;E33;4\n", "utf-8")
    error = assert_refused(store, ID, path, "field_count")
    assert error.record == 2


def test_area_names_are_resolved_within_the_row_municipality(seeded: Store, tmp_path: Path) -> None:
    # 'Centrum' is a Dordrecht buurt and a Groningen wijk in the store; the gemeente column decides.
    rows = [
        ["gemeente", "buurt", "wijk", "code", "jaar", "aantal"],
        ["Dordrecht", "Centrum", "", "E33", "2023", "3"],
        ["Groningen", "", "Centrum", "E33", "2023", "5"],
    ]
    ingest(seeded, ID, str(write_csv(tmp_path / "twee.csv", rows)), gemeente="GM0505")
    got = seeded.query("SELECT region, value FROM observations ORDER BY value")
    assert got["region"].tolist() == ["BU05050108", "WK001400"]
    notes = seeded.query("SELECT notes FROM sources WHERE dataset = 'twee.csv'")["notes"].iloc[0]
    assert "1 buurt (op naam)" in notes
    assert "1 wijk (op naam)" in notes
