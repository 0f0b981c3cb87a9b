"""Boundaries adapter: GeoJSON from the shared data, a GeoPackage written here, and broken inputs."""

from __future__ import annotations

import json
import sqlite3
import struct
from pathlib import Path
from typing import Any

import pytest
import shapely
from pyproj import Transformer

from ivp.lib.errors import InputError
from ivp.sources.base import ingest
from ivp.sources.geo import GeoAdapter, gpkg_wkb
from ivp.store import Batch, Store

SQUARE_LONLAT = [[4.66, 51.81], [4.67, 51.81], [4.67, 51.82], [4.66, 51.82], [4.66, 51.81]]
BOWTIE = [[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]


def _parse(path: Path) -> Batch:
    adapter = GeoAdapter()
    return adapter.parse(adapter.fetch(str(path)))


def test_dordrecht_buurten_repaired_and_valid(shared_data: Path) -> None:
    path = shared_data / "geo" / "dordrecht_buurten_2024.geojson"
    source = json.loads(path.read_text(encoding="utf-8"))
    invalid = [
        f["properties"]["statcode"]
        for f in source["features"]
        if not shapely.geometry.shape(f["geometry"]).is_valid
    ]
    assert len(invalid) == 1  # the self-touching polygon the data README warns about
    batch = _parse(path)
    regions = batch.tables["regions"].set_index("code")
    assert len(regions) == 132
    assert set(regions["level"]) == {"buurt"}
    assert set(regions["gemeente"]) == {"GM0505"}
    assert regions.loc["BU05050100", "parent"] == "WK050501"
    assert regions.loc["BU05050100", "name"] == "Nieuwe Haven en omgeving"
    shapes = {code: shapely.from_geojson(g) for code, g in regions["geometry"].items()}
    assert all(s.is_valid and s.geom_type in ("Polygon", "MultiPolygon") for s in shapes.values())
    original = shapely.geometry.shape(
        next(f for f in source["features"] if f["properties"]["statcode"] == invalid[0])["geometry"]
    )
    assert shapes[invalid[0]].area == pytest.approx(original.buffer(0).area, rel=1e-6)
    notes = batch.provenance.notes or ""
    assert "1 ongeldige vormen gerepareerd" in notes
    assert batch.provenance.period == "2024"
    assert batch.provenance.dataset == "dordrecht_buurten_2024.geojson"


def test_name_property_and_ingest(store: Store, shared_data: Path, tmp_path: Path) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"statcode": "GM0505", "name": "Dordrecht"},
             "geometry": {"type": "Polygon", "coordinates": [SQUARE_LONLAT]}},
        ],
    }  # fmt: skip
    path = tmp_path / "gemeente.geojson"
    path.write_text(json.dumps(collection))
    assert ingest(store, "geo", str(path)).action == "geladen"
    row = store.query("SELECT code, level, name, parent, gemeente FROM regions").iloc[0].tolist()
    assert row == ["GM0505", "gemeente", "Dordrecht", "NL00", "GM0505"]
    assert ingest(store, "geo", str(path)).action == "ongewijzigd"


def _gpkg_blob(geometry: shapely.Geometry, srs_id: int) -> bytes:
    minx, miny, maxx, maxy = geometry.bounds
    # magic, version 0, flags: little endian (bit 0) + envelope [minx, maxx, miny, maxy] (indicator 1)
    header = b"GP" + bytes([0, 0b0000_0011]) + struct.pack("<i", srs_id)
    return header + struct.pack("<4d", minx, maxx, miny, maxy) + bytes(shapely.to_wkb(geometry))


