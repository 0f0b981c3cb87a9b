"""Themes taxonomy: every real code is mapped, nothing is dropped silently, bad files fail loudly."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ivp.lib.errors import ConfigError
from ivp.themes import coverage_report, load_taxonomy, parse_taxonomy
from ivp.themes.taxonomy import DEFAULT_FILE

THEME_IDS = [
    "overlast", "kwetsbare_personen", "vermogen_geweld", "ondermijning", "sociale_stabiliteit",
    "fysieke_veiligheid", "digitaal", "evenementen",
]  # fmt: skip


def _cbs_codes(shared_data: Path) -> list[str]:
    rows = json.loads((shared_data / "cbs" / "47018NED" / "SoortMisdrijf.json").read_text(encoding="utf-8"))
    return [r["Key"] for r in rows]


def _police_codes(shared_data: Path, name: str) -> list[str]:
    with (shared_data / "politie" / "nederland" / name).open(encoding="utf-8") as handle:
        return [row["Key"] for row in csv.DictReader(handle)]


def test_themes_and_opgaven_have_the_agreed_ids() -> None:
    taxonomy = load_taxonomy()
    assert [t.id for t in taxonomy.themes] == THEME_IDS
    assert [o.id for o in taxonomy.opgaven] == [
        "veilige_wijken",
        "maatschappelijke_veiligheid",
        "jeugd_en_veiligheid",
    ]
    assert taxonomy.theme("overlast").naam == "Overlast in de woonomgeving"
    assert taxonomy.theme("vermogen_geweld").naam == "Vermogens- en geweldscriminaliteit"
    assert taxonomy.theme("digitaal").naam == "Digitale criminaliteit"
    assert taxonomy.theme("ondermijning").opgave == "maatschappelijke_veiligheid"
    assert all(taxonomy.opgave(t.opgave) for t in taxonomy.themes)
    assert all(t.beschrijving for t in taxonomy.themes)


def test_all_59_cbs_codes_are_mapped(shared_data: Path) -> None:
    taxonomy = load_taxonomy()
    codes = _cbs_codes(shared_data)
    assert len(codes) == 59
    assert taxonomy.unmapped("cbs-misdrijf", codes) == []
    # The police's own list of the same codes agrees.
    assert taxonomy.unmapped("cbs-misdrijf", _police_codes(shared_data, "SoortMisdrijf.csv")) == []


def test_every_police_nuisance_code_is_mapped(shared_data: Path) -> None:
    taxonomy = load_taxonomy()
    codes = _police_codes(shared_data, "Overlast.csv")
    assert {"E33", "E35", "E38"} <= {c.strip() for c in codes}
    assert taxonomy.unmapped("politie-overlast", codes) == []
    assert taxonomy.themes_for("politie-overlast", "E35   ") == ["overlast"]
    assert "kwetsbare_personen" in taxonomy.themes_for("politie-overlast", "E33")


def test_totals_map_nowhere_but_are_not_unmapped() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.themes_for("cbs-misdrijf", "0.0.0") == []
    assert taxonomy.is_total("cbs-misdrijf", "0.0.0 ")
    assert taxonomy.unmapped("cbs-misdrijf", ["0.0.0"]) == []
    assert all("0.0.0" not in taxonomy.codes_for(t, "cbs-misdrijf") for t in THEME_IDS)


def test_unknown_code_and_unknown_scheme_are_reported() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.unmapped("cbs-misdrijf", ["1.1.1", "9.9.9", "9.9.9 "]) == ["9.9.9"]
    assert taxonomy.unmapped("meldingen-fixi", ["afval"]) == ["afval"]
    lines = coverage_report(taxonomy, "cbs-misdrijf", ["1.1.1", "0.0.0", "9.9.9"])
    assert lines[0].startswith("cbs-misdrijf: 3 codes; 1 gekoppeld aan een thema, 1 totaal, 1 niet gekoppeld")
    assert "Niet gekoppeld: 9.9.9." in lines


def test_a_code_may_belong_to_several_themes_in_file_order() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.themes_for("cbs-misdrijf", "1.6.3") == ["ondermijning", "kwetsbare_personen"]
    woning = taxonomy.codes_for("vermogen_geweld", "cbs-misdrijf")
    assert woning[:3] == ["1.1.1", "1.1.2", "1.2.1"]
    assert "1.6.3" in taxonomy.codes_for("kwetsbare_personen", "cbs-misdrijf")
    assert taxonomy.codes_for("evenementen", "politie-overlast") == ["M062"]
    with pytest.raises(KeyError, match="valid: overlast"):
        taxonomy.codes_for("jeugd", "cbs-misdrijf")


def test_workspace_file_replaces_the_default(tmp_path: Path) -> None:
    (tmp_path / "thema's.toml").write_text(
        """
[[opgave]]
id = "veilige_wijken"
naam = "Veilige wijken"

[[thema]]
id = "overlast"
naam = "Overlast"
opgave = "veilige_wijken"

[schema.cbs-misdrijf]
totalen = ["0.0.0"]
[schema.cbs-misdrijf.codes]
"2.1.1" = ["overlast"]
""",
        encoding="utf-8",
    )
    taxonomy = load_taxonomy(tmp_path)
    assert [t.id for t in taxonomy.themes] == ["overlast"]
    assert taxonomy.unmapped("cbs-misdrijf", ["1.1.1", "2.1.1"]) == ["1.1.1"]
    assert taxonomy.source.endswith("thema's.toml")
    assert load_taxonomy(tmp_path / "elders").source == DEFAULT_FILE


BASE = """
[[opgave]]
id = "veilige_wijken"
naam = "Veilige wijken"

[[thema]]
id = "overlast"
naam = "Overlast"
opgave = "veilige_wijken"
"""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[schema.x.codes]\n"E35" = ["jeugd"]\n', r'schema\.x\.codes\."E35".*onbekend thema \'jeugd\''),
        ('[schema.x.codes]\n"E35" = ["overlast"]\n"E35" = ["overlast"]\n', r'regel 12: sleutel "E35"'),
        ('[schema.x.codes]\n"E35" = ["overlast"]\n"E35 " = ["overlast"]\n', r"code 'E35' staat er twee keer"),
        ('[schema.x]\ntotalen = ["0"]\n[schema.x.codes]\n"0" = ["overlast"]\n', r"is al een totaal"),
        ('[schema.x.codes]\n"E35" = []\n', r"niet-lege lijst"),
        (
            '[[thema]]\nid = "overlast"\nnaam = "Nog eens"\nopgave = "veilige_wijken"\n',
            r"id 'overlast'.*twee keer",
        ),
        ('[[thema]]\nid = "jeugd"\nnaam = "Jeugd"\nopgave = "jeugd"\n', r"onbekende opgave 'jeugd'"),
    ],
    ids=[
        "unknown-theme",
        "duplicate-key",
        "duplicate-after-strip",
        "total-and-mapped",
        "empty",
        "dup-theme",
        "bad-opgave",
    ],
)
def test_invalid_files_name_file_and_key(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "thema's.toml"
    path.write_text(BASE + body, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected) as info:
        load_taxonomy(tmp_path)
    assert str(path) in str(info.value)


def test_parse_needs_themes_and_opgaven() -> None:
    with pytest.raises(ConfigError, match=r"\[\[opgave\]\]"):
        parse_taxonomy("", "leeg.toml")
