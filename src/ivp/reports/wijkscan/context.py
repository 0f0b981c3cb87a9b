"""The data context of the wijkveiligheidsscan: plain frozen dataclasses from the store and the analyses.

One area (wijk, buurt or aandachtsgebied, see :mod:`.focus`): its registered crime against the rest of the
municipality and the other wijken (:mod:`.figures`, the Veiligheidsbeeld's tests), hot times and hot places
of the police incidents in the area (:mod:`.analysis`), near repeats, the meldingen of the meldpunt, the
advisor's texts and every source. Nothing here formats text for readers except the sentences the analysis
modules word themselves (:mod:`.sentences`); :mod:`.render` does the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ivp.lib import clock
from ivp.lib.i18n import _
from ivp.reports.naming import municipality_name
from ivp.reports.veiligheidsbeeld.context import sources as store_sources
from ivp.reports.veiligheidsbeeld.model import SourceRow
from ivp.reports.wijkscan import analysis, events, focus, sentences
from ivp.reports.wijkscan.figures import Figures, build_figures
from ivp.stats.disclosure import protect_table
from ivp.store import Store, read
from ivp.workspace import Workspace

#: The advisor's two texts per area: ``<teksten>/wijkscan/<area code or focus id>/<name>.md``.
TEXT_NAMES = ("straatkennis", "systeemkennis")
#: How many categories of incidents the trend chart shows (the largest).
TREND_PANELS = 6


@dataclass(frozen=True)
class MeldingRow:
    """One category of meldingen in the area; ``count`` None when suppressed (small count)."""

    category: str
    label: str
    count: int | None


@dataclass(frozen=True)
class Meldingen:
    rows: tuple[MeldingRow, ...]
    total: int | None  # None when suppressed
    n_events: int
    threshold: int
    hot_times: analysis.HotTimes | None
    sentence: str  # the sufficiency statement of hot times over the meldingen
    period: tuple[dt.date, dt.date] | None

    @property
    def any_suppressed(self) -> bool:
        return self.total is None or any(r.count is None for r in self.rows)


@dataclass(frozen=True)
class IncidentSeries:
    """Incidents in the area per year and category (the trend chart when the store has too few years)."""

    years: tuple[int, ...]
    categories: tuple[tuple[str, tuple[int, ...]], ...]  # (label, count per year)
    dataset: str


@dataclass(frozen=True)
class WijkscanContext:
    gemeente: str
    naam: str  # the municipality's name
    area: focus.Area
    generated: dt.date
    period: tuple[dt.date, dt.date] | None  # of the incidents analysed
    illustrative: bool
    alpha: float
    figures: Figures
    incidents: IncidentSeries | None
    n_incidents: int
    hot_times: analysis.HotTimes | None
    hot_places: analysis.HotPlaces | None
    near_repeats: Any | None  # ivp.stats.nearrepeat.Knox
    buurten: pd.DataFrame | None  # code, name, geometry of the area's buurten (map borders)
    meldingen: Meldingen | None
    texts: dict[str, str | None]
    text_paths: dict[str, str]
    sources: tuple[SourceRow, ...]
    toelichting: str = ""
    threshold: int = 5  # the workspace's onthul_drempel: smaller counts are never worded as a finding

    @property
    def kind_label(self) -> str:
        return {
            "wijk": _("wijk"),
            "buurt": _("buurt"),
            "aandachtsgebied": _("aandachtsgebied"),
            "gemeente": _("gemeente"),
        }.get(self.area.kind, self.area.kind)


def _period(frame: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    begins = pd.to_datetime(frame["begin_at"]).dropna() if len(frame) else pd.Series(dtype="datetime64[ns]")
    if begins.empty:
        return None
    ends = pd.to_datetime(frame["end_at"]).fillna(pd.to_datetime(frame["begin_at"])).dropna()
    return begins.min().date(), max(ends.max(), begins.max()).date()


def _incident_series(frame: pd.DataFrame) -> IncidentSeries | None:
    if frame.empty:
        return None
    years_all = pd.to_datetime(frame["begin_at"]).dt.year
    ok = years_all.notna()
    if not ok.any():
        return None
    data = frame.loc[ok].assign(year=years_all[ok].astype(int))
    years = tuple(range(int(data["year"].min()), int(data["year"].max()) + 1))
    labels = data["category_label"].fillna(data["category"]).astype(str)
    top = labels.value_counts().index[:TREND_PANELS]
    cats = []
    for label in top:
        per_year = data[labels == label].groupby("year").size()
        cats.append((str(label), tuple(int(per_year.get(y, 0)) for y in years)))
    dataset = ", ".join(sorted({str(d) for d in data["dataset"].dropna().unique()}))
    return IncidentSeries(years, tuple(cats), dataset)


def _meldingen(
    frame: pd.DataFrame | None, area: focus.Area, threshold: int, alpha: float
) -> Meldingen | None:
    if frame is None:
        return None
    frame = events.check_events(frame)
    own = frame[focus.in_area(area, frame)]
    grouped = own.groupby(["category", "category_label"], dropna=False).size().sort_values(ascending=False)
    values = np.array([int(v) for v in grouped.to_numpy()], dtype=float)
    rows: list[MeldingRow] = []
    total: int | None = int(values.sum())
    if len(values):
        mask = protect_table(values, threshold)  # the categories and their total, protected jointly
        for (cat, label), v, hidden in zip(grouped.index, values, mask[:-1], strict=True):
            rows.append(
                MeldingRow(str(cat), str(label if pd.notna(label) else cat), None if hidden else int(v))
            )
        total = None if bool(mask[-1]) else total
    times = None
    sentence = ""
    if len(own):
        times = analysis.hot_times(frame, area, alpha=alpha)
        sentence = sentences.sufficiency_sentence(times.sufficiency, noun=_("meldingen"))
    return Meldingen(tuple(rows), total, len(own), threshold, times, sentence, _period(own))


def _texts(ws: Workspace, area: focus.Area) -> tuple[dict[str, str | None], dict[str, str]]:
    folder = ws.teksten / "wijkscan" / area.code
    texts: dict[str, str | None] = {}
    paths: dict[str, str] = {}
    for name in TEXT_NAMES:
        path = folder / f"{name}.md"
        texts[name] = path.read_text(encoding="utf-8") if path.exists() else None
        paths[name] = _relative(path, ws.root)
    return texts, paths


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def build_wijkscan(
    ws: Workspace,
    store: Store,
    area: focus.Area,
    *,
    meldingen: pd.DataFrame | None = None,
    period: tuple[dt.date | None, dt.date | None] | None = None,
) -> WijkscanContext:
    """Read the store, run every analysis for ``area`` and collect the report's figures."""
    start, end = period or (None, None)
    figures = build_figures(
        store, ws.gemeente, municipality_name(ws, store), area.kind, area.code, area.buurten,
        alpha=ws.alpha, min_population=ws.min_inwoners, threshold=ws.onthul_drempel,
    )  # fmt: skip
    city = events.store_events(
        store,
        ws,
        start=dt.datetime.combine(start, dt.time()) if start else None,
        end=dt.datetime.combine(end, dt.time()) if end else None,
    )
    own = city[focus.in_area(area, city)] if len(city) else city
    hot_times = analysis.hot_times(city, area, alpha=ws.alpha, city_events=city) if len(own) else None
    regions = read.areas_of(store, ws.gemeente, ("buurt",))
    hot_places = analysis.hot_places(city, area, alpha=ws.alpha, buurten=regions) if len(own) else None
    near = analysis.near_repeats(city, area) if len(own) else None
    buurten = regions[regions["code"].isin(area.buurten)][["code", "name", "geometry"]].reset_index(drop=True)
    melding = _meldingen(meldingen, area, ws.onthul_drempel, ws.alpha)
    texts, paths = _texts(ws, area)
    srcs = store_sources(store)
    if melding is not None:
        srcs = (
            *srcs,
            SourceRow(
                source_id="meldpunt",
                dataset=_("meldingen"),
                title=_("Meldingen bij het meldpunt van de gemeente"),
                publisher=_("Gemeente {naam}").format(naam=municipality_name(ws, store)),
                licence=_("niet openbaar"),
                period=" – ".join(d.isoformat() for d in melding.period) if melding.period else None,
                vintage=None,
                retrieved_at=dt.datetime.combine(clock.today(), dt.time()),
                provisional=None,
            ),
        )
    illustrative = (
        events.is_illustrative(city)
        or any(s.dataset.lower().startswith("illustratief") for s in srcs)
        or (meldingen is not None and events.is_illustrative(meldingen))
    )
    return WijkscanContext(
        gemeente=ws.gemeente,
        naam=municipality_name(ws, store),
        area=area,
        generated=clock.today(),
        period=_period(own) if len(own) else None,
        illustrative=illustrative,
        alpha=ws.alpha,
        figures=figures,
        incidents=_incident_series(own),
        n_incidents=len(own),
        hot_times=hot_times,
        hot_places=hot_places,
        near_repeats=near,
        buurten=buurten if len(buurten) else None,
        meldingen=melding,
        texts=texts,
        text_paths=paths,
        sources=srcs,
        toelichting=getattr(area, "toelichting", "") or "",
        threshold=ws.onthul_drempel,
    )
