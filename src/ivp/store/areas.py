"""Typed reads of areas (gemeenten, wijken, buurten): the one place where their SQL lives.

One code can be described by several datasets: the CBS table gives names and hierarchy, a boundary file the
geometry, and a boundary file of another year's division a second geometry with its own validity. The
functions here return **one row per code** (:func:`areas`) or one row per code and division
(:func:`boundaries`), never one row per dataset, so a list of buurten shows each buurt once.

Columns of :func:`areas` and :func:`region_index` (:data:`AREA_COLUMNS`, in this order):
``code`` (str), ``level`` (str: 'land', 'gemeente', 'wijk', 'buurt', ...), ``name`` (str), ``parent``
(str or None), ``gemeente`` (str or None), ``valid_from`` / ``valid_to`` (Int64, the first and last year of
the divisions the code is loaded for; NULL = unknown / open), ``latest`` (Int64, the newest division year
the code is loaded for; NULL when a dataset gives no year), ``geometry`` (GeoJSON text in WGS84 or None).
Per code the name comes from the newest division (largest ``valid_from``, undated counts as newest), a CBS
table before a boundary file; the geometry from the newest division that has one.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ivp.store.db import Store

AREA_COLUMNS = (
    "code", "level", "name", "parent", "gemeente", "valid_from", "valid_to", "latest", "geometry",
)  # fmt: skip
#: Columns of :func:`boundaries`: one row per code and division year that has a geometry.
BOUNDARY_COLUMNS = ("code", "level", "name", "parent", "gemeente", "valid_from", "valid_to", "geometry")

# Newest division first: undated rows (valid_from NULL) count as the newest, CBS tables before boundary files.
_ORDER = "valid_from IS NOT NULL, valid_from DESC, source_id <> 'cbs', dataset"


def _ranked(where: str) -> str:
    """Rows of ``regions`` matching ``where``, with their rank per code (1 = newest, CBS first)."""
    return (
        "SELECT *, row_number() OVER (PARTITION BY code ORDER BY "
        f"{_ORDER}) AS name_rank, row_number() OVER (PARTITION BY code ORDER BY geometry IS NULL, "
        f"{_ORDER}) AS geometry_rank FROM regions WHERE {where}"
    )


def _areas(store: Store, where: str, params: list[object]) -> pd.DataFrame:
    sql = f"""
        WITH ranked AS ({_ranked(where)})
        SELECT n.code, n.level, n.name, n.parent, n.gemeente, s.valid_from, s.valid_to, s.latest,
               g.geometry
        FROM ranked n
        JOIN (SELECT code, min(valid_from) AS valid_from, max(valid_from) AS latest,
                     CASE WHEN bool_or(valid_to IS NULL) THEN NULL ELSE max(valid_to) END AS valid_to
              FROM ranked GROUP BY code) s ON s.code = n.code
        LEFT JOIN ranked g ON g.code = n.code AND g.geometry_rank = 1 AND g.geometry IS NOT NULL
        WHERE n.name_rank = 1
        ORDER BY n.code
    """
    frame = store.query(sql, params)
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[[c for c in AREA_COLUMNS if c in frame.columns]].copy()
    for column in ("valid_from", "valid_to", "latest"):
        if column not in frame.columns:
            continue
        frame[column] = frame[column].astype("Int64")
    for column in [c for c in ("code", "level", "name", "parent", "gemeente", "geometry") if c in frame]:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame.reset_index(drop=True)


def areas(store: Store, gemeente: str, levels: Sequence[str] = ("gemeente", "wijk", "buurt")) -> pd.DataFrame:
    """The areas of municipality ``gemeente`` (itself included when 'gemeente' is in ``levels``).

    One row per code (:data:`AREA_COLUMNS`), ordered by code.
    """
    marks = ", ".join("?" for _l in levels) or "NULL"
    return _areas(store, f"(gemeente = ? OR code = ?) AND level IN ({marks})", [gemeente, gemeente, *levels])


def region_index(store: Store) -> pd.DataFrame:
    """Every loaded region at the levels gemeente, wijk and buurt, one row per code (:data:`AREA_COLUMNS`).

    What the region resolver of the source adapters works from.
    """
    return _areas(store, "level IN ('gemeente', 'wijk', 'buurt')", [])


def boundaries(store: Store) -> pd.DataFrame:
    """Every loaded geometry of a gemeente, wijk or buurt, one row per code and division year.

    Columns :data:`BOUNDARY_COLUMNS`; a code loaded with a geometry from two datasets of the same
    division year (``valid_from``) appears once (the first by dataset name).
    """
    sql = """
        SELECT code, level, name, parent, gemeente, valid_from, valid_to, geometry FROM (
            SELECT *, row_number() OVER (PARTITION BY code, valid_from ORDER BY dataset) AS rank
            FROM regions
            WHERE geometry IS NOT NULL AND level IN ('gemeente', 'wijk', 'buurt')
        ) WHERE rank = 1 ORDER BY code, valid_from
    """
    return _typed(store.query(sql))


#: Columns of :func:`area_names`.
NAME_COLUMNS = ("code", "level", "name", "parent", "gemeente")


def area_names(store: Store) -> pd.DataFrame:
    """Every (code, name) pair loaded for a gemeente, wijk or buurt, over all divisions and datasets.

    Columns :data:`NAME_COLUMNS`: a code renamed between two divisions is found under either name.
    """
    sql = (
        "SELECT DISTINCT code, level, name, parent, gemeente FROM regions "
        "WHERE name IS NOT NULL AND level IN ('gemeente', 'wijk', 'buurt') ORDER BY code, name"
    )
    return _typed(store.query(sql))


def municipality_name(store: Store, code: str) -> str | None:
    """The loaded name of municipality ``code`` ('GM0599' -> 'Rotterdam'), or None when none is loaded."""
    frame = store.query(
        f"WITH ranked AS ({_ranked('code = ? AND name IS NOT NULL')}) "
        "SELECT name FROM ranked WHERE name_rank = 1",
        [code.strip().upper()],
    )
    if frame.empty:
        return None
    name = str(frame["name"].iloc[0]).strip()
    return name or None
