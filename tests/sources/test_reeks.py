"""reeks: a municipality's own registers as series (issue 13, deliverable 3). Three indicators of different
units load and keep their periods, intervals and sources; each kind of broken file gives one clear error
that names file, line and field, and loads nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ivp.sources.base import ingest
from ivp.sources.reeks import parse_number, parse_period_text
from ivp.store import Store, read
from ivp.themes import load_taxonomy, parse_taxonomy
from tests.sources.test_politie_common import assert_refused, seed_regions, write_csv, write_xlsx

HEADER = ["id", "naam", "thema", "eenheid", "gebied", "periode", "waarde", "ondergrens", "bovengrens", "n",
          "bron", "licentie", "definitie", "status"]  # fmt: skip
VT = ["veilig-thuis", "Adviezen en meldingen bij Veilig Thuis", "kwetsbare_personen", "aantal"]
ONLINE = ["online-slachtoffer", "Slachtoffer van online criminaliteit", "Digitale criminaliteit", "%"]
MARK = ["leefbaarheid", "Rapportcijfer leefbaarheid", "overlast", "rapportcijfer"]
GOOD = [
    HEADER,
    [*VT, "", "2022", "1.420", "", "", "", "Veilig Thuis ZHZ", "", "Adviezen en meldingen", ""],
    [*VT, "", "2023", "1650", "", "", "", "Veilig Thuis ZHZ", "", "", "voorlopig"],
    [*VT, "Wijk 01 Binnenstad", "2023", "212", "", "", "", "Veilig Thuis ZHZ", "", "", ""],
    [*ONLINE, "GM0505", "2021 Q4", "14,2", "13,1", "15,3", "", "CBS Veiligheidsmonitor", "CC BY 4.0", "", ""],
    [*ONLINE, "GM0505", "K4 2023", "16,9", "", "", "4.210", "CBS Veiligheidsmonitor", "CC BY 4.0", "", ""],
    [*MARK, "", "2023-01-01/2023-06-30", "7,1", "", "", "", "Bewonersenquête", "", "", ""],
    [*MARK, "", "2023-07-01/2023-12-31", "7,3", "", "", "", "Bewonersenquête", "", "", ""],
]


@pytest.fixture
def seeded(store: Store) -> Store:
    seed_regions(store)
    return store


def _load(store: Store, path: Path) -> None:
    ingest(store, "reeks", str(path), gemeente="GM0505", taxonomy=load_taxonomy())


def test_three_units_load_with_their_periods_intervals_and_areas(seeded: Store, tmp_path: Path) -> None:
    _load(seeded, write_csv(tmp_path / "registers.csv", GOOD))
    frame = read.indicators(seeded)
    got = {
        (r.indicator, r.region, r.period): (r.unit, r.grain, r.value, r.lower, r.upper, r.n, r.status)
        for r in frame.itertuples()
    }

    def nan(v: object) -> bool:
        return v != v

    vt = got["veilig-thuis", "GM0505", "2022"]
    assert vt[:3] == ("aantal", "jaar", 1420.0)
    assert nan(vt[3])
    assert vt[6] == "definitief"
    assert got["veilig-thuis", "GM0505", "2023"][6] == "voorlopig"
    assert got["veilig-thuis", "WK050501", "2023"][2] == 212.0  # the wijk by its name
    assert got["online-slachtoffer", "GM0505", "2021-K4"][:5] == ("percentage", "kwartaal", 14.2, 13.1, 15.3)
    assert got["online-slachtoffer", "GM0505", "2023-K4"][5] == 4210.0
    half = got["leefbaarheid", "GM0505", "2023-01-01/2023-06-30"]
    assert half[:3] == ("rapportcijfer", "periode", 7.1)
    themes = dict(zip(frame["indicator"], frame["theme"], strict=False))
    assert themes == {
        "veilig-thuis": "kwetsbare_personen",
        "online-slachtoffer": "digitaal",
        "leefbaarheid": "overlast",
    }  # fmt: skip (a theme by its name, too)
    starts = frame.loc[frame["period"] == "2023-K4", ["period_start", "period_end"]].iloc[0]
    assert (starts["period_start"].date(), starts["period_end"].date()) == (
        dt.date(2023, 10, 1),
        dt.date(2023, 12, 31),
    )
    record = next(r for r in read.provenance(seeded) if r.source_id == "reeks")
    assert record.dataset == "registers.csv"
    assert not record.public
    assert record.years == (2021, 2022, 2023)
    assert record.provisional_years == (2023,)


def _typed(cell: str) -> object:
    """A cell as Excel stores it: numbers as numbers (a year as an int, '14,2' as 14.2)."""
    plain = cell.replace(".", "").replace(",", ".")
    try:
        number = float(plain)
    except ValueError:
        return cell
    return int(number) if number == int(number) else number


def test_xlsx_with_numeric_cells_gives_the_same_rows_and_a_reload_replaces(
    seeded: Store, tmp_path: Path
) -> None:
    _load(seeded, write_csv(tmp_path / "registers.csv", GOOD))
    from_csv = read.indicators(seeded)[["indicator", "region", "period", "value", "lower", "n"]]
    sheet: list[list[object]] = [list(GOOD[0]), *([_typed(c) for c in row] for row in GOOD[1:])]
    _load(seeded, write_xlsx(tmp_path / "registers.xlsx", {"Registers": sheet}))
    both = read.indicators(seeded)
    from_xlsx = both[both["dataset"] == "registers.xlsx"][from_csv.columns]
    assert from_xlsx.reset_index(drop=True).equals(from_csv.reset_index(drop=True))
    _load(seeded, write_xlsx(tmp_path / "registers.xlsx", {"Registers": sheet[:3]}))
    assert (read.indicators(seeded)["dataset"] == "registers.xlsx").sum() == 2


@pytest.mark.parametrize(
    ("row", "code", "field", "words"),
    [
        (
            [*VT[:3], "stuks", "", "2023", "5", "", "", "", "B", "", "", ""],
            "unknown_unit",
            "eenheid",
            "percentage",
        ),
        (
            [VT[0], VT[1], "verkeer", VT[3], "", "2023", "5", "", "", "", "B", "", "", ""],
            "unknown_theme",
            "thema",
            "sociale_stabiliteit",
        ),
        ([*VT, "", "2022", "12", "", "", "", "B", "", "", ""], "duplicate_period", "periode", "regel 2"),
        ([*VT, "", "2021", "veel", "", "", "", "B", "", "", ""], "not_a_number", "waarde", "getal"),
        ([*VT, "", "2021", "12,5", "", "", "", "B", "", "", ""], "not_an_integer", "waarde", "geheel"),
        ([*ONLINE, "", "2021 Q4", "120", "", "", "", "B", "", "", ""], "out_of_range", "waarde", "0–100"),
        (
            [*ONLINE, "", "2020", "12", "", "", "", "B", "", "", ""],
            "inconsistent_indicator",
            "periode",
            "kwartaal",
        ),
        (
            [VT[0], "Andere naam", *VT[2:], "", "2021", "5", "", "", "", "B", "", "", ""],
            "inconsistent_indicator",
            "naam",
            "regel 2",
        ),
        (
            [*ONLINE, "", "2022 Q4", "12", "11", "", "", "B", "", "", ""],
            "missing_value",
            "bovengrens",
            "beide",
        ),
        (
            [*ONLINE, "", "2022 Q4", "12", "13", "15", "", "B", "", "", ""],
            "bad_interval",
            "ondergrens",
            "bevat",
        ),
        ([*VT, "", "ooit", "5", "", "", "", "B", "", "", ""], "invalid_period", "periode", "2023-K2"),
        (
            [*VT, "Atlantis", "2023", "5", "", "", "", "B", "", "", ""],
            "unknown_region",
            "gebied",
            "CBS-codes",
        ),
        ([*VT, "", "2021", "5", "", "", "", "", "", "", ""], "missing_value", "bron", "Veilig Thuis"),
        ([*VT, "", "2021", "5", "", "", "", "B", "", "", "concept"], "invalid_status", "status", "voorlopig"),
        (
            [*MARK, "", "2023-06-01/2023-09-30", "7", "", "", "", "B", "", "", ""],
            "overlapping_period",
            "periode",
            "overlap",
        ),
    ],
)
def test_each_broken_file_gives_one_clear_error_and_loads_nothing(
    seeded: Store, tmp_path: Path, row: list[str], code: str, field: str, words: str
) -> None:
    path = write_csv(tmp_path / "kapot.csv", [*GOOD, row])
    error = assert_refused(seeded, "reeks", path, code)
    assert error.record == len(GOOD) + 1  # the broken row's line (header is line 1)
    assert error.field == field
    assert words in str(error)


def test_a_missing_required_column_is_named(seeded: Store, tmp_path: Path) -> None:
    rows = [[c for c in r if True][:3] + r[4:] for r in GOOD]  # drop 'eenheid'
    error = assert_refused(seeded, "reeks", write_csv(tmp_path / "zonder.csv", rows), "missing_column")
    assert error.field == "eenheid"
    assert "'eenheid'" in str(error)


def test_a_workspace_theme_is_accepted(seeded: Store, tmp_path: Path) -> None:
    default = (Path(__file__).parents[2] / "src/ivp/themes/default.toml").read_text(encoding="utf-8")
    extra = '\n[[thema]]\nid = "verkeer"\nnaam = "Verkeersveiligheid"\nopgave = "veilige_wijken"\nbeschrijving = "x"\n'
    taxonomy = parse_taxonomy(default + extra, "thema's.toml")
    path = write_csv(tmp_path / "v.csv", [HEADER, ["ongevallen", "Ongevallen", "Verkeersveiligheid", "aantal",
                                                   "", "2023", "40", "", "", "", "Politie", "", "", ""]])  # fmt: skip
    ingest(seeded, "reeks", str(path), gemeente="GM0505", taxonomy=taxonomy)
    assert list(read.indicators(seeded)["theme"]) == ["verkeer"]


def test_periods_and_numbers_are_read_as_people_write_them() -> None:
    labels = {text: (p.grain, p.label) if (p := parse_period_text(text)) else None for text in (
        "2023", "2023-K2", "2023 Q2", "K2 2023", "2e kwartaal 2023", "2023-05", "mei 2023", "05-2023",
        "2023-01-01/2023-06-30", "01-01-2023 t/m 31-03-2023", "2023-02-01/2023-02-28", "2023-13", "x",
        "2023-06-30/2023-01-01",
    )}  # fmt: skip
    assert labels == {
        "2023": ("jaar", "2023"), "2023-K2": ("kwartaal", "2023-K2"), "2023 Q2": ("kwartaal", "2023-K2"),
        "K2 2023": ("kwartaal", "2023-K2"), "2e kwartaal 2023": ("kwartaal", "2023-K2"),
        "2023-05": ("maand", "2023-05"), "mei 2023": ("maand", "2023-05"), "05-2023": ("maand", "2023-05"),
        "2023-01-01/2023-06-30": ("periode", "2023-01-01/2023-06-30"),
        "01-01-2023 t/m 31-03-2023": ("kwartaal", "2023-K1"), "2023-02-01/2023-02-28": ("maand", "2023-02"),
        "2023-13": None, "x": None, "2023-06-30/2023-01-01": None,
    }  # fmt: skip
    assert [parse_number(t, grouped=g) for t, g in (("12,5", False), ("1.234", True), ("1.234", False),
                                                     ("1.234,5", False), ("abc", False))] == [
        12.5, 1234.0, 1.234, 1234.5, None]  # fmt: skip
