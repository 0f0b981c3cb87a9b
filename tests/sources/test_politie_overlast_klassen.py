"""politie-overlast: a nuisance file as Dordrecht receives it (current and earlier labels, empty cells), and
classes a workspace adds in its thema's.toml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ivp.lib.errors import ConfigError, InputError
from ivp.sources.base import ingest
from ivp.sources.politie_codes import OVERLAST_CLASSES, OVERLAST_CODES, OVERLAST_LABELS
from ivp.store import Store
from ivp.themes import load_taxonomy
from tests.sources.test_politie_common import assert_refused, counts, seed_regions, write_csv, write_xlsx

ID = "politie-overlast"
E33_NOW = "Overlast door persoon met onbegrepen gedrag"

#: Wide, as the police send it: one row per wijk and class, one column per year; empty = no value.
WIDE = [
    ["Wijk", "Maatschappelijke klasse", "2019", "2020", "2021", "2022", "2023", "2024"],
    ["Wijk 01 Binnenstad", E33_NOW, "101", "118", "", "131", "140", "152"],
    ["Wijk 01 Binnenstad", "Burengerucht", "44", "", "", "51", "48", "0"],
    ["Wijk 01 Binnenstad", "Melding overlast jeugd", "210", "260", "198", "1.204", "", ""],
    ["Oud Krispijn", "Overlast door verward persoon", "", "", "37", "", "", ""],
]
#: The counts WIDE must give: (code, wijk, year) -> value; every empty cell is absent, not zero.
WIDE_COUNTS = {
    ("E33", "WK050501", 2019): 101.0, ("E33", "WK050501", 2020): 118.0, ("E33", "WK050501", 2022): 131.0,
    ("E33", "WK050501", 2023): 140.0, ("E33", "WK050501", 2024): 152.0,
    ("F030", "WK050501", 2019): 44.0, ("F030", "WK050501", 2022): 51.0, ("F030", "WK050501", 2023): 48.0,
    ("F030", "WK050501", 2024): 0.0,
    ("E35", "WK050501", 2019): 210.0, ("E35", "WK050501", 2020): 260.0, ("E35", "WK050501", 2021): 198.0,
    ("E35", "WK050501", 2022): 1204.0,
    ("E33", "WK050503", 2021): 37.0,
}  # fmt: skip
_WIJK = {"WK050501": "Wijk 01 Binnenstad", "WK050503": "Oud Krispijn"}
_LABEL = {"E33": E33_NOW, "F030": "Burengerucht", "E35": "Melding overlast jeugd"}
#: The same counts in the long shape (one count per row); Oud Krispijn's E33 row keeps the earlier label.
LONG = [
    ["Wijk", "Jaar", "Soort overlast", "Aantal"],
    *(
        [_WIJK[w], str(y), "Overlast door verward persoon" if w == "WK050503" else _LABEL[c], str(int(v))]
        for (c, w, y), v in WIDE_COUNTS.items()
    ),
]


@pytest.fixture
def seeded(store: Store) -> Store:
    seed_regions(store)
    return store


def _counts(store: Store) -> dict[tuple[str, str, int], float]:
    frame = store.query(
        "SELECT category, region, year, value FROM observations WHERE source_id = 'politie-overlast'"
    )
    return {(c, r, int(y)): float(v) for c, r, y, v in frame.itertuples(index=False)}


def _titles(store: Store) -> dict[str, str]:
    frame = store.query("SELECT code, title FROM categories WHERE scheme = 'politie-overlast'")
    return dict(zip(frame["code"], frame["title"], strict=True))


@pytest.mark.parametrize("shape", ["wide-csv", "wide-xlsx", "long-csv", "long-xlsx"])
def test_a_dordrecht_file_with_current_earlier_and_new_labels_loads(
    seeded: Store, tmp_path: Path, shape: str
) -> None:
    rows = WIDE if shape.startswith("wide") else LONG
    if shape.endswith("csv"):
        path = write_csv(tmp_path / "overlast_dordrecht_2019_2024.csv", rows, sep=";", bom=True)
    else:
        path = write_xlsx(
            tmp_path / "overlast_dordrecht_2019_2024.xlsx",
            {"Overlast per wijk": rows},
            before=[["Overlastregistraties politie, Dordrecht"]],
        )
    result = ingest(seeded, ID, str(path), gemeente="GM0505")
    assert result.action == "geladen"
    assert _counts(seeded) == WIDE_COUNTS
    assert len(WIDE_COUNTS) == 14  # of 24 cells in WIDE: the 10 empty ones are no observation
    assert _titles(seeded) == {
        "E33": E33_NOW,
        "E35": "Melding overlast jeugd",
        "F030": "Burengerucht (relatieproblemen)",
    }
    source = seeded.sources().set_index("source_id").loc[ID]
    assert source["period"] == "2019-2024"
    assert source["notes"] == "gebieden: 14 wijk (op naam)."  # the stored counts, not the 24 cells


def test_every_earlier_label_and_spelling_maps_to_its_code_and_stores_the_current_label(
    seeded: Store, tmp_path: Path
) -> None:
    rows = [["Gebied", "Jaar", "Omschrijving", "Aantal"]]
    rows += [["GM0505", str(2000 + i), label, str(i)] for i, label in enumerate(OVERLAST_LABELS, start=1)]
    ingest(seeded, ID, str(write_csv(tmp_path / "alle_labels.csv", rows)), gemeente="GM0505")
    got = seeded.query("SELECT category, year FROM observations ORDER BY year")
    assert got["category"].tolist() == list(OVERLAST_LABELS.values())
    assert _titles(seeded) == OVERLAST_CODES
    e33 = next(c for c in OVERLAST_CLASSES if c.code == "E33")
    assert e33.label == E33_NOW
    assert {"Overlast door verward persoon", "Overlast door verward/overspannen persoon"} <= set(e33.earlier)


def test_text_in_a_wide_cell_is_refused_with_line_and_field(seeded: Store, tmp_path: Path) -> None:
    rows = [*WIDE[:3], ["Oud Krispijn", "Burengerucht", "12", "n.b.", "", "", "", ""]]
    error = assert_refused(seeded, ID, write_csv(tmp_path / "o.csv", rows), "not_a_number")
    assert (error.record, error.field) == (4, "2020")
    assert "n.b." in str(error)


def test_an_empty_count_in_the_long_shape_is_still_an_error(seeded: Store, tmp_path: Path) -> None:
    rows = [*LONG[:3], ["Oud Krispijn", "2021", "Burengerucht", ""]]
    error = assert_refused(seeded, ID, write_csv(tmp_path / "o.csv", rows), "missing_value")
    assert (error.record, error.field) == (4, "Aantal")


def test_a_wide_file_without_any_count_is_refused(seeded: Store, tmp_path: Path) -> None:
    rows = [WIDE[0], ["Wijk 01 Binnenstad", "Burengerucht", "", "", "", "", "", ""]]
    error = assert_refused(seeded, ID, write_csv(tmp_path / "o.csv", rows), "missing_value")
    assert error.record == 2
    assert "geen enkel aantal" in error.message


def test_an_unknown_label_on_a_row_of_empty_cells_is_still_refused(seeded: Store, tmp_path: Path) -> None:
    rows = [*WIDE, ["Oud Krispijn", "Burenruzie", "", "", "", "", "", ""]]
    error = assert_refused(seeded, ID, write_csv(tmp_path / "o.csv", rows), "unknown_code")
    assert error.record == 6


def _hint_line(error: InputError) -> str:
    match = re.search(r'("[^"]+" = \{ label = .*? \})', error.hint or "")
    assert match, error.hint
    return match.group(1)


def test_an_unknown_label_says_how_to_add_the_class(seeded: Store, tmp_path: Path) -> None:
    rows = [*WIDE, ["Oud Krispijn", "Burenruzie", "3", "", "", "", "", ""]]
    error = assert_refused(seeded, ID, write_csv(tmp_path / "o.csv", rows), "unknown_code")
    assert (error.record, error.field) == (6, "Maatschappelijke klasse")
    hint = error.hint or ""
    assert "thema's.toml in de werkmap" in hint
    assert "[schema.politie-overlast.klassen]" in hint
    assert _hint_line(error) == '"<politiecode>" = { label = "Burenruzie", themas = ["overlast"] }'
    assert "E33" in hint
    assert "F030" in hint


def test_the_line_of_the_hint_makes_the_label_load(
    seeded: Store, workspace_root: Path, tmp_path: Path
) -> None:
    rows = [*WIDE, ["Oud Krispijn", "E99 Overlast door buren", "3", "", "4", "", "", ""]]
    path = write_csv(tmp_path / "o.csv", rows)
    error = assert_refused(seeded, ID, path, "unknown_code")
    line = _hint_line(error)
    assert line == '"E99" = { label = "Overlast door buren", themas = ["overlast"] }'
    # One header and the one line, nothing else: the file adds to the default taxonomy.
    (workspace_root / "thema's.toml").write_text(f"[schema.politie-overlast.klassen]\n{line}\n", "utf-8")
    taxonomy = load_taxonomy(workspace_root)
    assert taxonomy.themes_for("politie-overlast", "E99") == ["overlast"]
    assert taxonomy.themes_for("politie-overlast", "E33") == ["overlast", "kwetsbare_personen"]
    ingest(seeded, ID, str(path), gemeente="GM0505", taxonomy=taxonomy)
    got = _counts(seeded)
    assert {k: v for k, v in got.items() if k[0] == "E99"} == {
        ("E99", "WK050503", 2019): 3.0,
        ("E99", "WK050503", 2021): 4.0,
    }
    assert _titles(seeded)["E99"] == "Overlast door buren"


@pytest.fixture
def workspace_root(tmp_path: Path) -> Path:
    root = tmp_path / "werkmap"
    root.mkdir()
    return root


def test_a_workspace_class_adds_labels_and_a_new_current_label(
    seeded: Store, workspace_root: Path, tmp_path: Path
) -> None:
    (workspace_root / "thema's.toml").write_text(
        "[schema.politie-overlast.klassen]\n"
        '"E35" = { label = "Overlast door jongeren", labels = ["Hangjongeren"] }\n'
        '"X12" = { label = "Woonoverlast", themas = ["overlast", "kwetsbare_personen"] }\n',
        "utf-8",
    )
    taxonomy = load_taxonomy(workspace_root)
    rows = [
        ["gemeentecode", "jaar", "soort overlast", "aantal"],
        ["GM0505", "2023", "Hangjongeren", "7"],
        ["GM0505", "2024", "Melding overlast jeugd", "9"],
        ["GM0505", "2024", "X12 Woonoverlast", "2"],
    ]
    path = write_csv(tmp_path / "o.csv", rows)
    ingest(seeded, ID, str(path), gemeente="GM0505", taxonomy=taxonomy)
    assert _counts(seeded) == {
        ("E35", "GM0505", 2023): 7.0,
        ("E35", "GM0505", 2024): 9.0,
        ("X12", "GM0505", 2024): 2.0,
    }
    assert _titles(seeded) == {"E35": "Overlast door jongeren", "X12": "Woonoverlast"}
    assert taxonomy.themes_for("politie-overlast", "E35") == ["overlast"]  # from the default's codes
    assert taxonomy.unmapped("politie-overlast", ["E35", "X12", "F030"]) == []


def test_without_the_workspace_file_the_added_class_is_unknown(seeded: Store, tmp_path: Path) -> None:
    rows = [["gemeentecode", "jaar", "code", "aantal"], ["GM0505", "2024", "X12 Woonoverlast", "2"]]
    before = counts(seeded)
    with pytest.raises(InputError) as caught:
        ingest(
            seeded, ID, str(write_csv(tmp_path / "o.csv", rows)), gemeente="GM0505", taxonomy=load_taxonomy()
        )
    assert caught.value.code == "unknown_code"
    assert counts(seeded) == before


def test_a_broken_class_table_names_the_file_and_key(workspace_root: Path) -> None:
    path = workspace_root / "thema's.toml"
    path.write_text('[schema.politie-overlast.klassen]\n"E99" = { labels = ["Buren"] }\n', "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_taxonomy(workspace_root)
    message = str(caught.value)
    assert str(path) in message
    assert 'schema.politie-overlast.klassen."E99"' in message
    assert "'label'" in message
