"""``ivp hotspots``, ``ivp hottimes``, ``ivp nearrepeat`` and ``ivp aandachtsgebieden``: steering in the
neighbourhood.

Each question command takes an area (wijk or buurt code, focus-area id or name; default the whole
municipality), a source (police incidents from the store, or meldingen from the web app's database), a
period and categories, and prints a short table, the Dutch sentences (findings and "is this enough
data?"), the source and the period; ``--json`` prints the document of
:mod:`ivp.reports.wijkscan.payload` (``voldoende``/``benodigd``/``kans`` at the top level).
``--steekproef N --zaad S`` draws N of the area's events first: what a smaller data set could show.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from ivp.cli._common import command, open_app_database, open_workspace, optional_store, workspace_option
from ivp.lib.fmt import date as fmt_date
from ivp.lib.fmt import number, qvalue
from ivp.lib.i18n import _

if TYPE_CHECKING:
    import pandas as pd

    from ivp.reports.wijkscan.focus import Area
    from ivp.stats.hotspots import Method
    from ivp.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

SOURCES = ("incidenten", "meldingen")
METHODS = {"exact": "exact", "analytisch": "analytical", "permutatie": "permutation"}
LAYOUTS = ("weekuur", "dagdeel", "maand")
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


def parse_date(text: str, *, end: bool, option: str) -> dt.date:
    """A date option: ``2024-03-01``, ``1-3-2024`` or a year (``2024``: 1 January, or 31 December for ``end``)."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}", value):
            return dt.date(int(value), 12, 31) if end else dt.date(int(value), 1, 1)
        match = _DUTCH_DATE.match(value)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            _("'{text}' is geen datum; schrijf bijvoorbeeld 2024-03-01, 1-3-2024 of 2024.").format(text=text),
            param_hint=option,
        ) from exc


