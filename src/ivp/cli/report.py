"""``ivp report ...``: the Veiligheidsbeeld, the midterm evaluation and the council letter (Rib)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ivp.cli._common import (
    echo_paths,
    group,
    open_app_database,
    open_workspace,
    optional_store,
    workspace_option,
)
from ivp.cli.plan import period_value, plan_option, stored_plan
from ivp.lib.i18n import _

if TYPE_CHECKING:
    import pandas as pd


@group("report", help=_("Maak rapporten (HTML, PDF, DOCX, xlsx) in de uitvoermap."))
def report_group() -> None:
    pass


@report_group.command(
    "veiligheidsbeeld", help=_("Het veiligheidsbeeld: per thema de cijfers, teksten en bronnen.")
)
@click.option(
    "--vergelijk",
    nargs=2,
    type=int,
    default=None,
    help=_("Twee jaren om te vergelijken (standaard de laatste twee)."),
)
@click.option(
    "--reeks",
    nargs=2,
    type=int,
    default=None,
    help=_("Eerste en laatste jaar van de reeksen (standaard alles)."),
)
@click.option(
    "--thema",
    "themes",
    multiple=True,
    help=_("Alleen dit thema (herhaalbaar), bijvoorbeeld vermogen_geweld."),
)
@click.option(
    "--trend-met-voorlopig",
    "trend_provisional",
    is_flag=True,
    help=_("Neem voorlopige jaren mee in de trends (standaard alleen definitieve jaren)."),
)
@click.option(
    "--formaat", default="html,pdf,docx,xlsx", show_default=True, help=_("Formaten, met komma's gescheiden.")
)
@workspace_option
def report_veiligheidsbeeld(
    vergelijk: tuple[int, int] | None, reeks: tuple[int, int] | None, themes: tuple[str, ...],
    trend_provisional: bool, formaat: str, workspace: Path | None,
) -> None:  # fmt: skip
    from ivp.reports.veiligheidsbeeld import make_report

    echo_paths(
        make_report(
            open_workspace(workspace), vergelijk, reeks, themes, formaat, trend_provisional=trend_provisional
        )
    )


_plan_formats_option = click.option(
    "--formaat",
    default="html,pdf,docx",
    show_default=True,
    help=_("Formaten, komma-gescheiden: html, pdf, docx."),
)


def _plan_formats(text: str) -> tuple[str, ...]:
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


@report_group.command(
    "evaluatie",
    help=_("Maak de midtermevaluatie van het plan: per opgave resultaten, indicatoren, trends en inzet."),
)
@click.option(
    "--periode",
    default=None,
    help=_("Periode van de evaluatie, bv. 2023-2024 (standaard: de eerste twee jaar)."),
)
@_plan_formats_option
@plan_option
@workspace_option
def report_evaluatie(periode: str | None, formaat: str, plan_id: str | None, workspace: Path | None) -> None:
    from ivp.reports.plan.context import evaluation_context
    from ivp.reports.plan.render import write_evaluation

    ws = open_workspace(workspace)
    formats = _plan_formats(formaat)
    open_app_database(workspace)
    plan, stored = stored_plan(plan_id)
    period = period_value(periode, plan.period) if periode else None
    from ivp.web.interventions import services as register

    interventions = register.list_interventions()
    with optional_store(ws) as store:
        ctx = evaluation_context(ws, plan, stored, store, period, interventions=interventions)
    echo_paths(write_evaluation(ctx, ws.uitvoer, formats))


@report_group.command(
    "rib",
    help=_("Maak een raadsinformatiebrief over één uitvoeringsplan, bv. 'ivp report rib ondermijning'."),
)
@click.argument("onderwerp")
@click.option(
    "--periode", default=None, help=_("Periode, bv. 2025-2026 (standaard: het lopende uitvoeringsplan).")
)
@_plan_formats_option
@plan_option
@workspace_option
def report_rib(
    onderwerp: str, periode: str | None, formaat: str, plan_id: str | None, workspace: Path | None
) -> None:
    from ivp.reports.plan.context import rib_context
    from ivp.reports.plan.render import write_rib

    ws = open_workspace(workspace)
    formats = _plan_formats(formaat)
    open_app_database(workspace)
    plan, stored = stored_plan(plan_id)
    period = period_value(periode, plan.period) if periode else None
    with optional_store(ws) as store:
        ctx = rib_context(ws, plan, stored, store, onderwerp, period)
    echo_paths(write_rib(ctx, ws.uitvoer, formats))


COMMANDS: list[click.Command] = [report_group]


@report_group.command(
    "wijkscan",
    help=_(
        "De wijkveiligheidsscan van een wijk, buurt of aandachtsgebied: cijfers, tijden, plekken, "
        "meldingen, teksten en bronnen."
    ),
)
@click.argument("gebied")
@click.option("--van", type=click.DateTime(["%Y-%m-%d"]), default=None, help=_("Eerste dag (JJJJ-MM-DD)."))
@click.option(
    "--tot", type=click.DateTime(["%Y-%m-%d"]), default=None, help=_("Tot deze dag, niet meegerekend.")
)
@click.option(
    "--formaat", default="html,pdf,docx", show_default=True, help=_("Formaten, met komma's gescheiden.")
)
@click.option(
    "--zonder-meldingen", "zonder_meldingen", is_flag=True, help=_("Laat de meldingen van het meldpunt weg.")
)
@workspace_option
def report_wijkscan(
    gebied: str, van: dt.datetime | None, tot: dt.datetime | None, formaat: str, zonder_meldingen: bool,
    workspace: Path | None,
) -> None:  # fmt: skip
    from ivp.reports.wijkscan.report import make_wijkscan

    ws = open_workspace(workspace)
    meldingen = None if zonder_meldingen else _meldingen(workspace, van, tot)
    period = (van.date() if van else None, tot.date() if tot else None) if (van or tot) else None
    echo_paths(make_wijkscan(ws, gebied, formaat, meldingen=meldingen, period=period))


def _meldingen(
    workspace: Path | None, van: dt.datetime | None, tot: dt.datetime | None
) -> pd.DataFrame | None:
    """The meldpunt's meldingen from the web app database, or None when the app has none to give."""
    try:
        open_app_database(workspace)
        from ivp.web.meldingen.services import events_for_analysis
    except ImportError:
        return None
    frame: pd.DataFrame = events_for_analysis(since=van, until=tot)
    return frame if len(frame) else None
