"""The month test of ivp hottimes / the wijkscan: calibrated when week totals vary (review finding, issue 14).

The week-level dispersion removes the variation between weeks, which is exactly what makes monthly counts
vary; months are therefore tested against their spread between whole calendar years.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from scipy import stats

from ivp.reports.wijkscan.analysis import _month_dispersion
from ivp.stats.aoristic import aoristic, exposure
from ivp.stats.hottimes import concentration


def _events(rng: np.random.Generator, weeks: int, per_week: float, cv: float) -> np.ndarray:
    """Uniform times, no season; each week's total gamma-distributed with coefficient of variation cv."""
    start = np.datetime64("2022-01-03T00:00", "m")
    shape = 1 / cv**2 if cv > 0 else None
    out = []
    for w in range(weeks):
        mean = per_week if shape is None else rng.gamma(shape, per_week / shape)
        k = rng.poisson(mean)
        out.append(start + (w * 7 * 24 * 60 + rng.integers(0, 7 * 24 * 60, k)).astype("timedelta64[m]"))
    return np.concatenate(out).astype("datetime64[ns]")


def test_months_hold_their_level_when_week_totals_vary() -> None:
    rng = np.random.default_rng(2)
    span = (dt.date(2022, 1, 3), dt.date(2025, 12, 28))
    weeks = (span[1] - span[0]).days // 7
    reps = 120
    flagged = 0
    for _ in range(reps):
        t = _events(rng, weeks, 15.0, 0.5)
        phi = _month_dispersion(t, t, span, 72.0)
        assert phi is not None
        assert phi >= 1.0
        table = aoristic(t, t, layout="month")
        share = exposure(np.datetime64("2022-01-03", "ns"), np.datetime64("2025-12-29", "ns"), "month")
        flagged += bool(concentration(table, exposure=share, phi=phi).hot.any())
    # the reviewer measured 0.86 with the week-level phi; at the nominal 5% at most this many:
    assert flagged <= stats.binom.ppf(0.999, reps, 0.05) + 3  # phi from 33 df is itself uncertain


def test_no_month_test_without_two_whole_years() -> None:
    t = np.array(["2024-03-01T10:00", "2024-07-01T12:00"], dtype="datetime64[ns]")
    assert _month_dispersion(t, t, (dt.date(2024, 1, 1), dt.date(2024, 12, 31)), 72.0) is None
    assert _month_dispersion(t, t, (dt.date(2023, 1, 1), dt.date(2024, 12, 31)), 72.0) is not None


def test_a_flagged_cell_below_the_threshold_is_neither_named_nor_denied() -> None:
    from ivp.reports.wijkscan.sentences import time_finding_sentences

    # four events in one hour where 4/24 are expected: flagged, but below the threshold of 5
    table = aoristic(
        np.array(["2024-01-01T03:10"] * 4, dtype="datetime64[ns]"),
        np.array(["2024-01-01T03:10"] * 4, dtype="datetime64[ns]"),
        layout="hour",
    )
    conc = concentration(table, exposure=None)
    assert conc.hot.any()
    lines = time_finding_sentences(
        conc, table.row_labels, table.col_labels, noun="meldingen", what=("uur", "uren"), threshold=5
    )
    assert len(lines) == 1
    assert "niet worden genoemd" in lines[0]
    assert "Geen aantoonbare" not in lines[0]
