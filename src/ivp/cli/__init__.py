"""The ``ivp`` command: thin click commands that mirror the pipeline. Help texts and messages are Dutch.

One module per area registers its commands here: ``workspace`` (init), ``ingest``, ``data`` (sources,
themes, figures), ``report``, ``plan``, ``interventions`` (the register), ``effect`` (did it work?), ``steering`` (hotspots,
hottimes, nearrepeat, aandachtsgebieden),
``web`` (serve, import-meldingen, open311, manage), ``gebruiker`` (staff accounts) and ``demo``.
What they share (the one ``--workspace`` option, opening a workspace, setting up the web app) is in
``ivp.cli._common``.
"""

from __future__ import annotations

import click

from ivp.cli import (
    data,
    demo,
    effect,
    gebruiker,
    ingest,
    interventions,
    plan,
    report,
    steering,
    web,
    workspace,
)
from ivp.cli._common import IvpGroup
from ivp.lib.i18n import _


@click.group(cls=IvpGroup, help=_("ivp: informatiesysteem voor integrale veiligheid."))
@click.version_option(package_name="ivp")
def main() -> None:
    pass


for _module in (workspace, ingest, data, report, plan, interventions, effect, steering, web, gebruiker, demo):
    for _command in _module.COMMANDS:
        main.add_command(_command)

__all__ = ["main"]
