"""Realisations csv: a control character in bewijs or toelichting is refused with line and column (issue 12)."""

from __future__ import annotations

import pytest

from ivp.plan.errors import PlanFileError
from ivp.plan.realisations_csv import parse_realisations_csv
from ivp.plan.yaml_io import example_path, load_plan


def test_control_character_is_reported_with_line_and_column() -> None:
    plan = load_plan(example_path())
    text = "indicator,jaar,waarde,bewijs,toelichting\nOND-01,2024,3,ok,\nOND-01,2023,3,Rap\x1bport,x\u202ey\n"
    with pytest.raises(PlanFileError) as info:
        parse_realisations_csv(text, plan, file="r.csv")
    assert [(p.code, p.line, p.field) for p in info.value.problems] == [
        ("plan.bad_text", 3, "bewijs"),
        ("plan.bad_text", 3, "toelichting"),
    ]
    assert "U+001B" in info.value.problems[0].message
    assert "\x1b" not in str(info.value)
