"""The area page's numbers (:mod:`ivp.web.staff.area_views`): the analysis of one area, what the page
shows of it, and the csv/xlsx export.

The analysis is :mod:`ivp.reports.wijkscan.analysis` (the same the CLI and the wijkscan report run), the
pictures :mod:`ivp.reports.wijkscan.charts`, the wording :mod:`ivp.reports.wijkscan.sentences`. Only
aggregated counts and test statistics leave this module; the one text from the data is a category name,
neutralised in the export like every text cell (``ivp.lib.cells``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ivp.lib.fmt import qvalue
from ivp.reports.core import workbook
from ivp.reports.wijkscan import analysis, charts, sentences
from ivp.reports.wijkscan.events import is_illustrative, store_events
from ivp.reports.wijkscan.focus import Area, in_area
from ivp.store import Store
from ivp.store.areas import municipality_name
from ivp.store.read import areas_of
from ivp.web.meldingen import services as meldingen
from ivp.web.staff.services import csv_cell

log = logging.getLogger(__name__)

BRONNEN = {
    "incidenten": gettext_lazy("Incidenten van de politie (gegevensopslag)"),
    "meldingen": gettext_lazy("Meldingen van het meldpunt"),
}
TOP = 10  # rows in the tables of the hottest cells and hours


class StoreUnavailableError(RuntimeError):
    """The workspace store cannot be opened now (locked by a running ``ivp ingest``, or unreadable)."""


def open_store(path: Any) -> Store:
    """The workspace store, read-only; :class:`StoreUnavailableError` when it cannot be opened now."""
    try:
        return Store(path, read_only=True)
    except Exception as exc:
        log.warning("store %s not readable for the area page: %s", path, type(exc).__name__)
        raise StoreUnavailableError(str(path)) from None


@dataclass(frozen=True)
class Result:
    area: Area
    bron: str
    params: dict[str, str]
    n_events: int
    illustrative: bool
    places: Any  # analysis.HotPlaces
    times: Any  # analysis.HotTimes
    sources: list[tuple[str, int]]
    categories: list[tuple[str, int]]  # category label, events in the area
    buurten: pd.DataFrame | None  # the municipality's buurten with geometry, for the map
    gemeente: str = ""  # the municipality's name, for the illustrative marker


def _events(
    bron: str, start: dt.date | None, end: dt.date | None
) -> tuple[pd.DataFrame, pd.DataFrame | None, str]:
    """The events of ``bron`` whose time window overlaps ``[start, end)``, the buurten (with geometry) and
    the municipality's name."""
    workspace = settings.WORKSPACE
    assert workspace is not None
    with open_store(workspace.store_path) as store:
        buurten = areas_of(store, workspace.gemeente, ("buurt",))
        name = workspace.display_name(municipality_name(store, workspace.gemeente))
        if bron == "meldingen":
            return meldingen.events_for_analysis(since=start, until=end), buurten, name
        return store_events(store, workspace, start=start, end=end), buurten, name


def analyse(
    area: Area, bron: str, van: dt.date | None, tot: dt.date | None, params: dict[str, str]
) -> Result:
    """The hot times and hot places of ``area`` in ``bron`` from ``van`` to ``tot`` (inclusive dates).

    ``places``/``times`` are None when no event (or no event with a place) lies in the area; ``params`` are
    the page's validated query parameters, kept for the audit row and the export links.
    """
    workspace = settings.WORKSPACE
    assert workspace is not None
    events, buurten, gemeente = _events(bron, van, tot + dt.timedelta(days=1) if tot else None)
    inside = events[in_area(area, events)] if len(events) else events
    period = (van, tot) if van and tot else None
    places = times = None
    if len(inside):
        times = analysis.hot_times(events, area, alpha=workspace.alpha, city_events=events, period=period)
        try:
            places = analysis.hot_places(events, area, alpha=workspace.alpha, period=period, buurten=buurten)
        except analysis.NoEventsError:  # events in the area, none with a place
            places = None
    return Result(
        area=area,
        bron=bron,
        params=params,
        n_events=len(inside),
        illustrative=is_illustrative(events),
        places=places,
        times=times,
        sources=[(str(k), int(n)) for k, n in inside["dataset"].value_counts().items()],
        categories=[(str(k), int(n)) for k, n in inside["category_label"].value_counts().items()],
        buurten=buurten,
        gemeente=gemeente,
    )


