"""The police adapters through the command line: ``ivp init`` then ``ivp ingest politie-...``."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ivp.cli import main
from ivp.store import Store
from ivp.workspace import Workspace
from tests.sources.test_politie_common import write_csv

GRONINGEN = "incidenten/groningen_fietsdiefstal_2013_2017.csv"


def _init(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    result = CliRunner().invoke(main, ["init", str(workspace), "--gemeente", "GM0014", "--naam", "Groningen"])
    assert result.exit_code == 0, result.output
    return workspace


def test_ingest_incidents_reports_rows_in_dutch(tmp_path: Path, shared_data: Path) -> None:
    workspace = _init(tmp_path)
    path = shared_data / GRONINGEN
    result = CliRunner().invoke(
        main, ["ingest", "politie-incidenten", str(path), "--workspace", str(workspace)]
    )
    assert result.exit_code == 0, result.output
    assert "groningen_fietsdiefstal_2013_2017.csv: 15.947 rijen geladen." in result.output
    again = CliRunner().invoke(
        main, ["ingest", "politie-incidenten", str(path), "--workspace", str(workspace)]
    )
    assert again.exit_code == 0
    assert "ongewijzigd" in again.output
    with Store(Workspace.open(workspace).store_path, read_only=True) as store:
        assert int(store.query("SELECT count(*) AS n FROM incidents")["n"].iloc[0]) == 15_947


def test_broken_file_exits_1_naming_file_line_and_field(tmp_path: Path) -> None:
    workspace = _init(tmp_path)
    path = write_csv(
        tmp_path / "export.csv",
        [
            ["Incident Identificatie", "Incidentsoort code", "Begin-pleegdatum/tijd", "Eind-pleegdatum/tijd"],
            ["PL1", "A72", "2017-09-20T17:30:00", "2017-09-21T06:00:00"],
            ["PL2", "A72", "2017-09-21T17:30:00", "2017-09-20T06:00:00"],
        ],
    )
    result = CliRunner().invoke(
        main, ["ingest", "politie-incidenten", str(path), "--workspace", str(workspace)]
    )
    assert result.exit_code == 1
    assert str(path) in result.output
    assert "regel 3" in result.output
    assert "Eind-pleegdatum/tijd" in result.output
    assert "Oplossing:" in result.output
    assert "Er is niets van dit bestand geladen." in result.output


def test_a_nuisance_class_added_in_the_workspace_file_loads_through_the_cli(tmp_path: Path) -> None:
    workspace = _init(tmp_path)
    rows = [
        ["gemeentecode", "jaar", "soort overlast", "aantal"],
        ["GM0014", "2024", "Overlast door buren", "6"],
    ]
    path = write_csv(tmp_path / "overlast.csv", rows)
    refused = CliRunner().invoke(
        main, ["ingest", "politie-overlast", str(path), "--workspace", str(workspace)]
    )
    assert refused.exit_code == 1
    assert "[schema.politie-overlast.klassen]" in refused.output
    assert "thema's.toml" in refused.output
    (workspace / "thema's.toml").write_text(
        '[schema.politie-overlast.klassen]\n"E99" = { label = "Overlast door buren", themas = ["overlast"] }\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["ingest", "politie-overlast", str(path), "--workspace", str(workspace)]
    )
    assert result.exit_code == 0, result.output
    with Store(Workspace.open(workspace).store_path, read_only=True) as store:
        got = store.query("SELECT category, region, year, value FROM observations")
    assert [tuple(r) for r in got.itertuples(index=False)] == [("E99", "GM0014", 2024, 6.0)]
