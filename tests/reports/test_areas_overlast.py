"""Police nuisance registrations per wijk and buurt: a loaded nuisance file with buurt codes gives area
sections with rates, protected small counts, a map per level, and maps as pictures in the DOCX."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from docx import Document
from openpyxl import Workbook

from ivp.reports.veiligheidsbeeld import area_render, page
from ivp.reports.veiligheidsbeeld.area_model import AreaSection
from ivp.reports.veiligheidsbeeld.areas import build_areas
from ivp.sources.base import ingest
from ivp.store import Batch, Store
from ivp.store.batch import Provenance
from tests.reports.test_areas import _context, _text
from tests.sources.test_politie_common import write_csv

GM = "GM9999"
WIJKEN = 3
BUURTEN = 12


def _square(i: int) -> str:
    x, y = 4.6 + (i % 4) * 0.01, 51.8 + (i // 4) * 0.01
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _seed(store: Store) -> list[str]:
    """One municipality, 3 wijken, 12 buurten with geometry and 2,000 inhabitants each."""
    wk = [f"WK9999{j:02d}" for j in range(WIJKEN)]
    bu = [f"BU9999{i % WIJKEN:02d}{i:02d}" for i in range(BUURTEN)]
    regions = pd.DataFrame(
        {
            "code": [GM, *wk, *bu],
            "level": ["gemeente"] + ["wijk"] * WIJKEN + ["buurt"] * BUURTEN,
            "name": ["Proefstad"] + [f"Wijk {j}" for j in range(WIJKEN)] + [f"Buurt {i}" for i in range(BUURTEN)],
            "parent": [None, *([GM] * WIJKEN), *(wk[i % WIJKEN] for i in range(BUURTEN))],
            "gemeente": [None, *([GM] * (WIJKEN + BUURTEN))],
            "valid_from": [None] * (1 + WIJKEN + BUURTEN),
            "valid_to": [None] * (1 + WIJKEN + BUURTEN),
            "geometry": [None] + [_square(j * 4) for j in range(WIJKEN)] + [_square(i) for i in range(BUURTEN)],
        }
    )  # fmt: skip

    def prov(source: str, dataset: str) -> Provenance:
        return Provenance(
            source, dataset, dataset, "CBS", "CC BY 4.0", "test", dataset, dt.datetime(2026, 1, 1)
        )

    store.load(Batch(prov("cbs", "regio"), {"regions": regions}))
    pop = pd.DataFrame({"region": bu, "year": 2024, "value": [2000.0] * BUURTEN})
    store.load(Batch(prov("bevolking", "pop"), {"population": pop}))
    return bu


def _nuisance_file(path: Path, buurten: Sequence[str], *, code: str = "Totaal") -> Path:
    """Monthly registrations per buurt: all of 2023, only January-June 2024 (an incomplete year).

    Buurt 0 has one registration in 2023 (a small count); the others 2-6 a month.
    """
    rng = np.random.default_rng(7)
    rows: list[list[object]] = [["Buurt", "Periode", "Code", "Aantal"]]
    for i, b in enumerate(buurten):
        for year, months in ((2023, 12), (2024, 6)):
            for m in range(1, months + 1):
                value = (1 if m == 3 else 0) if i == 0 else int(rng.integers(2, 7)) * (1 + i % 2)
                rows.append([b, f"{year}-{m:02d}", code, str(value)])
    return write_csv(path, rows, sep=";")


def _areas(tmp_path: Path, name: str = "overlast_proefstad.csv") -> tuple[AreaSection, ...]:
    with Store(tmp_path / "s.duckdb") as store:
        buurten = _seed(store)
        ingest(store, "politie-overlast", str(_nuisance_file(tmp_path / name, buurten)), gemeente=GM)
        return build_areas(store, GM, 500, threshold=5, draws=500, nuisance=True)


def test_nuisance_file_with_buurt_codes_gives_area_sections_with_rates_and_protection(tmp_path: Path) -> None:
    areas = _areas(tmp_path)
    assert [(a.measure, a.level) for a in areas] == [
        ("overlast_registraties", "wijk"),
        ("overlast_registraties", "buurt"),
    ]
    wijk, buurt = areas
    # 2024 has only six months: the section shows 2023, the last complete year
    assert buurt.year == 2023
    assert buurt.basis == "totaal"
    assert not buurt.public  # police delivery: not open data, so small counts are protected
    assert not buurt.illustrative
    rows = {r.name: r for r in buurt.rows}
    small = rows["Buurt 0"]
    assert small.suppressed
    assert small.count is None
    assert small.rate is None
    assert small.rank is None
    shown = [r for r in buurt.rows if not r.suppressed]
    assert len(shown) >= 9
    for r in shown:
        assert r.count is not None
        assert r.count >= 5
        assert r.population == 2000.0
        assert r.rate is not None
        assert abs(r.rate - r.count / 2) < 1e-9  # per 1,000 of 2,000 inhabitants
        assert r.ci_low is not None
        assert r.ci_high is not None
        assert r.ci_low < r.rate < r.ci_high
    # Wijk sums of the buurten: wijk 0 holds the small buurt, and is protected or shows no small count.
    for w in wijk.rows:
        assert w.suppressed or (w.count is not None and w.count >= 5)


def test_nuisance_map_has_one_path_per_area_and_its_title(tmp_path: Path) -> None:
    areas = _areas(tmp_path)
    ctx = _context(areas)
    for section, n in zip(areas, (WIJKEN, BUURTEN), strict=True):
        svg = area_render.map_svg(ctx, section)
        assert len(re.findall(r"<path\b", svg)) == n
        assert f"Overlastregistraties per {section.level}, Proefstad 2023" in svg
        assert "misdrijven" not in svg
    html = _text(page.render_html(ctx))
    assert "Misdrijven en overlast per wijk en buurt" in html
    assert "Overlastregistraties per buurt, 2023" in html
    assert "overlastregistraties (politiecode 0.0.0)" in html
    assert "met genoeg overlastregistraties voor een betrouwbaar cijfer" in html


def test_docx_has_the_maps_as_pictures_and_editable_tables(tmp_path: Path) -> None:
    areas = _areas(tmp_path)
    ctx = _context(areas)
    doc = Document()
    area_render.add_docx(doc, ctx)
    buffer = io.BytesIO()
    doc.save(buffer)
    doc = Document(io.BytesIO(buffer.getvalue()))
    assert len(doc.inline_shapes) == 2  # one map per section
    assert len(doc.tables) >= 1
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Buurt 0" not in cells or "onderdrukt" in " ".join(cells)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Overlastregistraties per buurt, 2023" in text


def test_xlsx_sheets_do_not_collide_and_suppressed_cells_are_no_numbers(tmp_path: Path) -> None:
    areas = _areas(tmp_path)
    wb = Workbook()
    area_render.add_sheets(wb, _context(areas))
    assert "overlast_buurten_2023" in wb.sheetnames
    ws = wb["overlast_buurten_2023"]
    header = [c.value for c in ws[1]]
    rows = {
        r[1]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True) if r[0]
    }
    assert rows["Buurt 0"]["aantal"] == "onderdrukt"
    assert rows["Buurt 0"]["per_1000"] is None


def test_illustrative_dataset_says_so(tmp_path: Path) -> None:
    areas = _areas(tmp_path, name="illustratief_overlast.csv")
    assert all(a.illustrative for a in areas)
    ctx = _context(areas)
    html = _text(page.render_html(ctx))
    # the chapter's two sections and the buurt table of the appendix
    assert html.count("Illustratieve gegevens, geen echte cijfers van Proefstad.") == len(areas) + 1
    doc = Document()
    area_render.add_docx(doc, ctx)
    notes = [
        p.text
        for p in doc.paragraphs
        if p.text == "Illustratieve gegevens, geen echte cijfers van Proefstad."
    ]
    assert len(notes) == len(areas)


def test_without_a_total_row_the_mapped_classes_are_summed_and_the_report_says_so(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        buurten = _seed(store)
        ingest(
            store,
            "politie-overlast",
            str(_nuisance_file(tmp_path / "o.csv", buurten, code="E33")),
            gemeente=GM,
        )
        _wijk, buurt = build_areas(store, GM, 500, threshold=5, draws=500, nuisance=True)
    assert (buurt.basis, buurt.category) == ("klassen", "E33")
    assert "som van de overlastklassen die aan een thema gekoppeld zijn (E33)" in buurt.basis_note


def test_nuisance_sections_only_when_asked(tmp_path: Path) -> None:
    """The Wijkscan also calls build_areas and expects crime sections only."""
    with Store(tmp_path / "s.duckdb") as store:
        buurten = _seed(store)
        ingest(store, "politie-overlast", str(_nuisance_file(tmp_path / "o.csv", buurten)), gemeente=GM)
        assert build_areas(store, GM, 500, threshold=5, draws=500) == ()


def test_a_file_with_wijk_codes_gives_one_wijk_section(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        _seed(store)
        rows: list[list[object]] = [["Wijkcode", "Jaar", "Code", "Aantal"]]
        rows += [[f"WK9999{j:02d}", 2023, "Totaal", str(40 + 10 * j)] for j in range(WIJKEN)]
        ingest(store, "politie-overlast", str(write_csv(tmp_path / "w.csv", rows, sep=";")), gemeente=GM)
        (wijk,) = build_areas(store, GM, 500, threshold=5, draws=500, nuisance=True)
    assert (wijk.level, wijk.year, wijk.summed_from_buurten, wijk.total) == ("wijk", 2023, False, 150.0)
    got = {r.code: (r.count, r.population, r.rate) for r in wijk.rows}
    # four buurten of 2,000 inhabitants per wijk
    assert got == {f"WK9999{j:02d}": (40.0 + 10 * j, 8000.0, (40.0 + 10 * j) / 8) for j in range(WIJKEN)}


def test_the_workspace_taxonomy_decides_which_classes_are_summed(tmp_path: Path) -> None:
    """The report passes the classes the workspace's taxonomy maps (its own classes included); a class it
    does not map is not summed."""
    with Store(tmp_path / "s.duckdb") as store:
        buurten = _seed(store)
        path = _nuisance_file(tmp_path / "o.csv", buurten, code="E33")
        ingest(store, "politie-overlast", str(path), gemeente=GM)
        unmapped = build_areas(store, GM, 500, threshold=5, draws=500, nuisance=True, nuisance_codes=["E35"])
        mapped = build_areas(
            store, GM, 500, threshold=5, draws=500, nuisance=True, nuisance_codes=["E33", "E35"]
        )
    assert unmapped == ()
    assert mapped[1].category == "E33"
