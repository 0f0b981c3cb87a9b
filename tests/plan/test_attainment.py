"""Attainment: status, projection and the edge cases (no data, target 0, decreasing is good)."""

from __future__ import annotations

import datetime as dt

import pytest

from ivp.plan.attainment import attainment, current, plan_attainment, status_label
from ivp.plan.model import Baseline, Indicator, Period, Realisation, StatisticSpec

YEAR = Period(2024, 2024)


def count(targets: dict[int, float], *, direction: str = "hoger_is_beter", ind_id: str = "X") -> Indicator:
    return Indicator(
        ind_id,
        "Controles",
        "aantal",
        direction,  # type: ignore[arg-type]
        "eigenaar",
        "handmatig",
        ("ondermijning",),
        targets=tuple(sorted(targets.items())),
    )


def level(
    targets: dict[int, float], unit: str = "rapportcijfer", direction: str = "hoger_is_beter"
) -> Indicator:
    return Indicator(
        "L",
        "Rapportcijfer",
        unit,  # type: ignore[arg-type]
        direction,  # type: ignore[arg-type]
        "eigenaar",
        "handmatig",
        ("overlast",),
        targets=tuple(sorted(targets.items())),
        aggregation="stand",
    )


def real(year: int, value: float, as_of: dt.date | None = None, ind: str = "X", **kw: object) -> Realisation:
    return Realisation(ind, year, value, as_of=as_of, **kw)  # type: ignore[arg-type]


def test_full_year_met_is_behaald() -> None:
    a = attainment(count({2024: 10}), [real(2024, 11)], YEAR)
    assert (a.status, a.target, a.realised, a.projection, a.complete) == ("behaald", 10, 11, 11, True)
    assert a.share == pytest.approx(1.1)


def test_full_year_missed_is_achter() -> None:
    a = attainment(count({2024: 10}), [real(2024, 9)], YEAR)
    assert a.status == "achter"
    assert a.complete


def test_half_year_projects_linearly_to_year_end() -> None:
    half = dt.date(2024, 6, 30)  # day 182 of 366
    on_track = attainment(count({2024: 10}), [real(2024, 5, half)], YEAR)
    assert on_track.projection == pytest.approx(5 * 366 / 182)
    assert on_track.status == "op_koers"
    behind = attainment(count({2024: 10}), [real(2024, 4, half)], YEAR)
    assert behind.projection == pytest.approx(4 * 366 / 182)
    assert behind.status == "achter"
    assert not behind.complete


def test_minimum_reached_early_is_behaald() -> None:
    a = attainment(count({2024: 3}), [real(2024, 3, dt.date(2024, 3, 31))], YEAR)
    assert a.status == "behaald"


def test_no_data_is_onbekend() -> None:
    a = attainment(count({2024: 10}), [], YEAR)
    assert (a.status, a.realised, a.projection) == ("onbekend", None, None)
    assert a.missing_years == (2024,)
    assert status_label(a.status) == "onbekend"


def test_no_target_is_onbekend_but_keeps_the_count() -> None:
    a = attainment(count({}), [real(2024, 7)], YEAR)
    assert (a.status, a.realised, a.target) == ("onbekend", 7, None)


def test_target_zero_when_lower_is_better() -> None:
    ind = count({2024: 0}, direction="lager_is_beter")
    assert attainment(ind, [real(2024, 0)], YEAR).status == "behaald"
    running = attainment(ind, [real(2024, 0, dt.date(2024, 5, 1))], YEAR)
    assert (running.status, running.projection) == ("op_koers", 0)
    assert attainment(ind, [real(2024, 1, dt.date(2024, 5, 1))], YEAR).status == "achter"
    assert attainment(ind, [real(2024, 0)], YEAR).share is None  # no division by zero


def test_target_zero_when_higher_is_better_is_met_by_any_figure() -> None:
    a = attainment(count({2024: 0}), [real(2024, 0)], YEAR)
    assert a.status == "behaald"
    assert a.share is None


def test_decreasing_is_good() -> None:
    ind = count({2024: 100}, direction="lager_is_beter")
    assert attainment(ind, [real(2024, 90)], YEAR).status == "behaald"
    assert attainment(ind, [real(2024, 110)], YEAR).status == "achter"
    # 40 by the end of April projects to ~120 for the year: behind although below the maximum so far.
    april = attainment(ind, [real(2024, 40, dt.date(2024, 4, 30))], YEAR)
    assert april.status == "achter"
    assert april.projection == pytest.approx(40 * 366 / 121)
    # 101 in October: the maximum is already passed, whatever the projection.
    assert attainment(ind, [real(2024, 101, dt.date(2024, 10, 1))], YEAR).status == "achter"
    assert attainment(ind, [real(2024, 30, dt.date(2024, 6, 30))], YEAR).status == "op_koers"


