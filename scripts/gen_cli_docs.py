"""Write docs/cli.md from the ``--help`` of every ``ivp`` command (checked by tests/test_docs.py).

The commands live in the package ``ivp.cli`` (one module per area); this walks the click tree of
``ivp.cli.main``, so a new command or module needs no change here.

Run: ``.venv/bin/python scripts/gen_cli_docs.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

from ivp.cli import main

DOCS = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def _walk(command: click.Command, path: list[str]) -> list[list[str]]:
    found = [path]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found.extend(_walk(command.commands[name], [*path, name]))
    return found


def render() -> str:
    runner = CliRunner()
    parts = [
        "# CLI reference\n",
        "Generated from `--help` by `scripts/gen_cli_docs.py`; `tests/test_docs.py` fails when it is stale.\n",
        "\nEvery command that works on a workspace finds it the same way: `--workspace DIR` (`-w DIR`), else\n"
        "the environment variable `IVP_WORKSPACE`, else the current folder (see `docs/workspace.md`).\n",
    ]
    for path in _walk(main, []):
        result = runner.invoke(main, [*path, "--help"], prog_name="ivp", terminal_width=100)
        if result.exit_code != 0:
            raise RuntimeError(f"ivp {' '.join(path)} --help failed: {result.output}")
        title = " ".join(["ivp", *path])
        parts.append(f"\n## `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    DOCS.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOCS}\n")
