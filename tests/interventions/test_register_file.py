"""The register file (YAML and xlsx): what loads, what round-trips, and each problem's code, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from ivp.interventions import (
    Gebied,
    Intervention,
    InterventionFileError,
    Periode,
    dumps_interventions,
    load_interventions,
    loads_interventions,
    parse_intervention,
    validate_intervention,
    write_interventions,
)

EXAMPLE = """\
interventies:
  - id: camera-binnenstad
    naam: Cameratoezicht Binnenstad
    soort: cameratoezicht
    gebied: {buurten: [BU05050108, BU05050109]}   # or {polygoon: <GeoJSON geometry>}
    perioden: [{start: 2021-01-01, eind: 2022-12-31}]
    doelen: [1.2.3, 2.2.1]                         # crime or nuisance codes it targets
"""

FULL = """\
versie: 1
gemeente: GM0505
interventies:
  - id: alcoholverbod-station
    naam: Alcoholverbod Stationsgebied
    soort: alcoholverbod
    gebied:
      polygoon: {type: Polygon, coordinates: [[[4.66, 51.80], [4.67, 51.80], [4.67, 51.81], [4.66, 51.80]]]}
    perioden:
      - {start: 2022-01-01, eind: 2022-06-30}
      - {start: 2023-01-01}
    doelen: [E38, F010, 2.1.1]
    besluit: APV artikel 2:48, aanwijzingsbesluit 2021
    verantwoordelijke: burgemeester
    verwacht_effect: daling van 20%
    buffer_m: 300
    vergelijking: gematcht
    toelichting: "Na klachten van reizigers."
  - id: mobiele-camera
    naam: Mobiele camera
    soort: cameratoezicht_mobiel
    gebied: {punt: [4.67, 51.81], straal_m: 150}
    perioden: [{start: 2023-03-06, eind: 2023-04-30}]
    doelen: [A72]
