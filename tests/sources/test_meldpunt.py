"""meldpunt: meldingen counted per category, area and month (ivp's own csv, Fixi and Signalen exports)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.utils.text import slugify

from ivp.cli import main
from ivp.lib.errors import InputError
from ivp.sources.base import ingest
from ivp.sources.meldpunt import LICENCE, slug
from ivp.store import Store
from ivp.workspace import Workspace
from tests.sources.test_politie_common import counts, seed_regions, write_csv, write_xlsx

ID = "meldpunt"
HEADER = ["categorie", "gebied", "jaar", "maand", "aantal"]


@pytest.fixture
def seeded(store: Store) -> Store:
    seed_regions(store)
    return store


def _rows(store: Store, region: str | None = None) -> list[tuple[object, ...]]:
    where = "WHERE source_id = 'meldpunt'" + (f" AND region = '{region}'" if region else "")
    frame = store.query(
        "SELECT category, region, year, month, value FROM observations "
        f"{where} ORDER BY region, category, year, month"
    )
    return [tuple(r) for r in frame.itertuples(index=False)]


def _refused(store: Store, path: Path, code: str, *, gemeente: str | None = "GM0505") -> InputError:
    """Ingest ``path``; assert an InputError with ``code`` naming the file, and nothing loaded."""
    before = counts(store)
    with pytest.raises(InputError) as caught:
        ingest(store, ID, str(path), gemeente=gemeente)
    assert caught.value.code == code, caught.value.render()
    assert caught.value.file == str(path)
    assert "Er is niets van dit bestand geladen." in str(caught.value)
    assert counts(store) == before
    return caught.value


def test_aggregated_csv_zero_fills_months_and_places_areas(seeded: Store, tmp_path: Path) -> None:
    rows = [
        HEADER,
        ["Overlast jeugd", "BU05050101", "2024", "1", "3"],
        ["Overlast jeugd", "Zuidendijk", "2024", "3", "2"],  # a buurt name of Dordrecht
        ["Overlast jeugd", "", "2024", "3", "1"],  # no area: the total only
        ["Overlast jeugd", "Nergenshuizen", "2024", "1", "4"],  # unknown: the total only
        ["Straatintimidatie", "WK050501", "2024", "2", "5"],
    ]
    path = write_csv(tmp_path / "meldpunt_2024.csv", rows, sep=";", bom=True)
    result = ingest(seeded, ID, str(path), gemeente="GM0505")
    assert result.action == "geladen"
    assert _rows(seeded, "GM0505") == [
        ("overlast-jeugd", "GM0505", 2024, 1, 7.0),
        ("overlast-jeugd", "GM0505", 2024, 2, 0.0),
        ("overlast-jeugd", "GM0505", 2024, 3, 3.0),
        ("straatintimidatie", "GM0505", 2024, 1, 0.0),
        ("straatintimidatie", "GM0505", 2024, 2, 5.0),
        ("straatintimidatie", "GM0505", 2024, 3, 0.0),
    ]
    # Every area in the file gets every category x month, zeros included.
    assert _rows(seeded, "BU05050101") == [
        ("overlast-jeugd", "BU05050101", 2024, 1, 3.0),
        ("overlast-jeugd", "BU05050101", 2024, 2, 0.0),
        ("overlast-jeugd", "BU05050101", 2024, 3, 0.0),
        ("straatintimidatie", "BU05050101", 2024, 1, 0.0),
        ("straatintimidatie", "BU05050101", 2024, 2, 0.0),
        ("straatintimidatie", "BU05050101", 2024, 3, 0.0),
    ]
    by_region = seeded.query(
        "SELECT region, sum(value) AS v, count(*) AS n FROM observations GROUP BY region ORDER BY region"
    )
    assert by_region.to_dict("list") == {
        "region": ["BU05050101", "BU05050300", "GM0505", "WK050501"],
        "v": [3.0, 2.0, 15.0, 5.0],
        "n": [6, 6, 6, 6],
    }
    fixed = seeded.query("SELECT DISTINCT measure, scheme, grain, status FROM observations")
    assert fixed.values.tolist() == [["meldpunt_meldingen", "meldpunt", "maand", "definitief"]]
    categories = seeded.query("SELECT scheme, code, title, parent, is_total FROM categories ORDER BY code")
    assert categories.values.tolist() == [
        ["meldpunt", "overlast-jeugd", "Overlast jeugd", None, False],
        ["meldpunt", "straatintimidatie", "Straatintimidatie", None, False],
    ]
    source = seeded.sources().set_index("source_id").loc[ID]
    assert source["dataset"] == "meldpunt_2024.csv"
    assert source["publisher"] == "Meldpunt van de gemeente"
    assert source["licence"] == LICENCE == "niet openbaar (meldingen van inwoners)"
    assert source["period"] == "2024"
    assert "15 meldingen in 2 categorieën, 3 maanden" in source["notes"]
    assert "3 rijen in een wijk of buurt, 2 alleen in het gemeentetotaal" in source["notes"]
    assert "Nergenshuizen" in source["notes"]


def test_aggregated_xlsx_with_codes_month_names_and_commas(seeded: Store, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["categorie", "categorie_code", "gebied", "jaar", "maand", "aantal"],
        ["Vermoeden van ondermijning", "ondermijning", "", 2023, "december", 2],
        ["Vermoeden van ondermijning", "ondermijning", "", 2024, "feb", 1],
        ["Eigen categorie", "", "BU05050300", 2024, 2, "1.200"],
    ]
    path = write_xlsx(tmp_path / "cijfers.xlsx", {"Meldingen": rows}, before=[["Meldpunt Dordrecht"]])
    ingest(seeded, ID, str(path), gemeente="GM0505")
    assert _rows(seeded, "GM0505") == [
        ("eigen-categorie", "GM0505", 2023, 12, 0.0),
        ("eigen-categorie", "GM0505", 2024, 1, 0.0),
        ("eigen-categorie", "GM0505", 2024, 2, 1200.0),
        ("ondermijning", "GM0505", 2023, 12, 2.0),
        ("ondermijning", "GM0505", 2024, 1, 0.0),
        ("ondermijning", "GM0505", 2024, 2, 1.0),
    ]
    assert seeded.sources().set_index("source_id").loc[ID, "period"] == "2023-2024"
    comma = write_csv(tmp_path / "komma.csv", [HEADER, ["Overig", "", "2024", "5", "4"]], sep=",")
    ingest(seeded, ID, str(comma), gemeente="GM0505")
    assert _rows(seeded, "GM0505")[-1] == ("overig", "GM0505", 2024, 5, 4.0)


FIXI = ["id", "categoryName", "teamName", "source", "created", "regionName"]


def test_fixi_sample_counts_each_melding_once_in_its_month(seeded: Store, tmp_path: Path) -> None:
    rows = [
        FIXI,
        [
            "1",
            "Overlast en handhaving",
            "Team A",
            "website",
            "2024-01-31 23:59:59.0000000",
            "Wijk 01 Binnenstad",
        ],
        ["2", "Overlast en handhaving", "Team A", "app", "2024-03-01 00:00:00.0000000", "Dordrecht"],
        ["3", "Zwerfafval", "Team B", "telephone", "2024-03-15 10:00:00.0000000", ""],
        ["4", "", "Team B", "telephone", "2024-03-15 10:00:00.0000000", "Centrum"],
    ]
    path = write_csv(tmp_path / "fixi.csv", rows, sep=",")
    ingest(seeded, ID, str(path), gemeente="GM0505")
    municipality = {(c, m): v for c, _r, _y, m, v in _rows(seeded, "GM0505")}
    assert municipality == {
        ("overig", 1): 0.0, ("overig", 2): 0.0, ("overig", 3): 1.0,
        ("overlast-en-handhaving", 1): 1.0, ("overlast-en-handhaving", 2): 0.0,
        ("overlast-en-handhaving", 3): 1.0,
        ("zwerfafval", 1): 0.0, ("zwerfafval", 2): 0.0, ("zwerfafval", 3): 1.0,
    }  # fmt: skip
    regions = set(seeded.query("SELECT DISTINCT region FROM observations")["region"])
    assert regions == {"GM0505", "WK050501", "BU05050108"}  # 'Centrum' is a buurt of Dordrecht
    source = seeded.sources().set_index("source_id").loc[ID]
    assert source["publisher"] == "Fixi"
    # Nothing personal or identifying: no ids, teams or channels anywhere in the store.
    text = " ".join(str(v) for t in ("observations", "categories", "sources") for v in seeded.query(
        f"SELECT * FROM {t}").to_numpy().ravel())  # fmt: skip
    assert "Team A" not in text
    assert "website" not in text


def test_real_katwijk_fixi_file(nl_store: Store, shared_data: Path) -> None:
    path = shared_data / "meldingen" / "katwijk_fixi_2017_2025.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.DictReader(handle))
    per_category = Counter(slug(r["categoryName"]) for r in records)
    per_region = Counter(r["regionName"] for r in records)
    ingest(nl_store, ID, str(path), gemeente="GM0537")
    totals = nl_store.query(
        "SELECT category, sum(value) AS v, count(*) AS n FROM observations "
        "WHERE source_id = 'meldpunt' AND region = 'GM0537' GROUP BY category"
    )
    assert dict(zip(totals["category"], totals["v"], strict=True)) == per_category
    assert len(records) == 82_537
    assert len(per_category) == 11
    months = (2025 - 2017) * 12 + 6 - 12 + 1  # Dec 2017 .. Jun 2025
    assert months == 91
    assert set(totals["n"]) == {months}  # zeros included: every category has every month
    wijken = nl_store.query(
        "SELECT region, sum(value) AS v FROM observations "
        "WHERE source_id = 'meldpunt' AND region <> 'GM0537' GROUP BY region"
    )
    placed = dict(zip(wijken["region"], wijken["v"], strict=True))
    assert placed == {
        "WK053701": per_region["Katwijk Noord"],
        "WK053703": per_region["Katwijk aan den Rijn"],
        "WK053705": per_region["Katwijk aan Zee"],
        "WK053707": per_region["Rijnsburg"],
        "WK053708": per_region["Valkenburg"],
    }  # "Katwijk" is the municipality itself: counted in its total only
    assert sum(placed.values()) + per_region["Katwijk"] == len(records)
    source = nl_store.sources().set_index("source_id").loc[ID]
    assert source["period"] == "2017-2025"
    assert source["row_count"] == 11 * months * 6 + 11


SIGNALEN = [
    "id",
    "created_at",
    "main_category",
    "sub_category",
    "text",
    "area_code",
    "area_name",
    "buurt_code",
]


def test_signalen_export_converts_times_to_amsterdam(seeded: Store, tmp_path: Path) -> None:
    rows = [
        SIGNALEN,
        # 23:30 UTC on 31 January is 00:30 on 1 February in Amsterdam (winter time, UTC+1)
        [
            "11",
            "2024-01-31T23:30:00+00:00",
            "Overlast",
            "Overlast van personen",
            "tekst",
            "BU05050101",
            "",
            "A01a",
        ],
        # 22:30 UTC on 31 March is 00:30 on 1 April (summer time, UTC+2)
        ["12", "2024-03-31T22:30:00Z", "Overlast", "Overlast van personen", "", "", "Centrum", ""],
        ["13", "2024-01-15 12:00:00", "Afval", "Zwerfvuil", "", "", "", ""],  # no offset: local time
    ]
    path = write_csv(tmp_path / "signalen.csv", rows, sep=";")
    ingest(seeded, ID, str(path), gemeente="GM0505")
    assert [r for r in _rows(seeded, "GM0505") if r[4]] == [
        ("overlast-van-personen", "GM0505", 2024, 2, 1.0),
        ("overlast-van-personen", "GM0505", 2024, 4, 1.0),
        ("zwerfvuil", "GM0505", 2024, 1, 1.0),
    ]
    assert [r for r in _rows(seeded) if r[4] and r[1] != "GM0505"] == [
        ("overlast-van-personen", "BU05050101", 2024, 2, 1.0),
        ("overlast-van-personen", "BU05050108", 2024, 4, 1.0),
    ]
    assert seeded.sources().set_index("source_id").loc[ID, "publisher"] == "Signalen"
    titles = seeded.query("SELECT title FROM categories ORDER BY code")["title"].tolist()
    assert titles == ["Overlast van personen", "Zwerfvuil"]
    assert "tekst" not in " ".join(seeded.query("SELECT * FROM observations").astype(str).to_numpy().ravel())


def test_slug_follows_django_slugify() -> None:
    names = ["Overlast jeugd", "Wegen, straten en verkeer", "Café-overlast", "  Ëén   twee  ", "Overig"]
    names += ["Overlast door persoon met onbegrepen gedrag", "Technische storingen en parkeermeters"]
    for name in names:
        assert slug(name) == slugify(name)[:45]


@pytest.mark.parametrize(
    ("rows", "code", "line", "field"),
    [
        ([HEADER, ["Overig", "", "2024", "1", "drie"]], "not_a_number", 2, "aantal"),
        ([HEADER, ["Overig", "", "2024", "1", "2"], ["Overig", "", "2024", "2", "-1"]], "negative_value", 3, "aantal"),
        ([HEADER, ["Overig", "", "2024", "1", "2.5"]], "not_an_integer", 2, "aantal"),
        ([HEADER, ["Overig", "", "2024", "13", "2"]], "invalid_period", 2, "maand"),
        ([HEADER, ["Overig", "", "24", "1", "2"]], "invalid_period", 2, "jaar"),
        ([HEADER, ["", "", "2024", "1", "2"]], "missing_value", 2, "categorie"),
        (
            [HEADER, ["Overig", "BU05050101", "2024", "1", "2"], ["Overig", "bu05050101", "2024", "1", "3"]],
            "duplicate_row",
            3,
            "categorie",
        ),
        (
            [["categorie", "categorie_code", "jaar", "maand", "aantal"], ["Overig", "Niet Goed", "2024", "1", "2"]],
            "invalid_code",
            2,
            "categorie_code",
        ),
        ([FIXI, ["1", "Overig", "", "", "2024-01-01 10:00", ""], ["2", "Overig", "", "", "gisteren", ""]],
         "invalid_date", 3, "created"),
        ([FIXI, ["1", "Overig", "", "", "2024-02-30 10:00", ""]], "invalid_date", 2, "created"),
        ([SIGNALEN, ["1", "", "A", "B", "", "", "", ""]], "invalid_date", 2, "created_at"),
    ],
)  # fmt: skip
def test_every_error_names_line_and_field_and_loads_nothing(
    seeded: Store, tmp_path: Path, rows: list[list[str]], code: str, line: int, field: str
) -> None:
    path = write_csv(tmp_path / "fout.csv", rows, sep=";")
    error = _refused(seeded, path, code)
    assert (error.record, error.field) == (line, field)
    assert f"regel {line}" in str(error)
    assert f"veld '{field}'" in str(error)
    assert error.hint


def test_unknown_shape_lists_the_expected_headers(seeded: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "iets.csv", [["naam", "datum"], ["a", "2024-01-01"]])
    error = _refused(seeded, path, "unknown_shape")
    assert error.record == 1
    assert error.hint is not None
    for header in ("categorie;gebied;jaar;maand;aantal", "categoryName", "created_at", "sub_category"):
        assert header in error.hint


def test_a_file_needs_the_workspace_municipality(seeded: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", [HEADER, ["Overig", "", "2024", "1", "2"]])
    _refused(seeded, path, "no_municipality", gemeente=None)


def test_ivp_ingest_meldpunt_in_a_workspace(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "meldpunt.csv", [HEADER, ["Overlast jeugd", "", "2024", "1", "2"]])
    result = CliRunner().invoke(main, ["ingest", "meldpunt", str(path), "-w", str(workspace.root)])
    assert result.exit_code == 0, result.output
    assert "meldpunt.csv: 2 rijen geladen." in result.output
    with Store(workspace.store_path, read_only=True) as store:
        assert _rows(store) == [("overlast-jeugd", "GM0505", 2024, 1, 2.0)]


def test_a_web_app_slug_is_kept_as_it_is(seeded: Store, tmp_path: Path) -> None:
    """Any code the web app's Category.slug accepts (up to 50 characters, capitals, _) is stored unchanged."""
    code = "Eigen_Categorie-" + "x" * 34
    rows = [["categorie", "categorie_code", "jaar", "maand", "aantal"], ["Eigen", code, "2024", "1", "2"]]
    ingest(seeded, ID, str(write_csv(tmp_path / "m.csv", rows)), gemeente="GM0505")
    assert _rows(seeded) == [(code, "GM0505", 2024, 1, 2.0)]


def test_fixi_xlsx_with_date_cells(seeded: Store, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        list(FIXI),
        ["1", "Zwerfafval", "", "app", dt.datetime(2024, 5, 31, 23, 59), "Zuidendijk"],
        ["2", "Zwerfafval", "", "app", dt.date(2024, 6, 1), "Zuidendijk"],
    ]
    path = write_xlsx(tmp_path / "fixi.xlsx", {"Meldingen": rows})
    ingest(seeded, ID, str(path), gemeente="GM0505")
    assert _rows(seeded) == [
        ("zwerfafval", "BU05050300", 2024, 5, 1.0),
        ("zwerfafval", "BU05050300", 2024, 6, 1.0),
        ("zwerfafval", "GM0505", 2024, 5, 1.0),
        ("zwerfafval", "GM0505", 2024, 6, 1.0),
    ]
