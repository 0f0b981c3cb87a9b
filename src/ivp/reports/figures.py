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
    ``inwoners``, ``inwoners_jaar``. For ``level='gemeente'`` only the municipality's own rows; for
    wijk/buurt every area of that level inside the municipality. Rows are exactly as loaded (no sums are
    made here). The codes ``GM0000``/``WK000000``/``BU00000000`` ("unknown") have level 'onbekend', so
    they never appear here and are never used as a total.

    ``inwoners`` is the population of the same year when loaded, else of the nearest loaded year (the
    later one on a tie): CBS publishes buurt populations for one year per table (85984NED: 2024), and
    ``inwoners_jaar`` says which year was used.
    """
    where = "o.region = ?" if level == "gemeente" else "r.level = ? AND r.gemeente = ?"
    params: list[object] = [gemeente] if level == "gemeente" else [level, gemeente]
    return store.query(
        f"""
        WITH obs AS (
            SELECT o.* FROM observations o
            LEFT JOIN region_current r ON r.code = o.region
            WHERE o.measure = '{MEASURE_CRIME}' AND o.grain = 'jaar' AND {where}
        ),
        pop AS (
            SELECT region, year, arg_min(value, dataset) AS value FROM population GROUP BY region, year
        ),
        nearest AS (
            SELECT k.region, k.year, p.value, p.year AS pop_year,
                   row_number() OVER (
                       PARTITION BY k.region, k.year ORDER BY abs(p.year - k.year), p.year DESC
                   ) AS rank
            FROM (SELECT DISTINCT region, year FROM obs) k
            JOIN pop p ON p.region = k.region
        )
        SELECT o.region AS regio,
               coalesce(r.name, o.region) AS regio_naam,
               o.category AS soort_code,
               coalesce(c.title, o.category) AS soort,
               o.year AS jaar,
               o.value AS aantal,
               o.status AS status,
               n.value AS inwoners,
               n.pop_year AS inwoners_jaar
        FROM obs o
        LEFT JOIN region_current r ON r.code = o.region
        LEFT JOIN (SELECT scheme, code, any_value(title) AS title FROM categories GROUP BY scheme, code) c
               ON c.scheme = o.scheme AND c.code = o.category
        LEFT JOIN nearest n ON n.region = o.region AND n.year = o.year AND n.rank = 1
        ORDER BY o.region, o.category, o.year
        """,
        params,
    )
