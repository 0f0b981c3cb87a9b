"""The demo's data for steering in the neighbourhood: illustrative incidents and focus areas.

The incidents are invented but must add up to the public CBS totals they are derived from, lie in the
buurt they name, load through the police adapter into that buurt, and carry the time patterns the module
documents. The expected figures are read here straight from the bundle's JSON and GeoJSON (not through
the store), and the place checks use pyproj and shapely directly, independent of the generator's code.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import shape

from ivp.demo import FOCUS_FILE, bundle_dir, create_workspace, incidents_path
from ivp.demo.incidenten import FILE_NAME, TYPES, generate_incidents, planned_counts, write_incidents
from ivp.store import Store, read
from ivp.workspace import Workspace
from tests.reports.conftest import Demo

GEMEENTE = "GM0505"
YEARS = (2021, 2024)


@dataclass(frozen=True)
class Made:
    ws: Workspace
    csv: Path
    frame: pd.DataFrame  # the written file as read back (strings)
    incidents: pd.DataFrame  # as loaded in the store


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    demo = create_workspace(tmp_path_factory.mktemp("steering") / "dordrecht")
    ws = demo.workspace
    csv = incidents_path(ws)
    frame = pd.read_csv(csv, skiprows=1, dtype=str, keep_default_na=False)
    with Store(ws.store_path, read_only=True) as store:
        incidents = read.incidents(store, within=GEMEENTE)
    return Made(ws, csv, frame, incidents)


def _bundle_json(*parts: str) -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads(bundle_dir().joinpath(*parts).read_text(encoding="utf-8"))
    return data


def _cbs_code(frame: pd.DataFrame) -> pd.Series:
    by_code = {code: t.cbs for t in TYPES for code, _label, _share in t.codes}
    return frame["Incidentsoort code"].map(by_code)


def _buurt_codes() -> dict[str, str]:
    """Buurt name -> code from the bundle's boundaries."""
    features = json.loads(
        bundle_dir().joinpath("geo", "dordrecht_buurten_2024.geojson").read_text(encoding="utf-8")
    )["features"]
    return {f["properties"]["statnaam"]: f["properties"]["statcode"] for f in features}


def test_every_type_and_year_has_exactly_the_cbs_total(made: Made) -> None:
    expected = {
        (str(r["SoortMisdrijf"]).strip(), int(str(r["Perioden"])[:4])): int(
            str(r["GeregistreerdeMisdrijven_1"])
        )
        for r in _bundle_json("cbs", "47018NED", "TypedDataSet.json")
        if str(r["WijkenEnBuurten"]).strip() == GEMEENTE
        and YEARS[0] <= int(str(r["Perioden"])[:4]) <= YEARS[1]
        and r["GeregistreerdeMisdrijven_1"] is not None
    }
    frame = made.frame.assign(
        cbs=_cbs_code(made.frame), year=made.frame["Begin-pleegdatum/tijd"].str[:4].astype(int)
    )
    assert frame["cbs"].notna().all()
    got = frame.groupby(["cbs", "year"]).size().to_dict()
    wanted = {k: v for k, v in expected.items() if k[0] in {t.cbs for t in TYPES}}
    assert len(wanted) == len(TYPES) * (YEARS[1] - YEARS[0] + 1)
    assert got == wanted
    assert len(made.incidents) == sum(wanted.values())  # every row loaded


