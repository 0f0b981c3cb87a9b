"""What every ``ivp`` command shares: the command classes, the one ``--workspace`` option and the one way
to open a workspace and set up the web app for it.

The workspace rule, for every command: ``--workspace``/``-w``, else the environment variable
``IVP_WORKSPACE``, else the current folder. Data, report and plan commands need a workspace there (a
Dutch error otherwise); the web commands (``serve``, ``import-meldingen``, ``open311``, ``manage``) also
run without one when neither the option nor the variable is given and the current folder holds no
``ivp.toml`` (the web database then lies in the current folder, see docs/settings.md).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ivp.lib.errors import IvpError
from ivp.lib.i18n import _, install_click_translation
from ivp.workspace import CONFIG_NAME, Workspace

if TYPE_CHECKING:
    from ivp.store import Store

F = TypeVar("F", bound=Callable[..., Any])

install_click_translation()

#: The environment variable the ``--workspace`` option falls back to (also read by the web settings).
WORKSPACE_ENV = "IVP_WORKSPACE"


class IvpCommand(click.Command):
    """A click command with Dutch metavars."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", _("[OPTIES]"))
        super().__init__(*args, **kwargs)


class IvpGroup(click.Group):
    """A click group that turns domain errors into clean Dutch messages with a non-zero exit."""

    command_class = IvpCommand
    group_class = type  # subgroups are IvpGroups too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", _("[OPTIES]"))
        kwargs.setdefault("subcommand_metavar", _("OPDRACHT [ARGUMENTEN]..."))
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IvpError as exc:
            raise click.ClickException(str(exc)) from exc


def command(name: str, **kwargs: Any) -> Callable[[Callable[..., Any]], IvpCommand]:
    """``click.command`` with the ivp command class."""
    return click.command(name, cls=IvpCommand, **kwargs)


def group(name: str, **kwargs: Any) -> Callable[[Callable[..., Any]], IvpGroup]:
    """``click.group`` with the ivp group class."""
    return click.group(name, cls=IvpGroup, **kwargs)


def workspace_option(func: F) -> F:
    """The one ``--workspace``/``-w`` option: a folder, falling back to ``IVP_WORKSPACE``."""
    return click.option(
        "--workspace",
        "-w",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=WORKSPACE_ENV,
        default=None,
        help=_("Werkmap (standaard: de map in IVP_WORKSPACE, anders de huidige map)."),
    )(func)


def workspace_root(path: Path | None) -> Path:
    """The folder the rule picks: ``path`` (the option or ``IVP_WORKSPACE``, as click resolved it) or the
    current folder, made absolute."""
    return (path or Path.cwd()).resolve()


def open_workspace(path: Path | None) -> Workspace:
    """Open the workspace the rule picks or stop with a Dutch message (exit code 1)."""
    try:
        return Workspace.open(workspace_root(path))
    except IvpError as exc:
        raise click.ClickException(str(exc)) from exc


def setup_web(path: Path | None) -> Workspace | None:
    """Point Django at the settings and at the workspace the rule picks, initialise it; return the workspace.

    ``IVP_WORKSPACE`` is set before ``django.setup()`` (the settings read it). A workspace given by the
    option or the variable must exist; without either, the current folder is used only when it holds an
    ``ivp.toml`` (otherwise the web app runs without a workspace).
    """
    ws: Workspace | None = None
    if path is not None or (Path.cwd() / CONFIG_NAME).exists():
        ws = open_workspace(path)
        os.environ[WORKSPACE_ENV] = str(ws.root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ivp.web.settings")
    import django

    django.setup()
    return ws


def open_app_database(path: Path | None) -> Workspace:
    """Open the workspace (required), set up Django for it and bring the app database up to date."""
    ws = open_workspace(path)
    setup_web(ws.root)
    from ivp.web.server import migrate

    migrate()
    return ws


def cli_actor() -> str:
    """Who runs the command, as recorded with realisations and in the audit log."""
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli"


@contextmanager
def optional_store(ws: Workspace) -> Iterator[Store | None]:
    """The workspace's store opened read-only, or None when nothing has been loaded yet."""
    from ivp.store import Store

    store = Store(ws.store_path, read_only=True) if ws.store_path.exists() else None
    try:
        yield store
    finally:
        if store is not None:
            store.close()


def echo_paths(paths: dict[str, Path]) -> None:
    """Print written files as ``kind: path``, one a line."""
    for kind, path in paths.items():
        click.echo(f"{kind}: {path}")
