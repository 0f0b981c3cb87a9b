"""Boundaries of municipalities, districts and neighbourhoods: GeoJSON or GeoPackage, output WGS84.

Accepted shapes (docs/sources.md, section Grenzen): a GeoJSON FeatureCollection, or a GeoPackage with a
feature table; each feature has the CBS code in ``statcode`` and a name in ``statnaam`` or ``name``, and a
Polygon or MultiPolygon geometry. Coordinates in EPSG:4326 or EPSG:28992 (RD New) are turned into WGS84.
Invalid polygons are repaired with ``shapely.make_valid`` (polygonal parts kept) and counted in the
provenance notes.
"""

from __future__ import annotations

import re
import sqlite3
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ivp.lib.errors import InputError
from ivp.lib.i18n import _
from ivp.sources._common import check_pattern, check_unique, load_json, region_frame
from ivp.sources.base import Raw, fetch_file, register
from ivp.store import Batch, Provenance

PUBLISHER = "CBS / PDOK (wijk- en buurtkaart)"
LICENCE = "CC BY 4.0"
WGS84 = 4326
RD_NEW = 28992
SUPPORTED_EPSG = (WGS84, RD_NEW)
CODE_PATTERN = r"[A-Z]{2}[0-9A-Z]+"
NAME_KEYS = ("statnaam", "name", "naam")
POLYGONAL = ("Polygon", "MultiPolygon")
GPKG_MAGIC = b"SQLite format 3\x00"


@dataclass
class _Feature:
    code: str
    name: str
    geometry: BaseGeometry | None
    year: int | None


@register
class GeoAdapter:
    """Boundary files (GeoJSON, GeoPackage) into ``regions`` with WGS84 GeoJSON geometry."""

    id = "geo"
    title = "Grenzen (GeoJSON/GeoPackage)"

    def fetch(self, location: str | None, *, dataset: str | None = None) -> Raw:
        """Read the boundary file."""
        return fetch_file(location, dataset=dataset, example="ivp ingest geo buurten.geojson")

    def parse(self, raw: Raw) -> Batch:
        """Validate the features, transform to WGS84, repair, and derive the region hierarchy."""
        (name, data), *_rest = sorted(raw.files.items())
        file = raw.origin
        if data.startswith(GPKG_MAGIC):
            features, epsg = _read_geopackage(data, file)
            kind = "GeoPackage"
        elif name.lower().endswith((".csv", ".tsv", ".txt")):
            features, epsg = _read_wkt_csv(data, file, name)
            kind = "csv (WKT)"
        else:
            features, epsg = _read_geojson(data, file)
            kind = "GeoJSON"
        if epsg != WGS84:
            _to_wgs84(features, epsg)
        _check_lonlat(features, file, epsg)
        repaired = _repair(features, file)
        codes = pd.Series([f.code for f in features])
        check_pattern(codes, CODE_PATTERN, file, "statcode", "BU05050100")
        check_unique(pd.DataFrame({"statcode": codes}), ["statcode"], file)
        regions = region_frame(codes, pd.Series([f.name for f in features]))
        regions["geometry"] = pd.Series(
            [shapely.to_geojson(f.geometry) if f.geometry is not None else None for f in features],
            dtype=object,
        )
        regions["valid_from"] = pd.Series([f.year for f in features], dtype="Int64")
        levels = regions["level"].value_counts()
        years = sorted({f.year for f in features if f.year is not None})
        notes = _(
            "{n} gebieden ({levels}) uit {kind} in EPSG:{epsg}; opgeslagen in WGS84; "
            "{k} ongeldige vormen gerepareerd met make_valid."
        ).format(
            n=len(features),
            levels=", ".join(f"{count} {level}" for level, count in levels.items()),
            kind=kind,
            epsg=epsg,
            k=repaired,
        )
        batch = Batch(
            Provenance(
                source_id=self.id,
                dataset=raw.dataset or name,
                title=_("Grenzen: {name}").format(name=name),
                publisher=PUBLISHER,
                licence=LICENCE,
                origin=raw.origin,
                file_hash=raw.file_hash(),
                retrieved_at=raw.retrieved_at,
                period=str(years[0]) if len(years) == 1 else (f"{years[0]}-{years[-1]}" if years else None),
                notes=notes,
            ),
            {"regions": regions},
        )
        batch.validate_shape()
        return batch


# -- GeoJSON -----------------------------------------------------------------------------------------