def test_each_buurt_gets_its_share_of_all_crime(made: Made) -> None:
    """Per type and year each buurt's count is its share of the municipal total, rounded (|error| < 1):
    the share of all registered crime in 2023 (CBS), for burglary sqrt(crimes x inhabitants)."""
    crimes = {
        str(r["WijkenEnBuurten"]).strip(): float(str(r["GeregistreerdeMisdrijven_1"]))
        for r in _bundle_json("cbs", "47018NED", "TypedDataSet.json")
        if str(r["WijkenEnBuurten"]).startswith("BU0505") and r["GeregistreerdeMisdrijven_1"] is not None
    }
    people = {
        str(r["WijkenEnBuurten"]).strip(): float(str(r["AantalInwoners_5"]))
        for r in _bundle_json("cbs", "85984NED", "TypedDataSet.json")
        if str(r["WijkenEnBuurten"]).startswith("BU0505") and r.get("AantalInwoners_5") is not None
    }
    codes = _buurt_codes()
    frame = made.frame.assign(
        cbs=_cbs_code(made.frame),
        year=made.frame["Begin-pleegdatum/tijd"].str[:4].astype(int),
        buurt=made.frame["Pleegbuurt"].map(codes),
    )
    assert frame["buurt"].notna().all()
    per_buurt = frame.groupby(["cbs", "year", "buurt"]).size().reset_index(name="n")
    counts = {
        (str(c), int(y), str(b)): int(n)
        for c, y, b, n in per_buurt[["cbs", "year", "buurt", "n"]].itertuples(index=False)
    }
    per_type = per_buurt.groupby(["cbs", "year"], as_index=False)["n"].sum()
    totals = {(str(c), int(y)): int(n) for c, y, n in per_type.itertuples(index=False)}
    buurten = sorted(codes.values())
    worst = 0.0
    for (cbs, year), total in totals.items():
        if cbs == "1.1.1":
            w = np.array([np.sqrt(crimes.get(b, 0.0) * people.get(b, 0.0)) for b in buurten])
        else:
            w = np.array([crimes.get(b, 0.0) for b in buurten])
        share = total * w / w.sum()
        n = np.array([counts.get((cbs, year, b), 0) for b in buurten])
        worst = max(worst, float(np.abs(n - share).max()))
    assert worst < 1.0
    # a buurt without inhabitants gets no burglaries, one without registered crime gets nothing at all
    empty = {b for b in buurten if crimes.get(b, 0.0) == 0}
    assert empty
    assert not frame["buurt"].isin(empty).any()


def test_points_lie_in_dordrecht_and_in_the_buurt_they_name(made: Made) -> None:
    features = json.loads(
        bundle_dir().joinpath("geo", "dordrecht_buurten_2024.geojson").read_text(encoding="utf-8")
    )["features"]
    polygons = {f["properties"]["statnaam"]: shape(f["geometry"]) for f in features}
    city = shapely.union_all(list(polygons.values()))
    placed = made.frame[made.frame["X"] != ""]
    assert 0.99 < len(placed) / len(made.frame) < 1.0  # a few events have no place, as in real exports
    to_wgs = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs.transform(placed["X"].astype(float).to_numpy(), placed["Y"].astype(float).to_numpy())
    assert shapely.contains_xy(city, lon, lat).all()
    own = np.array(
        [
            polygons[name].contains(shapely.Point(x, y))
            for name, x, y in zip(placed["Pleegbuurt"], lon, lat, strict=True)
        ]
    )
    assert own.mean() > 0.999


def test_the_adapter_resolves_more_than_99_percent_to_the_intended_buurt(made: Made) -> None:
    codes = _buurt_codes()
    intended = made.frame.set_index("Incident Identificatie")["Pleegbuurt"].map(codes)
    got = made.incidents.set_index("incident_id")["region"]
    share = float((got.reindex(intended.index) == intended).mean())
    assert share > 0.99


def test_times_follow_the_documented_patterns(made: Made) -> None:
    inc = made.incidents
    begin, end = pd.to_datetime(inc["begin_at"]), pd.to_datetime(inc["end_at"])
    hours = (end - begin).dt.total_seconds() / 3600
    assert (hours >= 0).all()
    assert (pd.to_datetime(inc["reported_at"]) > end).all()
    long = hours > 72
    assert 0.01 < long.mean() < 0.10  # enough long intervals for the exclusion rule to show
    violence = inc["category"].str.startswith("F55")
    assert (hours[violence] <= 1).all()
    assert (hours[violence] == 0).mean() > 0.8  # mostly exact moments
    burglary = inc["category"].isin(["A20", "A30"])
    assert hours[burglary & ~long].median() > 3  # an interval of several hours
    # violence in the centre happens on weekend nights much more than elsewhere
    weekend_night = (
        ((begin.dt.day_of_week == 4) & (begin.dt.hour >= 20))
        | ((begin.dt.day_of_week == 5) & ((begin.dt.hour >= 20) | (begin.dt.hour < 6)))
        | ((begin.dt.day_of_week == 6) & (begin.dt.hour < 6))
    )
    centre = inc["region"].str.startswith("BU050501")
    assert weekend_night[violence & centre].mean() > 0.5
    assert weekend_night[violence & ~centre].mean() < 0.3


def test_burglaries_repeat_nearby_more_than_chance(made: Made) -> None:
    """Of burglary pairs, more lie within 150 m and 14 days than when the days are shuffled."""
    b = made.incidents[made.incidents["category"].isin(["A20", "A30"]) & made.incidents["x_rd"].notna()]
    x, y = b["x_rd"].to_numpy(), b["y_rd"].to_numpy()
    t = pd.to_datetime(b["begin_at"]).to_numpy().astype("datetime64[m]").astype(float) / 1440
    near = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) <= 150

    def close_pairs(days: np.ndarray) -> int:
        soon = np.abs(days[:, None] - days[None, :]) <= 14
        return int(np.triu(near & soon, 1).sum())

    observed = close_pairs(t)
    rng = np.random.default_rng(1)
    shuffled = [close_pairs(rng.permutation(t)) for _ in range(20)]
    assert observed > 1.5 * max(shuffled)


