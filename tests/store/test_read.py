"""ivp.store.read against small stores built here through Store.load (the real load path)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ivp.store import Batch, Provenance, Store, read

RETRIEVED = dt.datetime(2026, 11, 22, 12, 0)
CRIME = "geregistreerde_misdrijven"


def _load(store: Store, source_id: str, dataset: str, **tables: pd.DataFrame) -> None:
    prov = Provenance(
        source_id=source_id, dataset=dataset, title=f"Tabel {dataset}", publisher="CBS", licence="CC BY 4.0",
        origin=f"{dataset}.json", file_hash=f"hash-{source_id}-{dataset}", retrieved_at=RETRIEVED,
        vintage="2024-08-15", period="2022-2025",
    )  # fmt: skip
    store.load(Batch(prov, dict(tables)))


def _obs(rows: list[tuple[str, str, str, str, int, int | None, float | None, str]]) -> pd.DataFrame:
    """Rows of (scheme, category, region, grain, year, month, value, status) of registered crime."""
    frame = pd.DataFrame(
        rows, columns=["scheme", "category", "region", "grain", "year", "month", "value", "status"]
    )
    return frame.assign(measure=CRIME)


def _population(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region", "year", "value"])


def _regions() -> pd.DataFrame:
    rows = [
        ("GM0505", "gemeente", "Dordrecht", None, "GM0505"),
        ("WK050501", "wijk", "Binnenstad", "GM0505", "GM0505"),
        ("BU05050100", "buurt", "Centrum", "WK050501", "GM0505"),
        ("BU05050101", "buurt", "Noordflank", "WK050501", "GM0505"),
        ("GM0599", "gemeente", "Rotterdam", None, "GM0599"),
        ("BU05990000", "buurt", "Stadsdriehoek", "WK059900", "GM0599"),
    ]
    frame = pd.DataFrame(rows, columns=["code", "level", "name", "parent", "gemeente"])
    return frame.assign(valid_from=2024, valid_to=None, geometry=None)


@pytest.fixture
def crime_store(store: Store) -> Store:
    """Yearly and monthly crime for Dordrecht and two buurten, with titles and regions, from 'cbs'."""
    obs = _obs(
        [
            ("cbs-misdrijf", "1.1.1", "GM0505", "jaar", 2022, None, 210.0, "definitief"),
            ("cbs-misdrijf", "1.1.1", "GM0505", "jaar", 2023, None, 180.0, "definitief"),
            ("cbs-misdrijf", "1.1.1", "GM0505", "jaar", 2024, None, 150.0, "voorlopig"),
            ("cbs-misdrijf", "1.4.5", "GM0505", "jaar", 2024, None, None, "voorlopig"),  # suppressed
            ("cbs-misdrijf", "1.1.1", "GM0505", "maand", 2024, 1, 12.0, "voorlopig"),
            ("cbs-misdrijf", "0.0.0", "BU05050100", "jaar", 2023, None, 40.0, "definitief"),
            ("cbs-misdrijf", "0.0.0", "BU05050101", "jaar", 2023, None, 7.0, "definitief"),
            ("cbs-misdrijf", "0.0.0", "BU05990000", "jaar", 2023, None, 90.0, "definitief"),
        ]
    )
    categories = pd.DataFrame(
        {
            "scheme": "cbs-misdrijf",
            "code": ["0.0.0", "1.1.1"],
            "title": ["Totaal misdrijven", "Diefstal/inbraak woning"],
            "parent": [None, "1.1"],
            "is_total": [True, False],
        }
    )
    _load(store, "cbs", "47018NED", observations=obs, categories=categories, regions=_regions())
    return store


# -- counts ---------------------------------------------------------------------------------------------


def test_counts_of_one_region_by_grain_and_years(crime_store: Store) -> None:
    yearly = read.counts(crime_store, CRIME, "cbs-misdrijf", regions=["GM0505"])
    assert list(yearly.columns) == list(read.COUNT_COLUMNS)
    assert list(zip(yearly["category"], yearly["year"], strict=True)) == [
        ("1.1.1", 2022), ("1.1.1", 2023), ("1.1.1", 2024), ("1.4.5", 2024),
    ]  # fmt: skip
    assert str(yearly["year"].dtype) == "int64"
    assert str(yearly["value"].dtype) == "float64"
    assert yearly["value"].isna().tolist() == [False, False, False, True]
    monthly = read.counts(crime_store, CRIME, "cbs-misdrijf", regions=["GM0505"], grain="maand")
    assert list(zip(monthly["year"], monthly["month"], monthly["value"], strict=True)) == [(2024, 1.0, 12.0)]
    period = read.counts(crime_store, CRIME, regions=["GM0505"], first_year=2023, last_year=2023)
    assert list(period["value"]) == [180.0]


def test_counts_filters_status_category_source_and_missing(crime_store: Store) -> None:
    provisional = read.counts(crime_store, CRIME, regions=["GM0505"], status="voorlopig")
    assert sorted(provisional["category"]) == ["1.1.1", "1.4.5"]
    present = read.counts(crime_store, CRIME, regions=["GM0505"], status="voorlopig", present_only=True)
    assert list(present["category"]) == ["1.1.1"]
    assert len(read.counts(crime_store, CRIME, categories=["1.4.5"])) == 1
    assert read.counts(crime_store, CRIME, source_id="cbs")["dataset"].unique().tolist() == ["47018NED"]
    assert read.counts(crime_store, CRIME, source_id="politie-landelijk").empty


def test_counts_of_the_buurten_of_one_municipality(crime_store: Store) -> None:
    buurten = read.counts(crime_store, CRIME, level="buurt", within="GM0505")
    assert list(buurten["region"]) == ["BU05050100", "BU05050101"]  # not Rotterdam's buurt
    assert list(buurten["title"]) == ["Totaal misdrijven", "Totaal misdrijven"]


def test_counts_empty_result_keeps_its_columns(crime_store: Store) -> None:
    for frame in (
        read.counts(crime_store, "overlast_registraties"),
        read.counts(crime_store, CRIME, regions=[]),
        read.counts(crime_store, CRIME, regions=["GM0505"], first_year=2030),
    ):
        assert frame.empty
        assert list(frame.columns) == list(read.COUNT_COLUMNS)


def test_title_falls_back_to_the_code_and_cbs_titles_win(crime_store: Store) -> None:
    assert read.counts(crime_store, CRIME, categories=["1.4.5"])["title"].tolist() == ["1.4.5"]
    other = pd.DataFrame(
        {"scheme": "cbs-misdrijf", "code": ["1.1.1"], "title": ["1.1.1 Diefstal/inbraak woning"],
         "parent": ["1.1"], "is_total": [False]}
    )  # fmt: skip
    _load(crime_store, "politie-landelijk", "NL_Crime", categories=other)
    assert read.category_titles(crime_store, "cbs-misdrijf") == {
        "0.0.0": "Totaal misdrijven",
        "1.1.1": "Diefstal/inbraak woning",
    }
    assert set(read.counts(crime_store, CRIME, categories=["1.1.1"])["title"]) == {"Diefstal/inbraak woning"}
    assert read.category_titles(crime_store, "politie-overlast") == {}


def test_loaded_codes_per_scheme(crime_store: Store) -> None:
    _load(
        crime_store,
        "politie-overlast",
        "overlast.csv",
        observations=_obs([("politie-overlast", "E33", "GM0505", "jaar", 2023, None, 5.0, "definitief")]),
    )
    assert read.loaded_codes(crime_store) == {
        "cbs-misdrijf": ("0.0.0", "1.1.1", "1.4.5"),
        "politie-overlast": ("E33",),
    }


def test_loaded_codes_of_an_empty_store(store: Store) -> None:
    assert read.loaded_codes(store) == {}


# -- population -----------------------------------------------------------------------------------------


def test_population_precedence_average_before_1_january(store: Store) -> None:
    # CBS 85984NED: 1 January 2024; the bevolking csv: the average over 2023 and 2024.
    _load(store, "cbs", "85984NED", population=_population([("GM0505", 2024, 121_940.0)]))
    _load(
        store,
        "bevolking",
        "bevolking.csv",
        population=_population([("GM0505", 2023, 121_752.0), ("GM0505", 2024, 122_433.0)]),
    )
    frame = read.population(store, regions=["GM0505"])
    assert list(frame.columns) == list(read.POPULATION_COLUMNS)
    assert list(zip(frame["year"], frame["value"], frame["source_id"], strict=True)) == [
        (2023, 121_752.0, "bevolking"),
        (2024, 122_433.0, "bevolking"),
    ]
    assert read.population_by_year(store, "GM0505") == {2023: 121_752.0, 2024: 122_433.0}


def test_population_precedence_does_not_depend_on_load_order(store: Store) -> None:
    _load(store, "bevolking", "bevolking.csv", population=_population([("GM0505", 2024, 122_433.0)]))
    _load(store, "cbs", "85984NED", population=_population([("GM0505", 2024, 121_940.0)]))
    assert read.population_by_year(store, "GM0505") == {2024: 122_433.0}


def test_population_within_one_source_the_last_loaded_wins(store: Store) -> None:
    _load(store, "bevolking", "b-oud.csv", population=_population([("GM0505", 2024, 1.0)]))
    _load(store, "bevolking", "a-nieuw.csv", population=_population([("GM0505", 2024, 2.0)]))
    frame = read.population(store, regions=["GM0505"])
    assert list(zip(frame["value"], frame["dataset"], strict=True)) == [(2.0, "a-nieuw.csv")]


def test_population_filters(crime_store: Store) -> None:
    _load(
        crime_store,
        "cbs",
        "85984NED",
        population=_population(
            [
                ("GM0505", 2024, 121_940.0), ("GM0599", 2024, 670_610.0), ("GM0000", 2024, 10.0),
                ("BU05050100", 2024, 1_200.0), ("BU05050101", 2024, 300.0), ("BU05990000", 2024, 800.0),
                ("GM0505", 2023, 121_000.0),
            ]
        ),
    )  # fmt: skip
    municipalities = read.population(crime_store, municipalities=True, year=2024)
    assert list(municipalities["region"]) == ["GM0505", "GM0599"]  # no GM0000, no buurten
    buurten = read.population(crime_store, level="buurt", within="GM0505")
    assert list(zip(buurten["region"], buurten["value"], strict=True)) == [
        ("BU05050100", 1_200.0),
        ("BU05050101", 300.0),
    ]
    assert read.population(crime_store, regions=["GM9999"]).empty
    assert read.population_by_year(crime_store, "GM9999") == {}


# -- regions --------------------------------------------------------------------------------------------


def test_region_names_and_areas_of_a_municipality(crime_store: Store) -> None:
    assert read.region_names(crime_store, ["GM0599", "GM9999"]) == {"GM0599": "Rotterdam"}
    assert read.region_names(crime_store, []) == {}
    areas = read.areas_of(crime_store, "GM0505")
    assert list(areas.columns) == list(read.AREA_COLUMNS)
    assert list(zip(areas["code"], areas["level"], strict=True)) == [
        ("BU05050100", "buurt"),
        ("BU05050101", "buurt"),
        ("WK050501", "wijk"),
    ]
    assert list(read.areas_of(crime_store, "GM0505", ("wijk",))["name"]) == ["Binnenstad"]


# -- incidents ------------------------------------------------------------------------------------------


def test_incidents_by_area_and_interval(crime_store: Store) -> None:
    def at(day: int, hour: int) -> dt.datetime:
        return dt.datetime(2024, 3, day, hour)

    rows = [
        ("i1", at(1, 22), at(2, 6), "BU05050100"),  # an interval over midnight
        ("i2", at(3, 12), at(3, 12), "BU05050101"),
        ("i3", at(5, 12), None, "GM0505"),  # placed in the municipality only; end unknown
        ("i4", at(3, 12), at(3, 12), "BU05990000"),  # Rotterdam
    ]
    frame = pd.DataFrame(rows, columns=["incident_id", "begin_at", "end_at", "region"])
    frame = frame.assign(
        scheme="politie-incident", category="A72", category_label="Woninginbraak", reported_at=None,
        x_rd=None, y_rd=None, lon=None, lat=None, gemeente_name=None, wijk_name=None, buurt_name=None,
    )  # fmt: skip
    _load(crime_store, "politie-incidenten", "incidenten.csv", incidents=frame)
    everything = read.incidents(crime_store, within="GM0505")
    assert list(everything.columns) == list(read.INCIDENT_COLUMNS)
    assert list(everything["incident_id"]) == ["i1", "i2", "i3"]
    assert list(read.incidents(crime_store, start=at(2, 0), end=at(3, 0))["incident_id"]) == ["i1"]
    assert list(read.incidents(crime_store, within="GM0505", start=at(4, 0))["incident_id"]) == ["i3"]
    assert list(read.incidents(crime_store, regions=["BU05990000"])["incident_id"]) == ["i4"]
    assert read.incidents(crime_store, within="GM0505", categories=["B10"]).empty
    assert read.incidents(crime_store, end=at(1, 0)).empty


# -- provenance -----------------------------------------------------------------------------------------


def test_provenance_years_per_dataset(crime_store: Store) -> None:
    _load(crime_store, "bevolking", "bevolking.csv", population=_population([("GM0505", 2021, 1.0)]))
    records = read.provenance(crime_store)
    assert [(r.source_id, r.dataset) for r in records] == [
        ("bevolking", "bevolking.csv"),
        ("cbs", "47018NED"),
    ]
    bevolking, cbs = records
    assert (bevolking.years, bevolking.provisional_years) == ((2021,), ())
    assert (cbs.years, cbs.provisional_years) == ((2022, 2023, 2024), (2024,))
    assert (cbs.retrieved_at, cbs.vintage, cbs.row_count) == (RETRIEVED, "2024-08-15", 8 + 2 + 6)
    assert isinstance(cbs.loaded_at, dt.datetime)


def test_provenance_of_an_empty_store(store: Store) -> None:
    assert read.provenance(store) == ()