def _hot_hours(times: Any) -> list[dict[str, Any]]:
    """The weekday-hours with the highest ratio of observed to expected, at most TOP."""
    c = times.concentration
    table = times.table
    ratio = np.nan_to_num(np.asarray(c.ratio, dtype=float), nan=-1.0)
    observed = np.asarray(c.observed, dtype=float)
    order = np.argsort(-ratio, axis=None, kind="stable")
    out = []
    for flat in order[:TOP]:
        r, col = np.unravel_index(int(flat), ratio.shape)
        if observed[r, col] <= 0:
            break
        out.append(
            {
                "dag": table.row_labels[r],
                "uur": table.col_labels[col],
                "aantal": float(observed[r, col]),
                "verwacht": float(c.expected[r, col]),
                "verhouding": float(c.ratio[r, col]),
                "q": float(c.q[r, col]),
                "q_tekst": qvalue(float(c.q[r, col])),
                "oordeel": _verdict(bool(c.hot[r, col]), bool(c.cold[r, col])),
            }
        )
    return out


def _verdict(hot: bool, cold: bool) -> str:
    if hot:
        return _("meer dan verwacht")
    if cold:
        return _("minder dan verwacht")
    return ""


def _cells(places: Any) -> list[dict[str, Any]]:
    """Every grid cell with events or a finding: row, column, centre (RD), count, z, p, q, verdict."""
    result = places.result
    counts = np.asarray(places.counts, dtype=float)
    hot, cold = np.asarray(result.hot, dtype=bool), np.asarray(result.cold, dtype=bool)
    xs, ys = places.grid.centres()
    out = []
    for r, c in zip(*np.nonzero((counts > 0) | hot | cold), strict=True):
        out.append(
            {
                "rij": int(r),
                "kolom": int(c),
                "x_rd": round(float(xs[r, c])),
                "y_rd": round(float(ys[r, c])),
                "aantal": float(counts[r, c]),
                "z": float(result.z[r, c]),
                "p": float(result.p[r, c]),
                "q": float(result.q[r, c]),
                "q_tekst": qvalue(float(result.q[r, c])),
                "oordeel": _verdict(bool(hot[r, c]), bool(cold[r, c])),
            }
        )
    return out


def _hot_cells(places: Any) -> list[dict[str, Any]]:
    cells = [c for c in _cells(places) if np.isfinite(c["z"])]
    return sorted(cells, key=lambda c: -c["z"])[:TOP]


def _borders(result: Result) -> pd.DataFrame | None:
    """The area's buurten, for the buurt borders on the map (none for a single buurt)."""
    frame = result.buurten
    if frame is None or result.area.kind == "buurt":
        return None
    return frame[frame["code"].isin(result.area.buurten)]


def period_text(result: Result) -> str:
    if result.times is not None:
        van, tot = result.times.period
    else:
        van, tot = result.params.get("van"), result.params.get("tot")
        if not van and not tot:
            return _("alle beschikbare gegevens")
        van = dt.date.fromisoformat(van) if van else None
        tot = dt.date.fromisoformat(tot) if tot else None
    first = van.strftime("%d-%m-%Y") if van else "…"
    last = tot.strftime("%d-%m-%Y") if tot else "…"
    return _("{van} tot en met {tot}").format(van=first, tot=last)


def _where(area: Area) -> str:
    return "" if area.kind == "gemeente" else _("in {naam}").format(naam=area.naam)


def _map_svg(places: Any, borders: pd.DataFrame | None) -> str:
    """The hot-place map without the class ``map``: the site's stylesheet fills ``.map path`` (the form's
    buurt picker), which would paint over the grid cells."""
    svg = charts.hot_place_map_svg(places, buurten=borders)
    return svg.replace('class="map hotplaces"', 'class="hotplaces"', 1)


def _not_repeated(texts: list[str], shown: list[str]) -> list[str]:
    """``texts`` without the statements shown at the top and the illustrative marker under the title."""
    marker = sentences.illustrative_sentence("").split(",")[0]
    return [t for t in texts if t not in shown and not t.startswith(marker)]


