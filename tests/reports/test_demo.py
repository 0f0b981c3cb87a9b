"""`ivp demo` writes every format; `--vergelijk 2019 2021` gives a table equal to the source data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from openpyxl import load_workbook
from scipy import optimize, stats

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
        # the spread: Pearson chi-square / df of a quadratic-trend Poisson GLM (statsmodels) over all years
        phi, df = float(row["spreiding_phi"]), float(row["spreiding_df"])  # type: ignore[arg-type]
        if row["uitschieter_jaar"] is None:
            years = sorted(y for c, y in counts if c == code)
            t = np.array(years, dtype=float)
            t = (t - t.mean()) / t.std()
            fit = sm.GLM(
                np.array([counts[(code, y)] for y in years]), np.column_stack([np.ones_like(t), t, t**2]),
                family=sm.families.Poisson(), offset=np.log([pop[y] for y in years]),
            ).fit()  # fmt: skip
            assert phi == pytest.approx(max(1.0, fit.pearson_chi2 / fit.df_resid), rel=1e-6), code
            assert df == fit.df_resid
        # the test: central two-sided, on counts divided by phi * (t_df / z)^2 at the level (scipy's beta
        # tails); the p-value is the smallest level that rejects (solved here with scipy's brentq)
        p0 = pop[2021] / (pop[2019] + pop[2021])

        def p_at(
            level: float, a: float = a, b: float = b, phi: float = phi, df: float = df, p0: float = p0
        ) -> float:
            eff = phi * (stats.t.isf(level / 2, df) / stats.norm.isf(level / 2)) ** 2
            bb, nn = b / eff, (a + b) / eff
            upper = stats.beta.cdf(p0, bb, nn - bb + 1) if b > 0 else 1.0
            lower = stats.beta.sf(p0, bb + 1, nn - bb) if b < a + b else 1.0
            return float(min(1.0, 2 * min(upper, lower)))

        if p_at(0.999999) >= 0.999999:
            p = 1.0
        else:
            p = optimize.brentq(lambda lv: p_at(lv) - lv, 1e-16, 0.999999, xtol=1e-15, rtol=1e-12)
        assert row["p"] == pytest.approx(p, rel=1e-6, abs=1e-12), code
        if row["kleine_aantallen"]:
            raw = "te weinig om een verandering vast te stellen"
        elif p >= 0.05:
            raw = "geen aantoonbare verandering"
        else:
            raw = "aantoonbare daling" if b / pop[2021] < a / pop[2019] else "aantoonbare stijging"
        assert row["p_onder_alpha"] is (p < 0.05), code
        # the verdict shown everywhere is the one after Benjamini-Hochberg
        q = float(str(row["q_bh"]))
        assert q >= p - 1e-12
        survives = q <= 0.05
        assert row["aantoonbaar_na_bh"] is (survives and raw.startswith("aantoonbare")), code
        if raw.startswith("aantoonbare"):
            assert row["uitkomst"] == (raw if row["aantoonbaar_na_bh"] else "geen aantoonbare verandering"), (
                code
            )
        else:
            assert row["uitkomst"] == raw, code
    woning = next(r for r in table if r["code"] == "1.1.1")
    assert (woning["aantal_2019"], woning["aantal_2021"]) == (210, 89)


def test_docx_holds_every_chapter(demo: Demo) -> None:
    from docx import Document

    doc = Document(str(demo.default["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "Uitdagingen en aandachtspunten (samenvatting)" in headings
    assert "Documenten en gegevens" in headings
    assert "Wat speelt er in Dordrecht?" in headings


def test_effect_report_marks_illustrative_data_on_every_page(demo: Demo) -> None:
    """The demo's interventions run on invented incidents: every page of their report must say so."""
    import subprocess

    from tests.reports.pdfcheck import page_count

    pdf = demo.others["effect-camera-binnenstad-pdf"]
    pages = page_count(pdf)
    assert pages >= 2
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        assert "illustratieve gegevens" in text.lower(), f"page {page} of {pdf.name} does not say so"
    assert {"effect-camera-binnenstad-html", "effect-camera-binnenstad-docx"} <= set(demo.others)


def test_midterm_evaluation_lists_every_demo_intervention(demo: Demo) -> None:
    """The chapter "Wat werkte?" has one row per registered intervention, each with an effect and an interval or the
    reason it has none."""
    import html
    import re

    page = demo.others["evaluatie-html"].read_text(encoding="utf-8")
    table = re.search(r'<table[^>]*id="wat-werkte-tabel".*?<tbody>(.*?)</tbody>', page, re.S)
    assert table, "no table wat-werkte-tabel"

    def text(cell: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()

    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    heads = [re.search(r"<th[^>]*>(.*?)</th>", r, re.S) for r in rows]
    names = [text(h.group(1)) if h else "" for h in heads]
    assert sorted(names) == ["Cameratoezicht Binnenstad", "Mobiele camera winkelstraten", "Wbmgp Vogelbuurt"]
    for name, row in zip(names, rows, strict=True):
        effect, interval = (text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2:4])
        assert effect, name
        assert interval, name
    section = page[page.index('<section id="wat-werkte"') :]
    assert '<p class="illustratief">' in section[: section.index("</section>")]