def _epsg_from_name(name: str, file: str) -> int:
    match = re.search(r"(?:EPSG|CRS)[:]*(\d+)$", name.replace("::", ":"), flags=re.IGNORECASE)
    epsg = int(match.group(1)) if match else None
    if epsg == 84:  # urn:ogc:def:crs:OGC:1.3:CRS84 is WGS84 in lon/lat order
        epsg = WGS84
    if epsg not in SUPPORTED_EPSG:
        raise InputError(
            code="unsupported_crs",
            message=_("coördinatenstelsel '{name}' wordt niet ondersteund.").format(name=name),
            file=file,
            field="crs",
            hint=_("lever WGS84 (EPSG:4326) of RD New (EPSG:28992)."),
        )
    return int(epsg)


def _read_geojson(data: bytes, file: str) -> tuple[list[_Feature], int]:
    value = load_json(data, file)
    if not isinstance(value, dict) or value.get("type") != "FeatureCollection":
        raise InputError(
            code="not_a_feature_collection",
            message=_("verwacht een GeoJSON FeatureCollection."),
            file=file,
            field="type",
            hint=_("exporteer de grenzen als GeoJSON (FeatureCollection)."),
        )
    raw_features = value.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        raise InputError(
            code="no_features",
            message=_("het bestand bevat geen features."),
            file=file,
            field="features",
            hint=_("exporteer de grenzen opnieuw, met gebieden."),
        )
    crs = value.get("crs")
    epsg = WGS84
    if isinstance(crs, dict):
        epsg = _epsg_from_name(str((crs.get("properties") or {}).get("name", "")), file)
    features: list[_Feature] = []
    for index, feature in enumerate(raw_features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        code = props.get("statcode")
        if not isinstance(code, str) or not code.strip():
            raise InputError(
                code="missing_statcode",
                message=_("feature {index} heeft geen 'statcode'.").format(index=index),
                file=file,
                record=index,
                field="statcode",
                hint=_("elke feature heeft een CBS-code nodig in properties.statcode, bv. BU05050100."),
            )
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        shape = None
        if geometry is not None:
            kind = geometry.get("type") if isinstance(geometry, dict) else None
            if kind not in POLYGONAL:
                raise _unknown_geometry(kind, file, index)
            try:
                shape = shapely.geometry.shape(geometry)
            except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError):
                raise InputError(
                    code="invalid_geometry",
                    message=_("de geometrie van feature {index} is onleesbaar.").format(index=index),
                    file=file,
                    record=index,
                    field="geometry",
                    hint=_("controleer de coördinaten van deze feature."),
                ) from None
        features.append(_Feature(code.strip(), _name(props, code), shape, _year(props)))
    return features, epsg


def _name(props: dict[str, Any], code: str) -> str:
    for key in NAME_KEYS:
        value = props.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return code.strip()


def _year(props: dict[str, Any]) -> int | None:
    """The year of the division, from ``jrstatcode`` ('2024BU05050100') or ``jaar``."""
    match = re.match(r"(\d{4})", str(props.get("jrstatcode") or props.get("jaar") or ""))
    return int(match.group(1)) if match else None


def _unknown_geometry(kind: object, file: str, index: int | str) -> InputError:
    return InputError(
        code="unknown_geometry",
        message=_(
            "feature {index} heeft geometrietype '{kind}'; alleen vlakken kunnen een gebied zijn."
        ).format(index=index, kind=kind),
        file=file,
        record=index,
        field="geometry",
        hint=_("lever Polygon of MultiPolygon."),
    )


# -- csv with WKT geometry ---------------------------------------------------------------------------

#: Code and name columns of a CBS key-figure csv with boundaries, most detailed first.
CSV_CODE_COLUMNS = (("statcode", "statnaam"), ("bu_code", "bu_naam"), ("wk_code", "wk_naam"),
                    ("gm_code", "gm_naam"))  # fmt: skip
CSV_GEOMETRY_COLUMNS = ("geometry", "wkt", "geom")


