"""One workspace rule for every command: ``--workspace``/``-w``, else ``IVP_WORKSPACE``, else the current
folder; a missing workspace is a Dutch error with exit code 1 and no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from ivp.cli import main
from ivp.workspace import Workspace

# Commands that do not work on an existing workspace.
WITHOUT_WORKSPACE = {("init",), ("demo",)}

# One command of each area; each opens the workspace before doing anything else.
AREA_COMMANDS = {
    "ingest": ["ingest", "bevolking", "bevolking.csv"],
    "data": ["sources"],
    "report": ["report", "veiligheidsbeeld"],
    "plan": ["plan", "status"],
    "web": ["open311", "key", "create", "TestApp"],
}

# Environment other test folders set for Django's tests must not leak into the real `ivp` runs here.
_TEST_ONLY_ENV = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "IVP_WORKSPACE", "IVP_SECRET_KEY")


def _leaves(
    command: click.Command, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    if isinstance(command, click.Group):
        return [
            leaf for name, sub in sorted(command.commands.items()) for leaf in _leaves(sub, (*path, name))
        ]
    return [(path, command)]


def _workspace_params(command: click.Command) -> list[click.Parameter]:
    return [p for p in command.params if p.name == "workspace" or "-w" in p.opts or "--workspace" in p.opts]


def test_every_command_has_the_same_workspace_option() -> None:
    leaves = _leaves(main)
    assert len(leaves) > 20
    seen = []
    for path, command in leaves:
        params = _workspace_params(command)
        if path in WITHOUT_WORKSPACE:
            assert params == [], path
            continue
        assert len(params) == 1, path
        option = params[0]
        assert isinstance(option, click.Option), path
        seen.append(
            (
                tuple(option.opts),
                tuple(option.secondary_opts),
                option.envvar,
                option.default,
                option.help,
                type(option.type),
                getattr(option.type, "file_okay", None),
                getattr(option.type, "dir_okay", None),
            )
        )
    assert len(set(seen)) == 1, set(seen)
    opts, _secondary, envvar, default, help_text, _type, file_okay, dir_okay = seen[0]
    assert opts == ("--workspace", "-w")
    assert envvar == "IVP_WORKSPACE"
    assert default is None
    assert (file_okay, dir_okay) == (False, True)
    assert help_text is not None
    assert "IVP_WORKSPACE" in help_text
    assert "huidige map" in help_text


def _workspace(path: Path) -> Path:
    Workspace.create(path, "GM0505", "Dordrecht")
    return path


def _missing(result: Result, expected: Path) -> None:
    """The run stopped on the one Dutch workspace error naming ``expected``, without a traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert f"Fout: Geen werkmap gevonden in {expected.resolve()}: ivp.toml ontbreekt." in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("area", sorted(AREA_COMMANDS))
def test_option_wins_over_the_variable_and_the_current_folder(
    area: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "optie"
    chosen.mkdir()
    monkeypatch.chdir(_workspace(tmp_path / "huidig"))
    env = {"IVP_WORKSPACE": str(_workspace(tmp_path / "variabele"))}
    for flag in ("--workspace", "-w"):
        result = CliRunner().invoke(main, [*AREA_COMMANDS[area], flag, str(chosen)], env=env)
        _missing(result, chosen)


@pytest.mark.parametrize("area", sorted(AREA_COMMANDS))
def test_the_variable_wins_over_the_current_folder(
    area: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "variabele"
    chosen.mkdir()
    monkeypatch.chdir(_workspace(tmp_path / "huidig"))
    result = CliRunner().invoke(main, AREA_COMMANDS[area], env={"IVP_WORKSPACE": str(chosen)})
    _missing(result, chosen)


@pytest.mark.parametrize("area", sorted(set(AREA_COMMANDS) - {"web"}))
def test_without_option_or_variable_the_current_folder_is_the_workspace(
    area: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, AREA_COMMANDS[area], env={"IVP_WORKSPACE": None})
    _missing(result, tmp_path)


def _ivp(cwd: Path, *args: str, workspace_env: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `ivp` in a fresh process (Django is set up once per process)."""
    env = {k: v for k, v in os.environ.items() if k not in _TEST_ONLY_ENV}
    if workspace_env is not None:
        env["IVP_WORKSPACE"] = str(workspace_env)
    return subprocess.run(
        [sys.executable, "-m", "ivp.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_web_and_plan_commands_use_the_workspace_the_rule_picks(tmp_path: Path) -> None:
    # web: the current folder's workspace gets the app database.
    here = _workspace(tmp_path / "huidig")
    made = _ivp(here, "open311", "key", "create", "TestApp")
    assert made.returncode == 0, made.stdout + made.stderr
    assert (here / "ivp-web.sqlite3").exists()
    # plan: IVP_WORKSPACE wins over the current folder, which stays untouched.
    elsewhere = _workspace(tmp_path / "variabele")
    empty = _ivp(here, "plan", "status", workspace_env=elsewhere)
    assert empty.returncode == 1, empty.stdout + empty.stderr
    assert "Traceback" not in empty.stderr
    assert empty.stderr.startswith("Fout: "), empty.stderr
    assert (elsewhere / "ivp-web.sqlite3").exists()


def test_web_commands_run_without_a_workspace_in_an_empty_folder(tmp_path: Path) -> None:
    made = _ivp(tmp_path, "open311", "key", "create", "TestApp")
    assert made.returncode == 0, made.stdout + made.stderr
    assert (tmp_path / "ivp-web.sqlite3").exists()
