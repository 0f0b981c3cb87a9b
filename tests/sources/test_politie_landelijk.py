"""politie-landelijk: the national series NL_Crime.csv and NL_Disorder.csv with their code lists."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from ivp.sources.base import ingest
from ivp.sources.politie_codes import MISDRIJF_CODES
from ivp.store import Store
from tests.sources.test_politie_common import assert_refused, write_csv

ID = "politie-landelijk"
FOLDER = "politie/nederland"


def _source_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _value(store: Store, dataset: str, category: str, year: int) -> float:
    frame = store.query(
        "SELECT value FROM observations WHERE dataset = ? AND category = ? AND year = ?",
        [dataset, category, year],
    )
    assert len(frame) == 1
    return float(frame["value"].iloc[0])


def test_crime_and_disorder_load_side_by_side(store: Store, shared_data: Path) -> None:
    folder = shared_data / FOLDER
    crime = ingest(store, ID, str(folder / "NL_Crime.csv"))
    disorder = ingest(store, ID, str(folder / "NL_Disorder.csv"))
    assert (crime.dataset, disorder.dataset) == ("NL_Crime", "NL_Disorder")
    summary = store.query(
        "SELECT dataset, scheme, measure, count(*) AS n, count(DISTINCT category) AS codes, "
        "min(year) AS y0, max(year) AS y1, any_value(region) AS region, any_value(grain) AS grain "
        "FROM observations GROUP BY ALL ORDER BY dataset"
    )
    assert summary.to_dict("records") == [
        {"dataset": "NL_Crime", "scheme": "cbs-misdrijf", "measure": "geregistreerde_misdrijven",
         "n": 708, "codes": 59, "y0": 2012, "y1": 2023, "region": "NL00", "grain": "jaar"},
        {"dataset": "NL_Disorder", "scheme": "politie-overlast", "measure": "overlast_registraties",
         "n": 108, "codes": 9, "y0": 2012, "y1": 2023, "region": "NL00", "grain": "jaar"},
    ]  # fmt: skip
    codes = set(
        store.query("SELECT DISTINCT category FROM observations WHERE dataset = 'NL_Crime'")["category"]
    )
    assert codes == set(MISDRIJF_CODES)
    # Values equal the source rows.
    assert _value(store, "NL_Crime", "0.0.0", 2012) == 1_127_869
    assert _value(store, "NL_Crime", "1.2.3", 2012) == 123_742
    for row in _source_rows(folder / "NL_Crime.csv"):
        if row["incident_type_code"] == "1.4.2 Moord, doodslag":
            assert _value(store, "NL_Crime", "1.4.2", int(row["year"])) == float(row["incident_count"])
    for row in _source_rows(folder / "NL_Disorder.csv"):
        if row["incident_type_code"] == "Overlast door verward persoon":
            assert _value(store, "NL_Disorder", "E33", int(row["year"])) == float(row["incident_count"])
    assert _value(store, "NL_Disorder", "0.0.0", 2012) == 279_325
    categories = store.query(
        "SELECT * FROM categories WHERE dataset = 'NL_Crime' AND code IN ('0.0.0', '2.6.10')"
    )
    assert categories.set_index("code")["title"].to_dict() == {
        "0.0.0": "Totaal misdrijven",
        "2.6.10": "2.6.10 Bestrijdingsmiddelen",
    }
    assert categories.set_index("code")["is_total"].to_dict() == {"0.0.0": True, "2.6.10": False}
    parents = categories.set_index("code")["parent"]
    assert parents.isna()["0.0.0"]
    assert parents["2.6.10"] == "2.6"
    sources = store.sources().set_index("dataset")
    assert sources.loc["NL_Crime", "notes"] == "codes uit SoortMisdrijf.csv"
    assert sources.loc["NL_Disorder", "licence"] == "CC BY 4.0"


def test_a_file_without_its_code_list_uses_the_shipped_list(
    store: Store, shared_data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "NL_Disorder.csv"
    shutil.copyfile(shared_data / FOLDER / "NL_Disorder.csv", path)
    ingest(store, ID, str(path))
    assert _value(store, "NL_Disorder", "M22", 2023) == float(
        next(
            r["incident_count"]
            for r in _source_rows(path)
            if r["incident_type_code"] == "Geluidshinder overig" and r["year"] == "2023"
        )
    )
    assert store.sources()["notes"].iloc[0] == "codes uit de ingebouwde codelijst"


# -- bad input: one test per case; each asserts the code and that nothing of the file was loaded ---------

GOOD = [
    ["incident_type_code", "year", "incident_count"],
    ["Totaal misdrijven", "2022", "798575"],
    ["1.1.1 Diefstal/inbraak woning", "2022", "22365"],
    ["1.2.3 Diefstal van brom-, snor-, fietsen", "2022", "71990"],
]


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> tuple[Store, Path]:
    path = write_csv(tmp_path / "NL_Crime.csv", GOOD, sep=",")
    ingest(store, ID, str(path))
    return store, path


def test_title_without_code(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*GOOD, ["9.9.9 Ruimtevaartcriminaliteit", "2022", "3"]], sep=",")
    error = assert_refused(store, ID, path, "unknown_code")
    assert (error.record, error.field) == (5, "incident_type_code")
    assert "Ruimtevaartcriminaliteit" in str(error)


def test_duplicate_rows(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*GOOD, ["1.1.1 Diefstal/inbraak woning", "2022", "22365"]], sep=",")
    error = assert_refused(store, ID, path, "duplicate_row")
    assert (error.record, error.field) == (5, "incident_type_code")
    assert "regel 3" in error.message


def test_negative_count(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*GOOD[:2], ["1.1.1 Diefstal/inbraak woning", "2022", "-5"]], sep=",")
    error = assert_refused(store, ID, path, "negative_value")
    assert (error.record, error.field) == (3, "incident_count")


def test_non_numeric_count(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*GOOD[:2], ["1.1.1 Diefstal/inbraak woning", "2022", "n.b."]], sep=",")
    error = assert_refused(store, ID, path, "not_a_number")
    assert (error.record, error.field) == (3, "incident_count")


def test_bad_year(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*GOOD[:2], ["1.1.1 Diefstal/inbraak woning", "'22", "5"]], sep=",")
    error = assert_refused(store, ID, path, "invalid_period")
    assert (error.record, error.field) == (3, "year")


def test_missing_column(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [[r[0], r[1]] for r in GOOD], sep=",")
    error = assert_refused(store, ID, path, "missing_column")
    assert error.field == "incident_count"


def test_truncated(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    path.write_bytes(path.read_bytes()[:-8])
    error = assert_refused(store, ID, path, "truncated")
    assert error.record == 4


def test_cp1252(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    write_csv(path, [*GOOD, ["3.7.1 Discriminatie ë", "2022", "5"]], sep=",")
    path.write_bytes(path.read_bytes().decode("utf-8").encode("cp1252"))
    error = assert_refused(store, ID, path, "encoding")
    assert (error.record, error.field) == (5, "incident_type_code")


def test_empty(loaded: tuple[Store, Path]) -> None:
    store, path = loaded
    path.write_bytes(b"")
    assert_refused(store, ID, path, "empty_file")


def test_nuisance_titles_are_the_current_police_labels(store: Store, shared_data: Path) -> None:
    # NL_Disorder.csv and its Overlast.csv still say "Overlast door verward persoon": the same code E33.
    ingest(store, ID, str(shared_data / FOLDER / "NL_Disorder.csv"))
    titles = store.query("SELECT code, title FROM categories WHERE dataset = 'NL_Disorder'")
    got = dict(zip(titles["code"], titles["title"], strict=True))
    assert got["E33"] == "Overlast door persoon met onbegrepen gedrag"
    assert got["E35"] == "Melding overlast jeugd"
    assert len(got) == 9