def _write_gpkg(path: Path, rows: list[tuple[str, str, bytes | None]], srs_id: int = 28992) -> None:
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT,
            organization_coordsys_id INTEGER, definition TEXT, description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT,
            description TEXT, last_change TEXT, min_x REAL, min_y REAL, max_x REAL, max_y REAL, srs_id INTEGER);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT,
            srs_id INTEGER, z INTEGER, m INTEGER);
        CREATE TABLE buurten (fid INTEGER PRIMARY KEY, geom BLOB, statcode TEXT, statnaam TEXT, jaar INTEGER);
        """
    )
    con.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('Amersfoort / RD New', 28992, 'EPSG', 28992, '', '')"
    )
    con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, '', '')")
    con.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('buurten', 'features', ?)",
        [srs_id],
    )
    con.execute(
        "INSERT INTO gpkg_geometry_columns VALUES ('buurten', 'geom', 'MULTIPOLYGON', ?, 0, 0)", [srs_id]
    )
    con.executemany("INSERT INTO buurten (statcode, statnaam, geom, jaar) VALUES (?, ?, ?, 2024)", rows)
    con.commit()
    con.close()


def test_geopackage_in_rd_new_becomes_wgs84(tmp_path: Path) -> None:
    to_rd = Transformer.from_crs(4326, 28992, always_xy=True)
    square_rd = shapely.Polygon([to_rd.transform(x, y) for x, y in SQUARE_LONLAT])
    bowtie_rd = shapely.Polygon([(105_000 + 100 * x, 425_000 + 100 * y) for x, y in BOWTIE])
    path = tmp_path / "buurten.gpkg"
    _write_gpkg(
        path,
        [
            ("BU05050100", "Nieuwe Haven en omgeving", _gpkg_blob(square_rd, 28992)),
            ("BU05050101", "Groenmarkt en omgeving", _gpkg_blob(bowtie_rd, 28992)),
        ],
    )
    batch = _parse(path)
    regions = batch.tables["regions"].set_index("code")
    square = shapely.from_geojson(regions.loc["BU05050100", "geometry"])
    assert square.bounds == pytest.approx((4.66, 51.81, 4.67, 51.82), abs=1e-7)
    bowtie = shapely.from_geojson(regions.loc["BU05050101", "geometry"])
    assert bowtie.is_valid
    assert bowtie.geom_type == "MultiPolygon"  # the figure eight became its two triangles
    assert regions.loc["BU05050101", "name"] == "Groenmarkt en omgeving"
    assert list(regions["valid_from"]) == [2024, 2024]
    assert "1 ongeldige vormen gerepareerd" in (batch.provenance.notes or "")
    assert "GeoPackage in EPSG:28992" in (batch.provenance.notes or "")


def test_geopackage_header_without_envelope() -> None:
    point = shapely.Point(1, 2)
    blob = b"GP\x00\x01" + struct.pack("<i", 4326) + shapely.to_wkb(point)
    wkb = gpkg_wkb(blob)
    assert wkb is not None
    assert shapely.from_wkb(wkb).equals(point)
    assert gpkg_wkb(b"GP\x00\x11" + struct.pack("<i", 4326)) is None  # empty flag


def _refused(store: Store, path: Path, code: str) -> InputError:
    with pytest.raises(InputError) as info:
        ingest(store, "geo", str(path))
    assert info.value.code == code, str(info.value)
    assert store.query("SELECT count(*) AS n FROM regions")["n"].item() == 0
    assert store.sources().empty
    return info.value


def _collection(features: list[dict[str, Any]]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features})


def _feature(props: dict[str, Any], geometry: dict[str, Any] | None) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


POLY = {"type": "Polygon", "coordinates": [SQUARE_LONLAT]}


def test_not_json(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "kapot.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [')
    _refused(store, path, "invalid_json")


def test_no_features(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "leeg.geojson"
    path.write_text(_collection([]))
    _refused(store, path, "no_features")


def test_not_a_feature_collection(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "geom.geojson"
    path.write_text(json.dumps(POLY))
    _refused(store, path, "not_a_feature_collection")


def test_feature_without_statcode_is_named(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "zonder.geojson"
    path.write_text(
        _collection([_feature({"statcode": "BU05050100"}, POLY), _feature({"statnaam": "Ergens"}, POLY)])
    )
    error = _refused(store, path, "missing_statcode")
    assert (error.record, error.field) == (1, "statcode")
    assert "feature 1" in str(error)


def test_unknown_geometry_type(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "punt.geojson"
    path.write_text(
        _collection([_feature({"statcode": "BU05050100"}, {"type": "Point", "coordinates": [4.6, 51.8]})])
    )
    error = _refused(store, path, "unknown_geometry")
    assert error.record == 0


def test_rd_coordinates_without_crs(store: Store, tmp_path: Path) -> None:
    rd = {
        "type": "Polygon",
        "coordinates": [[[105000, 425000], [105100, 425000], [105100, 425100], [105000, 425000]]],
    }
    path = tmp_path / "rd.geojson"
    path.write_text(_collection([_feature({"statcode": "BU05050100"}, rd)]))
    _refused(store, path, "unsupported_crs")


def test_duplicate_statcode(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "dubbel.geojson"
    path.write_text(_collection([_feature({"statcode": "BU05050100"}, POLY)] * 2))
    _refused(store, path, "duplicate_row")


def test_empty_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "leeg.geojson"
    path.write_bytes(b"")
    _refused(store, path, "empty_file")


def test_wkt_csv_of_an_older_division(shared_data: Path, store: Store) -> None:
    """CBS key figures with boundaries as WKT (Groningen 2017): the year comes from the file name."""
    batch = _parse(shared_data / "incidenten" / "groningen_buurten_2017.csv")
    regions = batch.tables["regions"].set_index("code")
    assert len(regions) == 108
    assert set(regions["level"]) == {"buurt"}
    assert set(regions["valid_from"]) == {2017}
    assert list(regions.loc["BU00140000", ["name", "parent", "gemeente"]]) == [
        "Binnenstad-Noord", "WK001400", "GM0014",
    ]  # fmt: skip
    shape = shapely.from_geojson(regions.loc["BU00140000", "geometry"])
    assert shape.is_valid
    assert shape.contains(shapely.Point(6.5665, 53.2205))
    assert batch.provenance.period == "2017"
    assert "csv (WKT)" in (batch.provenance.notes or "")


def test_wkt_csv_without_geometry_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "buurten_2020.csv"
    path.write_text("BU_CODE,BU_NAAM\nBU05050100,Noord\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        _parse(path)
    assert (caught.value.code, caught.value.field) == ("unknown_geometry", "geometry")