def test_generation_is_deterministic(made: Made, tmp_path: Path) -> None:
    with Store(made.ws.store_path, read_only=True) as store:
        again = generate_incidents(store, GEMEENTE, seed=20261202)
        other = generate_incidents(store, GEMEENTE, seed=7)
        plan = planned_counts(store, GEMEENTE, year_from=YEARS[0], year_to=YEARS[1])
    same = write_incidents(again, tmp_path / "same.csv", naam="Dordrecht")
    assert same.read_bytes() == made.csv.read_bytes()
    assert not other["X"].astype(str).equals(again["X"].astype(str))
    assert len(other) == len(again) == int(plan["n"].sum())  # another seed moves events, not totals


def test_the_workspace_marks_the_data_illustrative(made: Made) -> None:
    assert made.csv.name == FILE_NAME
    assert made.csv.name.startswith("illustratief")
    assert made.csv.read_text(encoding="utf-8").splitlines()[0].startswith('"Illustratieve gegevens')
    with Store(made.ws.store_path, read_only=True) as store:
        source = next(s for s in read.provenance(store) if s.source_id == "politie-incidenten")
    assert source.dataset == FILE_NAME
    assert source.title.startswith("Illustratieve gegevens")
    assert "47018NED" in (source.notes or "")
    assert "CC BY 4.0" in (source.notes or "")
    assert not read.is_public_licence(source.licence)  # small counts are suppressed as for a real export
    assert source.publisher != "Politie"  # invented events are not the police's


def test_the_workspace_has_the_focus_areas(made: Made) -> None:
    from ivp.reports.wijkscan import focus

    target = made.ws.root / FOCUS_FILE
    shipped = Path(str(bundle_dir().parent / FOCUS_FILE))
    assert target.read_bytes() == shipped.read_bytes()
    with Store(made.ws.store_path, read_only=True) as store:
        areas = {a.id: a for a in focus.load_focus_areas(made.ws, store)}
        kromhout = focus.resolve_area(made.ws, store, "kromhout")
        leerpark = focus.resolve_area(made.ws, store, "Leerpark")
    assert set(areas) == {"kromhout", "leerpark", "vogelbuurt", "krispijn", "binnenstad"}
    assert areas["leerpark"].geometry is not None  # the polygon form
    assert not areas["leerpark"].buurten
    assert all(areas[i].buurten for i in ("kromhout", "vogelbuurt", "krispijn", "binnenstad"))
    events = made.incidents.assign(
        begin_at=pd.to_datetime(made.incidents["begin_at"]), end_at=pd.to_datetime(made.incidents["end_at"])
    )
    assert 100 < focus.in_area(kromhout, events).sum() < 1000
    assert 0 < focus.in_area(leerpark, events).sum() < 200


def test_refreshing_the_demo_keeps_the_advisors_files(made: Made, tmp_path: Path) -> None:
    root = tmp_path / "d"
    create_workspace(root)
    own = "aandachtsgebieden:\n  - id: eigen\n    naam: Eigen\n    buurten: [BU05050108]\n"
    (root / FOCUS_FILE).write_text(own, encoding="utf-8")
    again = create_workspace(root)
    assert (root / FOCUS_FILE).read_text(encoding="utf-8") == own
    incidents = next(load for load in again.loads if load.source_id == "politie-incidenten")
    assert incidents.action == "ongewijzigd"  # deterministic: same file, nothing reloaded


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout


@pytest.mark.slow
def test_ivp_demo_writes_the_two_wijkscans(demo: Demo) -> None:
    """`ivp demo` (the session's demo, see conftest) writes a wijkscan for the centre and for Kromhout."""
    for area in ("WK050501", "kromhout"):
        pdf = demo.others[f"wijkscan-{area}-pdf"]
        assert pdf.stat().st_size > 10_000
        text = " ".join(_pdf_text(pdf).split())
        assert "Illustratieve gegevens" in text
        assert "Voorbeeldtekst voor de demo" in text  # the advisor's example texts are in
        assert demo.others[f"wijkscan-{area}-html"].exists()
    assert "Kromhout" in _pdf_text(demo.others["wijkscan-kromhout-pdf"])
