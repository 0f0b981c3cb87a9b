"""Focus areas (aandachtsgebieden.yaml) and naming an area: parsing, errors with line and field, resolving."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import shape

from ivp.cli import main
from ivp.reports.wijkscan import events, focus
from ivp.store import Store
from ivp.workspace import Workspace
from tests.reports.wijkscan_data import build_groningen

# A rectangle over Groningen's inner city (WGS84 lon/lat).
BOX = [[6.560, 53.214], [6.580, 53.214], [6.580, 53.222], [6.560, 53.222], [6.560, 53.214]]
VALID = f"""\
aandachtsgebieden:
  - id: binnenstad
    naam: Binnenstad
    buurten: [BU00140000, BU00140001]
    toelichting: Uitgaansgebied.
  - id: kern
    naam: Kern
    polygoon: {{type: Polygon, coordinates: [{json.dumps(BOX)}]}}
  - id: getekend
    naam: Getekend gebied
    bestand: gebieden/getekend.geojson
"""


@pytest.fixture(scope="module")
def groningen_root(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    return build_groningen(tmp_path_factory.mktemp("focus") / "groningen", shared_data, thefts=False)


@pytest.fixture
def ws(groningen_root: Path) -> Iterator[Workspace]:
    path = groningen_root / focus.FILE_NAME
    drawn = groningen_root / "gebieden" / "getekend.geojson"
    yield Workspace.open(groningen_root)
    path.unlink(missing_ok=True)
    drawn.unlink(missing_ok=True)


@pytest.fixture
def store(ws: Workspace) -> Iterator[Store]:
    with Store(ws.store_path, read_only=True) as s:
        yield s


def _write(ws: Workspace, text: str) -> None:
    (ws.root / focus.FILE_NAME).write_text(text, encoding="utf-8")


def _feature_file(ws: Workspace, geometry: object) -> None:
    folder = ws.root / "gebieden"
    folder.mkdir(exist_ok=True)
    feature = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": geometry}],
    }
    (folder / "getekend.geojson").write_text(json.dumps(feature), encoding="utf-8")


def test_absent_file_means_no_focus_areas(ws: Workspace, store: Store) -> None:
    assert focus.load_focus_areas(ws, store) == ()
    kinds = {a.kind for a in focus.list_areas(ws, store)}
    assert kinds == {"gemeente", "wijk", "buurt"}


def test_valid_file_with_buurten_polygon_and_file(ws: Workspace, store: Store) -> None:
    _feature_file(ws, {"type": "Polygon", "coordinates": [BOX]})
    _write(ws, VALID)
    areas = focus.load_focus_areas(ws, store)
    assert [a.id for a in areas] == ["binnenstad", "kern", "getekend"]
    assert areas[0].buurten == ("BU00140000", "BU00140001")
    assert areas[0].geometry is None
    assert areas[0].toelichting == "Uitgaansgebied."
    assert shape(areas[1].geometry).equals(shape({"type": "Polygon", "coordinates": [BOX]}))
    assert shape(areas[2].geometry).equals(shape(areas[1].geometry))
    picked = {a.code: a for a in focus.list_areas(ws, store) if a.kind == "aandachtsgebied"}
    assert not picked["binnenstad"].polygon
    assert picked["kern"].polygon
    # The polygon's buurten are those whose inner point lies in it: checked against shapely directly.
    buurten = focus._areas(store, ws.gemeente)
    buurten = buurten[(buurten["level"] == "buurt") & buurten["geometry"].notna()]
    poly = shape({"type": "Polygon", "coordinates": [BOX]})
    expected = sorted(
        c for c, g in zip(buurten["code"], buurten["geometry"], strict=True)
        if poly.contains(shape(json.loads(g)).representative_point())
    )  # fmt: skip
    assert sorted(picked["kern"].buurten) == expected
    assert "BU00140001" in expected  # Binnenstad-Zuid lies in the box
    # The buurten area's geometry is the union of its two buurten.
    union = shapely.union_all(
        [
            shape(json.loads(g))
            for g in buurten.set_index("code").loc[["BU00140000", "BU00140001"], "geometry"]
        ]
    )
    assert shape(picked["binnenstad"].geometry).equals(union)


def _problem(ws: Workspace, store: Store, text: str) -> focus.FocusError:
    _write(ws, text)
    with pytest.raises(focus.FocusFileError) as info:
        focus.load_focus_areas(ws, store)
    assert len(info.value.problems) == 1, info.value.render()
    problem = info.value.problems[0]
    assert str(ws.root / focus.FILE_NAME) in str(info.value)
    return problem


def test_unknown_buurt_names_line_field_and_near_codes(ws: Workspace, store: Store) -> None:
    p = _problem(
        ws,
        store,
        "aandachtsgebieden:\n  - id: a\n    naam: A\n    buurten:\n      - BU00140001\n      - BU00140099\n",
    )
    assert p.code == "focus.unknown_buurt"
    assert p.line == 6
    assert p.field == "aandachtsgebieden[0].buurten"
    text = p.render()
    assert "regel 6" in text
    assert "veld 'aandachtsgebieden[0].buurten'" in text
    assert "BU00140099" in text
    assert "bedoelt u" in text
    assert "BU0014009" in text


def test_malformed_buurt_code(ws: Workspace, store: Store) -> None:
    p = _problem(ws, store, "aandachtsgebieden:\n  - id: a\n    naam: A\n    buurten: [BU001400]\n")
    assert (p.code, p.line) == ("focus.bad_buurt_code", 4)
    assert "acht cijfers" in p.render()


def test_both_buurten_and_polygon(ws: Workspace, store: Store) -> None:
    text = (
        "aandachtsgebieden:\n  - id: a\n    naam: A\n    buurten: [BU00140001]\n"
        f"    polygoon: {{type: Polygon, coordinates: [{json.dumps(BOX)}]}}\n"
    )
    p = _problem(ws, store, text)
    assert (p.code, p.line, p.field) == ("focus.two_shapes", 5, "aandachtsgebieden[0].polygoon")
    assert "kies er één" in p.render()


def test_polygon_that_is_not_a_polygon(ws: Workspace, store: Store) -> None:
    p = _problem(
        ws,
        store,
        "aandachtsgebieden:\n  - id: a\n    naam: A\n    polygoon: {type: Point, coordinates: [6.5, 53.2]}\n",
    )
    assert (p.code, p.line, p.field) == ("focus.bad_polygon", 4, "aandachtsgebieden[0].polygoon")
    assert "Point" in p.render()


def test_polygon_in_rd_is_not_wgs84(ws: Workspace, store: Store) -> None:
    rd = [[233000, 581000], [234000, 581000], [234000, 582000], [233000, 581000]]
    p = _problem(
        ws,
        store,
        f"aandachtsgebieden:\n  - id: a\n    naam: A\n    polygoon: {{type: Polygon, coordinates: [{rd}]}}\n",
    )
    assert p.code == "focus.not_wgs84"
    assert "RD" in p.render()
    assert "EPSG:4326" in p.render()


def test_self_intersecting_polygon(ws: Workspace, store: Store) -> None:
    bow = [[6.56, 53.21], [6.58, 53.22], [6.58, 53.21], [6.56, 53.22], [6.56, 53.21]]
    p = _problem(
        ws,
        store,
        f"aandachtsgebieden:\n  - id: a\n    naam: A\n    polygoon: {{type: Polygon, coordinates: [{bow}]}}\n",
    )
    assert p.code == "focus.invalid_polygon"
    assert "Self-intersection" in p.render()


def test_duplicate_id(ws: Workspace, store: Store) -> None:
    text = (
        "aandachtsgebieden:\n  - id: a\n    naam: A\n    buurten: [BU00140001]\n"
        "  - id: a\n    naam: B\n    buurten: [BU00140002]\n"
    )
    p = _problem(ws, store, text)
    assert (p.code, p.line, p.field) == ("focus.duplicate_id", 5, "aandachtsgebieden[1].id")
    assert "regel 2" in p.render()  # where the first one is


def test_missing_file(ws: Workspace, store: Store) -> None:
    p = _problem(ws, store, "aandachtsgebieden:\n  - id: a\n    naam: A\n    bestand: gebieden/weg.geojson\n")
    assert (p.code, p.line, p.field) == ("focus.missing_file", 4, "aandachtsgebieden[0].bestand")
    assert "weg.geojson" in p.render()


@pytest.mark.parametrize(
    "name", ["/etc/hostname", "../../../../etc/hostname", "gebieden/../../buiten.geojson"]
)
def test_a_file_outside_the_workspace_is_refused_without_saying_what_is_there(
    ws: Workspace, store: Store, name: str
) -> None:
    p = _problem(ws, store, f"aandachtsgebieden:\n  - id: a\n    naam: A\n    bestand: {name}\n")
    assert (p.code, p.line, p.field) == ("focus.file_outside_workspace", 4, "aandachtsgebieden[0].bestand")
    text = p.render()
    assert "niet in de werkmap" in text
    assert "GeoJSON" not in text.split("bestand")[1].split(".")[0]


def test_missing_name_and_unknown_key(ws: Workspace, store: Store) -> None:
    _write(ws, "aandachtsgebieden:\n  - id: a\n    buurt: [BU00140001]\n")
    with pytest.raises(focus.FocusFileError) as info:
        focus.load_focus_areas(ws, store)
    codes = set(info.value.codes)
    assert codes == {"focus.unknown_key", "focus.missing", "focus.no_shape"}
    assert "bedoelt u 'buurten'" in str(info.value)


def test_yaml_syntax_error_names_the_line(ws: Workspace, store: Store) -> None:
    p = _problem(ws, store, "aandachtsgebieden:\n  - id: a\n    naam: [A\n    buurten: [BU00140001]\n")
    assert p.code == "focus.yaml_syntax"
    assert p.line is not None
    assert p.line >= 3


def test_cli_shows_the_error_without_traceback(ws: Workspace) -> None:
    _write(ws, "aandachtsgebieden:\n  - id: a\n    naam: A\n    buurten: [BU00140099]\n")
    result = CliRunner().invoke(main, ["aandachtsgebieden", "--workspace", str(ws.root)])
    assert result.exit_code == 1
    assert "regel 4" in result.output
    assert "BU00140099" in result.output
    assert "Traceback" not in result.output


def test_cli_lists_focus_areas_with_buurt_names(ws: Workspace) -> None:
    _feature_file(ws, {"type": "Polygon", "coordinates": [BOX]})
    _write(ws, VALID)
    result = CliRunner().invoke(main, ["aandachtsgebieden", "--workspace", str(ws.root), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    first = data["aandachtsgebieden"][0]
    assert first["id"] == "binnenstad"
    assert first["soort"] == "buurten"
    assert first["buurten"][1] == {"code": "BU00140001", "naam": "Binnenstad-Zuid"}
    assert [a["soort"] for a in data["aandachtsgebieden"]] == ["buurten", "polygoon", "polygoon"]


# -- resolve_area ---------------------------------------------------------------------------------------


def test_resolve_codes_names_and_the_whole_city(ws: Workspace, store: Store) -> None:
    _feature_file(ws, {"type": "Polygon", "coordinates": [BOX]})
    _write(ws, VALID)
    assert focus.resolve_area(ws, store, "WK001400").naam == "Centrum"
    assert focus.resolve_area(ws, store, "bu00140001").naam == "Binnenstad-Zuid"
    assert focus.resolve_area(ws, store, "oosterparkwijk").code == "WK001404"
    assert focus.resolve_area(ws, store, "kern").kind == "aandachtsgebied"
    assert focus.resolve_area(ws, store, "Getekend Gebied").code == "getekend"
    for whole in ("", None, "Groningen", "gm0014"):
        area = focus.resolve_area(ws, store, whole)
        assert (area.kind, area.code) == ("gemeente", "GM0014")
        assert len(area.buurten) == 108


def test_resolve_unknown_lists_near_matches(ws: Workspace, store: Store) -> None:
    with pytest.raises(focus.AreaError) as info:
        focus.resolve_area(ws, store, "Oosterpark")
    assert "Onbekend gebied 'Oosterpark'" in str(info.value)
    assert "Oosterparkwijk (WK001404)" in str(info.value)


def test_resolve_ambiguous_name_lists_both(ws: Workspace, store: Store) -> None:
    _write(ws, "aandachtsgebieden:\n  - id: centrum-breed\n    naam: Centrum\n    buurten: [BU00140001]\n")
    with pytest.raises(focus.AreaError) as info:
        focus.resolve_area(ws, store, "centrum")
    text = str(info.value)
    assert "wijk Centrum (WK001400)" in text
    assert "aandachtsgebied Centrum (centrum-breed)" in text
    assert focus.resolve_area(ws, store, "centrum-breed").buurten == ("BU00140001",)


# -- in_area --------------------------------------------------------------------------------------------


def _frame(x: list[float], y: list[float], region: list[str | None]) -> pd.DataFrame:
    n = len(x)
    stamp = pd.Timestamp("2017-01-02 10:00")
    return events.check_events(
        pd.DataFrame(
            {
                "event_id": [str(i) for i in range(n)], "category": "A72", "category_label": "Diefstal Fiets",
                "begin_at": stamp, "end_at": stamp, "x_rd": x, "y_rd": y, "region": region,
                "source": "test", "dataset": "test.csv",
            }
        )
    )  # fmt: skip


def test_in_area_polygon_by_point_and_buurten_by_region(ws: Workspace, store: Store) -> None:
    _feature_file(ws, {"type": "Polygon", "coordinates": [BOX]})
    _write(ws, VALID)
    rng = np.random.default_rng(3)
    x = rng.uniform(232000, 236000, 400).tolist()
    y = rng.uniform(580000, 584000, 400).tolist()
    frame = _frame([*x, np.nan], [*y, np.nan], ["GM0014"] * 401)
    kern = focus.resolve_area(ws, store, "kern")
    got = focus.in_area(kern, frame)
    poly_rd = focus.rd_geometry(kern)
    assert poly_rd is not None
    want = np.array([poly_rd.contains(shapely.Point(a, b)) for a, b in zip(x, y, strict=True)] + [False])
    assert 10 < want.sum() < 390
    np.testing.assert_array_equal(got, want)
    # A buurt area: by region code; a coarser region falls back to the point.
    zuid = focus.resolve_area(ws, store, "BU00140001")
    frame2 = _frame([0.0, 0.0, np.nan], [0.0, 0.0, np.nan], ["BU00140001", "BU00140002", None])
    assert focus.in_area(zuid, frame2).tolist() == [True, False, False]
    wijk = focus.resolve_area(ws, store, "WK001400")
    assert focus.in_area(wijk, frame2).tolist() == [True, True, False]
    assert focus.in_area(focus.resolve_area(ws, store, ""), frame2).all()
