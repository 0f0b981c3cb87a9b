"""Tests of ivp.stats.aoristic against a brute-force reference (every minute of every interval), the
exclusion rule and its counts, exact moments, naive (DST-free) clock times and the exposure of a period."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from ivp.stats.aoristic import LAYOUTS, MAX_HOURS, aoristic, exposure

TOL = 1e-9
SHAPES = {
    "weekday_hour": (7, 24),
    "weekday": (7,),
    "hour": (24,),
    "dagdeel": (4,),
    "weekday_dagdeel": (7, 4),
    "month": (12,),
}


def _cell_of_minutes(minutes: np.ndarray, layout: str) -> np.ndarray:
    """Cell index (flat) of each minute, computed from the calendar (independently of the module)."""
    stamps = pd.DatetimeIndex(minutes)
    wd, hr = stamps.day_of_week.to_numpy(), stamps.hour.to_numpy()
    cells: dict[str, np.ndarray] = {
        "weekday_hour": wd * 24 + hr,
        "weekday": wd,
        "hour": hr,
        "dagdeel": hr // 6,
        "weekday_dagdeel": wd * 4 + hr // 6,
        "month": stamps.month.to_numpy() - 1,
    }
    return cells[layout]


def _brute(begin: np.ndarray, end: np.ndarray, layout: str) -> tuple[np.ndarray, np.ndarray]:
    """Loop over events and their minutes: weight 1/minutes per minute, 1 for an exact moment."""
    size = int(np.prod(SHAPES[layout]))
    table, sq = np.zeros(size), np.zeros(size)
    for b, e in zip(begin.astype("datetime64[m]"), end.astype("datetime64[m]"), strict=True):
        minutes = np.array([b]) if e == b else np.arange(b, e, dtype="datetime64[m]")
        per: defaultdict[int, float] = defaultdict(float)
        for cell in _cell_of_minutes(minutes, layout):
            per[int(cell)] += 1.0 / minutes.size
        for cell, w in per.items():
            table[cell] += w
            sq[cell] += w * w
    return table, sq


def _random_intervals(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    begin = np.datetime64("2014-01-01T00:00") + rng.integers(0, 4 * 365 * 1440, n).astype("timedelta64[m]")
    length = rng.choice([0, 7, 59, 60, 61, 300, 1439, 2880, 10079, 10080, 10081, 25000, 50000], n)
    length = np.where(rng.random(n) < 0.5, length, rng.integers(0, 5000, n))
    return begin, begin + length.astype("timedelta64[m]")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_equals_a_brute_force_minute_count(layout: str) -> None:
    begin, end = _random_intervals(250, seed=LAYOUTS.index(layout))
    a = aoristic(begin, end, layout=layout, max_hours=float("inf"))  # type: ignore[arg-type]
    table, sq = _brute(begin, end, layout)
    assert a.table.shape == SHAPES[layout]
    assert_allclose(a.table.ravel(), table, rtol=0, atol=TOL)
    assert_allclose(a.sq.ravel(), sq, rtol=0, atol=TOL)
    assert a.n_used == 250
    assert a.table.sum() == pytest.approx(250, abs=TOL)


def test_one_interval_split_by_its_time_in_each_hour() -> None:
    # Tuesday 17:30 to 19:00: a third in 17-18, two thirds in 18-19.
    a = aoristic(
        np.array(["2024-01-02T17:30"], "datetime64[m]"), np.array(["2024-01-02T19:00"], "datetime64[m]")
    )
    assert a.table[1, 17] == pytest.approx(1 / 3)
    assert a.table[1, 18] == pytest.approx(2 / 3)
    assert a.sq[1, 17] == pytest.approx(1 / 9)
    assert a.table.sum() == pytest.approx(1.0)
    assert np.count_nonzero(a.table) == 2


def test_an_exact_moment_puts_its_weight_in_its_own_hour() -> None:
    # Sunday 23:59:59 and Monday 00:00:00 exactly.
    begin = np.array(["2024-01-07T23:59:59", "2024-01-08T00:00:00"], "datetime64[s]")
    a = aoristic(begin, begin)
    assert a.table[6, 23] == 1.0
    assert a.table[0, 0] == 1.0
    assert a.table.sum() == 2.0
    assert_allclose(a.sq, a.table)
    m = aoristic(begin, begin, layout="month")
    assert m.table[0] == 2.0


def test_an_interval_ending_on_the_hour_does_not_touch_the_next_hour() -> None:
    a = aoristic(
        np.array(["2024-01-01T10:00"], "datetime64[m]"), np.array(["2024-01-01T12:00"], "datetime64[m]")
    )
    assert a.table[0, 10] == pytest.approx(0.5)
    assert a.table[0, 11] == pytest.approx(0.5)
    assert a.table[0, 12] == 0.0


def test_a_whole_week_adds_one_168th_to_every_weekday_hour() -> None:
    begin = np.array(["2024-01-03T05:17"], "datetime64[m]")
    a = aoristic(begin, begin + np.timedelta64(7 * 24 * 60, "m"), max_hours=float("inf"))
    assert_allclose(a.table, np.full((7, 24), 1 / 168), atol=TOL)
    assert_allclose(a.sq, np.full((7, 24), 1 / 168**2), atol=TOL)


def test_long_missing_and_reversed_intervals_are_left_out_and_counted() -> None:
    begin = np.array(
        ["2024-01-01T00:00", "2024-01-01T00:00", "NaT", "2024-01-05T00:00", "2024-01-01T00:00"],
        "datetime64[m]",
    )
    end = np.array(
        ["2024-01-04T00:00", "2024-01-04T00:01", "2024-01-02T00:00", "2024-01-04T00:00", "NaT"],
        "datetime64[m]",
    )
    a = aoristic(begin, end)
    assert MAX_HOURS == 72
    # exactly 72 h is used; 72 h and a minute is too long; NaT on either side and end < begin are invalid.
    assert (a.n_events, a.n_used, a.n_too_long, a.n_invalid) == (5, 1, 1, 3)
    assert a.table.sum() == pytest.approx(1.0)
    b = aoristic(begin, end, max_hours=100)
    assert (b.n_used, b.n_too_long, b.n_invalid) == (2, 0, 3)
    assert b.max_hours == 100.0


def test_naive_timestamps_ignore_daylight_saving() -> None:
    # 31 March 2024 (clocks went from 02:00 to 03:00 in the Netherlands): naive clock hours all count.
    a = aoristic(
        np.array(["2024-03-31T01:30"], "datetime64[m]"), np.array(["2024-03-31T03:30"], "datetime64[m]")
    )
    assert_allclose(a.table[6, 1:4], [0.25, 0.5, 0.25], atol=TOL)


def test_labels_are_dutch() -> None:
    t = np.array(["2024-01-01T00:00"], "datetime64[m]")
    a = aoristic(t, t)
    assert a.row_labels[0] == "maandag"
    assert a.row_labels[6] == "zondag"
    assert a.col_labels[0] == "00-01"
    assert a.col_labels[23] == "23-24"
    assert aoristic(t, t, layout="dagdeel").row_labels == ("nacht", "ochtend", "middag", "avond")
    assert aoristic(t, t, layout="weekday_dagdeel").col_labels == ("nacht", "ochtend", "middag", "avond")
    m = aoristic(t, t, layout="month")
    assert m.row_labels[0] == "januari"
    assert m.row_labels[11] == "december"
    assert m.col_labels == ()


def test_dagdeel_and_weekday_tables_are_sums_of_the_weekday_hour_table() -> None:
    begin, end = _random_intervals(2000, seed=7)
    wh = aoristic(begin, end)
    assert_allclose(aoristic(begin, end, layout="weekday").table, wh.table.sum(axis=1), atol=TOL)
    assert_allclose(aoristic(begin, end, layout="hour").table, wh.table.sum(axis=0), atol=TOL)
    wd = aoristic(begin, end, layout="weekday_dagdeel").table
    assert_allclose(wd, wh.table.reshape(7, 4, 6).sum(axis=2), atol=TOL)
    # Squared weights do not add up that way: a coarser cell holds bigger (whole) pieces of an event.
    assert np.all(aoristic(begin, end, layout="weekday").sq >= wh.sq.sum(axis=1) - TOL)


def test_effective_count_is_table_squared_over_sq() -> None:
    begin, end = _random_intervals(500, seed=3)
    a = aoristic(begin, end)
    assert_allclose(a.effective, a.table**2 / a.sq, rtol=1e-12)
    assert np.all(a.effective <= a.table * 500 + TOL)


def test_pandas_series_and_bad_input() -> None:
    begin, end = _random_intervals(100, seed=5)
    s = aoristic(pd.Series(begin.astype("datetime64[ns]")), pd.Series(end.astype("datetime64[ns]")))
    assert_allclose(s.table, aoristic(begin, end).table, atol=TOL)
    with pytest.raises(TypeError, match="datetime64"):
        aoristic(np.arange(3), np.arange(3))
    with pytest.raises(ValueError, match="same length"):
        aoristic(begin, end[:-1])
    with pytest.raises(ValueError, match="layout"):
        aoristic(begin, end, layout="week")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_hours"):
        aoristic(begin, end, max_hours=-1)


def test_exposure_counts_the_hours_of_each_cell() -> None:
    # 2 Jan 2024 is a Tuesday: [Tue 2 Jan, Wed 10 Jan) holds two Tuesdays and one of every other day.
    hours = exposure(np.datetime64("2024-01-02"), np.datetime64("2024-01-10"), "weekday")
    assert_allclose(hours, [24, 48, 24, 24, 24, 24, 24])
    wh = exposure(np.datetime64("2024-01-02T10:30"), np.datetime64("2024-01-02T12:00"))
    assert wh[1, 10] == pytest.approx(0.5)
    assert wh[1, 11] == pytest.approx(1.0)
    assert wh.sum() == pytest.approx(1.5)
    months = exposure(np.datetime64("2024-01-01"), np.datetime64("2025-01-01"), "month")
    assert_allclose(months, 24 * np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]))
    # Brute force over the hours of a longer, ragged period.
    start, stop = np.datetime64("2013-01-01T01:00"), np.datetime64("2017-09-20T18:00")
    stamps = np.arange(start, stop, dtype="datetime64[h]")
    cells = _cell_of_minutes(stamps.astype("datetime64[m]"), "weekday_dagdeel")
    assert_allclose(
        exposure(start, stop, "weekday_dagdeel").ravel(), np.bincount(cells, minlength=28), atol=1e-6
    )
    with pytest.raises(ValueError, match="start before the end"):
        exposure(stop, start)
