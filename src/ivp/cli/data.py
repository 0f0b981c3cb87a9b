"""``ivp sources``, ``ivp themes`` and ``ivp figures``: what is loaded and what it says."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ivp.cli._common import command, open_workspace, workspace_option
from ivp.lib import cells
from ivp.lib.fmt import number
from ivp.lib.i18n import _

if TYPE_CHECKING:
    import pandas as pd


@command("sources", help=_("Toon wat er geladen is, met herkomst."))
@click.option("--json", "as_json", is_flag=True, help=_("Uitvoer als JSON."))
@workspace_option
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


@command("themes", help=_("Toon de thema's en welke geladen codes er (niet) aan gekoppeld zijn."))
@workspace_option
def themes_cmd(workspace: Path | None) -> None:
    from ivp.store import Store, read
    from ivp.themes import coverage_report, load_taxonomy

    ws = open_workspace(workspace)
    taxonomy = load_taxonomy(ws.root)
    for opgave in taxonomy.opgaven:
        themes = [t.naam for t in taxonomy.themes if t.opgave == opgave.id]
        click.echo(f"{opgave.naam}: {', '.join(themes) if themes else '–'}")
    with Store(ws.store_path) as store:
        codes = read.loaded_codes(store)
    if not codes:
        click.echo(_("Nog geen cijfers geladen; er valt nog niets te koppelen."))
        return
    unmapped = False
    for scheme, loaded in codes.items():
        click.echo("\n".join(coverage_report(taxonomy, scheme, list(loaded))))
        unmapped = unmapped or bool(taxonomy.unmapped(scheme, list(loaded)))
    if unmapped:
        raise SystemExit(1)


@command("figures", help=_("Aantallen per soort misdrijf per jaar; voorlopige jaren gemarkeerd."))
@click.option("--gemeente", required=True, help=_("CBS-gemeentecode, bijvoorbeeld GM0505."))
@click.option("--wijk", "level", flag_value="wijk", help=_("Per wijk in de gemeente."))
@click.option("--buurt", "level", flag_value="buurt", help=_("Per buurt in de gemeente."))
@click.option("--csv", "fmt", flag_value="csv", help=_("Uitvoer als CSV."))
@click.option("--json", "fmt", flag_value="json", help=_("Uitvoer als JSON."))
@workspace_option
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
        # Names come from data files: a text cell never starts a formula in a spreadsheet (ivp.lib.cells).
        text = frame.select_dtypes(include=["object", "str"]).columns
        safe = frame.assign(**{str(c): frame[c].map(cells.cell) for c in text})
        safe.to_csv(sys.stdout, index=False, lineterminator="\n")
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


COMMANDS: list[click.Command] = [sources_cmd, themes_cmd, figures_cmd]
