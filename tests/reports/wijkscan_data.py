"""A Groningen workspace for the steering tests: 2017 boundaries and the real bicycle thefts.

Built through the real commands (``ivp init``, ``ivp ingest geo``, ``ivp ingest politie-incidenten``),
as a user would; each test module builds it once (session-scoped fixtures call :func:`build_groningen`).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ivp.cli import main

THEFTS = "incidenten/groningen_fietsdiefstal_2013_2017.csv"
BOUNDARIES = ("incidenten/groningen_buurten_2017.csv", "incidenten/groningen_wijken_2017.csv")


def run(*args: str) -> str:
    """Run ``ivp`` in-process; fail with its output unless it exits 0."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def build_groningen(root: Path, shared_data: Path, *, thefts: bool = True) -> Path:
    """A workspace for GM0014 at ``root`` with the 2017 buurten and wijken (and the thefts)."""
    run("init", str(root), "--gemeente", "GM0014", "--naam", "Groningen")
    for name in BOUNDARIES:
        run("ingest", "geo", str(shared_data / name), "--workspace", str(root))
    if thefts:
        run("ingest", "politie-incidenten", str(shared_data / THEFTS), "--workspace", str(root))
    return root