def _read_wkt_csv(data: bytes, file: str, name: str) -> tuple[list[_Feature], int]:
    """A csv with one area per row: a code column, a name column and the boundary as WKT.

    The shape of CBS's key-figure files with boundaries (``BU_CODE``, ``BU_NAAM``, ``geometry``). The year
    of the division comes from a ``jaar``/``jrstatcode`` column, else from a year in the file name
    (``groningen_buurten_2017.csv``). Coordinates in WGS84, or in the EPSG code of an ``epsg`` column.
    """
    import io

    from ivp.sources._common import decode_text

    text, _encoding = decode_text(data, file)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(
            code="invalid_csv",
            message=_("het csv-bestand is niet te lezen: {error}.").format(error=exc),
            file=file,
            hint=_("controleer het scheidingsteken en de aanhalingstekens."),
        ) from None
    columns = {str(c).strip().lower(): str(c) for c in frame.columns}
    pair = next(((c, n) for c, n in CSV_CODE_COLUMNS if c in columns), None)
    geometry_col = next((columns[g] for g in CSV_GEOMETRY_COLUMNS if g in columns), None)
    if pair is None or geometry_col is None:
        raise InputError(
            code="missing_statcode" if pair is None else "unknown_geometry",
            message=_("kolom voor code of geometrie ontbreekt; gevonden: {found}.").format(
                found=", ".join(str(c) for c in frame.columns)
            ),
            file=file,
            record=1,
            field="statcode" if pair is None else "geometry",
            hint=_("geef een kolom statcode (of BU_CODE, WK_CODE, GM_CODE) en een kolom geometry (WKT)."),
        )
    code_col, name_col = columns[pair[0]], columns.get(pair[1])
    year_col = columns.get("jrstatcode") or columns.get("jaar")
    file_year = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", name)
    epsg = WGS84
    if "epsg" in columns:
        values = {v.strip() for v in frame[columns["epsg"]] if v.strip()}
        epsg = _epsg_from_name(f"EPSG:{sorted(values)[0]}", file) if values else WGS84
    features: list[_Feature] = []
    for index, row in enumerate(frame.itertuples(index=False), start=2):
        record = dict(zip(frame.columns, row, strict=True))
        code = str(record[code_col]).strip()
        if not code:
            raise InputError(
                code="missing_statcode",
                message=_("regel {index} heeft geen code.").format(index=index),
                file=file,
                record=index,
                field=code_col,
                hint=_("elke regel heeft een CBS-code nodig, bv. BU05050100."),
            )
        wkt = str(record[geometry_col]).strip()
        shape = None
        if wkt:
            try:
                shape = shapely.from_wkt(wkt)
            except shapely.errors.ShapelyError:
                raise InputError(
                    code="invalid_geometry",
                    message=_("de geometrie op regel {index} is geen leesbare WKT.").format(index=index),
                    file=file,
                    record=index,
                    field=geometry_col,
                    hint=_("controleer de coördinaten op deze regel."),
                ) from None
            if shape.geom_type not in POLYGONAL:
                raise _unknown_geometry(shape.geom_type, file, index)
        year = _year({"jaar": record[year_col]}) if year_col else None
        if year is None and file_year:
            year = int(file_year.group(1))
        label = str(record[name_col]).strip() if name_col else ""
        features.append(_Feature(code, label or code, shape, year))
    return features, epsg


# -- GeoPackage --------------------------------------------------------------------------------------

