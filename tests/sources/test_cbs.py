"""CBS adapter: parsing the real shared tables and the recorded slice."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ivp.sources.base import Raw
from ivp.sources.cbs import CbsAdapter
from ivp.store import Batch
from tests.fixtures.cbs.replay import write_folder


@pytest.fixture(scope="module")
def crime(shared_data: Path) -> Batch:
    adapter = CbsAdapter()
    return adapter.parse(adapter.fetch(str(shared_data / "cbs" / "47018NED"), dataset="47018NED"))


def _source_rows(shared_data: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(
        (shared_data / "cbs" / "47018NED" / "TypedDataSet.json").read_text(encoding="utf-8")
    )
    return rows


def test_every_row_becomes_one_observation_with_stripped_keys(crime: Batch, shared_data: Path) -> None:
    obs = crime.tables["observations"]
    source = pd.DataFrame(_source_rows(shared_data))
    assert len(obs) == len(source) == 57_756
    assert set(obs["measure"]) == {"geregistreerde_misdrijven"}
    assert set(obs["scheme"]) == {"cbs-misdrijf"}
    assert set(obs["category"]) == {s.strip() for s in source["SoortMisdrijf"]}
    assert "GM0505" in set(obs["region"])
    assert not any(" " in r for r in obs["region"])
    assert list(obs["value"]) == list(source["GeregistreerdeMisdrijven_1"].astype(float))


def test_years_have_grain_and_status_from_perioden(crime: Batch) -> None:
    obs = crime.tables["observations"]
    assert set(obs["grain"]) == {"jaar"}
    assert obs["month"].isna().all()
    status: dict[int, tuple[str, ...]] = {}
    for year, state in zip(obs["year"], obs["status"], strict=True):
        status[int(year)] = tuple(sorted({*status.get(int(year), ()), str(state)}))
    assert status[2023] == ("definitief",)
    assert status[2024] == ("voorlopig",)
    assert status[2025] == ("voorlopig",)
    assert sorted(status) == list(range(2012, 2026))


def test_provenance_names_table_publisher_vintage_and_period(crime: Batch, shared_data: Path) -> None:
    prov = crime.provenance
    assert (prov.source_id, prov.dataset) == ("cbs", "47018NED")
    assert prov.title == "Geregistreerde misdrijven; soort misdrijf, wijk, buurt, jaarcijfers"
    assert prov.publisher == "CBS / Politie"
    assert prov.licence == "CC BY 4.0"
    assert prov.vintage == "2024-08-15T02:00:00"
    assert prov.period == "2012-2025"  # from the data: TableInfos still says 2012-2023
    assert prov.origin == str((shared_data / "cbs" / "47018NED").resolve())
    assert prov.notes is not None
    assert "2024, 2025" in prov.notes


def test_categories_all_59_with_hierarchy_and_totals(crime: Batch) -> None:
    cats = crime.tables["categories"].set_index("code")
    assert len(cats) == 59
    assert cats.loc["1.1.1", "title"] == "Diefstal/inbraak woning"
    assert cats.loc["2.6.10", "title"] == "Bestrijdingsmiddelen"
    assert cats.loc["0.0.0", "title"] == "Totaal misdrijven"
    # Only the total has parts in this list: every type hangs directly under it.
    assert cats.loc["0.0.0", "parent"] is None
    assert set(cats.drop(index="0.0.0")["parent"]) == {"0.0.0"}
    assert cats.loc[cats["is_total"]].index.tolist() == ["0.0.0"]


def test_category_parent_is_nearest_existing_ancestor() -> None:
    from ivp.sources.cbs import category_frame

    records = [
        {"Key": "0.0.0 ", "Title": "Totaal misdrijven"},
        {"Key": "1     ", "Title": "1 Vermogensmisdrijven"},
        {"Key": "1.1   ", "Title": "1.1 Diefstal"},
        {"Key": "1.1.1 ", "Title": "1.1.1 Diefstal/inbraak woning"},
        {"Key": "1.2.1 ", "Title": "1.2.1 Diefstal uit/vanaf motorvoertuigen"},
        {"Key": "2.2.1 ", "Title": "2.2.1 Vernieling cq. zaakbeschadiging"},
    ]
    cats = category_frame(records).set_index("code")
    assert cats["parent"].to_dict() == {
        "0.0.0": None, "1": "0.0.0", "1.1": "1", "1.1.1": "1.1", "1.2.1": "1", "2.2.1": "0.0.0",
    }  # fmt: skip
    assert cats.loc[cats["is_total"]].index.tolist() == ["0.0.0", "1", "1.1"]
    assert cats.loc["1", "title"] == "Vermogensmisdrijven"


def test_regions_levels_parents_and_unknown_codes(crime: Batch) -> None:
    regions = crime.tables["regions"].set_index("code")
    assert len(regions) == 18_313
    assert list(regions.loc["NL00", ["level", "parent", "gemeente"]]) == ["land", None, None]
    assert list(regions.loc["GM0505", ["level", "name", "parent", "gemeente"]]) == [
        "gemeente", "Dordrecht", "NL00", "GM0505",
    ]  # fmt: skip
    assert list(regions.loc["WK050501", ["level", "parent", "gemeente"]]) == ["wijk", "GM0505", "GM0505"]
    assert list(regions.loc["BU05050100", ["level", "name", "parent", "gemeente"]]) == [
        "buurt", "Nieuwe Haven en omgeving", "WK050501", "GM0505",
    ]  # fmt: skip
    for code in ("GM0000", "WK000000", "BU00000000"):
        assert regions.loc[code, "level"] == "onbekend"
    assert (regions["level"] == "gemeente").sum() == 342
    assert (regions.loc[regions["gemeente"] == "GM0505", "level"] == "buurt").sum() == 132
    assert set(regions["valid_from"]) == {2024}  # "Wijken en buurten (indeling 2024)"


def test_population_table_85984(shared_data: Path) -> None:
    adapter = CbsAdapter()
    batch = adapter.parse(adapter.fetch(str(shared_data / "cbs" / "85984NED"), dataset="85984ned"))
    pop = batch.tables["population"]
    source = json.loads((shared_data / "cbs" / "85984NED" / "TypedDataSet.json").read_text(encoding="utf-8"))
    assert len(pop) == len(source) == 14_574
    assert set(pop["year"]) == {2024}
    assert dict(zip(pop["region"], pop["value"], strict=True))["BU05050100"] == 810
    assert "observations" not in batch.tables
    assert batch.provenance.publisher == "CBS"
    assert batch.provenance.period == "2024"


def test_monthly_table_47022_gets_grain_maand(tmp_path: Path) -> None:
    folder = write_folder("47018NED", tmp_path / "47022NED")
    periods = [
        {"Key": "2023MM05", "Title": "2023 mei", "Description": "", "Status": "Definitief"},
        {"Key": "2024MM11", "Title": "2024 november", "Description": "", "Status": "Voorlopig"},
    ]
    (folder / "Perioden.json").write_text(json.dumps(periods))
    info = json.loads((folder / "TableInfos.json").read_text())
    info[0]["Identifier"] = "47022NED"
    (folder / "TableInfos.json").write_text(json.dumps(info))
    rows = json.loads((folder / "TypedDataSet.json").read_text())
    months = {"2023JJ00": "2023MM05", "2024JJ00": "2024MM11"}
    rows = [{**r, "Perioden": months[r["Perioden"]]} for r in rows if r["Perioden"] in months]
    (folder / "TypedDataSet.json").write_text(json.dumps(rows))
    adapter = CbsAdapter()
    obs = adapter.parse(adapter.fetch(str(folder), dataset="47022NED")).tables["observations"]
    assert set(obs["grain"]) == {"maand"}
    got = set(zip(obs["year"], obs["month"], obs["status"], strict=True))
    assert got == {(2023, 5, "definitief"), (2024, 11, "voorlopig")}


def test_untyped_folder_gives_the_same_rows(tmp_path: Path) -> None:
    """cbsodata 1.3.5 writes UntypedDataSet.json for typed=True (issue #20): both must parse alike."""
    adapter = CbsAdapter()
    typed = adapter.parse(adapter.fetch(str(write_folder("47018NED", tmp_path / "t")), dataset="47018NED"))
    untyped_folder = write_folder("47018NED", tmp_path / "u", typed=False)
    assert not (untyped_folder / "TypedDataSet.json").exists()
    rows = json.loads((untyped_folder / "UntypedDataSet.json").read_text())
    rows[0]["GeregistreerdeMisdrijven_1"] = "       ."  # CBS symbol for "unknown"
    (untyped_folder / "UntypedDataSet.json").write_text(json.dumps(rows))
    untyped = adapter.parse(adapter.fetch(str(untyped_folder), dataset="47018NED"))
    expected = typed.tables["observations"].copy()
    expected.loc[0, "value"] = None
    pd.testing.assert_frame_equal(untyped.tables["observations"], expected)


def test_parse_is_pure_and_hash_is_stable(tmp_path: Path) -> None:
    folder = write_folder("47018NED", tmp_path / "f")
    adapter = CbsAdapter()
    raw = adapter.fetch(str(folder), dataset="47018NED")
    again = Raw(origin=raw.origin, files=dict(raw.files), dataset="47018NED")
    first, second = adapter.parse(raw), adapter.parse(again)
    assert first.provenance.file_hash == second.provenance.file_hash
    pd.testing.assert_frame_equal(first.tables["observations"], second.tables["observations"])
