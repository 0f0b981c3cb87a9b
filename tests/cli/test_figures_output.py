"""`ivp figures` prints counts as the source has them (567, not 567.0) and buurten with inhabitants."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from ivp.cli import main
from ivp.workspace import Workspace


def test_counts_are_whole_numbers_and_buurten_show_inhabitants(
    workspace: Workspace, shared_data: Path
) -> None:
    runner = CliRunner()
    ws = ["--workspace", str(workspace.root)]
    for table in ("47018NED", "85984NED"):
        result = runner.invoke(
            main, ["ingest", "cbs", table, "--from", str(shared_data / "cbs" / table), *ws]
        )
        assert result.exit_code == 0, result.output
    out = runner.invoke(main, ["figures", "--gemeente", "GM0505", "--csv", *ws])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.output)))
    woning_2012 = next(r for r in rows if r["soort_code"] == "1.1.1" and r["jaar"] == "2012")
    assert woning_2012["aantal"] == "567"
    assert all("." not in r["aantal"] for r in rows)
    text = runner.invoke(main, ["figures", "--gemeente", "GM0505", "--buurt", *ws])
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[0].split("\t")[-1] == "inwoners (jaar)"
    nieuwe_haven = next(line for line in lines if line.startswith("BU05050100 "))
    assert nieuwe_haven.endswith("\t23\t810 (2024)")
    assert sum(line.startswith("BU0505") for line in lines) == 132