def _event_options(func: F) -> F:
    options = [
        click.argument("gebied", required=False, metavar=_("[GEBIED]")),
        click.option(
            "--bron",
            type=click.Choice(SOURCES),
            default="incidenten",
            show_default=True,
            help=_("Politie-incidenten uit de werkmap, of meldingen uit het meldpunt."),
        ),
        click.option("--van", default=None, help=_("Eerste dag, bv. 2016-01-01 of 2016 (standaard: alles).")),
        click.option("--tot", default=None, help=_("Laatste dag (tot en met), bv. 2017-12-31 of 2017.")),
        click.option(
            "--categorie",
            "categories",
            multiple=True,
            help=_("Alleen deze incidentcode of meldingcategorie (herhaalbaar), bv. A72."),
        ),
        click.option(
            "--steekproef",
            type=click.IntRange(min=1),
            default=None,
            help=_(
                "Trek eerst zoveel meldingen uit het gebied: wat had een kleinere gegevensset laten zien?"
            ),
        ),
        click.option(
            "--zaad",
            type=int,
            default=0,
            show_default=True,
            help=_("Startgetal van het toeval (steekproef)."),
        ),
        click.option("--json", "as_json", is_flag=True, help=_("Uitvoer als JSON.")),
        workspace_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


@dataclass(frozen=True)
class Selection:
    """What a question command works on: the area, the city's events, the area's events, the period."""

    ws: Workspace
    area: Area
    city: pd.DataFrame
    own: pd.DataFrame
    bron: str
    datasets: list[str]
    period: tuple[dt.date, dt.date]
    buurten: pd.DataFrame | None


def _meldingen(workspace: Path | None, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
    open_app_database(workspace)
    try:
        from ivp.web.meldingen.services import events_for_analysis  # type: ignore[attr-defined,unused-ignore]
    except ImportError as exc:
        raise click.ClickException(_("Deze versie kan meldingen nog niet analyseren.")) from exc
    since = dt.datetime.combine(start, dt.time()) if start else None
    until = dt.datetime.combine(end, dt.time()) if end else None
    frame: pd.DataFrame = events_for_analysis(since=since, until=until)
    return frame


def select(
    workspace: Path | None,
    gebied: str | None,
    bron: str,
    van: str | None,
    tot: str | None,
    categories: tuple[str, ...],
    steekproef: int | None,
    zaad: int,
) -> Selection:
    """Open the workspace, resolve the area, load and limit the events; Dutch errors for what is off."""
    from ivp.reports.wijkscan import events, focus

    ws = open_workspace(workspace)
    start = parse_date(van, end=False, option="--van") if van else None
    last = parse_date(tot, end=True, option="--tot") if tot else None
    if start and last and last < start:
        raise click.BadParameter(_("--tot ligt vóór --van."), param_hint="--tot")
    end = last + dt.timedelta(days=1) if last else None
    with optional_store(ws) as store:
        area = focus.resolve_area(ws, store, gebied)
        buurten = None
        if store is not None:
            from ivp.store.read import areas_of

            buurten = areas_of(store, ws.gemeente, ("buurt",))
        if bron == "incidenten":
            if store is None:
                raise click.ClickException(
                    _(
                        "Nog niets geladen in {root}. Laad incidenten met: ivp ingest politie-incidenten BESTAND"
                    ).format(root=ws.root)
                )
            city = events.store_events(store, ws, start=start, end=end, categories=categories or None)
        else:
            city = events.check_events(_meldingen(workspace, start, end))
            if categories:
                city = city[city["category"].isin(categories)].reset_index(drop=True)
    own = city[focus.in_area(area, city)].reset_index(drop=True)
    if own.empty:
        what = _("incidenten") if bron == "incidenten" else _("meldingen")
        raise click.ClickException(
            _(
                "Geen {what} in {area}{period}. Kies een ander gebied of een andere periode, of laad gegevens."
            ).format(
                what=what,
                area=area.label(),
                period=(" " + _("in deze periode")) if (start or end) else "",
            )
        )
    period = events.period_of(own, start, end)
    if steekproef is not None:
        if steekproef > len(own):
            raise click.BadParameter(
                _("de steekproef ({n}) is groter dan het aantal meldingen in het gebied ({total}).").format(
                    n=number(steekproef), total=number(len(own))
                ),
                param_hint="--steekproef",
            )
        own = events.sample(own, steekproef, zaad)
        if area.kind == "gemeente":
            city = own
    datasets = sorted({str(d) for d in own["dataset"].dropna()})
    return Selection(ws, area, city, own, bron, datasets, period, buurten)


def _header(title: str, sel: Selection, n: int) -> None:
    click.echo(f"{title}: {sel.area.label()}")
    click.echo(
        _("Bron: {bron} ({datasets}); periode {start} t/m {end}; {n} meldingen.").format(
            bron=sel.bron,
            datasets=", ".join(sel.datasets) or "–",
            start=fmt_date(sel.period[0]),
            end=fmt_date(sel.period[1]),
            n=number(n),
        )
    )


def _sentences(lines: list[str]) -> None:
    click.echo("")
    for line in lines:
        click.echo(click.wrap_text(line, width=100, subsequent_indent="  ", initial_indent="- "))


def _dump(payload: dict[str, Any]) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


@command(
    "hotspots", help=_("Hotspots: plekken met aantoonbaar meer meldingen (Getis-Ord Gi* op een raster).")
)
@_event_options
@click.option(
    "--celgrootte",
    type=click.FloatRange(min=10),
    default=100.0,
    show_default=True,
    help=_("Rastercel in meter."),
)
@click.option(
    "--methode",
    type=click.Choice(tuple(METHODS)),
    default="exact",
    show_default=True,
    help=_("p-waarden: exact (randomisatie), analytisch (normale benadering) of permutatie."),
)
@click.option(
    "--perioden",
    type=click.IntRange(min=1, max=12),
    default=1,
    show_default=True,
    help=_("Deel de periode in zoveel gelijke delen: nieuwe, blijvende en verdwenen hotspots."),
)
def hotspots_cmd(
    gebied: str | None, bron: str, van: str | None, tot: str | None, categories: tuple[str, ...],
    steekproef: int | None, zaad: int, as_json: bool, workspace: Path | None, celgrootte: float, methode: str,
    perioden: int,
) -> None:  # fmt: skip
    from ivp.reports.wijkscan import analysis, payload, sentences

    sel = select(workspace, gebied, bron, van, tot, categories, steekproef, zaad)
    hp = analysis.hot_places(
        sel.own,
        sel.area,
        cell=celgrootte,
        method=cast("Method", METHODS[methode]),
        alpha=sel.ws.alpha,
        periods=perioden,
        period=sel.period,
        buurten=sel.buurten,
        seed=zaad,
    )
    lines = sentences.hot_place_sentences(hp, threshold=sel.ws.onthul_drempel, gemeente=_city_name(sel))
    suff = sentences.sufficiency_sentence(
        hp.sufficiency, period=sentences.period_words(*hp.period), where=_where(sel.area), cell=hp.cell
    )
    if as_json:
        _dump(
            payload.hot_places_payload(
                hp, bron=sel.bron, datasets=sel.datasets, sentences=lines, sufficiency_sentence=suff
            )
        )
        return
    _header(_("Hotspots"), sel, hp.n_events)
    res = hp.result
    import numpy as np

    hot = sorted(
        (
            c
            for c in zip(*np.nonzero(np.asarray(res.hot)), strict=True)
            if hp.counts[c] >= sel.ws.onthul_drempel
        ),
        key=lambda c: -float(res.z[c]),
    )
    if hot:
        click.echo("")
        click.echo(_("Sterkste hotspots (cellen van {m} m):").format(m=number(hp.cell)))
        click.echo(f"  {'RD x':>14}  {'RD y':>14}  {_('aantal'):>7}  {'z':>6}  q")
        for r, c in hot[:10]:
            x0, y0, x1, y1 = hp.grid.bounds(int(r), int(c))
            click.echo(
                f"  {number(x0)}-{number(x1):<7}  {number(y0)}-{number(y1):<7}  {number(hp.counts[r, c]):>7}  "
                f"{number(float(res.z[r, c]), 1):>6}  {qvalue(float(res.q[r, c]))}"
            )
    _sentences(lines)


def _city_name(sel: Selection) -> str:
    return sel.ws.display_name(None) if sel.area.kind != "gemeente" else sel.area.naam


def _where(area: Area) -> str:
    return "" if area.kind == "gemeente" else _("in {naam}").format(naam=area.naam)


@command(
    "hottimes", help=_("Hot times: uren, dagdelen en maanden met aantoonbaar meer meldingen (aoristisch).")
)
@_event_options
@click.option(
    "--max-uren",
    type=click.FloatRange(min=0, min_open=True),
    default=72.0,
    show_default=True,
    help=_("Meldingen met een langer tijdvak tellen niet mee (hun tijdstip is te onzeker)."),
)
@click.option(
    "--indeling",
    type=click.Choice(LAYOUTS),
    default="weekuur",
    show_default=True,
    help=_("Welke tabel en welke voldoende-vraag: uur van de week, dagdeel van de week of maand."),
)
def hottimes_cmd(
    gebied: str | None, bron: str, van: str | None, tot: str | None, categories: tuple[str, ...],
    steekproef: int | None, zaad: int, as_json: bool, workspace: Path | None, max_uren: float, indeling: str,
) -> None:  # fmt: skip
    from ivp.reports.wijkscan import analysis, payload, sentences

    sel = select(workspace, gebied, bron, van, tot, categories, steekproef, zaad)
    ht = analysis.hot_times(
        sel.own, sel.area, max_hours=max_uren, alpha=sel.ws.alpha, city_events=sel.city, period=sel.period
    )
    chosen = {"weekuur": ht.sufficiency, "dagdeel": ht.sufficiency_dagdeel, "maand": ht.sufficiency_month}[
        indeling
    ]
    assert chosen is not None
    lines = sentences.hot_time_sentences(ht, threshold=sel.ws.onthul_drempel, gemeente=_city_name(sel))
    suff = sentences.sufficiency_sentence(
        chosen, period=sentences.period_words(*ht.period), where=_where(sel.area)
    )
    if indeling == "maand":
        lines.append(suff)
    if as_json:
        _dump(
            payload.hot_times_payload(
                ht, bron=sel.bron, datasets=sel.datasets, sentences=lines, layout=indeling, sufficiency=chosen,
                sufficiency_sentence=suff,
            )
        )  # fmt: skip
        return
    _header(_("Hot times"), sel, ht.table.n_used)
    table, conc = {
        "weekuur": (ht.table, ht.concentration),
        "dagdeel": (ht.dagdeel, ht.concentration_dagdeel),
        "maand": (ht.month, ht.concentration_month),
    }[indeling]
    if conc is None:  # months without two whole years: shown, not tested
        click.echo("")
        for label, value in zip(table.row_labels, table.table.tolist(), strict=True):
            click.echo(f"  {label:<10}{number(value, 1):>10}")
        click.echo(
            "  " + _("Geen toets per maand: daarvoor zijn minstens twee hele kalenderjaren gegevens nodig.")
        )
    else:
        _time_table(table, conc)
    _sentences(lines)


def _time_table(table: Any, conc: Any) -> None:
    import numpy as np

    obs = np.asarray(conc.observed)
    click.echo("")
    if obs.ndim == 2 and obs.shape[1] <= 4:
        click.echo(f"  {'':<10}" + "".join(f"{c:>10}" for c in table.col_labels))
        for i, row in enumerate(table.row_labels):
            cells = "".join(
                f"{number(obs[i, j], 1) + ('*' if conc.hot[i, j] else ''):>10}" for j in range(obs.shape[1])
            )
            click.echo(f"  {row:<10}{cells}")
        click.echo("  " + _("* aantoonbaar meer dan verwacht (na correctie voor het aantal vakken)"))
        return
    order = np.argsort(-np.nan_to_num(np.asarray(conc.ratio)).ravel(), kind="stable")[:10]
    click.echo(_("Drukste vakken (waargenomen tegen verwacht):"))
    for flat in order:
        index = np.unravel_index(int(flat), obs.shape)
        label = (
            f"{table.row_labels[index[0]]} {table.col_labels[index[1]]}"
            if obs.ndim == 2
            else table.row_labels[index[0]]
        )
        mark = " *" if conc.hot[index] else ""
        click.echo(
            f"  {label:<20} {number(obs[index], 1):>8} {number(conc.expected[index], 1):>8}  "
            f"{qvalue(float(conc.q[index]))}{mark}"
        )
    click.echo("  " + _("* aantoonbaar meer dan verwacht (na correctie voor het aantal vakken)"))


def _edges(text: str, option: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError as exc:
        raise click.BadParameter(
            _("schrijf getallen met komma's, bv. 0,100,200."), param_hint=option
        ) from exc
    if len(values) < 2 or any(b <= a for a, b in itertools.pairwise(values)) or values[0] < 0:
        raise click.BadParameter(
            _("minstens twee oplopende grenzen vanaf 0, bv. 0,100,200."), param_hint=option
        )
    return values


@command(
    "nearrepeat",
    help=_("Near repeat: volgen meldingen dichtbij in plaats en tijd vaker op elkaar dan toeval?"),
)
@_event_options
@click.option(
    "--afstanden", default="0,100,200,300,400", show_default=True, help=_("Afstandsgrenzen in meter.")
)
@click.option("--dagen", default="0,7,14,21,28", show_default=True, help=_("Tijdsgrenzen in dagen."))
@click.option(
    "--permutaties",
    type=click.IntRange(min=99),
    default=999,
    show_default=True,
    help=_("Aantal permutaties."),
)
def nearrepeat_cmd(
    gebied: str | None, bron: str, van: str | None, tot: str | None, categories: tuple[str, ...],
    steekproef: int | None, zaad: int, as_json: bool, workspace: Path | None, afstanden: str, dagen: str,
    permutaties: int,
) -> None:  # fmt: skip
    from ivp.reports.wijkscan import analysis, events, payload, sentences

    distance = _edges(afstanden, "--afstanden")
    days = _edges(dagen, "--dagen")
    sel = select(workspace, gebied, bron, van, tot, categories, steekproef, zaad)
    knox = analysis.near_repeats(
        sel.own,
        sel.area,
        distance_edges=distance,
        time_edges=days,
        n_permutations=permutaties,
        alpha=sel.ws.alpha,
        seed=zaad,
    )
    illustrative = events.is_illustrative(sel.own)
    lines = sentences.near_repeat_sentences(
        knox, threshold=sel.ws.onthul_drempel, illustrative=illustrative, gemeente=_city_name(sel)
    )
    if as_json:
        _dump(
            payload.near_repeat_payload(
                knox, area=sel.area, bron=sel.bron, datasets=sel.datasets, period=sel.period, n=len(sel.own),
                illustrative=illustrative, sentences=lines, min_events=analysis.MIN_NEAR_REPEAT,
            )
        )  # fmt: skip
        return
    _header(_("Near repeat"), sel, len(sel.own))
    if knox is not None:
        click.echo("")
        click.echo(_("Waargenomen / verwacht aantal paren (* na correctie aantoonbaar meer):"))
        click.echo(f"  {'':<12}" + "".join(f"{t:>16}" for t in knox.time_labels))
        for i, label in enumerate(knox.distance_labels):
            cells = "".join(
                f"{number(knox.observed[i, j]) + '/' + number(knox.expected[i, j], 1) + ('*' if knox.significant[i, j] else ''):>16}"
                for j in range(len(knox.time_labels))
            )
            click.echo(f"  {label:<12}{cells}")
    _sentences(lines)


@command(
    "aandachtsgebieden", help=_("Toon de aandachtsgebieden uit aandachtsgebieden.yaml, met hun buurten.")
)
@click.option("--json", "as_json", is_flag=True, help=_("Uitvoer als JSON."))
@workspace_option
def aandachtsgebieden_cmd(as_json: bool, workspace: Path | None) -> None:
    from ivp.reports.wijkscan import focus

    ws = open_workspace(workspace)
    with optional_store(ws) as store:
        areas = [a for a in focus.list_areas(ws, store) if a.kind == "aandachtsgebied"]
        names: dict[str, str] = {}
        if store is not None:
            from ivp.store.read import region_names

            names = region_names(store, sorted({b for a in areas for b in a.buurten}))
    texts = {f.id: f.toelichting for f in focus.load_focus_areas(ws)}
    if as_json:
        _dump(
            {
                "bestand": str(ws.root / focus.FILE_NAME),
                "aandachtsgebieden": [
                    {
                        "id": a.code,
                        "naam": a.naam,
                        "soort": "polygoon" if a.polygon else "buurten",
                        "buurten": [{"code": b, "naam": names.get(b, "")} for b in a.buurten],
                        "toelichting": texts.get(a.code, ""),
                    }
                    for a in areas
                ],
            }
        )
        return
    if not areas:
        click.echo(
            _(
                "Geen aandachtsgebieden: {path} ontbreekt of is leeg. Zie docs/steering.md voor het formaat."
            ).format(path=ws.root / focus.FILE_NAME)
        )
        return
    for a in areas:
        kind = _("polygoon") if a.polygon else _("buurten")
        click.echo(f"{a.code}: {a.naam} ({kind})")
        if texts.get(a.code):
            click.echo("  " + texts[a.code])
        for b in a.buurten:
            click.echo(f"  {b} {names.get(b, '')}".rstrip())
        if a.polygon and not a.buurten:
            click.echo("  " + _("(geen buurt heeft haar middelpunt in de polygoon)"))


COMMANDS: list[click.Command] = [hotspots_cmd, hottimes_cmd, nearrepeat_cmd, aandachtsgebieden_cmd]
