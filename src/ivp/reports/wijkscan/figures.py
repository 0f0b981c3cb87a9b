"""The area's registered crime against the rest of the municipality and its peers, with the Veiligheidsbeeld's tests.

Nothing here re-implements a statistic: the yearly counts of the area (the sum of its buurten, as the
Veiligheidsbeeld sums wijken) go through the Veiligheidsbeeld's own functions.

- **Change** between the last two loaded years and **trends**: :func:`.changes.change_row` and
  :func:`.changes.trend_rows`, with the overdispersion φ of the area's own series (:func:`.changes.spreads`).
- **Rest of the municipality**: the area's rate per 1,000 against the rate of the other buurten of the
  municipality together (counts placed in a buurt on both sides), by :func:`.peers.comparisons` with that rate in the place of the national one (the rest is large
  and treated as known, as the Netherlands is there).
- **Peers**: the funnel of :func:`.peers.comparisons` over the other wijken of the municipality (for a buurt:
  the other buurten), in the place of similar municipalities. A focus area is compared with the wijken
  that share none of its buurten.
- Benjamini-Hochberg over all of these tests together (:func:`.family.correct`).
- Inhabitants: the buurten's population of the same year, else of the nearest year (as the Veiligheidsbeeld).
- Per buurt: the Veiligheidsbeeld's buurt sections (:func:`.areas.build_areas`), with its disclosure
  control of non-public counts (``onthul_drempel``), cut to the area's buurten.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ivp.lib.i18n import _
from ivp.reports.veiligheidsbeeld import areas as area_mod
from ivp.reports.veiligheidsbeeld import family, peers
from ivp.reports.veiligheidsbeeld.area_model import AreaSection
from ivp.reports.veiligheidsbeeld.changes import change_row, series_of, spreads, trend_rows
from ivp.reports.veiligheidsbeeld.model import (
    BendRow,
    ChangeRow,
    ComparisonRow,
    Family,
    SizeGroup,
    TrendRow,
    TypeSeries,
    clean_title,
)
from ivp.store import Store, read

MEASURE = peers.MEASURE
SCHEME = peers.SCHEME


@dataclass(frozen=True)
class FigureRow:
    """One crime type in the area's latest year, with its tests (after correction)."""

    code: str
    title: str
    year: int
    count: float | None
    population: float | None
    rate: float | None
    versus_rest: ComparisonRow | None
    versus_peers: ComparisonRow | None
    change: ChangeRow | None
    trend: TrendRow | None


@dataclass(frozen=True)
class Figures:
    """The area's crime figures; ``rows`` empty when no buurt counts are loaded."""

    year: int | None
    first_year: int | None
    population: float | None
    population_year: int | None
    rows: tuple[FigureRow, ...]
    series: tuple[TypeSeries, ...]
    buurten: tuple[AreaSection, ...]  # one buurt section per crime type, cut to the area's buurten
    family: Family | None
    peer_label: str
    rest_label: str
    provisional_years: tuple[int, ...]
    dataset: str


def _nearest(years: list[int], year: int) -> int | None:
    return min(years, key=lambda y: (abs(y - year), -y)) if years else None


