"""Illustrative police incidents for the Dordrecht demo: invented events that add up to real public totals.

The demo has no real incident file (police exports are not public), but steering in the neighbourhood
(hot places, hot times, near repeats, the wijkscan) needs one. This module invents one, in the layout of a
police export that :mod:`ivp.sources.politie_incidenten` reads, so the demo goes through the same adapter
as a real municipality's file. Everything about the single events is invented; only the totals are real.

How the events are made (deterministic for a given ``seed``):

- **How many.** For each of five crime types of CBS 47018NED (*Geregistreerde misdrijven; soort misdrijf,
  wijk, buurt*, CBS / Politie, CC BY 4.0) and each year, exactly the number of crimes registered in the
  municipality. The bundle holds per-buurt figures only for all crimes together (2023), so the yearly
  total of each type is divided over the buurten in proportion to the buurt's share of all registered
  crime in 2023 (largest-remainder rounding, so the parts add up to the total); for residential burglary
  the share is ``sqrt(crimes x inhabitants)`` (CBS 85984NED), because burglary needs homes. The result per
  buurt, type and year is :func:`planned_counts`.
- **Where.** Uniform points inside the buurt's boundary (the store's geometry, in RD New, kept 3 m inside
  the border and out of the slivers where the simplified boundaries of neighbours overlap), except that a
  share of the events of some types in a few buurten lies around an invented "hot point" (a normal
  spread of 40 m around it, still inside the buurt): the station's bicycle parks, the shopping streets
  and the nightlife squares of the centre, a square in the Vogelbuurt, a shopping centre in Crabbehof
  (:data:`HOT_POINTS`). Each residential burglary after the first of its buurt and year is, with
  probability 0.35, moved to within 150 m and 14 days after an earlier one there (a near-repeat
  pattern). Coordinates are rounded to whole metres; 0.5 % of the events have no place (as in real
  exports).
- **When** (:mod:`ivp.demo.incidenten_tijd`). A weekday x hour profile per type and a mild seasonal
  one: burglary as an interval of several hours in daytime and evening, bicycle theft intervals of hours,
  violence as exact moments, in the centre mostly on Friday and Saturday nights, vandalism and theft from
  cars mostly overnight intervals. Some intervals are long (3.5 to 14 days: a holiday, a bicycle left at
  the station), so the exclusion of intervals over 72 hours in the hot-time analysis has something to
  show. The moment the police learn of the incident follows the end by half an hour to a day.

The file written by :func:`write_incidents` starts with a title row saying "Illustratieve gegevens"
(the reader skips rows above the header), and its name starts with ``illustratief``, which is how every
report and page recognises illustrative data (the dataset name is the file name).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ivp.demo.incidenten_tijd import begins, durations
from ivp.lib.i18n import _
from ivp.sources.politie_incidenten import wgs84_to_rd
from ivp.store import LoadResult, Store, read

FILE_NAME = "illustratief_incidenten_dordrecht.csv"
PUBLISHER = "ivp (demo)"


def source_title() -> str:
    """The title of the dataset in every sources list."""
    return _("Illustratieve gegevens: verzonnen politie-incidenten voor de demo")


def source_licence() -> str:
    """Deliberately not an open licence (see :func:`load_incidents`)."""
    return _("illustratief, verzonnen voor de demo van ivp (geen open data)")


SEED = 20261202
MEASURE = "geregistreerde_misdrijven"
CBS_SCHEME = "cbs-misdrijf"
CBS_DATASET = "47018NED"
ALL_CRIMES = "0.0.0"
BURGLARY = "1.1.1"

#: The columns of the police export layout, in order (names as the police write them).
COLUMNS = (
    "Incident Identificatie",
    "Incidentsoort code",
    "Incidentsoort",
    "Pleeggemeente",
    "Pleegwijk",
    "Pleegbuurt",
    "Begin-pleegdatum/tijd",
    "Eind-pleegdatum/tijd",
    "Kennisnamedatum/tijd",
    "X",
    "Y",
)

Floats = NDArray[np.float64]

INSIDE_M = 3.0  # points keep this far from the buurt border, so the region resolver finds the same buurt
HOT_SD_M = 40.0
NO_PLACE_SHARE = 0.005
REPEAT_SHARE = 0.35
REPEAT_RADIUS_M = 150.0
REPEAT_DAYS = 14.0


@dataclass(frozen=True)
class IncidentType:
    """One CBS crime type and the police incident codes (with their shares) its events get."""

    cbs: str
    codes: tuple[tuple[str, str, float], ...]  # (incident code, label, share)
    profile: str  # key of ivp.demo.incidenten_tijd.PROFILES


TYPES: tuple[IncidentType, ...] = (
    IncidentType(
        "1.1.1",
        (
            ("A20", "Gekwal. diefstal in/uit woning", 0.8),
            ("A30", "Diefstal in/uit woning (niet gekwal.)", 0.2),
        ),
        "woning",
    ),
    IncidentType(
        "1.2.3", (("A72", "Diefstal fiets", 0.9), ("A73", "Diefstal bromfiets/snorfiets", 0.1)), "fiets"
    ),
    IncidentType("1.2.1", (("A10", "Diefstal uit/vanaf personenauto", 1.0),), "auto"),
    IncidentType(
        "1.4.5", (("F550", "Eenvoudige mishandeling", 0.93), ("F551", "Zware mishandeling", 0.07)), "geweld"
    ),
    IncidentType(
        "2.2.1",
        (
            ("C40", "Vernieling overige objecten", 0.85),
            ("C20", "Vernieling van/aan openbaar vervoer/abri", 0.15),
        ),
        "vernieling",
    ),
)


@dataclass(frozen=True)
class HotPoint:
    """An invented place where a share of a buurt's events of some types happen (WGS84)."""

    naam: str
    buurt: str
    lon: float
    lat: float
    types: tuple[str, ...]
    share: float


