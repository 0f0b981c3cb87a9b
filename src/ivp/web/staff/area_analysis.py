"""The area page's numbers (:mod:`ivp.web.staff.area_views`): the analysis of one area, what the page
shows of it, and the csv/xlsx export.

The analysis is :mod:`ivp.reports.wijkscan.analysis` (the same the CLI and the wijkscan report run), the
pictures :mod:`ivp.reports.wijkscan.charts`, the wording :mod:`ivp.reports.wijkscan.sentences`. Only
aggregated counts and test statistics leave this module; the one text from the data is a category name,
neutralised in the export like every text cell (``ivp.lib.cells``).

Meldingen are not public (ADR 0009): for ``bron=meldingen`` a period is whole calendar months, and every
count below the workspace's ``onthul_drempel`` is suppressed, with complements chosen jointly with the
totals by :func:`ivp.stats.disclosure.protect_table` (:class:`Protection`); an area and period with fewer
meldingen than the threshold shows nothing but that. Police incidents are shown as they are.
"""

from __future__ import annotations

import csv
import dataclasses
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
from numpy.typing import NDArray

from ivp.lib.fmt import number, qvalue
from ivp.reports.core import workbook
from ivp.reports.wijkscan import analysis, charts, sentences
from ivp.reports.wijkscan.events import is_illustrative, store_events
from ivp.reports.wijkscan.focus import Area, in_area
from ivp.stats.disclosure import DEFAULT_THRESHOLD, protect_table
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


def disclosure_threshold() -> int:
    """Smallest count of meldingen shown: the workspace's ``onthul_drempel``, else the library default."""
    workspace = settings.WORKSPACE
    return max(1, int(workspace.onthul_drempel)) if workspace is not None else DEFAULT_THRESHOLD