"""

BUURTEN = ("BU05050108", "BU05050109", "BU05050110")


def test_the_example_of_the_issue_loads() -> None:
    (item,) = loads_interventions(EXAMPLE, "interventies.yaml")
    assert item == Intervention(
        id="camera-binnenstad",
        naam="Cameratoezicht Binnenstad",
        soort="cameratoezicht_vast",  # the shorthand
        gebied=Gebied(buurten=("BU05050108", "BU05050109")),
        perioden=(Periode(dt.date(2021, 1, 1), dt.date(2022, 12, 31)),),
        doelen=("1.2.3", "2.2.1"),
    )


def test_polygon_point_and_every_optional_key() -> None:
    poly, point = loads_interventions(FULL, "interventies.yaml", known_targets={"2.1.1"})
    assert poly.gebied.polygoon is not None
    assert poly.gebied.polygoon["type"] == "Polygon"
    assert poly.perioden[1] == Periode(dt.date(2023, 1, 1), None)
    assert poly.running
    assert (poly.buffer_m, poly.vergelijking, poly.verwacht_effect) == (300.0, "gematcht", "daling van 20%")
    assert point.gebied == Gebied(punt=(4.67, 51.81), straal_m=150.0)


@pytest.mark.parametrize("text", [EXAMPLE, FULL])
def test_export_reads_back_to_the_same(text: str, tmp_path: Path) -> None:
    items = loads_interventions(text)
    assert loads_interventions(dumps_interventions(items, gemeente="GM0505")) == items
    path = tmp_path / "uit" / "interventies.yaml"
    write_interventions(path, items)
    assert load_interventions(path) == items


def test_the_demo_register_loads_and_round_trips() -> None:
    path = Path(__file__).resolve().parents[2] / "src" / "ivp" / "demo" / "interventies.yaml"
    items = load_interventions(path)
    assert len(items) >= 3
    assert loads_interventions(dumps_interventions(items)) == items


def _item(**changes: str) -> str:
    fields = {
        "id": "camera-binnenstad",
        "naam": "Cameratoezicht",
        "soort": "cameratoezicht",
        "gebied": "{buurten: [BU05050108]}",
        "perioden": "[{start: 2021-01-01, eind: 2022-12-31}]",
        "doelen": "[1.2.3]",
    }
    fields.update(changes)
    body = "".join(f"    {k}: {v}\n" for k, v in fields.items() if v != "-")
    return "interventies:\n  - " + body[4:]


@pytest.mark.parametrize(
    ("changes", "code", "line", "field"),
    [
        ({"kleur": "rood"}, "interventie.unknown_key", 8, "interventies[camera-binnenstad].kleur"),
        ({"soort": "camera"}, "interventie.bad_soort", 4, "interventies[camera-binnenstad].soort"),
        ({"id": "'../etc'"}, "interventie.bad_id", 2, "interventies[../etc].id"),
        ({"id": "'<script>'"}, "interventie.bad_id", 2, "interventies[<script>].id"),
        ({"naam": "-"}, "interventie.missing", 2, "interventies[camera-binnenstad].naam"),
        (
            {"perioden": "[{start: 2022-01-01, eind: 2021-12-31}]"},
            "interventie.bad_period",
            6,
            "interventies[camera-binnenstad].perioden[1].eind",
        ),
        ({"perioden": "[]"}, "interventie.bad_period", 6, "interventies[camera-binnenstad].perioden"),
        ({"perioden": "[{start: 2022-02-30}]"}, "interventie.bad_date", 6, None),
        (
            {"perioden": "[{start: 2021-01-01}, {start: 2022-01-01, eind: 2022-02-01}]"},
            "interventie.overlap",
            6,
            "interventies[camera-binnenstad].perioden[2]",
        ),
        ({"gebied": "{}"}, "interventie.bad_area", 5, "interventies[camera-binnenstad].gebied"),
        ({"gebied": "{buurten: [BU05050108], punt: [4.6, 51.8]}"}, "interventie.bad_area", 5, None),
        ({"gebied": "{punt: [51.8, 4.6], straal_m: 100}"}, "interventie.bad_area", 5, None),
        ({"gebied": "{punt: [4.6, 51.8], straal_m: 9000}"}, "interventie.bad_number", 5, None),
        ({"gebied": "{punt: [4.6, 51.8]}"}, "interventie.bad_area", 5, None),
        ({"gebied": "{polygoon: {type: Polygon, coordinates: [[1, 2]]}}"}, "interventie.bad_area", 5, None),
        ({"gebied": "{polygoon: 'garbage{'}"}, "interventie.bad_area", 5, None),
        (
            {
                "gebied": "{polygoon: {type: Polygon, coordinates: [[[100000, 420000], [100100, 420000], [100000, 420100], [100000, 420000]]]}}"
            },
            "interventie.bad_area",
            5,
            None,
        ),
        ({"gebied": "{buurten: [BU0505010]}"}, "interventie.bad_buurt", 5, None),
        ({"gebied": "{buurten: [BU05050199]}"}, "interventie.unknown_buurt", 5, None),
        ({"doelen": "[X]"}, "interventie.bad_target", 7, "interventies[camera-binnenstad].doelen[1]"),
        ({"doelen": "[9.9.9]"}, "interventie.unknown_target", 7, None),
        ({"doelen": "[]"}, "interventie.bad_target", 7, None),
        ({"buffer_m": "10"}, "interventie.bad_number", 8, "interventies[camera-binnenstad].buffer_m"),
        ({"vergelijking": "beste"}, "interventie.bad_value", 8, None),
    ],
)
def test_each_problem_names_code_line_and_field(
    changes: dict[str, str], code: str, line: int, field: str | None
) -> None:
    with pytest.raises(InterventionFileError) as info:
        loads_interventions(_item(**changes), "interventies.yaml", BUURTEN, {"1.2.3", "1.2.4"})
    problem = info.value.problems[0]
    assert (problem.code, problem.line) == (code, line), str(info.value)
    if field is not None:
        assert problem.field == field
    assert problem.hint
    assert str(info.value).startswith("interventies.yaml is niet ingelezen")
    assert f"interventies.yaml:regel {line}" in str(info.value)
    assert "Oplossing:" in str(info.value)


def test_unknown_buurt_says_did_you_mean() -> None:
    with pytest.raises(InterventionFileError) as info:
        loads_interventions(_item(gebied="{buurten: [BU05050119]}"), "x.yaml", BUURTEN)
    (problem,) = info.value.problems
    assert problem.code == "interventie.unknown_buurt"
    assert problem.hint is not None
    assert problem.hint.startswith("bedoelt u BU05050")


def test_all_problems_are_collected_and_nothing_returned() -> None:
    text = (
        _item(soort="camera", doelen="[X]", kleur="rood")
        + _item(id="camera-binnenstad")[len("interventies:\n") :]
    )
    with pytest.raises(InterventionFileError) as info:
        loads_interventions(text, "x.yaml")
    assert set(info.value.codes) == {
        "interventie.bad_soort",
        "interventie.bad_target",
        "interventie.unknown_key",
        "interventie.duplicate_id",
    }
    lines = [p.line or 0 for p in info.value.problems]
    assert lines == sorted(lines)


def test_yaml_syntax_duplicate_key_and_wrong_top() -> None:
    with pytest.raises(InterventionFileError) as info:
        loads_interventions("interventies: [\n", "x.yaml")
    assert info.value.codes == ("interventie.yaml_syntax",)
    with pytest.raises(InterventionFileError) as info:
        loads_interventions(_item(naam="A") + "    naam: B\n", "x.yaml")
    assert info.value.codes == ("interventie.duplicate_key",)
    assert info.value.problems[0].line == 8
    with pytest.raises(InterventionFileError) as info:
        loads_interventions("versie: 2\ninterventies: []\n", "x.yaml")
    assert info.value.codes == ("interventie.bad_version",)
    with pytest.raises(InterventionFileError) as info:
        loads_interventions("plan: {}\n", "x.yaml")
    assert info.value.codes == ("interventie.schema",)
    assert loads_interventions("", "x.yaml") == ()


def test_a_mapping_from_a_form_and_a_built_item_use_the_same_rules() -> None:
    with pytest.raises(InterventionFileError) as info:
        parse_intervention(
            {
                "id": "x",
                "naam": "X",
                "soort": "wbmgp",
                "gebied": {"polygoon": "{not json"},
                "perioden": [{"start": "2021-01-01"}],
                "doelen": ["E35"],
            }
        )
    assert info.value.problems[0].field == "gebied.polygoon"
    (item,) = loads_interventions(EXAMPLE)
    assert validate_intervention(item) == item


# -- xlsx --------------------------------------------------------------------------------------------

HEADER = [
    "id",
    "naam",
    "soort",
    "buurten",
    "polygoon",
    "punt_lon",
    "punt_lat",
    "straal_m",
    "start",
    "eind",
    "doelen",
]


def _workbook(path: Path, rows: list[list[object]], sheet: str = "interventies") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_xlsx_rows_with_one_id_are_its_periods(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "interventies.xlsx",
        [
            [
                "camera-binnenstad",
                "Cameratoezicht Binnenstad",
                "cameratoezicht",
                "BU05050108, BU05050109",
                None,
                None,
                None,
                None,
                dt.datetime(2021, 1, 1),
                dt.datetime(2022, 12, 31),
                "1.2.3, 2.2.1",
            ],
            [
                "mobiel",
                "Mobiele camera",
                "cameratoezicht_mobiel",
                None,
                None,
                4.67,
                51.81,
                150,
                "2023-03-06",
                "2023-04-30",
                "A72",
            ],
            [
                "mobiel",
                "Mobiele camera",
                "cameratoezicht_mobiel",
                None,
                None,
                4.67,
                51.81,
                150,
                "2023-10-02",
                None,
                "A72",
            ],
        ],
    )
    camera, mobiel = load_interventions(path)
    assert camera == loads_interventions(EXAMPLE)[0]
    assert mobiel.perioden == (
        Periode(dt.date(2023, 3, 6), dt.date(2023, 4, 30)),
        Periode(dt.date(2023, 10, 2), None),
    )
    assert mobiel.gebied == Gebied(punt=(4.67, 51.81), straal_m=150.0)
    assert loads_interventions(dumps_interventions((camera, mobiel))) == (camera, mobiel)


def test_xlsx_problems_name_the_row_and_the_cell(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "interventies.xlsx",
        [
            [
                "mobiel",
                "Mobiele camera",
                "cameratoezicht_mobiel",
                None,
                None,
                4.67,
                51.81,
                150,
                "2023-03-06",
                "2023-04-30",
                "A72",
            ],
            [
                "mobiel",
                "Andere naam",
                "cameratoezicht_mobiel",
                None,
                None,
                4.67,
                51.81,
                150,
                "2023-10-02",
                None,
                "A72",
            ],
            ["bad", "Slecht", "camera", None, '{"type": "Point"}', None, None, None, "2023-01-01", None, "X"],
        ],
    )
    with pytest.raises(InterventionFileError) as info:
        load_interventions(path)
    by_code = {p.code: p for p in info.value.problems}
    assert by_code["interventie.inconsistent_rows"].line == 3
    assert by_code["interventie.inconsistent_rows"].field == "naam (interventies!B3)"
    assert by_code["interventie.bad_soort"].field == "soort (interventies!C4)"
    assert by_code["interventie.bad_area"].field == "polygoon (interventies!E4)"
    assert by_code["interventie.bad_target"].field == "doelen (interventies!K4)"
    assert "interventies.xlsx:regel 4, veld 'soort (interventies!C4)'" in str(info.value)


def test_xlsx_without_the_sheet_or_a_column(tmp_path: Path) -> None:
    with pytest.raises(InterventionFileError) as info:
        load_interventions(_workbook(tmp_path / "a.xlsx", [], sheet="Blad1"))
    assert info.value.codes == ("interventie.schema",)
    assert "Blad1" in str(info.value)
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "interventies"
    ws.append(["id", "naam", "kleur"])
    book.save(tmp_path / "b.xlsx")
    with pytest.raises(InterventionFileError) as info:
        load_interventions(tmp_path / "b.xlsx")
    assert "interventie.unknown_key" in info.value.codes
    assert info.value.codes.count("interventie.missing") == 3  # soort, start, doelen


def test_other_file_types_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "interventies.csv"
    path.write_text("id\n", encoding="utf-8")
    with pytest.raises(InterventionFileError) as info:
        load_interventions(path)
    assert info.value.codes == ("interventie.bad_file_type",)
