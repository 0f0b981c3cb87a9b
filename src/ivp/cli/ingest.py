"""``ivp ingest ...``: load a source into the workspace's store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ivp.cli._common import group, open_workspace, workspace_option
from ivp.lib.fmt import number
from ivp.lib.i18n import _

if TYPE_CHECKING:
    from ivp.store import LoadResult


@group("ingest", help=_("Laad gegevens uit een bron in de werkmap."))
def ingest_group() -> None:
    pass


def _report_load(result: LoadResult) -> None:
    if result.action == "ongewijzigd":
        click.echo(
            _("{dataset}: ongewijzigd, dezelfde gegevens waren al geladen.").format(dataset=result.dataset)
        )
    elif result.action == "vervangen":
        click.echo(
            _("{dataset}: {rows} rijen geladen; vervangt de eerdere versie ({old}).").format(
                dataset=result.dataset, rows=number(result.row_count), old=result.previous_vintage or "?"
            )
        )
    else:
        click.echo(
            _("{dataset}: {rows} rijen geladen.").format(
                dataset=result.dataset, rows=number(result.row_count)
            )
        )


def _ingest(
    workspace: Path | None, adapter_id: str, location: str | None, dataset: str | None, force: bool
) -> None:
    from ivp.sources.base import ingest
    from ivp.store import Store
    from ivp.themes import load_taxonomy

    ws = open_workspace(workspace)
    taxonomy = load_taxonomy(ws.root)
    with Store(ws.store_path) as store:
        _report_load(
            ingest(
                store,
                adapter_id,
                location,
                dataset=dataset,
                force=force,
                gemeente=ws.gemeente,
                taxonomy=taxonomy,
            )
        )


_force_option = click.option("--force", is_flag=True, help=_("Laad ook een oudere versie dan de geladen."))


@ingest_group.command(
    "cbs", help=_("Laad een CBS-tabel (47018NED, 47022NED, 85984NED), live of uit een map.")
)
@click.argument("table", metavar=_("TABEL"))
@click.option(
    "--from",
    "folder",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help=_("Map zoals cbsodata.download_data die schrijft; zonder deze optie live van CBS."),
)
@_force_option
@workspace_option
def ingest_cbs(table: str, folder: str | None, force: bool, workspace: Path | None) -> None:
    _ingest(workspace, "cbs", folder, table.upper(), force)


def _file_command(adapter_id: str, help_text: str) -> None:
    @ingest_group.command(adapter_id, help=help_text)
    @click.argument("file", metavar=_("BESTAND"), type=click.Path(dir_okay=False))
    @_force_option
    @workspace_option
    def command(file: str, force: bool, workspace: Path | None) -> None:
        _ingest(workspace, adapter_id, file, None, force)


_file_command("bevolking", _("Laad bevolking per gemeente en jaar (csv)."))
_file_command("geo", _("Laad grenzen van gemeenten, wijken of buurten (GeoJSON of GeoPackage)."))
_file_command("politie-overlast", _("Laad overlastregistraties van de politie (csv of xlsx)."))
_file_command("politie-incidenten", _("Laad een incidentexport van de politie (csv of xlsx)."))
_file_command(
    "meldpunt", _("Laad meldingen van het meldpunt: eigen cijfers, Fixi- of Signalen-export (csv of xlsx).")
)
_file_command(
    "reeks",
    _(
        "Laad reeksen uit eigen registraties of onderzoek (csv of xlsx): per indicator, gebied en periode een "
        "waarde, met eenheid, thema en bron."
    ),
)
_file_command(
    "politie-landelijk", _("Laad een landelijke reeks van de politie (NL_Crime.csv, NL_Disorder.csv).")
)

COMMANDS: list[click.Command] = [ingest_group]
