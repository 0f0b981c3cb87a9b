"""The ``ivp`` command: thin click commands that mirror the pipeline. Help texts and messages are Dutch."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ivp.lib.errors import IvpError
from ivp.lib.fmt import number
from ivp.lib.i18n import _, install_click_translation
from ivp.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

    from ivp.store import LoadResult

F = TypeVar("F", bound=Callable[..., Any])

install_click_translation()


def _workspace_option(func: F) -> F:
    return click.option(
        "--workspace",
        "-w",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help=_("Werkmap (standaard: de huidige map)."),
    )(func)


def open_workspace(path: Path | None) -> Workspace:
    """Open the workspace at ``path`` (or the current folder) or exit with a Dutch message."""
    try:
        return Workspace.open((path or Path.cwd()).resolve())
    except IvpError as exc:
        raise click.ClickException(str(exc)) from exc


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


@click.group(cls=IvpGroup, help=_("ivp: informatiesysteem voor integrale veiligheid."))
@click.version_option(package_name="ivp")
def main() -> None:
    pass


@main.command("init", help=_("Maak een nieuwe werkmap voor een gemeente."))
@click.argument("directory", metavar=_("MAP"), type=click.Path(file_okay=False, path_type=Path))
@click.option("--gemeente", required=True, help=_("CBS-gemeentecode, bijvoorbeeld GM0505."))
@click.option("--naam", default=None, help=_("Naam van de gemeente, bijvoorbeeld Dordrecht."))
def init_cmd(directory: Path, gemeente: str, naam: str | None) -> None:
    from ivp.store import Store

    ws = Workspace.create(directory.resolve(), gemeente.upper(), naam)
    Store(ws.store_path).close()
    click.echo(_("Werkmap gemaakt in {root} voor {code}.").format(root=ws.root, code=ws.gemeente))
    click.echo(_("Volgende stap: ivp ingest cbs 47018NED --workspace {root}").format(root=ws.root))


@main.group("ingest", cls=IvpGroup, help=_("Laad gegevens uit een bron in de werkmap."))
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

    ws = open_workspace(workspace)
    with Store(ws.store_path) as store:
        _report_load(ingest(store, adapter_id, location, dataset=dataset, force=force, gemeente=ws.gemeente))


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
@_workspace_option
def ingest_cbs(table: str, folder: str | None, force: bool, workspace: Path | None) -> None:
    _ingest(workspace, "cbs", folder, table.upper(), force)


def _file_command(adapter_id: str, help_text: str) -> None:
    @ingest_group.command(adapter_id, help=help_text)
    @click.argument("file", metavar=_("BESTAND"), type=click.Path(dir_okay=False))
    @_force_option
    @_workspace_option
    def command(file: str, force: bool, workspace: Path | None) -> None:
        _ingest(workspace, adapter_id, file, None, force)


_file_command("bevolking", _("Laad bevolking per gemeente en jaar (csv)."))
_file_command("geo", _("Laad grenzen van gemeenten, wijken of buurten (GeoJSON of GeoPackage)."))
_file_command("politie-overlast", _("Laad overlastregistraties van de politie (csv of xlsx)."))
_file_command("politie-incidenten", _("Laad een incidentexport van de politie (csv of xlsx)."))
_file_command(
    "politie-landelijk", _("Laad een landelijke reeks van de politie (NL_Crime.csv, NL_Disorder.csv).")
)


@main.command("sources", help=_("Toon wat er geladen is, met herkomst."))
@click.option("--json", "as_json", is_flag=True, help=_("Uitvoer als JSON."))
@_workspace_option
def sources_cmd(as_json: bool, workspace: Path | None) -> None:
    from ivp.store import Store

    ws = open_workspace(workspace)
    with Store(ws.store_path) as store:
        frame = store.sources()
    if as_json:
        click.echo(frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
        return
    if frame.empty:
        click.echo(_("Nog niets geladen. Begin met: ivp ingest cbs 47018NED"))
        return
    for row in frame.itertuples():
        click.echo(f"{row.source_id}/{row.dataset}: {row.title}")
        click.echo(
            "  "
            + _("uitgever {publisher}, licentie {licence}, versie {vintage}, periode {period}").format(
                publisher=row.publisher,
                licence=row.licence,
                vintage=row.vintage or "–",
                period=row.period or "–",
            )
        )
        click.echo(
            "  "
            + _("{rows} rijen uit {origin}, opgehaald {retrieved}").format(
                rows=number(int(str(row.row_count))), origin=row.origin, retrieved=row.retrieved_at
            )
        )


@main.command("themes", help=_("Toon de thema's en welke geladen codes er (niet) aan gekoppeld zijn."))
@_workspace_option
def themes_cmd(workspace: Path | None) -> None:
    from ivp.store import Store
    from ivp.themes import coverage_report, load_taxonomy

    ws = open_workspace(workspace)
    taxonomy = load_taxonomy(ws.root)
    for opgave in taxonomy.opgaven:
        themes = [t.naam for t in taxonomy.themes if t.opgave == opgave.id]
        click.echo(f"{opgave.naam}: {', '.join(themes) if themes else '–'}")
    with Store(ws.store_path) as store:
        codes = store.query("SELECT DISTINCT scheme, category FROM observations ORDER BY scheme, category")
    if codes.empty:
        click.echo(_("Nog geen cijfers geladen; er valt nog niets te koppelen."))
        return
    unmapped = False
    for scheme, group in codes.groupby("scheme", sort=True):
        lines = coverage_report(taxonomy, str(scheme), [str(c) for c in group["category"]])
        unmapped = unmapped or bool(taxonomy.unmapped(str(scheme), [str(c) for c in group["category"]]))
        click.echo("\n".join(lines))
    if unmapped:
        raise SystemExit(1)


@main.command("figures", help=_("Aantallen per soort misdrijf per jaar; voorlopige jaren gemarkeerd."))
@click.option("--gemeente", required=True, help=_("CBS-gemeentecode, bijvoorbeeld GM0505."))
@click.option("--wijk", "level", flag_value="wijk", help=_("Per wijk in de gemeente."))
@click.option("--buurt", "level", flag_value="buurt", help=_("Per buurt in de gemeente."))
@click.option("--csv", "fmt", flag_value="csv", help=_("Uitvoer als CSV."))
@click.option("--json", "fmt", flag_value="json", help=_("Uitvoer als JSON."))
@_workspace_option
def figures_cmd(gemeente: str, level: str | None, fmt: str | None, workspace: Path | None) -> None:
    from ivp.reports.figures import figures_table
    from ivp.store import Store

    ws = open_workspace(workspace)
    with Store(ws.store_path) as store:
        frame = figures_table(store, gemeente.upper(), level or "gemeente")  # type: ignore[arg-type]
    if frame.empty:
        raise click.ClickException(
            _("Geen cijfers voor {code} op dit niveau. Laad eerst gegevens: ivp ingest cbs 47018NED").format(
                code=gemeente
            )
        )
    frame["voorlopig"] = frame["status"] == "voorlopig"
    for column in ("aantal", "inwoners", "inwoners_jaar"):
        # Counts are whole numbers in every source: print 567, not 567.0 (NULL stays empty).
        values = frame[column].dropna()
        if (values == values.round()).all():
            frame[column] = frame[column].astype("Int64")
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt == "json":
        records = json.loads(frame.to_json(orient="records", force_ascii=False))
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        _print_wide(frame)


def _print_wide(frame: pd.DataFrame) -> None:
    years = sorted(frame["jaar"].unique())
    provisional = set(frame.loc[frame["voorlopig"], "jaar"])
    wide = frame.pivot_table(
        index=["regio", "regio_naam", "soort"], columns="jaar", values="aantal", aggfunc="first"
    )
    # Inhabitants per area (the nearest year with figures), shown for wijken and buurten.
    known = frame.dropna(subset=["inwoners"]).drop_duplicates("regio")
    inhabitants: dict[str, str] = {
        str(code): f"{number(float(count))} ({int(year)})"
        for code, count, year in zip(known["regio"], known["inwoners"], known["inwoners_jaar"], strict=True)
    }
    with_population = bool(inhabitants) and frame["regio"].nunique() > 1
    header = [_("regio"), _("soort")] + [f"{y}{'*' if y in provisional else ''}" for y in years]
    if with_population:
        header.append(_("inwoners (jaar)"))
    click.echo("\t".join(header))
    for key, row in wide.iterrows():
        code, name, soort = (str(part) for part in key)  # type: ignore[attr-defined]
        cells = [number(row.get(y)) for y in years]
        if with_population:
            cells.append(inhabitants.get(code, "–"))
        click.echo("\t".join([f"{code} {name}", soort, *cells]))
    if provisional:
        click.echo(_("* voorlopige cijfers"))


@main.group("report", cls=IvpGroup, help=_("Maak rapporten (HTML, PDF, DOCX, xlsx) in de uitvoermap."))
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
    "--formaat", default="html,pdf,docx,xlsx", show_default=True, help=_("Formaten, met komma's gescheiden.")
)
@_workspace_option
def report_veiligheidsbeeld(
    vergelijk: tuple[int, int] | None, reeks: tuple[int, int] | None, themes: tuple[str, ...], formaat: str,
    workspace: Path | None,
) -> None:  # fmt: skip
    from ivp.reports.veiligheidsbeeld import make_report

    for kind, path in make_report(open_workspace(workspace), vergelijk, reeks, themes, formaat).items():
        click.echo(f"{kind}: {path}")


@main.command(
    "demo", help=_("Bouw offline een demowerkmap voor Dordrecht en maak het volledige veiligheidsbeeld.")
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help=_("Map voor de demowerkmap."),
)
def demo_cmd(out: Path) -> None:
    from ivp.demo.run import run_demo

    paths = run_demo(out)
    click.echo(_("Demowerkmap: {root}").format(root=out.resolve()))
    for kind, path in paths.items():
        click.echo(f"{kind}: {path}")


# Web platform commands (serve, import-meldingen, open311, manage): see ivp.web.cli.
from ivp.web.cli import COMMANDS as _WEB_COMMANDS  # noqa: E402

for _web_command in _WEB_COMMANDS:
    main.add_command(_web_command)

# Plan commands (plan import/export/realisatie/status): see ivp.plan.cli.
from ivp.plan.cli import COMMANDS as _PLAN_COMMANDS  # noqa: E402
from ivp.plan.cli import REPORT_COMMANDS as _PLAN_REPORT_COMMANDS  # noqa: E402

for _plan_command in _PLAN_COMMANDS:
    main.add_command(_plan_command)
for _plan_report in _PLAN_REPORT_COMMANDS:
    report_group.add_command(_plan_report)

if __name__ == "__main__":
    main()
