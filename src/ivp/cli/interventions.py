"""``ivp interventies ...``: the register of place-based interventions. Thin click commands over the
register's services (``ivp.web.interventions.services``) and the file readers (``ivp.interventions``)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ivp.cli._common import cli_actor, group, open_app_database, optional_store, workspace_option
from ivp.lib.files import write_atomic
from ivp.lib.i18n import _


@group(
    "interventies", help=_("Het register van gebiedsgerichte interventies: importeren, tonen, exporteren.")
)
def interventions_group() -> None:
    pass


@interventions_group.command(
    "import",
    help=_("Lees interventies (YAML of xlsx) in het register; bij een fout wordt niets geïmporteerd."),
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--vervang", is_flag=True, help=_("Verwijder interventies die niet in het bestand staan."))
@workspace_option
def import_cmd(file: Path, vervang: bool, workspace: Path | None) -> None:
    from ivp.interventions import load_interventions

    ws = open_app_database(workspace)
    from ivp.web.interventions import services

    with optional_store(ws) as store:
        buurten = None
        if store is not None:
            from ivp.store.read import areas_of

            buurten = areas_of(store, ws.gemeente, ("buurt",))["code"].tolist() or None
    items = load_interventions(file, known_buurten=buurten, known_targets=services.known_targets())
    result = services.import_interventions(items, actor=cli_actor(), replace=vervang, source=str(file))
    text = _("{n} interventies gelezen: {c} nieuw, {u} gewijzigd, {s} ongewijzigd.").format(
        n=len(items), c=result.created, u=result.updated, s=result.unchanged
    )
    if vervang:
        text += " " + _("{r} verwijderd.").format(r=result.removed)
    click.echo(text)
    if buurten is None:
        click.echo(
            _(
                "Let op: er zijn geen buurten geladen, dus de buurtcodes zijn alleen op hun vorm gecontroleerd."
            )
        )
    click.echo(_("Volgende stap: ivp interventies lijst, of ivp effect INTERVENTIE."))


@interventions_group.command("lijst", help=_("Toon de interventies in het register."))
@click.option("--json", "as_json", is_flag=True, help=_("Als JSON (voor scripts)."))
@workspace_option
def list_cmd(as_json: bool, workspace: Path | None) -> None:
    from ivp.interventions import SOORT_LABELS, intervention_to_dict

    open_app_database(workspace)
    from ivp.web.interventions import services

    items = services.list_interventions()
    if as_json:
        click.echo(
            json.dumps([intervention_to_dict(iv) for iv in items], ensure_ascii=False, indent=2, default=str)
        )
        return
    if not items:
        click.echo(_("Het register is leeg. Importeer het met ivp interventies import BESTAND."))
        return
    for iv in items:
        periods = "; ".join(
            f"{p.start.isoformat()} t/m {p.eind.isoformat() if p.eind else _('heden')}" for p in iv.perioden
        )
        click.echo(f"{iv.id}: {iv.naam} ({SOORT_LABELS.get(iv.soort, iv.soort)})")
        click.echo("  " + _("gebied: {g}").format(g=iv.gebied.summary()))
        click.echo("  " + _("perioden: {p}").format(p=periods))
        click.echo("  " + _("doelen: {d}").format(d=", ".join(iv.doelen)))


@interventions_group.command(
    "export", help=_("Schrijf het register als YAML naar BESTAND (of naar het scherm).")
)
@click.argument("bestand", required=False, type=click.Path(dir_okay=False, path_type=Path))
@workspace_option
def export_cmd(bestand: Path | None, workspace: Path | None) -> None:
    from ivp.interventions import dumps_interventions

    ws = open_app_database(workspace)
    from ivp.web.interventions import services

    text = dumps_interventions(services.list_interventions(), gemeente=ws.gemeente)
    if bestand is None:
        click.echo(text, nl=False)
        return
    write_atomic(bestand, text)
    click.echo(_("Register geschreven naar {out}.").format(out=bestand))


COMMANDS: list[click.Command] = [interventions_group]