#: Invented concentrations, for the demo only; none is a statement about the real Dordrecht.
HOT_POINTS: tuple[HotPoint, ...] = (
    HotPoint("Stationsplein, fietsenstalling", "BU05050113", 4.6683, 51.8084, ("1.2.3",), 0.55),
    HotPoint("Winkelstraten centrum", "BU05050108", 4.6676, 51.8136, ("1.2.3", "1.2.1"), 0.35),
    HotPoint("Uitgaansplein centrum", "BU05050108", 4.6660, 51.8130, ("1.4.5", "2.2.1"), 0.45),
    HotPoint("Grote Markt", "BU05050102", 4.6670, 51.8166, ("1.4.5", "2.2.1"), 0.35),
    HotPoint("Plein Vogelbuurt", "BU05050505", 4.6905, 51.8079, ("2.2.1", "1.2.3"), 0.35),
    HotPoint("Winkelcentrum Crabbehof", "BU05050800", 4.6650, 51.7894, ("1.2.3", "2.2.1"), 0.30),
)

#: Buurten whose violence follows the nightlife profile (the centre, wijk 01 Binnenstad).
NIGHTLIFE_WIJK = "WK050501"


# -- how many -----------------------------------------------------------------------------------------


def _largest_remainder(total: int, weights: NDArray[np.float64]) -> NDArray[np.int64]:
    """Integers proportional to ``weights`` that add up to ``total`` (ties to the earlier index)."""
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = total * weights / weights.sum()
    base = np.floor(exact).astype(np.int64)
    rest = int(total - base.sum())
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:rest]] += 1
    out: NDArray[np.int64] = base
    return out


def buurt_weights(store: Store, gemeente: str) -> pd.DataFrame:
    """Per buurt the weight of each crime type (see the module docstring); columns ``buurt``, ``wijk``,
    ``misdrijven`` (all registered crime, newest year with buurt figures), ``inwoners``, ``woning``
    (the burglary weight) and ``overig`` (the weight of the other types)."""
    frame = read.counts(store, MEASURE, CBS_SCHEME, categories=[ALL_CRIMES], level="buurt", within=gemeente)
    frame = frame[frame["value"].notna()]
    if frame.empty:
        raise ValueError(f"no buurt figures of {ALL_CRIMES} for {gemeente} in the store")
    frame = frame[frame["year"] == frame["year"].max()]
    areas = read.areas_of(store, gemeente, ("buurt",))
    pop = read.population(store, level="buurt", within=gemeente)
    pop = pop[pop["year"] == pop["year"].max()] if not pop.empty else pop
    out = pd.DataFrame({"buurt": areas["code"], "wijk": areas["parent"]})
    out["misdrijven"] = out["buurt"].map(dict(zip(frame["region"], frame["value"], strict=True))).fillna(0.0)
    out["inwoners"] = out["buurt"].map(dict(zip(pop["region"], pop["value"], strict=True))).fillna(0.0)
    out["woning"] = np.sqrt(out["misdrijven"] * out["inwoners"])
    out["overig"] = out["misdrijven"]
    return out.sort_values("buurt").reset_index(drop=True)


