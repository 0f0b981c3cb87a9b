"""The meldpunt's meldingen in the Veiligheidsbeeld (issue 13, deliverable 4): monthly counts per category
(``ivp ingest meldpunt``) summed to complete years, next to the police figures in their themes
("Meldingen bij het meldpunt"), tested like police counts in the one family, with the small counts of this
non-public source protected in the HTML, the DOCX and the xlsx."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from ivp.reports.core.output import write_report
from ivp.reports.veiligheidsbeeld import page
from ivp.reports.veiligheidsbeeld.context import ReportContext, build_context
from ivp.reports.veiligheidsbeeld.report import REPORT
from ivp.sources.base import ingest
from ivp.store import Store
from ivp.themes import load_taxonomy
from ivp.workspace import Workspace
from tests.reports.synthetic import OWN, write_synthetic

pytestmark = pytest.mark.slow

TITLE = "Meldingen bij het meldpunt"
#: Meldingen per month, 2021-2024 (48 months): street intimidation quadruples from year to year; the
#: drugs category has 1-3 meldingen a year (small counts of a non-public source); traffic nuisance is the
#: smallest other category, hidden too in those years (else a total minus the shown parts gives the drugs
#: count back); 2025 has three months.
PER_YEAR = {
    ("straatintimidatie", "Straatintimidatie"): [60, 240, 960, 3840],
    ("onbegrepen-gedrag", "Overlast door persoon met onbegrepen gedrag"): [300, 320, 310, 330],
    ("drugsoverlast", "Drugsoverlast"): [2, 1, 3, 12],
    ("verkeersoverlast", "Verkeersoverlast"): [20, 22, 25, 24],
}
YEARS = [2021, 2022, 2023, 2024]


def _meldpunt(path: Path) -> Path:
    rows: list[list[object]] = [["categorie_code", "categorie", "gebied", "jaar", "maand", "aantal"]]
    for (code, name), totals in PER_YEAR.items():
        for year, total in zip(YEARS, totals, strict=True):
            months = [total // 12 + (1 if m < total % 12 else 0) for m in range(12)]
            rows.extend([code, name, "", year, m + 1, n] for m, n in enumerate(months) if n)
        rows.extend([code, name, "", 2025, m, 5] for m in (1, 2, 3))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> ReportContext:
    root = tmp_path_factory.mktemp("meldpunt")
    folder, population = write_synthetic(shared_data, root / "bron")
    ws = Workspace.create(root / "werkmap", OWN, "Synthetica")
    with Store(ws.store_path) as store:
        ingest(store, "cbs", str(folder), dataset="47018NED", gemeente=OWN)
        ingest(store, "bevolking", str(population), dataset=None, gemeente=OWN)
        path = _meldpunt(root / "meldpunt_cijfers.csv")
        ingest(store, "meldpunt", str(path), gemeente=OWN, taxonomy=load_taxonomy(ws.root))
        return build_context(ws, store)


def _text(page_html: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_html)))


def test_meldingen_are_a_block_in_their_themes_tested_in_the_one_family(ctx: ReportContext) -> None:
    overlast = next(t for t in ctx.themes if t.id == "overlast")
    block = overlast.meldpunt
    assert block is not None
    assert block.scheme == "meldpunt"
    assert not block.public
    assert (block.year_a, block.year_b) == (2023, 2024)  # 2025 has three months: no year
    series = {s.code: [p.value for p in s.points] for s in block.series}
    assert series["straatintimidatie"] == [60, 240, 960, 3840]
    assert series["drugsoverlast"] == [None, None, None, 12]  # 1-4 are not shown
    assert series["verkeersoverlast"] == [None, None, None, 24]  # the second hidden count of those years
    changes = {c.code: c for c in block.changes}
    assert "drugsoverlast" not in changes  # year A holds a protected count: no test
    assert "verkeersoverlast" not in changes
    # nothing published is computed from a hidden count: no trend for a series with a gap
    assert {t.code for t in block.trends} == {"straatintimidatie", "onbegrepen-gedrag"}
    rise = changes["straatintimidatie"]
    assert rise.demonstrable_fdr
    assert rise.direction == 1
    assert rise.dispersion.method != "poisson"
    assert not changes["onbegrepen-gedrag"].demonstrable_fdr
    kwetsbaar = next(t for t in ctx.themes if t.id == "kwetsbare_personen")
    assert kwetsbaar.meldpunt is not None
    assert [c.code for c in kwetsbaar.meldpunt.changes] == ["onbegrepen-gedrag"]
    # the same test once in the family, whichever theme shows it
    assert kwetsbaar.meldpunt.changes[0].p_adjusted == changes["onbegrepen-gedrag"].p_adjusted


def test_html_shows_the_block_protects_small_counts_and_lists_the_rise(ctx: ReportContext) -> None:
    doc = page.render_html(ctx)
    i = doc.index('id="meldpunt-overlast"')
    part = _text(doc[i : doc.index("</ul>", i)])
    assert TITLE in part
    assert "Categorie" in part
    assert "aantallen van 1 tot en met 4 worden niet getoond" in part
    assert "Een melding is wat een inwoner bij het meldpunt meldt" in part
    assert "Bron: Meldpunt van de gemeente, meldpunt_cijfers.csv" in part
    assert "Drugsoverlast" not in part.split("Bron:")[0]  # no row for the protected category
    summary = _text(doc[doc.index('id="samenvatting"') : doc.index('id="leeswijzer"')])
    assert (
        "meldingen bij het meldpunt over 'Straatintimidatie' steeg van 960 in 2023 naar 3.840 in 2024"
        in summary
    )


def test_docx_and_xlsx(ctx: ReportContext, tmp_path: Path) -> None:
    out = write_report(REPORT, ctx, tmp_path, ("docx", "xlsx"))
    doc = Document(str(out["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert TITLE in headings
    tables = [t for t in doc.tables if t.rows[0].cells[0].text == "Categorie"]
    assert len(tables) == 2  # overlast and kwetsbare personen
    wb = load_workbook(out["xlsx"])
    sheet = wb["meldpunt_reeksen"]
    header = [c.value for c in sheet[1]]
    drugs = [[c.value for c in r] for r in sheet.iter_rows(min_row=2) if r[3].value == "drugsoverlast"]
    assert [r[header.index("aantal")] for r in drugs] == [None, None, None, 12]
    assert "meldpunt_vergelijking" in wb.sheetnames
