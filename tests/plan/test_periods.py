"""Periods typed by a user (``ivp plan status --periode``, ``ivp report evaluatie --periode``)."""

from __future__ import annotations

import doctest

import pytest

import ivp.plan.periods
from ivp.plan.model import Period
from ivp.plan.periods import PeriodError, parse_period

PLAN = Period(2023, 2026)


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, PLAN), ("", PLAN), ("2025", Period(2025, 2025)), ("2023-2024", Period(2023, 2024))],
)
def test_a_year_or_span_inside_the_plan(text: str | None, expected: Period) -> None:
    assert parse_period(text, PLAN) == expected


@pytest.mark.parametrize("text", ["2022", "2026-2027", "2025-2024", "twee", "2023-2024-2025", "-"])
def test_anything_else_is_a_dutch_error(text: str) -> None:
    with pytest.raises(PeriodError, match=r"geen jaar of periode binnen 2023-2026"):
        parse_period(text, PLAN)


def test_examples() -> None:
    failures, tried = doctest.testmod(ivp.plan.periods)
    assert (failures, tried > 0) == (0, True)