def municipal_totals(store: Store, gemeente: str, *, year_from: int, year_to: int) -> pd.DataFrame:
    """The registered crimes of :data:`TYPES` in the municipality per year (CBS 47018NED); columns
    ``cbs``, ``year``, ``n``. Years without a published value are left out."""
    frame = read.counts(
        store,
        MEASURE,
        CBS_SCHEME,
        categories=[t.cbs for t in TYPES],
        regions=[gemeente],
        first_year=year_from,
        last_year=year_to,
        present_only=True,
    )
    frame = frame[frame["dataset"] == CBS_DATASET]
    return pd.DataFrame(
        {"cbs": frame["category"], "year": frame["year"], "n": frame["value"].round().astype("int64")}
    ).reset_index(drop=True)


def planned_counts(store: Store, gemeente: str, *, year_from: int, year_to: int) -> pd.DataFrame:
    """How many events each buurt gets per type and year; columns ``cbs``, ``year``, ``buurt``, ``n``.

    Per type and year the counts add up to the municipality's registered crimes (CBS 47018NED).
    """
    weights = buurt_weights(store, gemeente)
    totals = municipal_totals(store, gemeente, year_from=year_from, year_to=year_to)
    parts = []
    for cbs, year, total in zip(totals["cbs"], totals["year"], totals["n"], strict=True):
        column = "woning" if cbs == BURGLARY else "overig"
        n = _largest_remainder(int(total), weights[column].to_numpy(dtype=float))
        parts.append(pd.DataFrame({"cbs": cbs, "year": int(year), "buurt": weights["buurt"], "n": n}))
    if not parts:
        return pd.DataFrame({"cbs": [], "year": [], "buurt": [], "n": []})
    out = pd.concat(parts, ignore_index=True)
    return out[out["n"] > 0].reset_index(drop=True)


# -- where --------------------------------------------------------------------------------------------


