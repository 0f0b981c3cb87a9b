"""Realisations from csv: checked against the plan, errors with line and column, nothing half-read."""

from __future__ import annotations

import datetime as dt

import pytest

from ivp.plan.errors import PlanFileError
from ivp.plan.model import Plan
from ivp.plan.realisations_csv import parse_realisations_csv
from ivp.plan.yaml_io import example_path, load_plan


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(example_path())


def test_reads_rows_with_units(plan: Plan) -> None:
    text = "indicator;jaar;waarde;peildatum;bewijs\nOND-01;2024;7;2024-09-30;Rapportage Q3\nOND-05;2024;ja;;\nOND-K09;2024;€ 240.000;;\n"
    rows = parse_realisations_csv(text, plan, recorded_by="analist")
    assert [(r.indicator, r.value, r.as_of) for r in rows] == [
        ("OND-01", 7.0, dt.date(2024, 9, 30)),
        ("OND-05", 1.0, None),
        ("OND-K09", 240000.0, None),
    ]
    assert rows[0].evidence == "Rapportage Q3"
    assert rows[0].recorded_by == "analist"


def test_every_bad_row_is_reported(plan: Plan) -> None:
    text = "indicator,jaar,waarde\nOND-01,2027,3\nXXX,2024,1\nOND-01,2024,2.5\nOND-01,2024,3\n"
    with pytest.raises(PlanFileError) as info:
        parse_realisations_csv(text, plan, file="r.csv")
    assert [(p.code, p.line, p.field) for p in info.value.problems] == [
        ("plan.realisation_outside_period", 2, "jaar"),
        ("plan.unknown_reference", 3, "indicator"),
        ("plan.target_unit", 4, "waarde"),
    ]


def test_missing_columns(plan: Plan) -> None:
    with pytest.raises(PlanFileError) as info:
        parse_realisations_csv("indicator,waarde\nOND-01,3\n", plan)
    assert info.value.codes == ("plan.missing_key",)


def test_the_example_realisations_fit_the_example_plan(plan: Plan) -> None:
    path = example_path().with_name("dordrecht_realisaties_illustratief.csv")
    rows = parse_realisations_csv(path.read_text(encoding="utf-8"), plan)
    assert len(rows) > 50
    assert {r.year for r in rows} <= set(plan.period.years)
