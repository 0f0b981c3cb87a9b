"""The effect evaluation's glue (ivp.reports.effect): bins, areas, the estimate on synthetic events with a
planted effect, the wording rules, the caveats and the JSON.

The synthetic city is a 6 x 6 km square in RD coordinates with events spread evenly (Poisson), a treated
circle of 400 m in the middle; the planted effect thins the events inside during the intervention.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from ivp.interventions.model import Gebied, Intervention, Periode
from ivp.reports.effect import sentences
from ivp.reports.effect.areas import BUFFER, CONTROL, TREATED, assign_units, evaluation_areas
from ivp.reports.effect.counts import Periods, bins_between, clip_periods, count_table, grain_for
from ivp.reports.effect.evaluate import evaluate, target_categories
from ivp.reports.effect.payload import evaluation_payload

X0, Y0 = 103_000.0, 423_000.0  # near Dordrecht's centre, RD New
NO_BUURTEN = pd.DataFrame({"code": pd.Series(dtype=object), "geometry": pd.Series(dtype=object)})
SPAN = (dt.date(2021, 1, 1), dt.date(2024, 12, 31))


def _lonlat(x: float, y: float) -> tuple[float, float]:
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True).transform(x, y)
    return float(lon), float(lat)


def city_events(
    n: int,
    seed: int,
    *,
    effect: float = 0.0,
    buffer_effect: float = 0.0,
    start: dt.date = dt.date(2023, 1, 1),
) -> pd.DataFrame:
    """``n`` events spread evenly over the square and over 2021-2024; inside the 400 m circle, from
    ``start`` on, a share ``-effect`` is removed (and the buffer ring 400-650 m gets ``buffer_effect``)."""
    rng = np.random.default_rng(seed)
    x = X0 + rng.uniform(-3000, 3000, n)
    y = Y0 + rng.uniform(-3000, 3000, n)
    days = (SPAN[1] - SPAN[0]).days + 1
    begin = pd.Timestamp(SPAN[0]) + pd.to_timedelta(rng.uniform(0, days, n), unit="D")
    d = np.hypot(x - X0, y - Y0)
    after = np.asarray(begin >= pd.Timestamp(start))
    keep = np.ones(n, dtype=bool)
    if effect < 0:
        keep &= ~((d <= 400) & after & (rng.random(n) < -effect))
    if buffer_effect < 0:
        keep &= ~((d > 400) & (d <= 650) & after & (rng.random(n) < -buffer_effect))
    frame = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(n)],
            "category": "A72",
            "category_label": "Diefstal fiets",
            "begin_at": begin,
            "end_at": begin,
            "x_rd": x,
            "y_rd": y,
            "region": None,
            "source": "test",
            "dataset": "synthetisch.csv",
        }
    )
    return frame[keep].reset_index(drop=True)


def circle_intervention(**extra: object) -> Intervention:
    lon, lat = _lonlat(X0, Y0)
    values: dict[str, object] = {
        "id": "camera-test",
        "naam": "Camera test",
        "soort": "cameratoezicht_vast",
        "gebied": Gebied(punt=(lon, lat), straal_m=400.0),
        "perioden": (Periode(dt.date(2023, 1, 1), dt.date(2024, 12, 31)),),
        "doelen": ("1.2.3",),
        "buffer_m": 250.0,
    }
    values.update(extra)
    return Intervention(**values)  # type: ignore[arg-type]


# -- bins and periods ------------------------------------------------------------------------------------


def test_month_bins_are_whole_months_inside_the_span() -> None:
    bins = bins_between(dt.date(2021, 1, 15), dt.date(2021, 4, 30), "maand")
    assert [(b.start, b.end) for b in bins] == [
        (dt.date(2021, 2, 1), dt.date(2021, 3, 1)),
        (dt.date(2021, 3, 1), dt.date(2021, 4, 1)),
        (dt.date(2021, 4, 1), dt.date(2021, 5, 1)),
    ]
    weeks = bins_between(dt.date(2024, 1, 3), dt.date(2024, 1, 31), "week")
    assert weeks[0].start == dt.date(2024, 1, 8)
    assert all(b.days == 7 for b in weeks)


def test_grain_follows_the_shortest_period() -> None:
    d = dt.date
    assert grain_for([(d(2023, 1, 1), d(2024, 1, 1))]) == "maand"
    assert grain_for([(d(2023, 1, 1), d(2024, 1, 1)), (d(2024, 3, 1), d(2024, 4, 1))]) == "week"
    assert grain_for([(d(2023, 1, 1), d(2023, 1, 8))]) == "dag"


def test_a_month_covered_less_than_half_is_left_out_and_months_after_the_end_are_not_used() -> None:
    begin = pd.Series(pd.to_datetime(["2022-06-10", "2023-01-05", "2023-02-20", "2023-03-25", "2023-06-01"]))
    units = np.array([CONTROL, TREATED, TREATED, TREATED, TREATED], dtype=np.int8)
    periods = clip_periods([(dt.date(2023, 1, 20), dt.date(2023, 3, 31))], SPAN[1])
    table = count_table(begin, units, 3, periods, SPAN, grain="maand", pre_bins=12)
    labels = [b.label("maand") for b in table.bins]
    assert labels[-2:] == ["2023-02", "2023-03"]
    assert "2023-01" not in labels
    assert "2023-06" not in labels
    assert table.excluded == 1
    assert table.active.sum() == 2
    assert table.pre.sum() == 12
    assert table.counts[TREATED].sum() == 2  # January's and June's events are outside the window
    assert table.counts[CONTROL].sum() == 1


def test_running_intervention_is_clipped_to_the_data_and_flagged() -> None:
    periods = clip_periods([(dt.date(2024, 6, 1), None)], dt.date(2024, 12, 31))
    assert periods == Periods(((dt.date(2024, 6, 1), dt.date(2025, 1, 1)),), running=True)
    assert clip_periods([(dt.date(2025, 6, 1), None)], dt.date(2024, 12, 31)).spans == ()


def test_no_pre_period_is_a_clear_error() -> None:
    begin = pd.Series(pd.to_datetime(["2021-01-05"]))
    periods = clip_periods([(dt.date(2021, 1, 1), dt.date(2021, 12, 31))], SPAN[1])
    with pytest.raises(ValueError, match="geen voorperiode"):
        count_table(begin, np.zeros(1, np.int8), 3, periods, SPAN, grain="maand")


# -- areas -----------------------------------------------------------------------------------------------


def test_circle_and_ring_membership_by_distance() -> None:
    iv = circle_intervention()
    places = evaluation_areas(iv, NO_BUURTEN)
    d = np.array([0.0, 390.0, 410.0, 640.0, 660.0, 2000.0])
    frame = pd.DataFrame({"x_rd": X0 + d, "y_rd": np.full(d.size, Y0), "region": None})
    assert assign_units(places, frame).tolist() == [TREATED, TREATED, BUFFER, BUFFER, CONTROL, CONTROL]
    assert abs(places.treated.area - math.pi * 400**2) / (math.pi * 400**2) < 0.01


def test_cbs_targets_stand_for_their_incident_codes() -> None:
    assert target_categories(["1.2.3", "E35"]) == ("A72", "A73", "B62", "B63", "E35")


# -- the estimate and its wording --------------------------------------------------------------------------


def test_planted_fall_is_found_and_worded_as_demonstrable() -> None:
    events = city_events(40_000, seed=1, effect=-0.4)
    ev = evaluate(circle_intervention(), events, NO_BUURTEN, data_span=SPAN)
    e = ev.effect
    assert e.low < -0.4 < e.high
    assert e.high < 0
    text = sentences.headline(ev, "Dordrecht")
    assert "aantoonbaar" in text
    assert "daalde" in text
    assert "geen aantoonbaar" not in text
    assert "Geen aantoonbare verplaatsing" in sentences.buffer_sentence(ev)
    payload = evaluation_payload(ev, "Dordrecht")
    assert payload["effect"] == pytest.approx(e.effect, abs=1e-5)
    assert len(payload["interval"]) == 2
    assert payload["aantoonbaar"] is True
    assert payload["korrel"] == "maand"
    assert payload["aantallen"]["interventiegebied"]["tijdens"] == ev.sums.during[0]


def test_no_effect_is_worded_as_no_demonstrable_effect_with_the_interval() -> None:
    events = city_events(40_000, seed=2)
    ev = evaluate(circle_intervention(), events, NO_BUURTEN, data_span=SPAN)
    assert ev.effect.low < 0 < ev.effect.high
    text = sentences.headline(ev, "Dordrecht")
    assert "geen aantoonbaar effect" in text
    assert sentences.pct(ev.effect.low) in text


def test_diffusion_of_benefits_is_named_only_when_the_buffer_falls_demonstrably() -> None:
    events = city_events(60_000, seed=3, effect=-0.4, buffer_effect=-0.4)
    ev = evaluate(circle_intervention(), events, NO_BUURTEN, data_span=SPAN)
    assert ev.buffer_effect is not None
    assert ev.buffer_effect.high < 0
    assert sentences.buffer_sentence(ev).startswith("Uitstraling")


def test_too_few_events_are_never_worded_as_a_finding() -> None:
    events = city_events(1_500, seed=4, effect=-0.9)
    ev = evaluate(circle_intervention(), events, NO_BUURTEN, data_span=SPAN)
    assert ev.too_few
    assert "te weinig" in sentences.headline(ev, "Dordrecht")
    assert "te_weinig" in [c.code for c in ev.caveats]
    assert evaluation_payload(ev, "Dordrecht")["aantoonbaar"] is False


def test_power_statement_names_the_months_needed() -> None:
    events = city_events(8_000, seed=5)
    ev = evaluate(circle_intervention(), events, NO_BUURTEN, data_span=SPAN)
    text = sentences.power_sentence(ev)
    assert "maanden na de start" in text
    if ev.bins_needed is not None:
        assert f"{ev.bins_needed} maanden" in text
        assert ev.bins_needed > ev.sums.bins_during or ev.power_now >= 0.8


def test_start_after_a_peak_gives_the_regression_to_the_mean_caveat() -> None:
    events = city_events(30_000, seed=6)
    rng = np.random.default_rng(6)
    n = 160  # a burst in the circle in the three months before the start
    burst = events.sample(n, random_state=1).copy()
    burst["x_rd"] = X0 + rng.uniform(-200, 200, n)
    burst["y_rd"] = Y0 + rng.uniform(-200, 200, n)
    burst["begin_at"] = pd.Timestamp("2022-10-01") + pd.to_timedelta(rng.uniform(0, 91, n), unit="D")
    frame = pd.concat([events, burst], ignore_index=True)
    ev = evaluate(circle_intervention(), frame, NO_BUURTEN, data_span=SPAN)
    assert "regressie_naar_het_gemiddelde" in [c.code for c in ev.caveats]


def test_a_city_wide_change_is_not_an_effect_but_is_named() -> None:
    events = city_events(40_000, seed=7)
    later = (events["begin_at"] >= pd.Timestamp("2023-01-01")).to_numpy()
    rng = np.random.default_rng(1007)  # not the events' own seed: its first draws are their x coordinates
    frame = events[~later | (rng.random(len(events)) < 0.6)].reset_index(drop=True)  # -40% everywhere
    ev = evaluate(circle_intervention(), frame, NO_BUURTEN, data_span=SPAN)
    assert ev.effect.low < 0 < ev.effect.high
    assert "vergelijking_veranderd" in [c.code for c in ev.caveats]


def test_repeated_short_deployments_use_weeks() -> None:
    periods = (
        Periode(dt.date(2023, 3, 6), dt.date(2023, 4, 30)),
        Periode(dt.date(2023, 10, 2), dt.date(2023, 11, 26)),
    )
    events = city_events(40_000, seed=8)
    ev = evaluate(circle_intervention(perioden=periods), events, NO_BUURTEN, data_span=SPAN)
    assert ev.grain == "week"
    assert ev.sums.bins_during == 16
    on = np.flatnonzero(ev.table.active)
    between = ~ev.table.active[on[0] : on[-1]] & ~ev.table.pre[on[0] : on[-1]]
    assert between.sum() == 22  # the weeks between the two deployments count as "off", not as before
