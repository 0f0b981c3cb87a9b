"""``ivp demo``: the offline Dordrecht demo workspace with every report."""

from __future__ import annotations

from pathlib import Path

import click

from ivp.cli._common import command, echo_paths, open_app_database
from ivp.lib.i18n import _


@command(
    "demo", help=_("Bouw offline een demowerkmap voor Dordrecht en maak het volledige veiligheidsbeeld.")
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help=_("Map voor de demowerkmap."),
)
def demo_cmd(out: Path) -> None:
    from ivp.demo import create_workspace
    from ivp.demo.run import run_demo

    demo = create_workspace(out)
    open_app_database(demo.workspace.root)  # the plan part of the demo uses the app database
    paths = run_demo(demo.workspace)
    click.echo(_("Demowerkmap: {root}").format(root=out.resolve()))
    echo_paths(paths)


COMMANDS: list[click.Command] = [demo_cmd]
