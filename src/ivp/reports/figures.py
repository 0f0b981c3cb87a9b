"""The figures table: registered counts per crime type and year, straight from the store."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from ivp.store import Store

Level = Literal["gemeente", "wijk", "buurt"]

MEASURE_CRIME = "geregistreerde_misdrijven"


def figures_table(store: Store, gemeente: str, level: Level = "gemeente") -> pd.DataFrame:
    """Return counts per region, crime type and year, with status and inhabitants.

    Columns: ``regio``, ``regio_naam``, ``soort_code``, ``soort``, ``jaar``, ``aantal``, ``status``,
    ``inwoners``. For ``level='gemeente'`` only the municipality's own rows; for wijk/buurt every area of
    that level inside the municipality. Rows are exactly as loaded (no sums are made here).
    """
    where = "o.region = ?" if level == "gemeente" else "r.level = ? AND r.gemeente = ?"
    params: list[object] = [gemeente] if level == "gemeente" else [level, gemeente]
    return store.query(
        f"""
        SELECT o.region AS regio,
               coalesce(r.name, o.region) AS regio_naam,
               o.category AS soort_code,
               coalesce(c.title, o.category) AS soort,
               o.year AS jaar,
               o.value AS aantal,
               o.status AS status,
               p.value AS inwoners
        FROM observations o
        LEFT JOIN region_current r ON r.code = o.region
        LEFT JOIN (SELECT scheme, code, any_value(title) AS title FROM categories GROUP BY scheme, code) c
               ON c.scheme = o.scheme AND c.code = o.category
        LEFT JOIN (SELECT region, year, any_value(value) AS value FROM population GROUP BY region, year) p
               ON p.region = o.region AND p.year = o.year
        WHERE o.measure = '{MEASURE_CRIME}' AND o.grain = 'jaar' AND {where}
        ORDER BY o.region, o.category, o.year
        """,
        params,
    )
