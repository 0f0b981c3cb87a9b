"""The glue between events and statistics: hot places, hot times, near repeats and their Dutch wording.

The wording is tested branch by branch on synthetic events (a planted peak, no peak, small numbers,
illustrative data); the analyses run on the real Groningen bicycle thefts loaded through the real adapter.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ivp.reports.wijkscan import analysis, events, focus, sentences
from ivp.stats.sufficiency import Sufficiency
from ivp.store import Store
from ivp.workspace import Workspace
from tests.reports.wijkscan_data import build_groningen

CITY = focus.Area("gemeente", "GM0505", "Dordrecht", (), None)
START = pd.Timestamp("2022-01-03")  # a Monday
HOURS = 2 * 52 * 7 * 24  # two years of whole weeks


def _events(
    hours: np.ndarray, *, x: np.ndarray | None = None, y: np.ndarray | None = None, dataset: str = "test.csv"
) -> pd.DataFrame:
    begin = START + pd.to_timedelta(hours, unit="h")
    n = len(hours)
    return events.check_events(
        pd.DataFrame(
            {
                "event_id": [str(i) for i in range(n)], "category": "A72", "category_label": "Diefstal Fiets",
                "begin_at": begin, "end_at": begin, "x_rd": x if x is not None else np.full(n, np.nan),
                "y_rd": y if y is not None else np.full(n, np.nan), "region": "GM0505", "source": "test",
                "dataset": dataset,
            }
        )
    )  # fmt: skip


def _uniform(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, HOURS, n)


def _planted(n: int, extra: int, seed: int) -> np.ndarray:
    """``n`` uniform moments plus ``extra`` on Tuesday 22-23 (weekday 1, hour 22)."""
    rng = np.random.default_rng(seed)
    weeks = rng.integers(0, 104, extra)
    return np.concatenate([_uniform(n, seed), weeks * 168 + 24 + 22 + rng.uniform(0, 1, extra)])


# -- sufficiency wording ------------------------------------------------------------------------------


def test_sufficiency_sentence_negative_with_rounded_need() -> None:
    s = Sufficiency("hottime", 46, 168, 2.0, 0.0912, 412, 0.05)
    assert sentences.sufficiency_sentence(s, period="in twee jaar") == (
        "Met 46 meldingen in twee jaar is een piek van tweemaal het gemiddelde op één uur van de week niet te "
        "zien (kans 9%); daarvoor zijn ongeveer 410 meldingen nodig."
    )


def test_sufficiency_sentence_positive() -> None:
    s = Sufficiency("hottime", 15_947, 168, 2.0, 0.93, 3_100, 0.05)
    assert sentences.sufficiency_sentence(s, period="in bijna vijf jaar", where="in Centrum") == (
        "Met 15.947 meldingen in bijna vijf jaar in Centrum is een piek van tweemaal het gemiddelde op één uur "
        "van de week wel te zien (kans 93%)."
    )


def test_sufficiency_sentence_beyond_the_search_limit_and_places() -> None:
    s = Sufficiency("hotplace", 12, 5_000, 2.0, 0.0001, None, 0.05, cells_in_hotspot=9)
    text = sentences.sufficiency_sentence(s, cell=100.0)
    assert "op één plek van 300 bij 300 meter" in text
    assert "(kans minder dan 1%)" in text
    assert text.endswith("daarvoor zijn meer dan 10 miljoen meldingen nodig.")
    dagdeel = Sufficiency("hottime", 46, 28, 1.5, 0.3, 1_234, 0.05)
    assert "anderhalf keer het gemiddelde op één dagdeel van de week" in sentences.sufficiency_sentence(
        dagdeel
    )
    assert "ongeveer 1.200 meldingen" in sentences.sufficiency_sentence(dagdeel)


@pytest.mark.parametrize(
    ("n", "rounded"), [(46, 46), (99, 99), (412, 410), (1_234, 1_200), (12_345, 12_000), (996, 1_000)]
)
def test_round_needed_two_significant_figures(n: int, rounded: int) -> None:
    assert sentences.round_needed(n) == rounded


def test_period_words() -> None:
    assert sentences.period_words(dt.date(2022, 1, 1), dt.date(2023, 12, 31)) == "in twee jaar"
    assert sentences.period_words(dt.date(2013, 1, 1), dt.date(2017, 9, 21)) == "in bijna vijf jaar"
    assert sentences.period_words(dt.date(2013, 1, 1), dt.date(2014, 3, 31)) == "in ruim een jaar"
    assert sentences.period_words(dt.date(2024, 1, 1), dt.date(2024, 8, 31)) == "in acht maanden"
    assert sentences.period_words(dt.date(2024, 1, 1), dt.date(2024, 1, 21)) == "in drie weken"


# -- hot times ----------------------------------------------------------------------------------------


def test_planted_hot_hour_is_named_as_finding() -> None:
    ht = analysis.hot_times(_events(_planted(3_000, 150, seed=1)), CITY)
    assert ht.concentration.hot[1, 22]
    lines = sentences.hot_time_sentences(ht)
    finding = lines[0]
    assert "aantoonbaar meer meldingen dan verwacht" in finding
    assert "dinsdag 22-23 uur" in finding
    assert not any("Illustratieve" in line for line in lines)
    assert any(line.startswith("Met 3.150 meldingen in twee jaar") for line in lines)


def test_no_peak_says_no_demonstrable_concentration() -> None:
    ht = analysis.hot_times(_events(_uniform(3_000, seed=2)), CITY)
    assert not ht.concentration.hot.any()
    lines = sentences.hot_time_sentences(ht)
    assert lines[0].startswith("Geen aantoonbare concentratie in de tijd: geen uur van de week")


def test_small_numbers_are_never_a_finding() -> None:
    ht = analysis.hot_times(_events(_planted(3_000, 150, seed=1)), CITY)
    observed = float(ht.concentration.observed[1, 22])
    lines = sentences.hot_time_sentences(ht, threshold=int(observed) + 1)
    # flagged, but below the threshold: neither named nor denied (review finding L1)
    assert "niet worden genoemd" in lines[0]
    assert "dinsdag" not in lines[0]


def test_illustrative_data_come_first() -> None:
    ht = analysis.hot_times(_events(_uniform(500, seed=4), dataset="illustratief_incidenten.csv"), CITY)
    assert ht.illustrative
    assert sentences.hot_time_sentences(ht, gemeente="Dordrecht")[0] == (
        "Illustratieve gegevens, geen echte cijfers van Dordrecht."
    )


def test_hot_times_46_events_is_not_enough_and_full_is() -> None:
    few = analysis.hot_times(_events(_uniform(46, seed=5)), CITY)
    assert few.sufficiency.n_events == 46
    assert not few.sufficiency.sufficient
    assert few.sufficiency.needed is not None
    assert few.sufficiency.needed > 46
    many = analysis.hot_times(_events(_uniform(20_000, seed=6)), CITY)
    assert many.sufficiency.sufficient
    # The dagdeel question (28 cells) needs fewer events than the weekday-hour one (168 cells).
    assert few.sufficiency_dagdeel is not None
    assert few.sufficiency_dagdeel.needed is not None
    assert few.sufficiency_dagdeel.needed < few.sufficiency.needed


# -- hot places ---------------------------------------------------------------------------------------


def _places(n: int, planted: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(100_000, 104_000, n), rng.uniform(101_000, 101_300, planted)])
    y = np.concatenate([rng.uniform(420_000, 424_000, n), rng.uniform(422_000, 422_300, planted)])
    return _events(_uniform(n + planted, seed), x=x, y=y)


def test_planted_hot_place_is_found_and_worded() -> None:
    hp = analysis.hot_places(_places(4_000, 300, seed=7), CITY)
    assert hp.result.hot.any()
    ys, xs = np.nonzero(hp.result.hot)
    centres = hp.grid.centres()
    assert np.all(np.abs(centres[0][ys, xs] - 101_150) < 500)
    assert np.all(np.abs(centres[1][ys, xs] - 422_150) < 500)
    lines = sentences.hot_place_sentences(hp)
    assert "als hotspot" in lines[0]
    assert lines[1].startswith("De sterkste ligt rond RD (101.")


def test_no_hot_place_on_uniform_points() -> None:
    hp = analysis.hot_places(_places(4_000, 0, seed=8), CITY)
    assert not hp.result.hot.any()
    assert sentences.hot_place_sentences(hp)[0].startswith("Geen aantoonbare concentratie van plekken")


def test_periods_classify_a_new_spot() -> None:
    rng = np.random.default_rng(9)
    base = _places(3_000, 0, seed=9)
    late = _events(
        HOURS * 0.75 + rng.uniform(0, HOURS / 4, 300),
        x=rng.uniform(101_000, 101_300, 300),
        y=rng.uniform(422_000, 422_300, 300),
    )
    frame = pd.concat([base, late], ignore_index=True)
    hp = analysis.hot_places(frame, CITY, periods=2)
    assert hp.trend is not None
    assert len(hp.period_results) == 2
    assert set(hp.trend[hp.period_results[1].hot & ~hp.period_results[0].hot]) <= {"nieuw"}
    assert (hp.trend == "nieuw").any()


def test_events_without_place_raise_a_dutch_error() -> None:
    with pytest.raises(analysis.NoEventsError, match="Geen meldingen met een locatie"):
        analysis.hot_places(_events(_uniform(10, seed=1)), CITY)


# -- the real Groningen thefts --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def groningen(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> tuple[Workspace, pd.DataFrame, pd.DataFrame]:
    root = build_groningen(tmp_path_factory.mktemp("analysis") / "groningen", shared_data)
    ws = Workspace.open(root)
    from ivp.store.read import areas_of

    with Store(ws.store_path, read_only=True) as store:
        frame = events.store_events(store, ws)
        buurten = areas_of(store, ws.gemeente, ("buurt",))
    return ws, frame, buurten


def test_groningen_event_frame(groningen: tuple[Workspace, pd.DataFrame, pd.DataFrame]) -> None:
    _ws, frame, _b = groningen
    assert len(frame) == 15_947
    assert tuple(frame.columns) == events.EVENT_COLUMNS
    assert frame["begin_at"].dtype == "datetime64[ns]"
    assert (frame["end_at"] >= frame["begin_at"]).all()
    assert not events.is_illustrative(frame)
    assert frame["region"].str.startswith("BU").mean() > 0.99


def test_groningen_hot_places_city_and_centre(
    groningen: tuple[Workspace, pd.DataFrame, pd.DataFrame],
) -> None:
    ws, frame, buurten = groningen
    store_area = _area(ws, "")
    hp = analysis.hot_places(frame, store_area, buurten=buurten)
    assert hp.n_events == 15_947
    assert hp.n_without_location == 0
    # Bicycle thefts concentrate at the station and in the inner city: hot cells, all passing FDR.
    assert hp.result.hot.sum() >= 10
    assert np.all(hp.result.q[hp.result.hot] <= 0.05)
    assert hp.mask is not None
    assert (hp.sufficiency.n_events, hp.sufficiency.n_cells) == (15_947, int(hp.mask.sum()))
    assert hp.sufficiency.cells_in_hotspot == 9
    assert hp.buurt_result is not None
    assert len(hp.buurt_codes) >= 50
    hot_buurten = {hp.buurt_names[i] for i in np.flatnonzero(hp.buurt_result.hot)}
    assert hot_buurten & {
        "Binnenstad-Zuid",
        "Binnenstad-Noord",
        "Binnenstad-Oost",
        "Binnenstad-West",
        "Stationsgebied",
    }
    centre = analysis.hot_places(frame, _area(ws, "WK001400"))
    assert centre.mask is not None
    assert centre.n_events == int(focus.in_area(centre.area, frame).sum())
    assert centre.mask.sum() < hp.mask.sum() / 5


def test_groningen_hot_times_full_and_46(groningen: tuple[Workspace, pd.DataFrame, pd.DataFrame]) -> None:
    ws, frame, _b = groningen
    city = _area(ws, "")
    full = analysis.hot_times(frame, city)
    assert full.table.n_events == 15_947
    assert full.table.n_used + full.table.n_too_long + full.table.n_invalid == 15_947
    assert full.phi >= 1.0
    assert full.sufficiency.sufficient
    small = events.sample(frame, 46, seed=1)
    few = analysis.hot_times(small, city)
    assert few.table.n_events == 46
    assert not few.sufficiency.sufficient
    assert few.sufficiency.needed is not None
    assert few.sufficiency.needed > few.sufficiency.n_events
    text = sentences.sufficiency_sentence(few.sufficiency)
    assert "niet te zien" in text
    assert "ongeveer" in text
    centre = analysis.hot_times(frame, _area(ws, "WK001400"), city_events=frame)
    assert centre.versus_rest is not None
    assert centre.n_rest == 15_947 - centre.table.n_events


def test_groningen_near_repeats(groningen: tuple[Workspace, pd.DataFrame, pd.DataFrame]) -> None:
    ws, frame, _b = groningen
    buurt = _area(ws, "BU00140001")
    k = analysis.near_repeats(frame, buurt, n_permutations=99)
    assert k is not None
    assert k.observed.shape == (4, 4)
    assert k.n_events <= int(focus.in_area(buurt, frame).sum())
    assert analysis.near_repeats(events.sample(frame[focus.in_area(buurt, frame)], 20, 1), buurt) is None
    assert sentences.near_repeat_sentences(None)[0].startswith("Te weinig meldingen met een locatie")


def _area(ws: Workspace, text: str) -> focus.Area:
    with Store(ws.store_path, read_only=True) as store:
        return focus.resolve_area(ws, store, text)
