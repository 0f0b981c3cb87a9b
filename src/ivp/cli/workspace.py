"""``ivp init``: create a workspace."""

from __future__ import annotations

from pathlib import Path

import click

from ivp.cli._common import command
from ivp.lib.i18n import _
from ivp.workspace import Workspace


@command("init", help=_("Maak een nieuwe werkmap voor een gemeente."))
@click.argument("directory", metavar=_("MAP"), type=click.Path(file_okay=False, path_type=Path))
@click.option("--gemeente", required=True, help=_("CBS-gemeentecode, bijvoorbeeld GM0505."))
@click.option("--naam", default=None, help=_("Naam van de gemeente, bijvoorbeeld Dordrecht."))
def init_cmd(directory: Path, gemeente: str, naam: str | None) -> None:
    from ivp.store import Store

    ws = Workspace.create(directory.resolve(), gemeente.upper(), naam)
    Store(ws.store_path).close()
    click.echo(_("Werkmap gemaakt in {root} voor {code}.").format(root=ws.root, code=ws.gemeente))
    click.echo(_("Volgende stap: ivp ingest cbs 47018NED --workspace {root}").format(root=ws.root))


COMMANDS: list[click.Command] = [init_cmd]
