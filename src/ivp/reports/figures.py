"""The figures table: registered counts per crime type and year, straight from the store."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from ivp.store import Store, read

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
    ``inwoners_jaar`` says which year was used. When two sources give inhabitants for one region and
    year, the store's population rule picks one (:mod:`ivp.store.read`: the average population of
    ``ivp ingest bevolking`` before CBS's 1-January figure).
    """
    if level == "gemeente":
        obs = read.counts(store, MEASURE_CRIME, regions=[gemeente])
    else:
        obs = read.counts(store, MEASURE_CRIME, level=level, within=gemeente)
    codes = sorted(set(obs["region"]))
    names = read.region_names(store, codes)
    pop = _nearest_population(read.population(store, regions=codes), obs[["region", "year"]])
    out = pd.DataFrame(
        {
            "regio": obs["region"],
            "regio_naam": [names.get(c, c) for c in obs["region"]],
            "soort_code": obs["category"],
            "soort": obs["title"],
            "jaar": obs["year"],
            "aantal": obs["value"],
            "status": obs["status"],
        }
    )
    out = out.merge(pop, how="left", left_on=["regio", "jaar"], right_on=["region", "year"])
    out = out.drop(columns=["region", "year"])
    return out.sort_values(["regio", "soort_code", "jaar"], kind="stable").reset_index(drop=True)


def _nearest_population(pop: pd.DataFrame, wanted: pd.DataFrame) -> pd.DataFrame:
    """Per (region, year) in ``wanted``: ``inwoners`` of the nearest loaded year, later on a tie."""
    keys = wanted.drop_duplicates()
    pairs = keys.merge(pop.rename(columns={"year": "pop_year"}), on="region", how="inner")
    pairs = pairs.assign(distance=(pairs["pop_year"] - pairs["year"]).abs())
    pairs = pairs.sort_values(["region", "year", "distance", "pop_year"], ascending=[True, True, True, False])
    best = pairs.drop_duplicates(["region", "year"], keep="first")
    return best[["region", "year", "value", "pop_year"]].rename(
        columns={"value": "inwoners", "pop_year": "inwoners_jaar"}
    )