# Envelope size in bytes by the 3-bit envelope indicator of the GeoPackage binary header.
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def gpkg_wkb(blob: bytes) -> bytes | None:
    """Strip the GeoPackage binary header ("GP", version, flags, srs id, envelope); None if empty."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    flags = blob[3]
    if flags & 0b0001_0000:  # empty geometry
        return None
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ValueError("bad envelope indicator")
    return blob[8 + envelope :]


def _read_geopackage(data: bytes, file: str) -> tuple[list[_Feature], int]:
    con = sqlite3.connect(":memory:")
    try:
        try:
            con.deserialize(data)
            tables = con.execute(
                "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c "
                "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
                "WHERE c.data_type = 'features' ORDER BY c.table_name"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise InputError(
                code="invalid_geopackage",
                message=_("geen geldige GeoPackage: {error}.").format(error=exc),
                file=file,
                hint=_("exporteer de grenzen opnieuw als GeoPackage of GeoJSON."),
            ) from None
        for table, column, srs_id in tables:
            names = [row[1] for row in con.execute(f'PRAGMA table_info("{table}")')]
            if "statcode" in names:
                return _gpkg_features(con, file, table, column, names), _gpkg_epsg(con, srs_id, file)
        raise InputError(
            code="no_features" if not tables else "missing_statcode",
            message=_("geen featuretabel met een kolom 'statcode' gevonden."),
            file=file,
            field="statcode",
            hint=_("de GeoPackage moet een laag met CBS-codes in kolom 'statcode' hebben."),
        )
    finally:
        con.close()


def _gpkg_epsg(con: sqlite3.Connection, srs_id: int, file: str) -> int:
    row = con.execute(
        "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?", [srs_id]
    ).fetchone()
    name = f"{row[0]}:{row[1]}" if row else f"EPSG:{srs_id}"
    return _epsg_from_name(name, file)


def _gpkg_features(
    con: sqlite3.Connection, file: str, table: str, column: str, names: list[str]
) -> list[_Feature]:
    name_col = next((n for n in NAME_KEYS if n in names), "statcode")
    year_col = "jrstatcode" if "jrstatcode" in names else ("jaar" if "jaar" in names else None)
    select = f'SELECT statcode, "{name_col}", "{column}"' + (f', "{year_col}"' if year_col else "")
    rows = con.execute(f'{select} FROM "{table}"').fetchall()
    if not rows:
        raise InputError(
            code="no_features",
            message=_("de laag '{table}' bevat geen features.").format(table=table),
            file=file,
            hint=_("exporteer de grenzen opnieuw, met gebieden."),
        )
    features: list[_Feature] = []
    for index, row in enumerate(rows):
        code, name, blob = row[0], row[1], row[2]
        if not isinstance(code, str) or not code.strip():
            raise InputError(
                code="missing_statcode",
                message=_("feature {index} heeft geen 'statcode'.").format(index=index),
                file=file,
                record=index,
                field="statcode",
                hint=_("elke feature heeft een CBS-code nodig in kolom statcode, bv. BU05050100."),
            )
        shape = None
        if blob is not None:
            try:
                wkb = gpkg_wkb(bytes(blob))
                shape = shapely.from_wkb(wkb) if wkb is not None else None
            except (ValueError, struct.error, shapely.errors.ShapelyError):
                raise InputError(
                    code="invalid_geometry",
                    message=_("de geometrie van feature {index} is onleesbaar.").format(index=index),
                    file=file,
                    record=index,
                    field=column,
                    hint=_("exporteer de grenzen opnieuw."),
                ) from None
            if shape is not None and shape.geom_type not in POLYGONAL:
                raise _unknown_geometry(shape.geom_type, file, index)
        year = _year({"jaar": row[3]}) if year_col else None
        features.append(_Feature(code.strip(), str(name).strip() if name else code.strip(), shape, year))
    return features


# -- geometry ----------------------------------------------------------------------------------------


def _to_wgs84(features: list[_Feature], epsg: int) -> None:
    from pyproj import Transformer

    transformer = Transformer.from_crs(epsg, WGS84, always_xy=True)

    def project(coords: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    func: Callable[[np.ndarray[Any, Any]], np.ndarray[Any, Any]] = project
    for feature in features:
        if feature.geometry is not None:
            feature.geometry = shapely.transform(feature.geometry, func)


def _check_lonlat(features: list[_Feature], file: str, epsg: int) -> None:
    """Refuse coordinates that cannot be longitude/latitude (e.g. RD metres without a ``crs`` member)."""
    shapes = [f.geometry for f in features if f.geometry is not None]
    if not shapes:
        return
    xmin, ymin, xmax, ymax = shapely.total_bounds(shapes)
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        raise InputError(
            code="unsupported_crs",
            message=_(
                "de coördinaten zijn geen lengte/breedte (EPSG:{epsg}): x tot {x:.0f}, y tot {y:.0f}."
            ).format(epsg=epsg, x=xmax, y=ymax),
            file=file,
            field="crs",
            hint=_("geef het coördinatenstelsel op in het bestand (crs, bv. EPSG:28992) of lever WGS84."),
        )


def _repair(features: list[_Feature], file: str) -> int:
    """Make invalid polygons valid, keeping only polygonal parts; return how many were repaired."""
    repaired = 0
    for index, feature in enumerate(features):
        geometry = feature.geometry
        if geometry is None or geometry.is_valid:
            continue
        fixed = shapely.make_valid(geometry)
        if fixed.geom_type == "GeometryCollection":
            parts = [g for g in shapely.get_parts(fixed) if g.geom_type in POLYGONAL]
            fixed = shapely.union_all(parts) if parts else shapely.Polygon()
        if fixed.is_empty or fixed.geom_type not in POLYGONAL:
            raise InputError(
                code="invalid_geometry",
                message=_("de vorm van {code} is ongeldig en niet te repareren tot een vlak.").format(
                    code=feature.code
                ),
                file=file,
                record=index,
                field="geometry",
                hint=_("controleer de coördinaten van dit gebied."),
            )
        feature.geometry = fixed
        repaired += 1
    return repaired
