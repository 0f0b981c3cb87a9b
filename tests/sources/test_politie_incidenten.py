"""politie-incidenten: police incident exports, one row per incident, with time intervals and places."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
import shapely

from ivp.sources.base import ingest
from ivp.store import Store
from tests.sources.test_politie_common import assert_refused, seed_regions, write_csv, write_xlsx

ID = "politie-incidenten"
GRONINGEN = "incidenten/groningen_fietsdiefstal_2013_2017.csv"

HEADER = [
    "Incident Identificatie", "Incidentsoort code", "Incidentsoort", "Pleeggemeente", "Pleegwijk",
    "Pleegbuurt", "Begin-pleegdatum/tijd", "Eind-pleegdatum/tijd", "Kennisnamedatum/tijd", "Object",
    "X", "Y", "lon", "lat",
]  # fmt: skip
ROWS = [
    ["PL1700_BVH_100", "A72", "Diefstal Fiets", "Dordrecht", "Wijk 01 Binnenstad", "Groenmarkt en omgeving",
     "2024-03-01T22:00:00", "2024-03-02T07:30:00", "2024-03-02T09:12:00", "Openbare Weg/-Water",
     "105025", "425475", "4.667650", "51.814550"],
    ["PL1700_BVH_101", "B70", "Zakkenrollerij", "Dordrecht", "Wijk 01 Binnenstad", "Centrum",
     "2024-03-02T14:10:00", "", "2024-03-02T15:00:00", "Winkel\nOpenbare Weg/-Water",
     "", "", "", ""],
    ["PL1700_BVH_102", "A72", "Diefstal Fiets", "Dordrecht", "Wijk 03 Oud Krispijn", "Zuidendijk",
     "2024-03-03T08:00:00", "2024-03-03T17:45:00", "2024-03-03T18:20:00", "Erf/Tuin/Balkon",
     "104500", "423775", "", ""],
]  # fmt: skip


@pytest.fixture
def seeded(store: Store) -> Store:
    seed_regions(store)
    return store


def _incidents(store: Store) -> pd.DataFrame:
    return store.query("SELECT * FROM incidents ORDER BY incident_id").set_index("incident_id")


def test_small_export_maps_intervals_places_and_regions(seeded: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "incidenten_dordrecht.csv", [HEADER, *ROWS], sep=";", bom=True)
    result = ingest(seeded, ID, str(path), gemeente="GM0505")
    assert result.row_count == 3
    got = _incidents(seeded)
    first = got.loc["PL1700_BVH_100"]
    assert (first["scheme"], first["category"], first["category_label"]) == (
        "politie-incident", "A72", "Diefstal Fiets",
    )  # fmt: skip
    assert first["begin_at"] == pd.Timestamp("2024-03-01 22:00")
    assert first["end_at"] == pd.Timestamp("2024-03-02 07:30")
    assert first["reported_at"] == pd.Timestamp("2024-03-02 09:12")
    assert (first["x_rd"], first["lon"]) == (105025.0, pytest.approx(4.66765))
    assert first["region"] == "BU05050101"
    # No end: the moment is known exactly; 'Centrum' is a Groningen district name in the store, not a
    # Dordrecht neighbourhood, so the row falls back to its Dordrecht district.
    second = got.loc["PL1700_BVH_101"]
    assert second["end_at"] == second["begin_at"]
    assert pd.isna(second["x_rd"])
    assert pd.isna(second["lon"])
    assert second["region"] == "BU05050108"
    assert got.loc["PL1700_BVH_102", "region"] == "BU05050300"


def test_rd_only_gets_wgs84_and_wgs84_only_gets_rd(store: Store, tmp_path: Path) -> None:
    # A real pair from the Groningen export: RD (234225, 583975) is WGS84 (6.573786, 53.236488).
    rows = [
        ["Incidentnummer", "Incidentcode", "Begindatum/tijd", "X", "Y", "lon", "lat"],
        ["1", "A72", "2017-09-20 17:30", "234225", "583975", "", ""],
        ["2", "A72", "2017-09-20 17:30", "", "", "6,573786", "53,236488"],
    ]
    ingest(store, ID, str(write_csv(tmp_path / "i.csv", rows)), gemeente="GM0014")
    got = _incidents(store)
    assert got.loc["1", "lon"] == pytest.approx(6.573786, abs=2e-6)
    assert got.loc["1", "lat"] == pytest.approx(53.236488, abs=2e-6)
    assert got.loc["2", "x_rd"] == pytest.approx(234225, abs=0.5)
    assert got.loc["2", "y_rd"] == pytest.approx(583975, abs=0.5)
    # Without a municipality column the export is taken to be the workspace's municipality.
    assert got["region"].tolist() == ["GM0014", "GM0014"]


def test_xlsx_with_separate_date_and_time_columns_in_dutch_format(store: Store, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Incident Identificatie", "Incidentsoort code", "Begin-pleegdatum", "Begin-pleegtijd",
         "Eind-pleegdatum", "Eind-pleegtijd", "Pleeggemeente"],
        ["PL1", "F010", "31-12-2023", "23:40", "01-01-2024", "00:20", "Dordrecht"],
        ["PL2", "E38", "02-01-2024", "14:00", "", "", "Dordrecht"],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "export.xlsx", {"Incidenten": rows}, before=[["Export BVH"]])
    ingest(store, ID, str(path), gemeente="GM0505")
    got = _incidents(store)
    assert got.loc["PL1", "begin_at"] == pd.Timestamp("2023-12-31 23:40")
    assert got.loc["PL1", "end_at"] == pd.Timestamp("2024-01-01 00:20")
    assert got.loc["PL2", "end_at"] == pd.Timestamp("2024-01-02 14:00")


def test_groningen_export_loads_every_incident(store: Store, shared_data: Path) -> None:
    # Load time is measured in bench/bench_ingest.py, not asserted here.
    path = shared_data / GRONINGEN
    result = ingest(store, ID, str(path))
    assert result.row_count == 15_947
    summary = store.query(
        "SELECT count(*) AS n, count(DISTINCT incident_id) AS ids, "
        "count(*) FILTER (WHERE end_at < begin_at) AS reversed, "
        "count(*) FILTER (WHERE lon IS NULL OR x_rd IS NULL) AS no_place, "
        "min(begin_at) AS first FROM incidents"
    ).iloc[0]
    assert (summary["n"], summary["ids"], summary["reversed"], summary["no_place"]) == (15_947, 15_947, 0, 0)
    assert summary["first"] == pd.Timestamp("2013-01-01 01:00")
    # A record whose 'Object' field spans two lines, checked against the source row.
    with path.open(encoding="utf-8", newline="") as handle:
        source = next(
            r for r in csv.DictReader(handle) if r["Incident Identificatie"] == "PL0100_BVH_3564182"
        )
    row = _incidents(store).loc["PL0100_BVH_3564182"]
    assert row["begin_at"] == pd.Timestamp(source["Begin-pleegdatum/tijd"])
    assert row["end_at"] == pd.Timestamp(source["Eind-pleegdatum/tijd"])
    assert row["reported_at"] == pd.Timestamp(source["Kennisnamedatum/tijd"])
    assert (row["x_rd"], row["y_rd"]) == (float(source["X"]), float(source["Y"]))
    assert (row["lon"], row["lat"]) == (float(source["lon"]), float(source["lat"]))
    assert (row["wijk_name"], row["buurt_name"]) == (source["Pleegwijk"], source["Pleegbuurt"])
    assert row["category"] == "A72"
    notes = store.sources()["notes"].iloc[0]
    assert "27 incidenten kwamen volgens de bron in beeld vóór het begin" in notes


# -- bad input: one test per case; each asserts the code and that nothing of the file was loaded ---------


@pytest.fixture
def loaded(seeded: Store, tmp_path: Path) -> tuple[Store, Path]:
    path = write_csv(tmp_path / "incidenten.csv", [HEADER, *ROWS])
    ingest(seeded, ID, str(path), gemeente="GM0505")
    return seeded, path


def _with(row: int, column: str, value: str) -> list[list[str]]:
    rows = [list(r) for r in ROWS]
    rows[row][HEADER.index(column)] = value
    return [HEADER, *rows]


def test_end_before_begin(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, _with(2, "Eind-pleegdatum/tijd", "2024-03-02T17:45:00"))
    error = assert_refused(store, ID, path, "end_before_begin")
    assert (error.record, error.field) == (4, "Eind-pleegdatum/tijd")


def test_unparsable_timestamp(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, _with(1, "Kennisnamedatum/tijd", "2 maart, middag"))
    error = assert_refused(store, ID, path, "invalid_timestamp")
    assert (error.record, error.field) == (3, "Kennisnamedatum/tijd")


def test_missing_begin(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, _with(0, "Begin-pleegdatum/tijd", ""))
    error = assert_refused(store, ID, path, "missing_value")
    assert (error.record, error.field) == (2, "Begin-pleegdatum/tijd")


def test_rd_coordinates_outside_the_netherlands(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, _with(2, "X", "425475"))  # X and Y swapped
    error = assert_refused(store, ID, path, "outside_nl")
    assert (error.record, error.field) == (4, "X")


def test_wgs84_coordinates_outside_the_netherlands(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    rows = _with(0, "lon", "51.814550")
    rows[1][HEADER.index("lat")] = "4.667650"  # lon and lat swapped
    write_csv(path, rows)
    error = assert_refused(store, ID, path, "outside_nl")
    assert (error.record, error.field) == (2, "lon")


def test_non_numeric_coordinate(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, _with(0, "Y", "onbekend"))
    error = assert_refused(store, ID, path, "not_a_number")
    assert (error.record, error.field) == (2, "Y")


def test_duplicate_incident_ids(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, _with(2, "Incident Identificatie", "PL1700_BVH_100"))
    error = assert_refused(store, ID, path, "duplicate_incident")
    assert (error.record, error.field) == (4, "Incident Identificatie")
    assert "regel 2" in error.message


def test_missing_required_column_lists_accepted_names(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    index = HEADER.index("Begin-pleegdatum/tijd")
    write_csv(path, [[c for i, c in enumerate(r) if i != index] for r in [HEADER, *ROWS]])
    error = assert_refused(store, ID, path, "missing_column")
    assert error.field == "begin pleegdatum/tijd"
    assert "'begindatum/tijd'" in (error.hint or "")


def test_misnamed_id_column(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [["Nummer", *HEADER[1:]], *ROWS])
    error = assert_refused(store, ID, path, "missing_column")
    assert error.field == "incident_id"


def test_truncated_export(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    path.write_bytes(path.read_bytes()[:-40])
    error = assert_refused(store, ID, path, "truncated")
    assert error.record == 4


def test_truncated_inside_a_quoted_field(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b"Winkel") + 3])
    error = assert_refused(store, ID, path, "truncated")
    assert error.record == 3


def test_cp1252_export(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    rows = _with(1, "Pleegbuurt", "Stationsweg/Cornelis de Wittstraat é")
    write_csv(path, rows)
    path.write_bytes(path.read_bytes().decode("utf-8").encode("cp1252"))
    error = assert_refused(store, ID, path, "encoding")
    assert (error.record, error.field) == (3, "Pleegbuurt")


def test_empty_export(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    path.write_text("\n\n", encoding="utf-8")
    assert_refused(store, ID, path, "empty_file")


def test_a_place_wins_over_the_names_and_is_counted_in_the_notes(
    seeded: Store, tmp_path: Path, shared_data: Path
) -> None:
    ingest(seeded, "geo", str(shared_data / "geo" / "dordrecht_buurten_2024.geojson"))
    inside = "BU05050300"  # its representative point, written as the export would
    geometry = seeded.query("SELECT geometry FROM regions WHERE code = ? AND geometry IS NOT NULL", [inside])
    point = shapely.from_geojson(geometry["geometry"].iloc[0]).representative_point()
    rows = [
        HEADER,
        ["PL1", "A72", "Diefstal Fiets", "Dordrecht", "Wijk 01 Binnenstad", "Centrum",
         "2024-03-01T22:00:00", "", "", "", "", "", f"{point.x:.6f}", f"{point.y:.6f}"],
        ["PL2", "A72", "Diefstal Fiets", "Dordrecht", "Wijk 01 Binnenstad", "Centrum",
         "2024-03-01T22:00:00", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    ingest(seeded, ID, str(write_csv(tmp_path / "i.csv", rows)), gemeente="GM0505")
    assert _incidents(seeded)["region"].tolist() == [inside, "BU05050108"]
    notes = seeded.query("SELECT notes FROM sources WHERE source_id = ?", [ID])["notes"].iloc[0]
    assert "1 buurt (op coördinaten)" in notes
    assert "1 buurt (op naam)" in notes