def build_figures(
    store: Store,
    gemeente: str,
    naam: str,
    area_kind: str,
    area_code: str,
    buurten: tuple[str, ...],
    *,
    alpha: float,
    min_population: int,
    threshold: int,
) -> Figures:
    """Every figure of the section 'Cijfers' for the area made of ``buurten``."""
    loaded = read.counts(store, MEASURE, SCHEME, level="buurt", within=gemeente)
    inside = set(buurten)
    peer_label = _("andere buurten") if area_kind == "buurt" else _("andere wijken")
    rest_label = _("rest van {naam}").format(naam=naam)
    empty = Figures(None, None, None, None, (), (), (), None, peer_label, rest_label, (), "")
    if loaded.empty or not inside & set(loaded["region"]):
        return empty
    regions = read.areas_of(store, gemeente, ("wijk", "buurt"))
    parent = dict(zip(regions["code"], regions["parent"], strict=True))
    names = dict(zip(regions["code"], regions["name"], strict=True))
    pops = read.population(store, level="buurt", within=gemeente)
    pop_years = sorted(int(y) for y in pops["year"].unique())
    loaded = loaded.assign(title=loaded["title"].map(clean_title))
    years = sorted(int(y) for y in loaded["year"].unique())

    def pop_of(codes: set[str], year: int) -> float | None:
        py = _nearest(pop_years, year)
        if py is None:
            return None
        sel = pops[(pops["year"] == py) & pops["region"].isin(codes)]
        return float(sel["value"].sum()) if not sel.empty else None

    # units: the area itself, and its peers (other wijken, or other buurten for a buurt)
    if area_kind == "buurt":
        unit_of = {str(c): str(c) for c in loaded["region"].unique()}
    else:
        unit_of = {str(c): str(parent.get(c) or "WK" + str(c)[2:8]) for c in loaded["region"].unique()}
        touched = {unit_of[c] for c in inside if c in unit_of}
        if area_kind == "aandachtsgebied":
            unit_of = {c: u for c, u in unit_of.items() if u not in touched}
    for c in inside:
        unit_of[c] = area_code
    frame = loaded.assign(unit=loaded["region"].map(unit_of)).dropna(subset=["unit"])
    grouped = (
        frame.assign(provisional=frame["status"] == "voorlopig")
        .groupby(["unit", "category", "year"], sort=True)
        .agg(
            value=("value", lambda s: s.sum(min_count=1)),
            title=("title", "first"),
            provisional=("provisional", "any"),
            dataset=("dataset", "first"),
        )
        .reset_index()
    )
    own = grouped[grouped["unit"] == area_code]
    obs = pd.DataFrame(
        {
            "code": own["category"].astype(str),
            "title": own["title"].astype(str),
            "year": own["year"].astype(int),
            "value": own["value"].astype(float),
            "status": ["voorlopig" if p else "definitief" for p in own["provisional"]],
            "dataset": own["dataset"].astype(str),
        }
    ).reset_index(drop=True)
    members_of: dict[str, set[str]] = {}
    for c, u in unit_of.items():
        members_of.setdefault(u, set()).add(c)
    population = {y: p for y in years if (p := pop_of(inside, y)) is not None}
    codes = sorted(obs["code"].unique())
    # the rest of the municipality as the reference: the buurten outside the area (the same placed
    # counts as the area's own; crimes not placed in a buurt count for neither), its rate treated as known
    all_codes = {str(c) for c in loaded["region"].unique()}
    outside = all_codes - inside
    rest: dict[int, peers.NlYear] = {}
    for y in years:
        rest_pop = pop_of(outside, y)
        sel = loaded[(loaded["year"] == y) & loaded["region"].isin(outside)]
        if y not in population or not rest_pop or sel.empty:
            continue
        sums = sel.groupby("category")["value"].sum(min_count=1).dropna()
        rates = {str(c): float(v) / rest_pop * 1000.0 for c, v in sums.items()}
        rest[y] = peers.NlYear(y, str(sel["dataset"].iloc[0]), rates)
    municipal = read.counts(store, MEASURE, SCHEME, regions=[gemeente], present_only=True)
    # peers panel: counts per unit (index) x (category, year), populations per year
    counts = grouped.groupby(["unit", "category", "year"])["value"].first().unstack(["category", "year"])
    panel_pop = {
        y: {u: p for u, codes_u in members_of.items() if (p := pop_of(codes_u, y)) is not None} for y in years
    }
    units = tuple(sorted(members_of, key=lambda u: (u != area_code, u)))
    group = SizeGroup(
        years[-1],
        population.get(years[-1], 0.0),
        float("nan"),
        float("nan"),
        tuple((u, names.get(u) or u) for u in units if u != area_code),
    )
    panel = peers.Panel(units, counts, panel_pop)
    last = years[-1]
    spread = spreads(obs, codes, population, set(years[-peers.HISTORY_YEARS :]))
    rows: dict[str, list[ChangeRow | ComparisonRow | TrendRow | BendRow]] = {}
    for code in codes:
        items: list[ChangeRow | ComparisonRow | TrendRow | BendRow] = []
        if len(years) >= 2:
            change = change_row(obs, code, years[-2], last, population, alpha, spread[code])
            if change is not None:
                items.append(change)
        for row in peers.comparisons(
            obs, code, area_code, last, population, rest, group, panel, spread[code], alpha
        ):
            label = rest_label if row.method == "referentie" else peer_label
            items.append(replace(row, reference=label))
        long, _recent, _bend = trend_rows(series_of(obs, code, years[0], last), population, alpha)
        if long is not None:
            items.append(long)
        rows[code] = items
    corrected, test_family = family.correct(rows, alpha)
    out = []
    for code in codes:
        items_c = corrected[code]
        value = obs[(obs["code"] == code) & (obs["year"] == last)]["value"]
        count = float(value.iloc[0]) if not value.empty and pd.notna(value.iloc[0]) else None
        pop = population.get(last)
        out.append(
            FigureRow(
                code=code,
                title=str(obs.loc[obs["code"] == code, "title"].iloc[0]),
                year=last,
                count=count,
                population=pop,
                rate=count / pop * 1000.0 if count is not None and pop else None,
                versus_rest=next(
                    (r for r in items_c if isinstance(r, ComparisonRow) and r.method == "referentie"), None
                ),
                versus_peers=next(
                    (r for r in items_c if isinstance(r, ComparisonRow) and r.method == "trechter"), None
                ),
                change=next((r for r in items_c if isinstance(r, ChangeRow)), None),
                trend=next((r for r in items_c if isinstance(r, TrendRow)), None),
            )
        )
    sections = area_mod.build_areas(
        store,
        gemeente,
        min_population,
        obs_totals=municipal.rename(columns={"category": "code"}),
        threshold=threshold,
    )
    cut = tuple(
        replace(s, rows=tuple(r for r in s.rows if r.code in inside)) for s in sections if s.level == "buurt"
    )
    provisional = tuple(sorted(int(y) for y in obs.loc[obs["status"] == "voorlopig", "year"].unique()))
    return Figures(
        year=last,
        first_year=years[0],
        population=population.get(last),
        population_year=_nearest(pop_years, last),
        rows=tuple(out),
        series=tuple(series_of(obs, code, years[0], last) for code in codes) if len(years) >= 3 else (),
        buurten=cut,
        family=test_family,
        peer_label=peer_label,
        rest_label=rest_label,
        provisional_years=provisional,
        dataset=", ".join(sorted(set(obs["dataset"]))),
    )