def whole_months(van: dt.date | None, tot: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """``van`` moved to the first day of its month, ``tot`` to the last day of its month.

    A period that splits a month would be a new table, and two overlapping ones differ by a few days'
    meldingen; the statistics API selects whole months for the same reason (ADR 0009).
    """
    first = van.replace(day=1) if van else None
    last = None
    if tot:
        last = (tot.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


@dataclass(frozen=True, eq=False)
class Protection:
    """What the page and the export suppress of meldingen (``True`` = not shown).

    ``too_few``: fewer meldingen than ``threshold`` in the area and period (or a total that had to be
    suppressed): nothing is shown. ``categories`` follows ``Result.categories``; ``times`` is the
    weekday x hour mask; ``cells`` the grid mask; ``place_split``: how many meldingen have a place (and
    so how many have none) is not shown.
    """

    threshold: int
    too_few: bool = False
    categories: tuple[bool, ...] = ()
    times: NDArray[np.bool_] | None = None
    cells: NDArray[np.bool_] | None = None
    place_split: bool = False


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
    protection: Protection | None = None  # meldingen only; places and times are then masked copies


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
    the page's validated query parameters, kept for the audit row and the export links. For meldingen the
    period is widened to whole months (``params`` then hold the widened dates) and the result carries its
    :class:`Protection`, with ``places``/``times`` copies in which suppressed cells are empty.
    """
    workspace = settings.WORKSPACE
    assert workspace is not None
    if bron == "meldingen":
        van, tot = whole_months(van, tot)
        params = {**params, **{k: v.isoformat() for k, v in (("van", van), ("tot", tot)) if v}}
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
    categories = [(str(k), int(n)) for k, n in inside["category_label"].value_counts().items()]
    protection = None
    if bron == "meldingen":
        protection = protect_meldingen(len(inside), categories, times, places, disclosure_threshold())
        if protection.too_few:
            places = times = None
        else:
            times = _masked_times(times, protection.times)
            places = _masked_places(places, protection.cells)
    return Result(
        area=area,
        bron=bron,
        params=params,
        n_events=len(inside),
        illustrative=is_illustrative(events),
        places=places,
        times=times,
        sources=[(str(k), int(n)) for k, n in inside["dataset"].value_counts().items()],
        categories=categories,
        buurten=buurten,
        gemeente=gemeente,
        protection=protection,
    )


# -- disclosure control (meldingen) -----------------------------------------------------------------------


def _time_surrogate(values: NDArray[np.float64], threshold: int) -> NDArray[np.float64]:
    """Whole numbers for the aoristic (fractional) table: a cell with ``0 < v < threshold`` becomes a
    primary cell (1 .. threshold - 1), any other cell its value rounded up; the margins are then sums of
    these, so the relations hold exactly and every small cell is protected as a small count."""
    small = (values > 0) & (values < threshold)
    up = np.ceil(values - 1e-9)
    return np.where(small, np.clip(up, 1, threshold - 1), np.maximum(up, 0.0))


def protect_meldingen(
    n_events: int, categories: list[tuple[str, int]], times: Any, places: Any, threshold: int
) -> Protection:
    """The suppression of meldingen on the area page: each table protected jointly with its totals.

    - fewer than ``threshold`` meldingen: nothing is shown (``too_few``);
    - the categories with their total (the number of meldingen on the page) by :func:`protect_table`,
      as the wijkscan report does; a suppressed total means nothing can be shown;
    - the weekday x hour cells with their total (the page shows no weekday or hour totals; aoristic
      weights, see :func:`_time_surrogate`);
    - the grid cells with events and their total (the meldingen with a place), and the split of all
      meldingen into those with and without a place.

    The totals of these tables are the same number (or nearly: meldingen without a usable time or
    place), which is published; each table is protected with that total published, so no table's
    shown cells subtract to a suppressed one.
    """
    if n_events < threshold:
        return Protection(threshold, too_few=True)
    category_mask = protect_table(np.array([n for _, n in categories], dtype=float), threshold)
    if bool(category_mask[-1]):
        return Protection(threshold, too_few=True)
    time_mask = None
    if times is not None:
        values = np.atleast_2d(np.asarray(times.table.table, dtype=float))
        full = protect_table(_time_surrogate(values, threshold).ravel(), threshold)
        if bool(full[-1]):
            return Protection(threshold, too_few=True)
        time_mask = np.asarray(full[:-1], dtype=bool).reshape(values.shape)
    cell_mask, split = None, False
    if places is not None:
        counts = np.round(np.asarray(places.counts, dtype=float))
        flat = np.flatnonzero(counts > 0)
        pattern = protect_table(counts.ravel()[flat], threshold)
        mask = np.zeros(counts.size, dtype=bool)
        mask[flat] = pattern[:-1]
        cell_mask = mask.reshape(counts.shape)
        with_place = int(places.n_events)
        parts = np.array([with_place, max(n_events - with_place, 0)], dtype=float)
        split = bool(pattern[-1]) or bool(protect_table(parts, threshold)[:-1].any())
    return Protection(
        threshold,
        categories=tuple(bool(m) for m in category_mask[:-1]),
        times=time_mask,
        cells=cell_mask,
        place_split=split,
    )


def _masked_times(times: Any, mask: NDArray[np.bool_] | None) -> Any:
    """``times`` with the suppressed weekday-hours empty: count 0, no ratio, p or q, never hot or cold."""
    if times is None or mask is None or not mask.any():
        return times

    def hide(c: Any) -> Any:
        if c is None or np.shape(c.observed) != mask.shape:
            return c
        return dataclasses.replace(
            c,
            observed=np.where(mask, 0.0, c.observed),
            ratio=np.where(mask, np.nan, c.ratio),
            p=np.where(mask, np.nan, c.p),
            q=np.where(mask, np.nan, c.q),
            hot=np.asarray(c.hot, dtype=bool) & ~mask,
            cold=np.asarray(c.cold, dtype=bool) & ~mask,
        )

    table = times.table
    shown = np.where(mask, 0.0, np.atleast_2d(np.asarray(table.table, dtype=float)))
    return dataclasses.replace(
        times,
        table=dataclasses.replace(table, table=shown.reshape(np.shape(table.table))),
        concentration=hide(times.concentration),
        versus_rest=hide(times.versus_rest),
    )


def _masked_places(places: Any, mask: NDArray[np.bool_] | None) -> Any:
    """``places`` with the suppressed grid cells empty (count 0, never hot or cold): not drawn, not listed."""
    if places is None or mask is None or not mask.any():
        return places
    result = places.result
    shown = dataclasses.replace(
        result,
        counts=np.where(mask, 0.0, result.counts) if np.shape(result.counts) == mask.shape else result.counts,
        hot=np.asarray(result.hot, dtype=bool) & ~mask,
        cold=np.asarray(result.cold, dtype=bool) & ~mask,
    )
    return dataclasses.replace(places, counts=np.where(mask, 0.0, places.counts), result=shown)


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


def count_text(result: Result, noun: str) -> str:
    """'412 incidenten', or for too few meldingen 'minder dan 5 meldingen' (never the exact small number)."""
    protection = result.protection
    if protection is not None and protection.too_few and result.n_events > 0:
        return _("minder dan {drempel} {noun}").format(drempel=protection.threshold, noun=noun)
    return f"{result.n_events} {noun}"


def months_note(result: Result) -> str:
    """For meldingen: that the period is whole calendar months (and which), else ''."""
    if result.bron != "meldingen" or not (result.params.get("van") or result.params.get("tot")):
        return ""
    van, tot = result.params.get("van"), result.params.get("tot")
    first = dt.date.fromisoformat(van).strftime("%d-%m-%Y") if van else "…"
    last = dt.date.fromisoformat(tot).strftime("%d-%m-%Y") if tot else "…"
    return _(
        "Voor meldingen tellen hele maanden: de periode loopt van {van} tot en met {tot}. Zo kan een korte "
        "periode geen enkele melding aanwijzen."
    ).format(van=first, tot=last)


def _place_sufficiency(places: Any, noun: str, area: Area, hide_count: bool) -> str:
    period = sentences.period_words(*places.period)
    statement = sentences.sufficiency_sentence(
        places.sufficiency, noun=noun, period=period, where=_where(area), cell=places.cell
    )
    if hide_count:  # the number with a place would give away the (small) number without one
        head = _("Met {n} {noun}").format(n=number(places.sufficiency.n_events), noun=noun)
        statement = statement.replace(head, _("Met de {noun} met een plaats").format(noun=noun), 1)
    return str(statement)


def findings(result: Result, noun: str) -> dict[str, Any]:
    """The statements, sentences, pictures and tables of the page (those of a question without data left out).

    A cell with fewer events than the workspace's ``onthul_drempel`` is never worded as a finding. For
    meldingen the tables are the masked copies of :func:`analyse`: a suppressed weekday-hour is shown as
    '<5' (the threshold), a suppressed grid cell is neither drawn nor listed.
    """
    places, times, area = result.places, result.times, result.area
    protection = result.protection
    threshold = protection.threshold if protection else disclosure_threshold()
    hidden = protection.times if protection is not None else None
    out: dict[str, Any] = {"drempel": threshold, "te_weinig": bool(protection and protection.too_few)}
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
                (
                    label,
                    [None if hidden is not None and hidden[r, c] else float(v) for c, v in enumerate(row)],
                )
                for r, (label, row) in enumerate(
                    zip(table.row_labels, np.atleast_2d(table.table), strict=True)
                )
            ],
            "heat_cols": list(table.col_labels),
            "hot_hours": _hot_hours(times),
        }
    if places is not None:
        split = bool(protection and protection.place_split)
        statement = _place_sufficiency(places, noun, area, split)
        texts = sentences.hot_place_sentences(
            places, noun=noun, gemeente=result.gemeente, threshold=threshold
        )
        if split:  # these name the number with a place
            texts = [
                _(
                    "Hoeveel {noun} een plaats hebben, wordt niet getoond: het verschil met het totaal zou een "
                    "klein aantal {noun} zonder plaats aanwijzen."
                ).format(noun=noun)
            ]
        out |= {
            "place_sufficiency": statement,
            "place_sentences": _not_repeated(texts, [statement]),
            "zonder_plaats": None if split else places.n_without_location,
            "map_svg": mark_safe(_map_svg(places, _borders(result))),  # noqa: S308
            "hot_cells": _hot_cells(places),
        }
    return out


# -- export -----------------------------------------------------------------------------------------------

HEADER = [
    "onderdeel", "naam", "dag", "uur", "rij", "kolom", "x_rd", "y_rd",
    "aantal", "verwacht", "verhouding", "z", "p", "q", "oordeel", "onderdrukt",
]  # fmt: skip
SUPPRESSED = "ja"  # the marker in the column "onderdrukt": a count below the threshold, or its complement


def _number(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 6)


def export_rows(result: Result) -> list[list[Any]]:
    """Long format: the categories counted, every weekday x hour cell, every grid cell with events.

    Only aggregated counts and test statistics; a category name is the one text from the data (neutralised
    on writing, like every text cell). For meldingen a suppressed count is empty with ``onderdrukt`` =
    ``ja`` (its ratio, p and q too), a suppressed grid cell is left out, and with too few meldingen there
    are no rows at all.
    """
    rows: list[list[Any]] = []
    protection = result.protection
    if protection is not None and protection.too_few:
        return rows
    for i, (name, n) in enumerate(result.categories):
        if protection is not None and protection.categories[i]:
            rows.append(["categorie", name, "", "", "", "", "", "", "", "", "", "", "", "", "", SUPPRESSED])
        else:
            rows.append(["categorie", name, "", "", "", "", "", "", n, "", "", "", "", "", "", ""])
    hidden = protection.times if protection is not None else None
    if result.times is not None:
        c = result.times.concentration
        table = result.times.table
        values = np.atleast_2d(np.asarray(table.table, dtype=float))
        for r, day in enumerate(table.row_labels):
            for col, hour in enumerate(table.col_labels):
                if hidden is not None and hidden[r, col]:
                    rows.append(["tijd", "", day, hour, r, col, "", "", "", _number(c.expected[r, col]),
                                 "", "", "", "", "", SUPPRESSED])  # fmt: skip
                    continue
                rows.append(
                    ["tijd", "", day, hour, r, col, "", "", _number(values[r, col]),
                     _number(c.expected[r, col]), _number(c.ratio[r, col]), "",
                     _number(c.p[r, col]), _number(c.q[r, col]),
                     _verdict(bool(c.hot[r, col]), bool(c.cold[r, col])), ""]
                )  # fmt: skip
    if result.places is not None:
        for cell in _cells(result.places):
            rows.append(
                ["plaats", "", "", "", cell["rij"], cell["kolom"], cell["x_rd"], cell["y_rd"],
                 _number(cell["aantal"]), "", "", _number(cell["z"]), _number(cell["p"]), _number(cell["q"]),
                 cell["oordeel"], ""]
            )  # fmt: skip
    return rows


def too_few_text(noun: str) -> str:
    return _("Te weinig {noun} in dit gebied en deze periode om iets te tonen.").format(noun=noun)


def source_line(result: Result) -> str:
    protection = result.protection
    too_few = protection is not None and protection.too_few
    if too_few:
        sources = ", ".join(name for name, _n in result.sources) or "-"
    else:
        sources = ", ".join(f"{name} ({n})" for name, n in result.sources) or "-"
    line = _("Gebied {area}; bron {bron}: {sources}.").format(
        area=result.area.label(), bron=BRONNEN[result.bron], sources=sources
    )
    if result.bron == "meldingen":
        note = months_note(result)
        line += f" {note}" if note else ""
        if too_few and result.n_events:
            line += " " + too_few_text(_("meldingen"))
        elif protection is not None:
            line += " " + _(
                "Aantallen onder de {drempel} en de aantallen die nodig zijn om ze te beschermen zijn "
                "weggelaten (kolom onderdrukt)."
            ).format(drempel=protection.threshold)
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