def findings(result: Result, noun: str) -> dict[str, Any]:
    """The statements, sentences, pictures and tables of the page (those of a question without data left out).

    A cell with fewer events than the workspace's ``onthul_drempel`` is never worded as a finding.
    """
    places, times, area = result.places, result.times, result.area
    workspace = settings.WORKSPACE
    threshold = workspace.onthul_drempel if workspace else sentences.DEFAULT_THRESHOLD
    out: dict[str, Any] = {}
    if times is not None:
        period = sentences.period_words(*times.period)
        statement = sentences.sufficiency_sentence(
            times.sufficiency, noun=noun, period=period, where=_where(area)
        )
        table = times.table
        out |= {
            "time_sufficiency": statement,
            "time_sentences": _not_repeated(
                sentences.hot_time_sentences(times, noun=noun, gemeente=result.gemeente, threshold=threshold),
                [statement],
            ),
            # Our own SVG, from numbers and escaped labels (charts.py escapes every text it writes).
            "heat_svg": mark_safe(charts.heat_table_svg(table, times.concentration)),  # noqa: S308
            "heat_rows": [
                (label, [float(v) for v in row])
                for label, row in zip(table.row_labels, np.atleast_2d(table.table), strict=True)
            ],
            "heat_cols": list(table.col_labels),
            "hot_hours": _hot_hours(times),
        }
    if places is not None:
        period = sentences.period_words(*places.period)
        statement = sentences.sufficiency_sentence(
            places.sufficiency, noun=noun, period=period, where=_where(area), cell=places.cell
        )
        out |= {
            "place_sufficiency": statement,
            "place_sentences": _not_repeated(
                sentences.hot_place_sentences(
                    places, noun=noun, gemeente=result.gemeente, threshold=threshold
                ),
                [statement],
            ),
            "map_svg": mark_safe(_map_svg(places, _borders(result))),  # noqa: S308
            "hot_cells": _hot_cells(places),
        }
    return out


# -- export -----------------------------------------------------------------------------------------------

HEADER = [
    "onderdeel", "naam", "dag", "uur", "rij", "kolom", "x_rd", "y_rd",
    "aantal", "verwacht", "verhouding", "z", "p", "q", "oordeel",
]  # fmt: skip


def _number(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 6)


def export_rows(result: Result) -> list[list[Any]]:
    """Long format: the categories counted, every weekday x hour cell, every grid cell with events.

    Only aggregated counts and test statistics; a category name is the one text from the data (neutralised
    on writing, like every text cell).
    """
    rows: list[list[Any]] = []
    for name, n in result.categories:
        rows.append(["categorie", name, "", "", "", "", "", "", n, "", "", "", "", "", ""])
    if result.times is not None:
        c = result.times.concentration
        table = result.times.table
        values = np.atleast_2d(np.asarray(table.table, dtype=float))
        for r, day in enumerate(table.row_labels):
            for col, hour in enumerate(table.col_labels):
                rows.append(
                    ["tijd", "", day, hour, r, col, "", "", _number(values[r, col]),
                     _number(c.expected[r, col]), _number(c.ratio[r, col]), "",
                     _number(c.p[r, col]), _number(c.q[r, col]),
                     _verdict(bool(c.hot[r, col]), bool(c.cold[r, col]))]
                )  # fmt: skip
    if result.places is not None:
        for cell in _cells(result.places):
            rows.append(
                ["plaats", "", "", "", cell["rij"], cell["kolom"], cell["x_rd"], cell["y_rd"],
                 _number(cell["aantal"]), "", "", _number(cell["z"]), _number(cell["p"]), _number(cell["q"]),
                 cell["oordeel"]]
            )  # fmt: skip
    return rows


def source_line(result: Result) -> str:
    sources = ", ".join(f"{name} ({n})" for name, n in result.sources) or "-"
    line = _("Gebied {area}; bron {bron}: {sources}.").format(
        area=result.area.label(), bron=BRONNEN[result.bron], sources=sources
    )
    if result.illustrative:
        line += " " + _("Illustratieve gegevens, geen echte cijfers.")
    return line


def to_csv(rows: list[list[Any]], source: str) -> bytes:
    """``;``-separated, UTF-8 with BOM; every cell through :func:`csv_cell` (formula signs neutralised)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([csv_cell("" if v is None else str(v)) for v in row] for row in rows)
    writer.writerow([csv_cell(source)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list[Any]], source: str) -> bytes:
    """One sheet; numbers as numbers, text as string cells (:mod:`ivp.reports.core.workbook`)."""
    book = workbook.new_workbook()
    workbook.sheet(book, "gebied", HEADER, [[None if v == "" else v for v in row] for row in rows], source)
    return workbook.to_bytes(book)


def filename(area: Area, bron: str, fmt: str) -> str:
    """Only ASCII letters, digits, ``-`` and ``_`` (a focus id is the user's text)."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", area.code).strip("_")[:60] or "gebied"
    return f"gebied-{safe}-{bron}.{fmt}"
