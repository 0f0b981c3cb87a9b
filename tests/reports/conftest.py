"""The demo workspace, built once per session through ``ivp demo`` and ``ivp report`` (real adapters)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivp.cli import main


@dataclass(frozen=True)
class Demo:
    root: Path
    default: dict[str, Path]  # the four formats `ivp demo` wrote
    compare: dict[str, Path]  # html and xlsx of `--vergelijk 2019 2021`


def _paths(output: str) -> dict[str, Path]:
    out = {}
    for line in output.splitlines():
        kind, sep, path = line.partition(": ")
        if sep and kind in ("html", "pdf", "docx", "xlsx"):
            out[kind] = Path(path)
    return out


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("demo") / "dordrecht"
    runner = CliRunner()
    result = runner.invoke(main, ["demo", "--out", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    default = _paths(result.output)
    result = runner.invoke(
        main,
        [
            "report",
            "veiligheidsbeeld",
            "--vergelijk",
            "2019",
            "2021",
            "--formaat",
            "html,xlsx",
            "-w",
            str(root),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return Demo(root, default, _paths(result.output))