def test_multi_year_period_sums_targets_and_projects_from_covered_years() -> None:
    ind = count({2023: 10, 2024: 10, 2025: 10, 2026: 10})
    rs = [real(2023, 11), real(2024, 9)]
    a = attainment(ind, rs, Period(2023, 2026))
    assert (a.target, a.realised, a.projection) == (40, 20, 40)
    assert a.status == "op_koers"
    assert a.missing_years == (2025, 2026)
    midterm = attainment(ind, rs, Period(2023, 2024))
    assert (midterm.target, midterm.realised, midterm.status) == (20, 20, "behaald")


def test_only_years_with_a_target_count() -> None:
    ind = count({2025: 178})
    a = attainment(ind, [real(2024, 110), real(2025, 180)], Period(2023, 2026))
    assert (a.target, a.realised, a.status) == (178, 180, "behaald")


def test_level_uses_last_target_and_a_linear_trend() -> None:
    ind = level({2024: 7.0, 2026: 7.4})
    rs = [real(2023, 6.8, ind="L"), real(2024, 7.0, ind="L"), real(2025, 7.2, ind="L")]
    a = attainment(ind, rs, Period(2023, 2026))
    assert a.target == 7.4
    assert a.realised == 7.2
    assert a.projection == pytest.approx(7.4)
    assert a.status == "op_koers"
    assert not a.complete


def test_level_projection_is_clamped_to_the_unit() -> None:
    ind = level({2026: 100.0}, unit="procent")
    rs = [real(2023, 60, ind="L"), real(2024, 80, ind="L"), real(2025, 99, ind="L")]
    assert attainment(ind, rs, Period(2023, 2026)).projection == 100.0


def test_level_single_measurement_projects_flat() -> None:
    ind = level({2024: 7.0})
    a = attainment(ind, [real(2023, 6.8, ind="L")], Period(2023, 2024))
    assert (a.projection, a.status) == (6.8, "achter")


def test_yes_no_level() -> None:
    ind = level({2024: 1.0}, unit="ja_nee")
    assert attainment(ind, [real(2024, 1, ind="L")], YEAR).status == "behaald"
    assert attainment(ind, [real(2024, 0, ind="L")], YEAR).status == "achter"


def test_corrections_replace_without_losing_history() -> None:
    first = real(2024, 12, id=1, recorded_at=dt.datetime(2025, 1, 5))
    fix = real(2024, 8, id=2, corrects=1, recorded_at=dt.datetime(2025, 2, 1))
    assert current([first, fix]) == [fix]
    a = attainment(count({2024: 10}), [first, fix], YEAR)
    assert (a.realised, a.status) == (8, "achter")


def test_current_takes_the_latest_as_of_per_year() -> None:
    q1 = real(2024, 2, dt.date(2024, 3, 31), id=1)
    q3 = real(2024, 7, dt.date(2024, 9, 30), id=2)
    full = real(2023, 10, id=3)
    assert current([q3, q1, full]) == [full, q3]


def statistic(targets: dict[int, float], baseline: float | None) -> Indicator:
    return Indicator(
        "S",
        "Woninginbraken",
        "aantal",
        "lager_is_beter",
        "analist",
        "statistiek",
        ("vermogen_geweld",),
        targets=tuple(sorted(targets.items())),
        statistic=StatisticSpec("geregistreerde_misdrijven", "1.1.1"),
        baseline=Baseline(2022, baseline),
    )


def test_statistic_change_is_tested() -> None:
    ind = statistic({2023: 100, 2024: 100}, 100)
    rs = [real(2023, 150, ind="S"), real(2024, 140, ind="S")]
    a = attainment(ind, rs, Period(2023, 2024))
    assert a.status == "achter"
    assert a.change is not None
    assert a.demonstrable is True
    assert a.change.count_b == 140
    assert a.change.label == "aantoonbare stijging"


def test_statistic_small_change_is_not_demonstrable() -> None:
    a = attainment(statistic({2024: 20}, 20), [real(2024, 12, ind="S")], YEAR)
    assert a.status == "behaald"
    assert a.demonstrable is False  # 20 -> 12 can be chance


def test_statistic_baseline_from_the_store_overrides() -> None:
    a = attainment(statistic({2024: 100}, None), [real(2024, 90, ind="S")], YEAR, baseline_value=100)
    assert a.baseline_value == 100
    assert a.change is not None


def test_statistic_without_baseline_value_has_no_change() -> None:
    a = attainment(statistic({2024: 100}, None), [real(2024, 90, ind="S")], YEAR)
    assert a.change is None
    assert a.demonstrable is None


def test_plan_attainment_keeps_indicators_apart() -> None:
    a, b = plan_attainment(
        [count({2024: 1}, ind_id="A"), count({2024: 1}, ind_id="B")], [real(2024, 1, ind="A")], YEAR
    )
    assert (a.status, b.status) == ("behaald", "onbekend")