def _to_rd(geometry: BaseGeometry) -> BaseGeometry:
    def transform(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = wgs84_to_rd(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, transform)


def buurt_shapes(store: Store, gemeente: str) -> dict[str, BaseGeometry]:
    """Each buurt's boundary in RD New, from the store (WGS84 GeoJSON)."""
    areas = read.areas_of(store, gemeente, ("buurt",))
    out: dict[str, BaseGeometry] = {}
    for code, text in zip(areas["code"], areas["geometry"], strict=True):
        if text:
            out[str(code)] = _to_rd(shape(json.loads(text)))
    return out


def sampling_areas(shapes: dict[str, BaseGeometry]) -> dict[str, BaseGeometry]:
    """Where each buurt's events may lie: its boundary kept :data:`INSIDE_M` from the border and outside
    every other buurt (the simplified boundaries of the bundle overlap a little; a point in an overlap
    could be placed in the neighbour by the region resolver)."""
    codes = list(shapes)
    geoms = [shapes[c] for c in codes]
    tree = shapely.STRtree(geoms)
    out: dict[str, BaseGeometry] = {}
    for i, code in enumerate(codes):
        own = geoms[i]
        others = [geoms[j] for j in tree.query(own) if j != i and geoms[j].intersects(own)]
        area = own.difference(shapely.union_all(others).buffer(INSIDE_M)) if others else own
        area = own if area.is_empty else area
        inner = area.buffer(-INSIDE_M)
        out[code] = area if inner.is_empty or inner.area < 0.2 * area.area else inner
    return out


def _uniform(rng: np.random.Generator, area: BaseGeometry, n: int) -> tuple[Floats, Floats]:
    """``n`` points uniform in ``area`` (rejection sampling in its bounding box)."""
    x0, y0, x1, y1 = area.bounds
    xs: list[NDArray[np.float64]] = [np.empty(0)]
    ys: list[NDArray[np.float64]] = [np.empty(0)]
    have = 0
    share = max(area.area / ((x1 - x0) * (y1 - y0)), 0.01)
    while have < n:
        m = int((n - have) / share * 1.3) + 16
        x, y = rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)
        keep = shapely.contains_xy(area, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        have += int(keep.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def _around(
    rng: np.random.Generator, area: BaseGeometry, x: float, y: float, n: int, sd: float
) -> tuple[Floats, Floats]:
    """``n`` points spread normally (``sd`` metres) around (x, y), kept inside ``area``."""
    xs: list[NDArray[np.float64]] = [np.empty(0)]
    ys: list[NDArray[np.float64]] = [np.empty(0)]
    have = 0
    for _attempt in range(50):
        if have >= n:
            break
        m = 2 * (n - have) + 16
        px, py = rng.normal(x, sd, m), rng.normal(y, sd, m)
        keep = shapely.contains_xy(area, px, py)
        xs.append(px[keep])
        ys.append(py[keep])
        have += int(keep.sum())
    if have < n:  # the hot point hugs the border: fill up uniformly
        ux, uy = _uniform(rng, area, n - have)
        xs.append(ux)
        ys.append(uy)
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def _hot_point_rd(point: HotPoint, area: BaseGeometry) -> tuple[float, float]:
    x, y = wgs84_to_rd(np.array([point.lon]), np.array([point.lat]))
    if shapely.contains_xy(area, x[0], y[0]):
        return float(x[0]), float(y[0])
    inner = area.representative_point()
    return float(inner.x), float(inner.y)


def _places(
    rng: np.random.Generator, area: BaseGeometry, buurt: str, cbs: str, n: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    hot = [p for p in HOT_POINTS if p.buurt == buurt and cbs in p.types]
    shares = [p.share for p in hot]
    counts = rng.multinomial(n, [*shares, 1.0 - sum(shares)])
    xs, ys = [], []
    for point, k in zip(hot, counts[:-1], strict=False):
        hx, hy = _hot_point_rd(point, area)
        px, py = _around(rng, area, hx, hy, int(k), HOT_SD_M)
        xs.append(px)
        ys.append(py)
    ux, uy = _uniform(rng, area, int(counts[-1]))
    x, y = np.concatenate([*xs, ux]), np.concatenate([*ys, uy])
    order = rng.permutation(n)
    return x[order], y[order]


def _near_repeats(
    rng: np.random.Generator,
    area: BaseGeometry,
    x: Floats,
    y: Floats,
    begin: NDArray[np.datetime64],
    year: int,
) -> None:
    """Move a share of a buurt's burglaries close (space and time) to an earlier one, in place."""
    n = len(x)
    if n < 2:
        return
    order = np.argsort(begin, kind="stable")
    end_of_year = np.datetime64(f"{year}-12-31T23:00")
    for i in range(1, n):
        if rng.random() >= REPEAT_SHARE:
            continue
        source = order[rng.integers(0, i)]
        target = order[i]
        angle, radius = rng.uniform(0, 2 * np.pi), REPEAT_RADIUS_M * np.sqrt(rng.random())
        nx, ny = x[source] + radius * np.cos(angle), y[source] + radius * np.sin(angle)
        moment = begin[source] + np.timedelta64(int(rng.uniform(1, REPEAT_DAYS * 24 * 60)), "m")
        if moment <= end_of_year and shapely.contains_xy(area, nx, ny):
            x[target], y[target], begin[target] = nx, ny, moment


# -- together -----------------------------------------------------------------------------------------


def generate_incidents(
    store: Store, gemeente: str, *, year_from: int = 2021, year_to: int = 2024, seed: int = SEED
) -> pd.DataFrame:
    """Illustrative incidents for ``gemeente`` in the police export layout (:data:`COLUMNS`).

    The number per type, buurt and year is :func:`planned_counts`; places and times as in the module
    docstring. Deterministic for a given ``seed`` and store. Times are ISO text (``2023-05-01T14:30:00``),
    X and Y whole RD metres (empty for the events without a place).
    """
    rng = np.random.default_rng(seed)
    plan = planned_counts(store, gemeente, year_from=year_from, year_to=year_to)
    areas = sampling_areas(buurt_shapes(store, gemeente))
    weights = buurt_weights(store, gemeente)
    wijk_of = dict(zip(weights["buurt"], weights["wijk"], strict=True))
    names = read.region_names(store, [gemeente, *weights["buurt"], *weights["wijk"].dropna().unique()])
    types = {t.cbs: t for t in TYPES}
    columns: dict[str, list[NDArray[Any]]] = {
        k: [] for k in ("code", "buurt", "begin", "end", "reported", "x", "y")
    }
    for cbs, year, buurt, count in plan.itertuples(index=False):
        kind, area, n = types[cbs], areas[buurt], int(count)
        nightlife = kind.profile == "geweld" and wijk_of.get(buurt) == NIGHTLIFE_WIJK
        profile = "uitgaan" if nightlife else kind.profile
        x, y = _places(rng, area, buurt, cbs, n)
        begin = begins(rng, profile, int(year), n)
        if cbs == BURGLARY:
            _near_repeats(rng, area, x, y, begin, int(year))
        hours = durations(rng, profile, n)
        end = begin + np.round(hours * 60).astype("timedelta64[m]")
        delay = np.round(rng.lognormal(np.log(120), 1.0, n).clip(15, 48 * 60)).astype("timedelta64[m]")
        code = rng.choice(len(kind.codes), size=n, p=[c[2] for c in kind.codes])
        columns["code"].append(np.array([kind.codes[i][0] for i in code], dtype=object))
        columns["buurt"].append(np.full(n, buurt, dtype=object))
        columns["begin"].append(begin)
        columns["end"].append(np.where(hours == 0, np.datetime64("NaT"), end))
        columns["reported"].append(end + delay)
        columns["x"].append(x)
        columns["y"].append(y)
    events = pd.DataFrame({k: np.concatenate(v) for k, v in columns.items()})
    labels = {code: label for t in TYPES for code, label, _share in t.codes}
    events["label"] = events["code"].map(labels)
    events = events.sort_values(["begin", "buurt", "code"], kind="stable").reset_index(drop=True)
    no_place = rng.random(len(events)) < NO_PLACE_SHARE
    events.loc[no_place, ["x", "y"]] = np.nan
    years = events["begin"].dt.year.astype(str)
    serial = events.groupby(years).cumcount() + 1
    return pd.DataFrame(
        {
            "Incident Identificatie": "ILL" + gemeente[2:] + "-" + years + "-" + serial.map("{:05d}".format),
            "Incidentsoort code": events["code"],
            "Incidentsoort": events["label"],
            "Pleeggemeente": names.get(gemeente, gemeente).removeprefix("Gemeente "),
            "Pleegwijk": events["buurt"].map(wijk_of).map(names),
            "Pleegbuurt": events["buurt"].map(names),
            "Begin-pleegdatum/tijd": _iso(events["begin"]),
            "Eind-pleegdatum/tijd": _iso(events["end"]),
            "Kennisnamedatum/tijd": _iso(events["reported"]),
            "X": events["x"].round().astype("Int64"),
            "Y": events["y"].round().astype("Int64"),
        },
        columns=list(COLUMNS),
    )


def _iso(values: pd.Series) -> pd.Series:
    text: pd.Series = values.dt.strftime("%Y-%m-%dT%H:%M:00").fillna("")
    return text


def title_line(naam: str) -> str:
    """The first line of the written file (the reader skips it): what the data is and where its totals
    come from."""
    return _(
        "Illustratieve gegevens, geen echte cijfers van {naam}: verzonnen incidenten voor de demo van ivp. "
        "Alleen de aantallen per soort en jaar zijn echt: CBS/Politie, Geregistreerde misdrijven (47018NED), "
        "CC BY 4.0."
    ).format(naam=naam)


def write_incidents(frame: pd.DataFrame, path: Path, *, naam: str) -> Path:
    """Write ``frame`` (from :func:`generate_incidents`) as UTF-8 csv with :func:`title_line` above the
    header; return ``path``. Same frame, same bytes (so reloading an unchanged demo changes nothing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([title_line(naam)])
        writer.writerow(frame.columns)
        writer.writerows(frame.astype(object).where(frame.notna(), "").itertuples(index=False))
    return path


def load_incidents(store: Store, path: Path, *, gemeente: str) -> LoadResult:
    """Load the written file through the ``politie-incidenten`` adapter, as :func:`ivp.sources.base.ingest`
    does, but with provenance that says what the data is: the adapter would credit the police and their
    licence, which is not true of invented events. The licence text is not an open licence, so the reports
    treat the events as they would a real police export (small counts suppressed)."""
    from ivp.sources.base import area_index, get

    adapter = get("politie-incidenten")
    raw = adapter.fetch(str(path))
    batch = adapter.parse(replace(raw, gemeente=gemeente, areas=area_index(store)))
    prov = batch.provenance
    notes = " ".join(part for part in (credit_line(), prov.notes) if part)
    batch = replace(
        batch,
        provenance=replace(
            prov, title=source_title(), publisher=PUBLISHER, licence=source_licence(), notes=notes
        ),
    )
    return store.load(batch)


def credit_line() -> str:
    """Where the totals come from (the credit CBS asks for under CC BY 4.0)."""
    return _(
        "Verzonnen incidenten; alleen de aantallen per soort misdrijf en jaar komen uit CBS/Politie, "
        "Geregistreerde misdrijven; soort misdrijf, wijk, buurt (47018NED), CC BY 4.0, verdeeld over de "
        "buurten naar hun aandeel in alle misdrijven van 2023."
    )


__all__ = [
    "COLUMNS",
    "FILE_NAME",
    "HOT_POINTS",
    "TYPES",
    "buurt_weights",
    "credit_line",
    "generate_incidents",
    "load_incidents",
    "municipal_totals",
    "planned_counts",
    "title_line",
    "write_incidents",
]
