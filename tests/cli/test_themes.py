"""`ivp themes`: every loaded code maps onto a theme, and an unmapped one is reported, not dropped."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import ivp.themes
from ivp.cli import main
from ivp.workspace import Workspace


def test_themes_reports_coverage_of_loaded_codes(workspace: Workspace, shared_data: Path) -> None:
    runner = CliRunner()
    ws = ["--workspace", str(workspace.root)]
    empty = runner.invoke(main, ["themes", *ws])
    assert empty.exit_code == 0, empty.output
    assert "Veilige wijken" in empty.output or "veilige wijken" in empty.output.lower()
    assert "Nog geen cijfers geladen" in empty.output
    load = runner.invoke(
        main, ["ingest", "politie-landelijk", str(shared_data / "politie/nederland/NL_Crime.csv"), *ws]
    )
    assert load.exit_code == 0, load.output
    result = runner.invoke(main, ["themes", *ws])
    assert result.exit_code == 0, result.output
    assert "59 codes" in result.output
    assert "0 niet gekoppeld" in result.output


def test_unmapped_code_is_reported_with_exit_code(workspace: Workspace, shared_data: Path) -> None:
    runner = CliRunner()
    ws = ["--workspace", str(workspace.root)]
    load = runner.invoke(
        main, ["ingest", "politie-landelijk", str(shared_data / "politie/nederland/NL_Crime.csv"), *ws]
    )
    assert load.exit_code == 0, load.output
    # A workspace taxonomy that forgets woninginbraak: the code must be reported, not silently dropped.
    default = (Path(ivp.themes.__file__).parent / "default.toml").read_text(encoding="utf-8")
    lines = default.splitlines()
    woninginbraak = [line for line in lines if line.startswith('"1.1.1" =')]
    assert len(woninginbraak) == 1
    (workspace.root / "thema's.toml").write_text(
        "\n".join(line for line in lines if line not in woninginbraak), encoding="utf-8"
    )
    result = runner.invoke(main, ["themes", *ws])
    assert result.exit_code == 1
    assert "Niet gekoppeld: 1.1.1." in result.output
