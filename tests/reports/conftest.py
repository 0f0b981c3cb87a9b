"""The demo workspace, built once per session through ``ivp demo`` and ``ivp report`` (real adapters)."""

from __future__ import annotations

import logging
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
    others: dict[str, Path]  # the plan reports `ivp demo` wrote too ("evaluatie-pdf", "rib-pdf", ...)
    output: str  # what `ivp demo` printed
    weasyprint_log: list[str]  # every WeasyPrint log record of warning level or above during `ivp demo`


def _paths(output: str, plan: bool = False) -> dict[str, Path]:
    out = {}
    for line in output.splitlines():
        kind, sep, path = line.partition(": ")
        if sep and (kind in ("html", "pdf", "docx", "xlsx")) != plan and kind.endswith(FORMATS):
            out[kind] = Path(path)
    return out


FORMATS = ("html", "pdf", "docx", "xlsx")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("demo") / "dordrecht"
    runner = CliRunner()
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        result = runner.invoke(main, ["demo", "--out", str(root)], catch_exceptions=False)
    finally:
        logger.removeHandler(collect)
    assert result.exit_code == 0, result.output
    default = _paths(result.output)
    others = _paths(result.output, plan=True)
    demo_output = result.output
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
    return Demo(root, default, _paths(result.output), others, demo_output, collect.messages)
