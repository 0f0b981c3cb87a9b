"""``ivp plan ...``: import, export and track the IVP. Thin click commands over the plan services
(``ivp.web.plan.services``) and the pure plan code (``ivp.plan``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ivp.cli._common import (
    cli_actor,
    group,
    open_app_database,
    open_workspace,
    optional_store,
    workspace_option,
)
from ivp.lib.files import write_atomic
from ivp.lib.i18n import _
from ivp.plan.model import Period
from ivp.plan.periods import PeriodError, parse_period
from ivp.plan.units import format_value

if TYPE_CHECKING:
    from ivp.plan.model import Plan, Realisation

plan_option = click.option(
    "--plan", "plan_id", default=None, help=_("Id van het plan (standaard: het laatst geïmporteerde).")
)


def period_value(text: str | None, default: Period) -> Period:
    """The ``--periode`` value as a period inside ``default``; a click usage error (exit 2) otherwise."""
    try:
        return parse_period(text, default)
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--periode") from exc


def stored_plan(plan_id: str | None) -> tuple[Plan, list[Realisation]]:
    """The plan (default: the latest imported) and its stored realisations, from the app database."""
    from ivp.web.plan import services

    row = services.active_plan(plan_id)
    return services.export_plan(row.code), list(services.stored_realisations(row))


@group("plan", help=_("Het integraal veiligheidsplan: importeren, exporteren, realisaties en voortgang."))
def plan_group() -> None:
    pass


@plan_group.command(
    "import", help=_("Lees een plan (YAML) in de database; bij een fout wordt niets geïmporteerd.")
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@workspace_option
def import_cmd(file: Path, workspace: Path | None) -> None:
    from ivp.plan.yaml_io import load_plan

    open_workspace(workspace)
    plan = load_plan(file)
    open_app_database(workspace)
    from ivp.web.plan import services

    services.import_plan(plan, actor=cli_actor())
    click.echo(
        _(
            "{name} ({period}) geïmporteerd: {opg} opgaven, {up} uitvoeringsplannen, {ind} indicatoren."
        ).format(
            name=plan.name,
            period=plan.period.label(),
            opg=len(plan.opgaven),
            up=len(plan.implementation_plans),
            ind=len(plan.indicators),
        )
    )
    click.echo(_("Volgende stap: ivp plan status, of realisaties invoeren met ivp plan realisatie add."))


@plan_group.command("export", help=_("Schrijf het plan uit de database als YAML (naar --out of het scherm)."))
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help=_("Uitvoerbestand.")
)
@click.option("--met-realisaties", is_flag=True, help=_("Neem de geldende realisaties op."))
@plan_option
@workspace_option
def export_cmd(out: Path | None, met_realisaties: bool, plan_id: str | None, workspace: Path | None) -> None:
    from ivp.plan.yaml_io import dumps_plan

    open_app_database(workspace)
    from ivp.web.plan import services

    text = dumps_plan(services.export_plan(plan_id, with_realisations=met_realisaties))
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)
        click.echo(_("Plan geschreven naar {out}.").format(out=out))


@plan_group.group(
    "realisatie", help=_("Realisaties van indicatoren vastleggen (met wie, wanneer en bewijs).")
)
def realisatie_group() -> None:
    pass


@realisatie_group.command("add", help=_("Leg een realisatie vast: INDICATOR JAAR WAARDE, met bewijs."))
@click.argument("indicator")
@click.argument("jaar", type=int)
@click.argument("waarde")
@click.option(
    "--bewijs", required=True, help=_("Waar het cijfer vandaan komt (rapportage, register, document).")
)
@click.option(
    "--peildatum",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help=_("Stand tot en met deze datum (JJJJ-MM-DD); zonder: het hele jaar."),
)
@click.option("--toelichting", default="", help=_("Korte toelichting."))
@click.option("--corrigeert", type=int, default=None, help=_("Id van de realisatie die deze vervangt."))
@plan_option
@workspace_option
def realisatie_add(
    indicator: str,
    jaar: int,
    waarde: str,
    bewijs: str,
    peildatum: dt.datetime | None,
    toelichting: str,
    corrigeert: int | None,
    plan_id: str | None,
    workspace: Path | None,
) -> None:
    open_app_database(workspace)
    from ivp.web.plan import services

    row = services.active_plan(plan_id)
    ind = row.indicatoren.filter(code=indicator).first()
    if ind is None:
        known = ", ".join(row.indicatoren.values_list("code", flat=True))
        raise click.ClickException(
            _("Onbekende indicator '{code}'. Bekend: {known}.").format(code=indicator, known=known)
        )
    real = services.record_realisation(
        ind,
        jaar,
        waarde,
        actor=cli_actor(),
        as_of=peildatum.date() if peildatum else None,
        evidence=bewijs,
        note=toelichting,
        corrects=corrigeert,
    )
    text = _("Realisatie {id} vastgelegd: {code} {year} = {value}.").format(
        id=real.pk, code=ind.code, year=jaar, value=format_value(real.waarde, ind.eenheid)
    )
    if real.corrigeert_id:
        text += " " + _("Vervangt realisatie {old} (blijft in de geschiedenis).").format(
            old=real.corrigeert_id
        )
    click.echo(text)


@realisatie_group.command(
    "import", help=_("Lees realisaties uit csv (indicator,jaar,waarde,peildatum,bewijs,toelichting).")
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@plan_option
@workspace_option
def realisatie_import(file: Path, plan_id: str | None, workspace: Path | None) -> None:
    from ivp.plan.realisations_csv import read_realisations_csv

    open_app_database(workspace)
    from ivp.web.plan import services

    row = services.active_plan(plan_id)
    items = read_realisations_csv(file, services.export_plan(row.code), recorded_by=cli_actor())
    added = services.record_realisations(row, items, actor=cli_actor())
    click.echo(
        _("{n} regels gelezen: {added} realisaties vastgelegd, {same} ongewijzigd.").format(
            n=len(items), added=added, same=len(items) - added
        )
    )


@realisatie_group.command("geschiedenis", help=_("Toon alle realisaties van een indicator, met correcties."))
@click.argument("indicator")
@plan_option
@workspace_option
def realisatie_history(indicator: str, plan_id: str | None, workspace: Path | None) -> None:
    open_app_database(workspace)
    from ivp.web.plan import services

    row = services.active_plan(plan_id)
    ind = row.indicatoren.filter(code=indicator).first()
    if ind is None:
        raise click.ClickException(_("Onbekende indicator '{code}'.").format(code=indicator))
    for real in services.indicator_history(ind):
        mark = _(" (gecorrigeerd)") if hasattr(real, "correctie") else ""
        click.echo(
            f"#{real.pk} {real.jaar} {format_value(real.waarde, ind.eenheid)}"
            f" {real.peildatum or ''} {real.door_naam} {real.op:%Y-%m-%d %H:%M}{mark} - {real.bewijs}"
        )


@plan_group.command(
    "status", help=_("Voortgang per indicator: streefwaarde, realisatie, prognose en status.")
)
@click.option(
    "--periode", default=None, help=_("Jaar of periode, bv. 2025 of 2023-2024 (standaard: de planperiode).")
)
@click.option("--json", "as_json", is_flag=True, help=_("Uitvoer als JSON."))
@plan_option
@workspace_option
def status_cmd(periode: str | None, as_json: bool, plan_id: str | None, workspace: Path | None) -> None:
    from ivp.plan.attainment import status_label  # scipy: imported only when needed
    from ivp.plan.periods import attainment_record
    from ivp.plan.tracking import all_realisations, progress

    ws = open_app_database(workspace)
    plan, stored = stored_plan(plan_id)
    period = period_value(periode, plan.period)
    with optional_store(ws) as store:
        rows = progress(plan, all_realisations(plan, stored, store), period, store=store, alpha=ws.alpha)
    if as_json:
        records: list[dict[str, Any]] = [attainment_record(p.period, p.indicator.unit) for p in rows]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    click.echo(_("{name}, periode {period}").format(name=plan.name, period=period.label()))
    for p in rows:
        a, unit = p.period, p.indicator.unit
        line = (
            f"{p.indicator.id:<8} {status_label(a.status):<9} "
            + _("streef {t}, gerealiseerd {r}, prognose {p}").format(
                t=format_value(a.target, unit),
                r=format_value(a.realised, unit),
                p=format_value(a.projection, unit, approx=True),
            )
            + f"  {p.indicator.name}"
        )
        if a.change is not None:
            line += f" ({a.change.label})"
        click.echo(line)


COMMANDS: list[click.Command] = [plan_group]
