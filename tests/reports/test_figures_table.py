"""figures_table reads through ivp.store.read: one population rule, nearest population year."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ivp.reports.figures import figures_table
from ivp.store import Batch, Provenance, Store


def _load(store: Store, source_id: str, dataset: str, **tables: pd.DataFrame) -> None:
    prov = Provenance(
        source_id=source_id, dataset=dataset, title=dataset, publisher="CBS", licence="CC BY 4.0",
        origin=dataset, file_hash=f"h-{dataset}", retrieved_at=dt.datetime(2026, 11, 22),
    )  # fmt: skip
    store.load(Batch(prov, dict(tables)))


def test_inhabitants_follow_the_one_population_rule(store: Store) -> None:
    obs = pd.DataFrame(
        {
            "measure": "geregistreerde_misdrijven", "scheme": "cbs-misdrijf", "category": "1.1.1",
            "region": "GM0505", "grain": "jaar", "year": [2021, 2024], "month": None,
            "value": [120.0, 89.0], "status": ["definitief", "voorlopig"],
        }
    )  # fmt: skip
    pop = pd.DataFrame({"region": "GM0505", "year": [2024], "value": [121_940.0]})  # 1 January
    average = pd.DataFrame({"region": "GM0505", "year": [2022, 2024], "value": [120_486.0, 122_433.0]})
    _load(store, "cbs", "47018NED", observations=obs)
    _load(store, "cbs", "85984NED", population=pop)
    _load(store, "bevolking", "bevolking.csv", population=average)
    frame = figures_table(store, "GM0505")
    assert list(frame.columns) == [
        "regio", "regio_naam", "soort_code", "soort", "jaar", "aantal", "status", "inwoners", "inwoners_jaar",
    ]  # fmt: skip
    # 2024: the average population wins over CBS's 1-January figure (before: 85984NED, by dataset name)
    # 2021: no figure of its own; the nearest year is 2022.
    assert list(zip(frame["jaar"], frame["inwoners"], frame["inwoners_jaar"], strict=True)) == [
        (2021, 120_486.0, 2022),
        (2024, 122_433.0, 2024),
    ]
    assert list(frame["regio_naam"]) == ["GM0505", "GM0505"]  # no regions loaded: the code
    assert list(frame["soort"]) == ["1.1.1", "1.1.1"]  # no categories loaded: the code


def test_no_figures_is_an_empty_table(store: Store) -> None:
    assert figures_table(store, "GM0505").empty
    assert figures_table(store, "GM0505", "buurt").empty
