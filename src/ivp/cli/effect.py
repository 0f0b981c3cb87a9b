"""``ivp effect INTERVENTIE``: did a registered intervention work? And ``ivp report effect``.

The intervention comes from the register in the app database (``ivp interventies import``), or from a
file with ``--bestand``. The counts come from the police incidents in the store. ``--json`` prints the
document of :mod:`ivp.reports.effect.payload`: ``effect`` (the relative change in the treated area, e.g.
-0.3) and ``interval`` (its 95% interval as two numbers) at the top level.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ivp.cli._common import command, echo_paths, open_app_database, open_workspace, workspace_option
from ivp.cli.report import report_group
from ivp.lib.errors import ConfigError
from ivp.lib.fmt import number
from ivp.lib.i18n import _

if TYPE_CHECKING:
    from collections.abc import Callable

    from ivp.interventions.model import Intervention

METHODS = ("quasipoisson", "negbin", "poisson")


def find_intervention(workspace: Path | None, code: str, bestand: Path | None) -> Intervention:
    """The intervention ``code`` from ``bestand`` (YAML/xlsx) or else from the register in the app database."""
    if bestand is not None:
        from ivp.interventions import load_interventions

        found = {iv.id: iv for iv in load_interventions(bestand)}
        if code not in found:
            raise ConfigError(
                _("Interventie '{code}' staat niet in {file}; wel: {known}.").format(
                    code=code, file=bestand.name, known=", ".join(found) or "–"
                )
            )
        return found[code]
    open_app_database(workspace)
    from ivp.web.interventions import services

    return services.get_intervention(code)


def _options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.argument("interventie"),
            click.option(
                "--bestand",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                default=None,
                help=_("Lees de interventie uit dit bestand (YAML of xlsx) in plaats van uit het register."),
            ),
            click.option(
                "--voor",
                "pre_bins",
                type=click.IntRange(min=3, max=2000),
                default=None,
                help=_("Aantal perioden (maanden, weken of dagen) voor de start (standaard twee jaar)."),
            ),
            click.option(
                "--omgeving",
                "buffer_m",
                type=click.FloatRange(min=25, max=5000),
                default=None,
                help=_(
                    "Breedte van de omgeving om het gebied in meter (standaard die van de interventie, of 250)."
                ),
            ),
            click.option(
                "--methode",
                type=click.Choice(METHODS),
                default="quasipoisson",
                show_default=True,
                help=_("Model voor de hoofduitkomst."),
            ),
            workspace_option,
        ]
    ):
        func = option(func)
    return func


def _evaluate(
    workspace: Path | None, interventie: str, bestand: Path | None, pre_bins: int | None,
    buffer_m: float | None, methode: str,
) -> Any:  # fmt: skip
    from ivp.reports.effect.report import build_context
    from ivp.store import Store

    ws = open_workspace(workspace)
    iv = find_intervention(workspace, interventie, bestand)
    with Store(ws.store_path, read_only=True) as store:
        return build_context(ws, store, iv, pre_bins=pre_bins, buffer_m=buffer_m, method=methode)


@command("effect", help=_("Werkte het? Het effect van een interventie uit het register, met interval."))
@_options
@click.option("--json", "as_json", is_flag=True, help=_("Schrijf het resultaat als JSON."))
def effect_cmd(
    interventie: str, bestand: Path | None, pre_bins: int | None, buffer_m: float | None, methode: str,
    workspace: Path | None, as_json: bool,
) -> None:  # fmt: skip
    from ivp.reports.effect import sentences
    from ivp.reports.effect.payload import evaluation_payload
    from ivp.reports.effect.report import count_header, count_rows, data_source, illustrative_note

    ctx = _evaluate(workspace, interventie, bestand, pre_bins, buffer_m, methode)
    ev = ctx.evaluation
    if as_json:
        click.echo(json.dumps(evaluation_payload(ev, ctx.naam), ensure_ascii=False, indent=2))
        return
    click.echo(_("Effect van {naam} ({id})").format(naam=ev.intervention.naam, id=ev.intervention.id))
    if ev.illustrative:
        click.echo(illustrative_note(ctx))
    click.echo("")
    header = count_header(ctx)
    click.echo("  " + "  ".join(f"{h:>18}" if i else f"{h:<20}" for i, h in enumerate(header)))
    for row in count_rows(ctx):
        click.echo("  " + "  ".join(f"{c:>18}" if i else f"{c:<20}" for i, c in enumerate(row)))
    click.echo("")
    for line in sentences.summary(ev, ctx.naam):
        click.echo("- " + line)
    click.echo("")
    click.echo(
        _("Spreiding φ = {phi}; {n} perioden in het model.").format(
            phi=number(ev.did.dispersion, 2), n=ev.table.counts.shape[1]
        )
    )
    click.echo(data_source(ctx))


@report_group.command(
    "effect",
    help=_(
        "De effectevaluatie van een interventie: uitkomst, omgeving, aantallen, schatters, kaart en bronnen."
    ),
)
@_options
@click.option(
    "--formaat", default="html,pdf,docx", show_default=True, help=_("Formaten, met komma's gescheiden.")
)
def report_effect(
    interventie: str, bestand: Path | None, pre_bins: int | None, buffer_m: float | None, methode: str,
    workspace: Path | None, formaat: str,
) -> None:  # fmt: skip
    from ivp.reports.effect.report import make_effect_report

    ws = open_workspace(workspace)
    iv = find_intervention(workspace, interventie, bestand)
    echo_paths(make_effect_report(ws, iv, formaat, pre_bins=pre_bins, buffer_m=buffer_m, method=methode))


COMMANDS: list[click.Command] = [effect_cmd]
