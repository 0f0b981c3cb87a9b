"""The demo workspace, built once per session through ``ivp demo`` and ``ivp report`` (real adapters)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Demo:
    root: Path
    default: dict[str, Path]  # the four formats `ivp demo` wrote
    compare: dict[str, Path]  # html and xlsx of `--vergelijk 2019 2021`
    others: dict[str, Path]  # the plan reports `ivp demo` wrote too ("evaluatie-pdf", "rib-pdf", ...)
    output: str  # what `ivp demo` printed
    weasyprint_log: list[str]  # every line `ivp demo` wrote to stderr (WeasyPrint warnings among them)


def _paths(output: str, plan: bool = False) -> dict[str, Path]:
    out = {}
    for line in output.splitlines():
        kind, sep, path = line.partition(": ")
        if sep and (kind in ("html", "pdf", "docx", "xlsx")) != plan and kind.endswith(FORMATS):
            out[kind] = Path(path)
    return out


FORMATS = ("html", "pdf", "docx", "xlsx")


# Environment that other test folders set for Django's tests (tests/web/conftest.py) must not leak into
# the real `ivp` runs here: the demo uses its own workspace database.
_TEST_ONLY_ENV = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "IVP_WORKSPACE",
    "IVP_REGIONS_GEOJSON",
    "IVP_SECRET_KEY",
)


def _ivp(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real `ivp` command in a fresh process, as a user does."""
    env = {k: v for k, v in os.environ.items() if k not in _TEST_ONLY_ENV}
    result = subprocess.run(
        [sys.executable, "-m", "ivp.cli", *args], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("demo") / "dordrecht"
    made = _ivp("demo", "--out", str(root))
    compare = _ivp(
        "report", "veiligheidsbeeld", "--vergelijk", "2019", "2021", "--formaat", "html,xlsx", "-w", str(root)
    )
    # Whatever WeasyPrint (or anything else) logs goes to stderr; `ivp demo` should print only its own lines.
    return Demo(
        root,
        _paths(made.stdout),
        _paths(compare.stdout),
        _paths(made.stdout, plan=True),
        made.stdout,
        [line for line in made.stderr.splitlines() if line.strip()],
    )
