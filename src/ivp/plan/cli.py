"""``ivp plan ...``: import, export and track the IVP. Thin click commands over the plan services.

This is the one module of ``ivp.plan`` that reaches the app database (through ``ivp.web.plan``); the
rest of the package is pure and is imported by the web app and the reports.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Any

import click

from ivp.lib.errors import IvpError
from ivp.lib.files import write_atomic
from ivp.lib.i18n import _
from ivp.plan.model import Period
from ivp.plan.units import format_value
from ivp.workspace import Workspace

_workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=_("Werkmap (standaard: de huidige map)."),
)
_plan_option = click.option(
    "--plan", "plan_id", default=None, help=_("Id van het plan (standaard: het laatst geïmporteerde).")
)


def _open(workspace: Path | None) -> Workspace:
    root = (workspace or Path.cwd()).resolve()
    try:
        return Workspace.open(root)
    except IvpError as exc:
        raise click.ClickException(str(exc)) from exc


def setup_database(ws: Workspace) -> None:
    """Initialise Django for the workspace and bring the app database up to date."""
    from django.core.management import call_command

    from ivp.web.cli import setup

    setup(ws.root)
    call_command("migrate", interactive=False, verbosity=0)


def cli_actor() -> str:
    """Who runs the command, as recorded with realisations and in the audit log."""
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _fail(exc: IvpError) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group(
    "plan", help=_("Het integraal veiligheidsplan: importeren, exporteren, realisaties en voortgang.")
)
def plan_group() -> None:
    pass


@plan_group.command(
    "import", help=_("Lees een plan (YAML) in de database; bij een fout wordt niets geïmporteerd.")
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_workspace_option
def import_cmd(file: Path, workspace: Path | None) -> None:
    from ivp.plan.yaml_io import load_plan

    ws = _open(workspace)
    try:
        plan = load_plan(file)
    except IvpError as exc:
        raise _fail(exc) from exc
    setup_database(ws)
    from ivp.web.plan import services

    try:
        services.import_plan(plan, actor=cli_actor())
    except IvpError as exc:
        raise _fail(exc) from exc
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
@_plan_option
@_workspace_option
def export_cmd(out: Path | None, met_realisaties: bool, plan_id: str | None, workspace: Path | None) -> None:
    from ivp.plan.yaml_io import dumps_plan

    setup_database(_open(workspace))
    from ivp.web.plan import services

    try:
        plan = services.export_plan(plan_id, with_realisations=met_realisaties)
    except IvpError as exc:
        raise _fail(exc) from exc
    text = dumps_plan(plan)
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
@_plan_option
@_workspace_option
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
    setup_database(_open(workspace))
    from ivp.web.plan import services
    from ivp.web.plan.models import Indicator

    try:
        row = services.active_plan(plan_id)
        ind = Indicator.objects.filter(plan=row, code=indicator).first()
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
    except IvpError as exc:
        raise _fail(exc) from exc
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
@_plan_option
@_workspace_option
def realisatie_import(file: Path, plan_id: str | None, workspace: Path | None) -> None:
    from ivp.plan.realisations_csv import read_realisations_csv

    setup_database(_open(workspace))
    from ivp.web.plan import services

    try:
        row = services.active_plan(plan_id)
        plan = services.export_plan(row.code)
        items = read_realisations_csv(file, plan, recorded_by=cli_actor())
        added = services.record_realisations(row, items, actor=cli_actor())
    except IvpError as exc:
        raise _fail(exc) from exc
    click.echo(
        _("{n} regels gelezen: {added} realisaties vastgelegd, {same} ongewijzigd.").format(
            n=len(items), added=added, same=len(items) - added
        )
    )


@realisatie_group.command("geschiedenis", help=_("Toon alle realisaties van een indicator, met correcties."))
@click.argument("indicator")
@_plan_option
@_workspace_option
def realisatie_history(indicator: str, plan_id: str | None, workspace: Path | None) -> None:
    setup_database(_open(workspace))
    from ivp.web.plan import services

    try:
        row = services.active_plan(plan_id)
    except IvpError as exc:
        raise _fail(exc) from exc
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
@_plan_option
@_workspace_option
def status_cmd(periode: str | None, as_json: bool, plan_id: str | None, workspace: Path | None) -> None:
    from ivp.plan.attainment import status_label  # scipy: imported only when needed
    from ivp.plan.tracking import all_realisations, progress
    from ivp.store import Store

    ws = _open(workspace)
    setup_database(ws)
    from ivp.web.plan import services

    try:
        row = services.active_plan(plan_id)
    except IvpError as exc:
        raise _fail(exc) from exc
    plan = services.export_plan(row.code)
    period = parse_period(periode, plan.period)
    store = Store(ws.store_path, read_only=True) if ws.store_path.exists() else None
    try:
        reals = all_realisations(plan, services.stored_realisations(row), store)
        rows = progress(plan, reals, period, store=store, alpha=ws.alpha)
    finally:
        if store is not None:
            store.close()
    if as_json:
        click.echo(
            json.dumps([_as_dict(p.period, p.indicator.unit) for p in rows], ensure_ascii=False, indent=2)
        )
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


def parse_period(text: str | None, default: Period) -> Period:
    """``2025`` or ``2023-2024`` as a period inside ``default``; a Dutch error otherwise."""
    if not text:
        return default
    try:
        parts = [int(p) for p in text.split("-")]
        period = Period(parts[0], parts[-1]) if len(parts) in (1, 2) else None
    except ValueError:
        period = None
    if period is None or period.start < default.start or period.end > default.end:
        raise click.BadParameter(
            _("'{text}' is geen jaar of periode binnen {plan}.").format(text=text, plan=default.label()),
            param_hint="--periode",
        )
    return period


def _as_dict(a: Any, unit: str) -> dict[str, Any]:
    return {
        "indicator": a.indicator,
        "periode": a.period.label(),
        "streefwaarde": a.target,
        "gerealiseerd": a.realised,
        "prognose": a.projection,
        "status": a.status,
        "reden": a.reason,
        "compleet": a.complete,
        "eenheid": unit,
        "aantoonbaar": a.demonstrable,
        "verandering": a.change.label if a.change else None,
        "p_waarde": a.change.p_value if a.change else None,
    }


_formats_option = click.option(
    "--formaat",
    default="html,pdf,docx",
    show_default=True,
    help=_("Formaten, komma-gescheiden: html, pdf, docx."),
)


def _formats(text: str) -> tuple[str, ...]:
    from ivp.reports.plan.render import FORMATS

    out = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in out if f not in FORMATS]
    if bad or not out:
        raise click.BadParameter(
            _("onbekend formaat {bad}; kies uit {valid}.").format(
                bad=", ".join(bad) or "''", valid=", ".join(FORMATS)
            ),
            param_hint="--formaat",
        )
    return out


def _report_inputs(ws: Workspace, plan_id: str | None) -> tuple[Any, list[Any]]:
    setup_database(ws)
    from ivp.web.plan import services

    try:
        row = services.active_plan(plan_id)
    except IvpError as exc:
        raise _fail(exc) from exc
    return services.export_plan(row.code), services.stored_realisations(row)


@click.command(
    "evaluatie",
    help=_("Maak de midtermevaluatie van het plan: per opgave resultaten, indicatoren, trends en inzet."),
)
@click.option(
    "--periode",
    default=None,
    help=_("Periode van de evaluatie, bv. 2023-2024 (standaard: de eerste twee jaar)."),
)
@_formats_option
@_plan_option
@_workspace_option
def report_evaluatie(periode: str | None, formaat: str, plan_id: str | None, workspace: Path | None) -> None:
    from ivp.reports.plan.context import evaluation_context
    from ivp.reports.plan.render import write_evaluation
    from ivp.store import Store

    ws = _open(workspace)
    formats = _formats(formaat)
    plan, stored = _report_inputs(ws, plan_id)
    period = parse_period(periode, plan.period) if periode else None
    store = Store(ws.store_path, read_only=True) if ws.store_path.exists() else None
    try:
        ctx = evaluation_context(ws, plan, stored, store, period)
    finally:
        if store is not None:
            store.close()
    for kind, path in write_evaluation(ctx, ws.uitvoer, formats).items():
        click.echo(f"{kind}: {path}")


@click.command(
    "rib",
    help=_("Maak een raadsinformatiebrief over één uitvoeringsplan, bv. 'ivp report rib ondermijning'."),
)
@click.argument("onderwerp")
@click.option(
    "--periode", default=None, help=_("Periode, bv. 2025-2026 (standaard: het lopende uitvoeringsplan).")
)
@_formats_option
@_plan_option
@_workspace_option
def report_rib(
    onderwerp: str, periode: str | None, formaat: str, plan_id: str | None, workspace: Path | None
) -> None:
    from ivp.reports.plan.context import rib_context
    from ivp.reports.plan.render import write_rib
    from ivp.store import Store

    ws = _open(workspace)
    formats = _formats(formaat)
    plan, stored = _report_inputs(ws, plan_id)
    period = parse_period(periode, plan.period) if periode else None
    store = Store(ws.store_path, read_only=True) if ws.store_path.exists() else None
    try:
        ctx = rib_context(ws, plan, stored, store, onderwerp, period)
    except IvpError as exc:
        raise _fail(exc) from exc
    finally:
        if store is not None:
            store.close()
    for kind, path in write_rib(ctx, ws.uitvoer, formats).items():
        click.echo(f"{kind}: {path}")


COMMANDS = [plan_group]
#: Subcommands of ``ivp report`` (registered by ``ivp.cli``).
REPORT_COMMANDS = [report_evaluatie, report_rib]


def run_plan_demo(ws: Workspace, formats: str = "html,pdf,docx") -> dict[str, Path]:
    """Demo step: import Dordrecht's IVP and its illustrative realisations, render the evaluation and the
    Rib for ondermijning. Returns the written paths keyed ``evaluatie-<fmt>`` and ``rib-<fmt>``."""
    from ivp.plan.realisations_csv import read_realisations_csv
    from ivp.plan.yaml_io import example_path, load_plan
    from ivp.reports.plan.context import evaluation_context, rib_context
    from ivp.reports.plan.render import FORMATS, write_evaluation, write_rib
    from ivp.store import Store

    wanted = tuple(f for f in (x.strip() for x in formats.split(",")) if f in FORMATS)
    plan = load_plan(example_path())
    setup_database(ws)
    from ivp.web.plan import services

    row = services.import_plan(plan, actor="ivp demo")
    items = read_realisations_csv(example_path().with_name("dordrecht_realisaties_illustratief.csv"), plan)
    services.record_realisations(row, items, actor="ivp demo")
    stored = services.stored_realisations(row)
    paths: dict[str, Path] = {}
    store = Store(ws.store_path, read_only=True) if ws.store_path.exists() else None
    try:
        evaluation = evaluation_context(ws, plan, stored, store)
        rib = rib_context(ws, plan, stored, store, "ondermijning")
    finally:
        if store is not None:
            store.close()
    paths.update({f"evaluatie-{k}": v for k, v in write_evaluation(evaluation, ws.uitvoer, wanted).items()})
    paths.update({f"rib-{k}": v for k, v in write_rib(rib, ws.uitvoer, wanted).items()})
    return paths
