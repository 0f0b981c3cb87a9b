"""Figures per wijk and buurt: ranking by precision, visitor areas, rank intervals, honest sentences, and
suppression of small counts from a non-public source that survives a linear-programming attacker."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from docx import Document
from openpyxl import Workbook, load_workbook
from scipy.optimize import Bounds, LinearConstraint, milp

from ivp.reports.veiligheidsbeeld import area_render, docx_writer, page
from ivp.reports.veiligheidsbeeld.area_model import AreaSection
from ivp.reports.veiligheidsbeeld.areas import build_areas
from ivp.reports.veiligheidsbeeld.context import ReportContext
from ivp.store import Batch, Store
from ivp.store.batch import Provenance
from ivp.store.read import is_public_licence

GM = "GM9999"
OPEN = "CC BY 4.0"
CLOSED = "aangeleverd door de politie (niet openbaar)"


def _store(
    path: Path,
    counts: Sequence[float],
    population: Sequence[float],
    *,
    wijken: int = 3,
    licence: str = OPEN,
    municipal: float | None = None,
    names: Sequence[str] | None = None,
) -> tuple[Store, pd.DataFrame | None]:
    """A store with one municipality, ``wijken`` wijken and one buurt per count (round-robin over wijken)."""
    k = len(counts)
    wk = [f"WK9999{j:02d}" for j in range(wijken)]
    bu = [f"BU9999{i % wijken:02d}{i:02d}" for i in range(k)]
    regions = pd.DataFrame(
        {
            "code": [GM, *wk, *bu],
            "level": ["gemeente"] + ["wijk"] * wijken + ["buurt"] * k,
            "name": ["Proefstad"] + [f"Wijk {j}" for j in range(wijken)] + list(names or [f"Buurt {i}" for i in range(k)]),
            "parent": [None, *([GM] * wijken), *(wk[i % wijken] for i in range(k))],
            "gemeente": [None, *([GM] * (wijken + k))],
            "valid_from": [None] * (1 + wijken + k),
            "valid_to": [None] * (1 + wijken + k),
            "geometry": [None] * (1 + wijken + k),
        }
    )  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(path)

    def prov(source: str, dataset: str, lic: str) -> Provenance:
        return Provenance(source, dataset, dataset, "CBS", lic, "test", dataset, dt.datetime(2026, 1, 1))

    store.load(Batch(prov("cbs", "regio", OPEN), {"regions": regions}))
    pop = pd.DataFrame({"region": bu, "year": 2024, "value": list(population)})
    store.load(
        Batch(
            prov("bevolking", "pop", OPEN),
            {"population": pop},
        )
    )
    obs = pd.DataFrame(
        {
            "measure": "geregistreerde_misdrijven", "scheme": "cbs-misdrijf", "category": "0.0.0", "region": bu,
            "grain": "jaar", "year": 2023, "month": None, "value": list(counts), "status": "definitief",
        }
    )  # fmt: skip
    source = "politie-incidenten" if licence == CLOSED else "cbs"  # fmt: skip
    store.load(Batch(prov(source, "misdrijven", licence), {"observations": obs}))
    totals = None
    if municipal is not None:
        totals = pd.DataFrame({"code": ["0.0.0"], "year": [2023], "value": [municipal]})
    return store, totals


def _sections(
    tmp_path: Path, counts: Sequence[float], population: Sequence[float], **kw: object
) -> tuple[AreaSection, AreaSection]:
    threshold = int(kw.pop("threshold", 5))  # type: ignore[call-overload]
    store, totals = _store(tmp_path / "s.duckdb", counts, population, **kw)  # type: ignore[arg-type]
    with store:
        wijk, buurt = build_areas(store, GM, 500, obs_totals=totals, threshold=threshold, draws=1000)
    assert (wijk.level, buurt.level) == ("wijk", "buurt")
    return wijk, buurt


def _context(areas: tuple[AreaSection, ...]) -> ReportContext:
    return ReportContext(
        gemeente=GM, naam="Proefstad", generated=dt.date(2026, 1, 1), year_a=2024, year_b=2025, first_year=2012,
        last_year=2025, provisional_years=(), alpha=0.05, min_population=500, population={}, themes=(),
        areas=areas, sources=(), size_group=None, nl_year=None, intro=None,
    )  # fmt: skip


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_public_is_decided_by_the_licence() -> None:
    assert is_public_licence("CC BY 4.0")
    assert is_public_licence("CC0 1.0")
    assert is_public_licence("cc-by-4.0")
    assert not is_public_licence(CLOSED)
    assert not is_public_licence(None)
    assert not is_public_licence("")
    assert not is_public_licence("onbekend")


# -- ranking -------------------------------------------------------------------------------------------


def test_visitor_areas_and_small_areas_are_listed_not_ranked(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    population = [float(p) for p in rng.integers(1500, 5000, 24)]
    counts = [float(c) for c in rng.poisson(rng.gamma(8, 0.05 / 8, 24) * np.array(population))]
    # an industrial estate (10 inhabitants, 60 crimes), a station area just under 500 inhabitants with a
    # rate ten times the rest, and a small quiet buurt
    population += [10.0, 495.0, 300.0]
    counts += [60.0, 247.0, 15.0]
    _wijk, buurt = _sections(tmp_path, counts, population)
    rows = {r.name: r for r in buurt.rows}
    estate, station, small = rows["Buurt 24"], rows["Buurt 25"], rows["Buurt 26"]
    assert (estate.reason, station.reason, small.reason) == ("bezoekers", "bezoekers", "inwoners")
    assert estate.visitor
    assert station.visitor
    assert not small.visitor
    assert estate.rank is None
    assert station.rank is None
    assert small.rank is None
    assert estate.flagged
    assert station.flagged
    assert buurt.reason_text(station) == "veel bezoekers, weinig inwoners: per 1.000 inwoners misleidend"
    ranked = buurt.ranked
    assert len(ranked) == 24
    assert [r.rank for r in ranked] == list(range(1, 25))
    assert all(r.rank_low is not None and r.rank_high is not None for r in ranked)
    assert all(r.rank_low <= r.rank <= r.rank_high for r in ranked)  # type: ignore[operator]
    assert re.fullmatch(r"\d+ \(\d+–\d+\)", ranked[0].rank_text)
    # the summary never names a visitor area
    text = area_render.area_text(buurt)
    assert "Buurt 24" not in text
    assert "Buurt 25" not in text
    assert "Niet gerangschikt zijn 3 buurten" in buurt.unranked_note


def test_precision_rule_ranks_by_expected_count_not_inhabitants(tmp_path: Path) -> None:
    # 600-900 inhabitants at 2 per 1,000: about 1.5 expected per buurt, far below 10. The old rule
    # (>= 500 inhabitants) ranked all of them; now nothing is ranked and the sentence says so.
    rng = np.random.default_rng(5)
    population = [float(p) for p in rng.integers(600, 900, 30)]
    counts = [float(c) for c in rng.poisson(0.002 * np.array(population))]
    counts[0] = 6.0  # the "highest" buurt: 6 burglaries
    wijk, buurt = _sections(tmp_path, counts, population)
    assert buurt.ranking == "te_weinig"
    assert buurt.ranked == []
    assert {r.reason for r in buurt.rows} == {"onnauwkeurig"}
    text = area_render.area_text(buurt)
    assert text.startswith("Te weinig om een rangorde van de buurten vast te stellen")
    assert "Buurt 0" not in text
    # the wijk sums (about 10 buurten each) are precise enough
    assert wijk.ranking in ("gerangschikt", "geen_verschil")
    assert all(r.expected is not None and r.expected >= 10 for r in wijk.rows)


def test_no_effect_names_no_area(tmp_path: Path) -> None:
    # every buurt has the same true rate: no sentence may call one the highest
    for seed in range(5):
        rng = np.random.default_rng(seed)
        population = [float(p) for p in rng.integers(1000, 4000, 40)]
        counts = [float(c) for c in rng.poisson(0.05 * np.array(population))]
        _, buurt = _sections(tmp_path / str(seed), counts, population)
        text = area_render.area_text(buurt)
        assert "Met 95% zekerheid" not in text, text
        assert "rangorde is onzeker" in text or "niet meer dan toeval" in text, text
        if buurt.ranking == "gerangschikt":  # wide intervals: on average over half of the ranks
            widths = [(r.rank_high or 0) - (r.rank_low or 0) + 1 for r in buurt.ranked]
            assert np.mean(widths) > 0.5 * len(buurt.ranked)


def test_a_clear_leader_is_named(tmp_path: Path) -> None:
    population = [3000.0] * 20
    counts = [150.0] * 19 + [450.0]  # 150 against 50 per 1,000 in 3,000 inhabitants: well above the rest
    counts = [c + i for i, c in enumerate(counts)]
    _, buurt = _sections(tmp_path, counts, population)
    leader = buurt.ranked[0]
    assert leader.name == "Buurt 19"
    assert leader.rank_high is not None
    assert leader.rank_high <= 5
    text = area_render.area_text(buurt)
    assert text.startswith("Met 95% zekerheid hoort Buurt 19 bij de 5 buurten met de meeste")


def test_rank_interval_in_html_docx_and_xlsx(tmp_path: Path) -> None:
    rng = np.random.default_rng(8)
    population = [float(p) for p in rng.integers(1000, 6000, 30)]
    counts = [float(c) for c in rng.poisson(rng.gamma(4, 0.0125, 30) * np.array(population))]
    areas = _sections(tmp_path, counts, population)
    ctx = _context(areas)
    html = _text(page.render_html(ctx))
    top = areas[1].ranked[0]
    assert f"{top.rank_text} {top.name}" in html
    assert "Rang (95%-interval)" in html
    ranked = [
        r for r in areas[1].rows if r.rank is not None and r.rank_low is not None and r.rank_high is not None
    ]
    example = max(ranked, key=lambda r: (r.rank_high or 0) - (r.rank_low or 0))
    assert (
        f"bij &#39;{example.rank_text}&#39; ({example.name}) staat het gebied op plaats {example.rank}"
        in html
    )
    assert (
        f"ligt de werkelijke plaats met 95% zekerheid tussen {example.rank_low} en {example.rank_high}"
        in html
    )
    doc = Document(io.BytesIO(docx_writer.render_docx(ctx)))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert top.rank_text in cells
    wb = Workbook()
    area_render.add_sheets(wb, ctx)
    data = io.BytesIO()
    wb.save(data)
    sheet = load_workbook(data)["buurten_2023"]
    header = [c.value for c in sheet[1]]
    assert {"rang", "rang_laag", "rang_hoog", "niet_gerangschikt", "bezoekersgebied", "onderdrukt"} <= set(
        header
    )
    first = {
        header[i]: c.value
        for i, c in enumerate(next(r for r in sheet.iter_rows(min_row=2) if r[1].value == top.name))
    }
    assert (first["rang"], first["rang_laag"], first["rang_hoog"]) == (top.rank, top.rank_low, top.rank_high)


# -- suppression for non-public sources ----------------------------------------------------------------

SMALL = [1.0, 3.0, 12.0, 40.0, 2.0, 55.0, 17.0, 4.0, 80.0, 23.0, 9.0, 31.0, 60.0, 6.0, 0.0, 44.0, 70.0, 8.0]


def _attacker(
    wijk: AreaSection, buurt: AreaSection, true_counts: Sequence[float], municipal: float
) -> dict[int, tuple[float, float]]:
    """Integer-programming attacker: bounds of every suppressed buurt count from everything published."""
    k, nw = len(true_counts), len(wijk.rows)
    # unknowns: buurten, wijken, sum, remainder, municipal; relations: wijk = sum of its buurten,
    # sum = sum of wijken, municipal = sum + remainder
    n = k + nw + 3
    a = np.zeros((nw + 2, n))
    codes = [r.code for r in wijk.rows]
    for i in range(k):
        a[codes.index(f"WK9999{i % nw:02d}"), i] = -1
    for j in range(nw):
        a[j, k + j] = 1
        a[nw, k + j] = -1
    a[nw, k + nw] = 1
    a[nw + 1, [k + nw, k + nw + 1]] = -1
    a[nw + 1, k + nw + 2] = 1
    lo, hi = np.zeros(n), np.full(n, np.inf)
    by_code = {r.code: r for r in buurt.rows}
    for i in range(k):
        r = by_code[f"BU9999{i % nw:02d}{i:02d}"]
        if r.count is not None:
            lo[i] = hi[i] = r.count
    for j, r in enumerate(wijk.rows):
        if r.count is not None:
            lo[k + j] = hi[k + j] = r.count
    if buurt.total is not None:
        lo[k + nw] = hi[k + nw] = buurt.total
    if buurt.municipal_total is not None:
        lo[k + nw + 2] = hi[k + nw + 2] = buurt.municipal_total
    bounds: dict[int, tuple[float, float]] = {}
    for i in range(k):
        if lo[i] == hi[i]:
            continue
        found = []
        for sign in (1.0, -1.0):
            c = np.zeros(n)
            c[i] = sign
            res = milp(
                c, constraints=LinearConstraint(a, 0, 0), bounds=Bounds(lo, hi), integrality=np.ones(n)
            )
            assert res.status in (0, 3), res.message  # 3: unbounded above
            found.append(sign * res.fun if res.status == 0 else np.inf)
        bounds[i] = (found[0], found[1])
    assert municipal >= sum(true_counts)
    return bounds


def test_non_public_counts_are_suppressed_jointly(tmp_path: Path) -> None:
    population = [1500.0 + 100 * i for i in range(len(SMALL))]
    municipal = sum(SMALL) + 7.0
    wijk, buurt = _sections(tmp_path, SMALL, population, licence=CLOSED, municipal=municipal)
    assert not buurt.public
    assert not wijk.public
    hidden = [r for r in buurt.rows if r.suppressed]
    small = {f"Buurt {i}" for i, c in enumerate(SMALL) if 0 < c < 5}
    assert small <= {r.name for r in hidden}
    for r in hidden:  # nothing of a suppressed area is published
        assert (r.count, r.rate, r.ci_low, r.ci_high, r.smoothed, r.rank, r.expected) == (None,) * 7
        assert r.reason == "onderdrukt"
        assert buurt.count_text(r) == "onderdrukt"
    # zero is not small: it is shown
    assert next(r for r in buurt.rows if r.name == "Buurt 14").count == 0.0
    # the attacker who sees buurten, wijk sums, their total and the municipal total learns no small cell
    for i, (low, high) in _attacker(wijk, buurt, SMALL, municipal).items():
        assert low <= 0, (i, SMALL[i], low)
        assert high >= 5, (i, SMALL[i], high)


def test_suppressed_cells_in_html_docx_xlsx_and_map(tmp_path: Path) -> None:
    population = [1500.0 + 100 * i for i in range(len(SMALL))]
    areas = _sections(tmp_path, SMALL, population, licence=CLOSED, municipal=sum(SMALL) + 7.0)
    ctx = _context(areas)
    html = _text(page.render_html(ctx))
    assert "niet-openbare bron" in html
    assert "onderdrukt" in html
    hidden = [r for r in areas[1].rows if r.suppressed]
    for r in hidden:
        assert f"{r.name} onderdrukt" in html  # appendix row: name, then 'onderdrukt' for the count
    doc = Document(io.BytesIO(docx_writer.render_docx(ctx)))
    assert any("niet-openbare bron" in p.text for p in doc.paragraphs)
    wb = Workbook()
    area_render.add_sheets(wb, ctx)
    data = io.BytesIO()
    wb.save(data)
    sheet = load_workbook(data)["buurten_2023"]
    header = [c.value for c in sheet[1]]
    rows = {
        r[1].value: {header[i]: c.value for i, c in enumerate(r)}
        for r in sheet.iter_rows(min_row=2)
        if r[1].value
    }
    for r in hidden:
        assert rows[r.name]["aantal"] == "onderdrukt"
        assert rows[r.name]["per_1000"] is None
        assert rows[r.name]["onderdrukt"] is True
    # on the map a suppressed area has no class and its tooltip no number
    geometry = '{"type": "Polygon", "coordinates": [[[4.6, 51.8], [4.61, 51.8], [4.61, 51.81], [4.6, 51.8]]]}'
    section = replace(areas[1], rows=tuple(replace(r, geometry=geometry) for r in areas[1].rows))
    svg = area_render.map_svg(ctx, section)
    assert "geen gegevens of onderdrukt" in svg
    for r in hidden:
        assert f"{r.name}: onderdrukt</title>" in svg


def test_public_small_counts_are_shown(tmp_path: Path) -> None:
    population = [1500.0 + 100 * i for i in range(len(SMALL))]
    _wijk, buurt = _sections(tmp_path, SMALL, population, licence=OPEN, municipal=sum(SMALL) + 7.0)
    assert buurt.public
    assert not buurt.any_suppressed
    assert {r.name: r.count for r in buurt.rows} == {f"Buurt {i}": c for i, c in enumerate(SMALL)}
    assert buurt.disclosure_note == ""


@pytest.mark.parametrize("threshold", [3, 10])
def test_threshold_comes_from_the_workspace(tmp_path: Path, threshold: int) -> None:
    population = [1500.0 + 100 * i for i in range(len(SMALL))]
    _, buurt = _sections(tmp_path, SMALL, population, licence=CLOSED, threshold=threshold)
    hidden = {r.name for r in buurt.rows if r.suppressed}
    assert {f"Buurt {i}" for i, c in enumerate(SMALL) if 0 < c < threshold} <= hidden
    assert buurt.threshold == threshold
