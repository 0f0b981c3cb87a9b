"""Register series of a non-public source give nothing small away (issue 13, review findings): a rate or
percentage that implies a small count is hidden; quarterly counts without a complete year are shown
without a test; the spread comes from the shown years only."""

from __future__ import annotations

import csv
from pathlib import Path

from ivp.reports.veiligheidsbeeld import indicators
from ivp.reports.veiligheidsbeeld.model import Indicator
from ivp.sources.base import ingest
from ivp.store import Store
from ivp.themes import load_taxonomy

HEADER = ["id", "naam", "thema", "eenheid", "periode", "waarde", "n", "bron"]
POPULATION = {2021: 120_000.0, 2022: 120_500.0, 2023: 121_000.0}


def _build(store: Store, tmp_path: Path, rows: list[list[object]]) -> dict[str, Indicator]:
    path = tmp_path / "registers.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([HEADER, *rows])
    ingest(store, "reeks", str(path), gemeente="GM0505", taxonomy=load_taxonomy())
    found, _rows = indicators.build(store, "GM0505", POPULATION, 0.05, compare=(2022, 2023), threshold=5)
    return {i.code: i for items in found.values() for i in items}


def test_rates_and_percentages_that_imply_a_small_count_are_hidden(store: Store, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        # 0,02 per 1.000 of 120.000 inhabitants is 2.4 cases; 0,5 per 1.000 is 60
        ["grip", "GRIP per 1.000", "fysieke_veiligheid", "per 1.000 inwoners", 2022, "0,02", "", "VR"],
        ["grip", "GRIP per 1.000", "fysieke_veiligheid", "per 1.000 inwoners", 2023, "0,5", "", "VR"],
        # 3% of 80 respondents is 2.4 people
        ["pct", "Slachtoffer", "digitaal", "percentage", 2022, "3", "80", "Enquête"],
        ["pct", "Slachtoffer", "digitaal", "percentage", 2023, "30", "80", "Enquête"],
    ]
    found = _build(store, tmp_path, rows)
    assert [p.protected for p in found["grip"].points] == [True, False]
    assert found["grip"].points[0].value is None
    assert [p.value for p in found["pct"].points] == [None, 30.0]
    assert found["pct"].change is None
    assert "kleine aantallen" in (found["pct"].note or "")


def test_quarters_without_a_complete_year_are_shown_without_a_test(store: Store, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["vt", "Veilig Thuis", "kwetsbare_personen", "aantal", "2023-K1", 300, "", "VT"],
        ["vt", "Veilig Thuis", "kwetsbare_personen", "aantal", "2023-K2", 320, "", "VT"],
    ]
    found = _build(store, tmp_path, rows)["vt"]
    assert [p.label for p in found.points] == ["1e kwartaal 2023", "2e kwartaal 2023"]
    assert found.change is None
    assert found.note == "geen volledig jaar: er is geen toets op verandering"
