"""Taxonomy: classes a file adds ([schema.NAME.klassen]), workspace files that add to the default, and the
CBS crime types against the real code list."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from ivp.lib.errors import ConfigError
from ivp.themes import SchemeClass, coverage_report, load_taxonomy, parse_taxonomy
from ivp.themes.taxonomy import DEFAULT_FILE

HEAD = "[schema.politie-overlast.klassen]\n"


def _write(root: Path, text: str) -> Path:
    path = root / "thema's.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_with_only_schema_tables_adds_to_the_default(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEAD + '"E99" = { label = "Overlast door buren", labels = ["Burenruzie"], themas = ["overlast"] }\n'
        "[schema.cbs-misdrijf.codes]\n"
        '"2.4.1" = ["overlast"]\n',
    )
    taxonomy = load_taxonomy(tmp_path)
    assert taxonomy.source == f"{DEFAULT_FILE} + {path}"
    assert len(taxonomy.themes) == 8  # the default's themes
    scheme = taxonomy.schemes["politie-overlast"]
    assert scheme.classes == {"E99": SchemeClass("E99", "Overlast door buren", ("Burenruzie",))}
    assert taxonomy.themes_for("politie-overlast", "E99") == ["overlast"]
    assert taxonomy.codes_for("overlast", "politie-overlast")[-1] == "E99"
    assert taxonomy.themes_for("politie-overlast", "F030") == ["overlast"]  # the default's lines stay
    # A code the file maps replaces the default's mapping (default: overlast + kwetsbare_personen).
    assert taxonomy.themes_for("cbs-misdrijf", "2.4.1") == ["overlast"]
    assert taxonomy.unmapped("cbs-misdrijf", ["1.1.1", "2.4.1"]) == []


def test_a_class_may_restate_the_themes_of_its_code_and_override_them_in_an_addition(tmp_path: Path) -> None:
    _write(tmp_path, HEAD + '"E33" = { label = "Onbegrepen gedrag", themas = ["kwetsbare_personen"] }\n')
    taxonomy = load_taxonomy(tmp_path)
    assert taxonomy.themes_for("politie-overlast", "E33") == ["kwetsbare_personen"]
    assert taxonomy.schemes["politie-overlast"].classes["E33"].label == "Onbegrepen gedrag"


def test_a_complete_file_still_replaces_the_default_and_may_hold_classes(tmp_path: Path) -> None:
    _write(
        tmp_path,
        '[[opgave]]\nid = "v"\nnaam = "V"\n[[thema]]\nid = "overlast"\nnaam = "Overlast"\nopgave = "v"\n'
        + HEAD
        + '"E99" = { label = "Overlast door buren", themas = ["overlast"] }\n',
    )
    taxonomy = load_taxonomy(tmp_path)
    assert [t.id for t in taxonomy.themes] == ["overlast"]
    assert taxonomy.themes_for("politie-overlast", "E99") == ["overlast"]
    assert taxonomy.themes_for("politie-overlast", "E35") == []  # not in this file: the default is gone
    assert taxonomy.source.endswith("thema's.toml")


def test_the_default_has_no_classes_and_an_empty_addition_is_the_default(tmp_path: Path) -> None:
    assert load_taxonomy().schemes["politie-overlast"].classes == {}
    _write(tmp_path, "# nog niets\n")
    taxonomy = load_taxonomy(tmp_path)
    assert taxonomy.schemes["politie-overlast"].codes == load_taxonomy().schemes["politie-overlast"].codes


@pytest.mark.parametrize(
    ("body", "key", "expected"),
    [
        ('"E99" = { labels = ["Buren"] }\n', '"E99"', r"'label' \(de omschrijving"),
        ('"E99" = { label = "" }\n', '"E99"', r"'label'"),
        ('"E99" = { label = "Buren", themas = ["jeugd"] }\n', '"E99"', r"onbekend thema 'jeugd'"),
        ('"E99" = { label = "Buren", themas = [] }\n', '"E99"', r"niet-lege lijst"),
        ('"E99" = { label = "Buren", themas = "overlast" }\n', '"E99"', r"niet-lege lijst"),
        ('"E99" = { label = "Buren", labels = "Burenruzie" }\n', '"E99"', r"'labels' moet een lijst"),
        ('"E99" = { label = "Buren", thema = ["overlast"] }\n', '"E99"', r"onbekende sleutel 'thema'"),
        ('"E99" = "Buren"\n', '"E99"', r"moet een tabel zijn"),
        ('"E98" = { label = "Buren" }\n"E99" = { label = "buren" }\n', '"E99"', r"hoort al bij klasse 'E98'"),
        ('"E99" = { label = "A" }\n"E99 " = { label = "B" }\n', '"E99 "', r"staat er twee keer in"),
        ('"0.0.0" = { label = "Totaal", themas = ["overlast"] }\n', '"0.0.0"', r"is een totaal"),
    ],
    ids=[
        "no-label", "empty-label", "unknown-theme", "empty-themes", "themes-not-a-list", "labels-not-a-list",
        "unknown-key", "not-a-table", "label-twice", "code-twice", "total",
    ],
)  # fmt: skip
def test_a_broken_class_table_names_file_and_key(tmp_path: Path, body: str, key: str, expected: str) -> None:
    path = _write(tmp_path, HEAD + body)
    with pytest.raises(ConfigError, match=expected) as caught:
        load_taxonomy(tmp_path)
    assert str(path) in str(caught.value)
    assert f"schema.politie-overlast.klassen.{key}" in str(caught.value)


def test_klassen_that_is_not_a_table_and_unknown_top_level_keys_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, '[schema.politie-overlast]\nklassen = ["E99"]\n')
    with pytest.raises(ConfigError, match=r"\[schema\.politie-overlast\.klassen\] moet een tabel") as caught:
        load_taxonomy(tmp_path)
    assert str(path) in str(caught.value)
    _write(tmp_path, 'titel = "Onze thema\'s"\n' + HEAD + '"E99" = { label = "Buren" }\n')
    with pytest.raises(ConfigError, match=r"onbekende sleutel 'titel'.*\[\[opgave\]\]"):
        load_taxonomy(tmp_path)


def test_a_class_whose_themes_differ_from_the_codes_table_of_the_same_file_is_refused() -> None:
    text = (
        '[[opgave]]\nid = "v"\nnaam = "V"\n[[thema]]\nid = "overlast"\nnaam = "O"\nopgave = "v"\n'
        '[[thema]]\nid = "zorg"\nnaam = "Z"\nopgave = "v"\n'
        '[schema.p.codes]\n"E99" = ["overlast"]\n[schema.p.klassen]\n"E99" = { label = "B", themas = ["zorg"] }\n'
    )
    with pytest.raises(ConfigError, match=r"eigen\.toml: schema\.p\.klassen\.\"E99\".*op één plek"):
        parse_taxonomy(text, "eigen.toml")
    same = text.replace('themas = ["zorg"]', 'themas = ["overlast"]')
    assert parse_taxonomy(same, "eigen.toml").themes_for("p", "E99") == ["overlast"]


# -- all 59 CBS crime types --------------------------------------------------------------------------------


def _cbs_rows(shared_data: Path) -> list[dict[str, str]]:
    path = shared_data / "cbs" / "47018NED" / "SoortMisdrijf.json"
    rows: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return rows


def test_the_default_maps_exactly_the_59_cbs_crime_types(shared_data: Path) -> None:
    keys = [r["Key"].strip() for r in _cbs_rows(shared_data)]
    assert len(keys) == len(set(keys)) == 59
    scheme = load_taxonomy().schemes["cbs-misdrijf"]
    assert set(scheme.codes) | set(scheme.totals) == set(keys)  # every code, and no code CBS does not have
    assert scheme.totals == frozenset({"0.0.0"})
    titles = {r["Key"].strip(): r["Title"] for r in _cbs_rows(shared_data)}
    assert titles["3.7.4"].endswith("Cybercrime")
    assert titles["3.9.1"].endswith("Horizontale fraude")
    taxonomy = load_taxonomy()
    assert "3.7.4" in taxonomy.codes_for("digitaal", "cbs-misdrijf")
    assert "3.9.1" in taxonomy.codes_for("digitaal", "cbs-misdrijf")
    assert taxonomy.themes_for("cbs-misdrijf", "2.4.1") == ["overlast", "kwetsbare_personen"]
    assert taxonomy.themes_for("cbs-misdrijf", "1.4.6") == ["vermogen_geweld"]  # straatroof
    assert taxonomy.themes_for("cbs-misdrijf", "2.1.1") == ["overlast"]  # drugs/drankoverlast
    lines = coverage_report(taxonomy, "cbs-misdrijf", keys)
    assert lines[0].startswith(
        "cbs-misdrijf: 59 codes; 58 gekoppeld aan een thema, 1 totaal, 0 niet gekoppeld"
    )


def test_a_crime_type_without_a_line_is_reported_as_unmapped(shared_data: Path) -> None:
    default = resources.files("ivp.themes").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")
    line = next(x for x in default.splitlines() if x.startswith('"3.7.4"'))
    taxonomy = parse_taxonomy(default.replace(line + "\n", ""), "zonder_cyber.toml")
    keys = [r["Key"] for r in _cbs_rows(shared_data)]
    assert taxonomy.unmapped("cbs-misdrijf", keys) == ["3.7.4"]
    lines = coverage_report(taxonomy, "cbs-misdrijf", keys)
    assert "Niet gekoppeld: 3.7.4." in lines
    assert "3.7.4" not in taxonomy.codes_for("digitaal", "cbs-misdrijf")
