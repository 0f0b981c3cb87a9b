"""Computed realisations: statistics from a real store, and the hook for other sources."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from ivp.plan.model import Indicator, Plan, Realisation
from ivp.plan.sources import (
    SourceContext,
    computed_realisations,
    register_realisation_source,
    statistic_baselines,
    unregister_realisation_source,
)
from ivp.plan.yaml_io import example_path, load_plan
from ivp.store import Store


def _observations(store: Store, rows: list[tuple[str, int, float, str]]) -> None:
    frame = pd.DataFrame(
        [
            {
                "measure": "geregistreerde_misdrijven",
                "scheme": "cbs-misdrijf",
                "category": cat,
                "region": "GM0505",
                "grain": "jaar",
                "year": year,
                "month": None,
                "value": value,
                "status": status,
                "source_id": "test",
                "dataset": "47018NED",
            }
            for cat, year, value, status in rows
        ]
    )
    store.con.register("frame", frame)
    store.con.execute("INSERT INTO observations SELECT * FROM frame")
    store.con.unregister("frame")


@pytest.fixture
def plan() -> Plan:
    return load_plan(example_path())


def test_statistics_become_realisations_within_the_plan_period(store: Store, plan: Plan) -> None:
    _observations(
        store,
        [
            ("1.1.1", 2022, 100, "definitief"),
            ("1.1.1", 2023, 150, "definitief"),
            ("1.1.1", 2024, 140, "voorlopig"),
            ("1.4.5", 2023, 360, "definitief"),
        ],
    )
    rows = computed_realisations(plan, SourceContext(store, "GM0505"))
    assert sorted((r.indicator, r.year, r.value) for r in rows) == [
        ("VW-S01", 2023, 150.0),
        ("VW-S01", 2024, 140.0),
        ("VW-S02", 2023, 360.0),
    ]
    provisional = next(r for r in rows if r.year == 2024)
    assert provisional.note == "voorlopig cijfer"
    assert statistic_baselines(plan, store) == {"VW-S01": 100.0}


def test_no_store_no_statistics(plan: Plan) -> None:
    assert computed_realisations(plan, SourceContext(None, "GM0505")) == []


@pytest.fixture
def case_registry() -> Iterator[None]:
    def source(plan: Plan, ind: Indicator, context: SourceContext) -> list[Realisation]:
        return [Realisation(ind.id, 2024, 3.0, source="casusregister")]

    register_realisation_source("casusregister", source)
    yield
    unregister_realisation_source("casusregister")


@pytest.mark.usefixtures("case_registry")
def test_a_registered_source_feeds_its_indicators(plan: Plan) -> None:
    rows = computed_realisations(plan, SourceContext(None, "GM0505"))
    ids = {r.indicator for r in rows}
    assert ids == {i.id for i in plan.indicators if i.source == "casusregister"}
