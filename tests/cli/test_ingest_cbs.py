"""From `ivp init` to `ivp figures` on the real shared CBS data and boundaries, through the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ivp.cli import main
from ivp.store import Store


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    root = tmp_path_factory.mktemp("cli") / "dordrecht"
    _run("init", str(root), "--gemeente", "GM0505", "--naam", "Dordrecht")
    cbs = shared_data / "cbs"
    out = _run("ingest", "cbs", "47018NED", "--from", str(cbs / "47018NED"), "--workspace", str(root))
    assert "47018NED: 76.128 rijen geladen." in out
    _run("ingest", "cbs", "85984NED", "--from", str(cbs / "85984NED"), "--workspace", str(root))
    geo = shared_data / "geo" / "dordrecht_buurten_2024.geojson"
    _run("ingest", "geo", str(geo), "--workspace", str(root))
    return root


def _csv(output: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(output), dtype={"regio": str, "soort_code": str})


def test_figures_equal_the_source_rows_for_dordrecht(workspace: Path, shared_data: Path) -> None:
    frame = _csv(_run("figures", "--gemeente", "GM0505", "--csv", "--workspace", str(workspace)))
    rows = json.loads((shared_data / "cbs" / "47018NED" / "TypedDataSet.json").read_text(encoding="utf-8"))
    source = {
        (r["SoortMisdrijf"].strip(), int(r["Perioden"][:4])): r["GeregistreerdeMisdrijven_1"]
        for r in rows
        if r["WijkenEnBuurten"].strip() == "GM0505"
    }
    assert frame["soort_code"].nunique() == 12
    assert sorted(frame["jaar"].unique()) == list(range(2012, 2026))
    assert len(frame) == len(source) == 12 * 14
    got = {
        (c, int(y)): v for c, y, v in zip(frame["soort_code"], frame["jaar"], frame["aantal"], strict=True)
    }
    assert got == source
    provisional = frame.groupby("jaar")["voorlopig"].all()
    assert provisional[provisional].index.tolist() == [2024, 2025]
    assert not frame.loc[frame["jaar"] < 2024, "voorlopig"].any()
    assert set(frame["regio_naam"]) == {"Dordrecht"}
    assert "Diefstal/inbraak woning" in set(frame["soort"])


def test_figures_per_buurt_with_inhabitants(workspace: Path, shared_data: Path) -> None:
    frame = _csv(_run("figures", "--gemeente", "GM0505", "--buurt", "--csv", "--workspace", str(workspace)))
    assert len(frame) == 132
    assert frame["regio"].nunique() == 132
    assert set(frame["jaar"]) == {2023}
    assert set(frame["soort_code"]) == {"0.0.0"}
    people = json.loads((shared_data / "cbs" / "85984NED" / "TypedDataSet.json").read_text(encoding="utf-8"))
    inhabitants = {r["WijkenEnBuurten"].strip(): r["AantalInwoners_5"] for r in people}
    assert frame["inwoners"].notna().all()
    assert dict(zip(frame["regio"], frame["inwoners"], strict=True)) == {
        code: inhabitants[code] for code in frame["regio"]
    }
    assert set(frame["inwoners_jaar"]) == {2024}  # the nearest year with buurt populations


def test_ingesting_the_same_folder_twice_changes_nothing(workspace: Path, shared_data: Path) -> None:
    with Store(workspace / "ivp.duckdb", read_only=True) as store:
        before = store.query("SELECT count(*) AS n FROM observations")["n"].item()
    out = _run(
        "ingest", "cbs", "47018NED", "--from", str(shared_data / "cbs" / "47018NED"),
        "--workspace", str(workspace),
    )  # fmt: skip
    assert "ongewijzigd" in out
    with Store(workspace / "ivp.duckdb", read_only=True) as store:
        assert store.query("SELECT count(*) AS n FROM observations")["n"].item() == before
        history = store.query(
            "SELECT action FROM source_history WHERE dataset = '47018NED' ORDER BY recorded_at"
        )
    assert history["action"].tolist()[-1] == "ongewijzigd"


def test_sources_show_provenance(workspace: Path) -> None:
    out = _run("sources", "--workspace", str(workspace))
    assert "cbs/47018NED: Geregistreerde misdrijven; soort misdrijf, wijk, buurt, jaarcijfers" in out
    assert "uitgever CBS / Politie, licentie CC BY 4.0, versie 2024-08-15T02:00:00, periode 2012-2025" in out
    assert "cbs/85984NED: Kerncijfers wijken en buurten 2024" in out
    assert "geo/dordrecht_buurten_2024.geojson" in out
    records = json.loads(_run("sources", "--json", "--workspace", str(workspace)))
    assert {r["dataset"] for r in records} == {"47018NED", "85984NED", "dordrecht_buurten_2024.geojson"}
