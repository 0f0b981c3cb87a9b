"""Reading police files (csv and xlsx variants), plus the helpers the other police tests share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ivp.lib.errors import InputError
from ivp.sources.base import area_index, ingest
from ivp.sources.politie import read_table
from ivp.sources.regions import AreaIndex, resolve
from ivp.store import Batch, Provenance, Store
from ivp.store.batch import TABLE_COLUMNS

TABLES = ("sources", "source_history", *TABLE_COLUMNS)

#: A few real region codes and names of the CBS 2024 division (Dordrecht) and Groningen.
REGIONS = [
    ("GM0505", "gemeente", "Dordrecht", None, "GM0505"),
    ("WK050501", "wijk", "Wijk 01 Binnenstad", "GM0505", "GM0505"),
    ("BU05050101", "buurt", "Groenmarkt en omgeving", "WK050501", "GM0505"),
    ("BU05050108", "buurt", "Centrum", "WK050501", "GM0505"),
    ("WK050503", "wijk", "Wijk 03 Oud Krispijn", "GM0505", "GM0505"),
    ("BU05050300", "buurt", "Zuidendijk", "WK050503", "GM0505"),
    ("GM0014", "gemeente", "Groningen", None, "GM0014"),
    ("WK001400", "wijk", "Centrum", "GM0014", "GM0014"),
    ("BU00140000", "buurt", "Binnenstad-Oost", "WK001400", "GM0014"),
]


def counts(store: Store) -> dict[str, int]:
    """Rows in every store table: compared before and after a refused load."""
    return {t: int(store.query(f"SELECT count(*) AS n FROM {t}")["n"].iloc[0]) for t in TABLES}


def seed_regions(store: Store) -> None:
    """Load a few regions the way the boundary/CBS adapters would, so names can be resolved."""
    frame = pd.DataFrame(REGIONS, columns=["code", "level", "name", "parent", "gemeente"])
    frame["valid_from"] = 2024
    frame["valid_to"] = None
    frame["geometry"] = None
    provenance = Provenance(
        source_id="geo",
        dataset="testgebieden",
        title="Testgebieden",
        publisher="CBS",
        licence="CC BY 4.0",
        origin="test",
        file_hash="0" * 64,
        retrieved_at=dt.datetime(2024, 1, 1),
    )
    store.load(Batch(provenance, {"regions": frame}))


def write_csv(path: Path, rows: Sequence[Sequence[object]], *, sep: str = ";", bom: bool = False) -> Path:
    """Write rows as csv text the way Excel's 'CSV UTF-8' does (quoting only where needed)."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))
    return path


def write_xlsx(
    path: Path, sheets: dict[str, Sequence[Sequence[object]]], *, before: Sequence[Sequence[object]] = ()
) -> Path:
    """Write an xlsx with openpyxl: one sheet per entry; ``before`` rows (a title) go above each table."""
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in [*before, *rows]:
            sheet.append(list(row))
    book.save(path)
    return path


def assert_refused(store: Store, adapter: str, path: Path, code: str) -> InputError:
    """Ingest ``path``; assert an InputError with ``code`` that names the file and loaded nothing."""
    before = counts(store)
    with pytest.raises(InputError) as caught:
        ingest(store, adapter, str(path), gemeente="GM0505")
    assert caught.value.code == code, caught.value.render()
    assert caught.value.file == str(path)
    assert str(path) in str(caught.value)
    assert "Er is niets van dit bestand geladen." in str(caught.value)
    assert counts(store) == before
    return caught.value


HEADER = ["Gebied", "Periode", "Code", "Aantal"]


def test_csv_semicolon_with_bom_and_comma_give_the_same_table(tmp_path: Path) -> None:
    rows = [HEADER, ["Dordrecht", "2023", "E33", "412"], ["Dordrecht", "2023", "E35", "1.208"]]
    semi = write_csv(tmp_path / "a.csv", rows, sep=";", bom=True)
    comma = write_csv(tmp_path / "b.csv", rows, sep=",")
    tab = write_csv(tmp_path / "c.csv", rows, sep="\t")
    tables = [read_table(p.name, p.read_bytes(), str(p), header_aliases=["code"]) for p in (semi, comma, tab)]
    for table in tables:
        assert list(table.frame.columns) == HEADER
        assert list(table.frame.index) == [2, 3]
        assert table.frame.loc[3, "Aantal"] == "1.208"


def test_xlsx_title_rows_are_skipped_and_lines_are_sheet_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "overlast.xlsx",
        {
            "Toelichting": [["Bron: politie eenheid Rotterdam"]],
            "Overlast 2023": [HEADER, ["GM0505", 2023, "E33", 412]],
        },
        before=[["Overlastregistraties gemeente Dordrecht"], []],
    )
    table = read_table(
        path.name, path.read_bytes(), str(path), header_aliases=["code"], sheet_words=["overlast"]
    )
    assert table.header_line == 3
    assert list(table.frame.index) == [4]
    assert list(table.frame.loc[4]) == ["GM0505", "2023", "E33", "412"]


def test_quoted_multiline_fields_count_as_one_spreadsheet_line(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text('code,object,aantal\nE33,"Erf/Tuin\nOpenbare weg",1\nE35,Weg,2\n', encoding="utf-8")
    table = read_table(path.name, path.read_bytes(), str(path), header_aliases=["code"])
    assert list(table.frame.index) == [2, 3]
    assert table.frame.loc[2, "object"] == "Erf/Tuin\nOpenbare weg"


def test_cp1252_is_refused_naming_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "ansi.csv"
    path.write_bytes(
        "gebied;code;aantal\nDordrecht;E33;4\n's-Gravendeel;E35;2\nZuidendijk;E38;3\n".replace(
            "'s-Gravendeel", "Dubbeldam Café"
        ).encode("cp1252")
    )
    with pytest.raises(InputError) as caught:
        read_table(path.name, path.read_bytes(), str(path), header_aliases=["code"])
    assert caught.value.code == "encoding"
    assert caught.value.record == 3
    assert caught.value.field == "gebied"
    assert "Café" in caught.value.message


def test_old_xls_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "oud.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(InputError) as caught:
        read_table(path.name, path.read_bytes(), str(path), header_aliases=["code"])
    assert caught.value.code == "unsupported_format"


def test_resolver_accepts_codes_names_and_district_names_without_prefix(seeded_index: AreaIndex) -> None:
    def one(**values: str) -> object:
        return resolve(seeded_index, pd.DataFrame([values]), gemeente="GM0505").code.iloc[0]

    assert one(wijk="wk050501") == "WK050501"
    assert one(gebied="Gemeente Dordrecht") == "GM0505"
    assert one(buurt="  zuidendijk ") == "BU05050300"
    assert one(gebied="Binnenstad") == "WK050501"
    assert one(wijk="Wijk 03 Oud Krispijn") == "WK050503"
    assert one(wijk="Oud Krispijn") == "WK050503"
    assert resolve(seeded_index, pd.DataFrame([{"buurt": "Atlantis"}]), gemeente="GM0505").unknown.iloc[0]


@pytest.fixture
def seeded_index(store: Store) -> AreaIndex:
    seed_regions(store)
    return area_index(store)
