"""`ivp demo` writes every format; `--vergelijk 2019 2021` gives a table equal to the source data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from scipy.stats import binomtest

from tests.reports.conftest import Demo

pytestmark = pytest.mark.slow


def test_demo_writes_all_four_formats(demo: Demo) -> None:
    assert set(demo.default) == {"html", "pdf", "docx", "xlsx"}
    for path in demo.default.values():
        assert path.parent == demo.root / "uitvoer"
        assert path.stat().st_size > 1000
    assert not list((demo.root / "uitvoer").glob(".*.tmp"))  # atomic writes leave no temp files


def _expected(shared: Path) -> tuple[dict[tuple[str, int], float], dict[int, float]]:
    rows = json.loads((shared / "cbs" / "47018NED" / "TypedDataSet.json").read_text(encoding="utf-8"))
    counts = {
        (r["SoortMisdrijf"].strip(), int(r["Perioden"][:4])): float(r["GeregistreerdeMisdrijven_1"])
        for r in rows
        if r["WijkenEnBuurten"].strip() == "GM0505" and r["GeregistreerdeMisdrijven_1"] is not None
    }
    with (shared / "cbs" / "bevolking_gemeenten_2012_2025.csv").open(encoding="utf-8") as handle:
        pop = {
            int(r["jaar"]): float(r["gemiddelde_bevolking"])
            for r in csv.DictReader(handle)
            if r["gemeente_code"] == "GM0505"
        }
    return counts, pop


def test_comparison_2019_2021_equals_the_source(demo: Demo, shared_data: Path) -> None:
    counts, pop = _expected(shared_data)
    sheet = load_workbook(demo.compare["xlsx"], read_only=True)["vergelijking"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    table = [dict(zip(header, r, strict=True)) for r in rows[1:] if r and r[0] and r[1]]
    codes = {t["code"] for t in table}
    # every crime type Dordrecht has figures for and that a theme claims is in the table
    assert {"1.1.1", "1.2.3", "1.4.5", "3.1.1"} <= codes
    for row in table:
        code = str(row["code"])
        a, b = counts[(code, 2019)], counts[(code, 2021)]
        assert row["aantal_2019"] == a
        assert row["aantal_2021"] == b
        assert row["verandering_pct"] == pytest.approx(100 * (b / a - 1), rel=1e-9)
        p0 = pop[2021] / (pop[2019] + pop[2021])
        p = binomtest(int(b), int(a + b), p0).pvalue
        assert row["p"] == pytest.approx(p, rel=1e-6, abs=1e-12)
        if p >= 0.05:
            raw = "geen aantoonbare verandering"
        else:
            raw = "aantoonbare daling" if b / pop[2021] < a / pop[2019] else "aantoonbare stijging"
        assert row["uitkomst_zonder_correctie"] == raw, code
        # the verdict shown everywhere is the one after Benjamini-Hochberg
        q = float(str(row["q_bh"]))
        assert q >= p - 1e-12
        survives = q <= 0.05
        assert row["aantoonbaar_na_bh"] is (survives and raw != "geen aantoonbare verandering"), code
        assert row["uitkomst"] == (raw if row["aantoonbaar_na_bh"] else "geen aantoonbare verandering"), code
    woning = next(r for r in table if r["code"] == "1.1.1")
    assert (woning["aantal_2019"], woning["aantal_2021"]) == (210, 89)


def test_docx_holds_every_chapter(demo: Demo) -> None:
    from docx import Document

    doc = Document(str(demo.default["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "Uitdagingen en aandachtspunten (samenvatting)" in headings
    assert "Documenten en gegevens" in headings
    assert "Wat speelt er in Dordrecht?" in headings
