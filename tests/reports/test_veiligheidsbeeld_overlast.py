"""Police nuisance registrations in the Veiligheidsbeeld's theme chapters (issue 13): a second count source
with its own table, chart, trend sentences and comparison with the Netherlands, in one test family with
the CBS crime figures; in the HTML, the PDF, the DOCX (tables and pictures) and the xlsx."""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from ivp.reports.core.output import write_report
from ivp.reports.veiligheidsbeeld import docx_writer, page, xlsx_writer
from ivp.reports.veiligheidsbeeld.context import ReportContext, build_context
from ivp.reports.veiligheidsbeeld.family import row_key
from ivp.reports.veiligheidsbeeld.model import BendRow, ChangeRow, ComparisonRow, ThemeSection, TrendRow
from ivp.reports.veiligheidsbeeld.report import REPORT
from ivp.sources.base import ingest
from ivp.store import Store
from ivp.themes import load_taxonomy
from ivp.workspace import Workspace
from tests.reports.synthetic import OWN, write_synthetic

pytestmark = pytest.mark.slow

YEARS = list(range(2019, 2025))
#: Dordrecht-shaped nuisance counts: confused persons rise, others stay level. Youth nuisance halves every
#: year: deliberately steep, because six years leave 4 degrees of freedom for the spread and a change must
#: survive Benjamini-Hochberg over some 330 tests.
COUNTS = {
    "E33": [820, 870, 900, 960, 1010, 1080],
    "E35": [16000, 8000, 4000, 2000, 1000, 500],
    "E38": [300, 310, 290, 305, 295, 300],
    "M22": [640, 600, 660, 620, 650, 630],
}
TITLE = "Overlastregistraties van de politie"


def _nuisance_csv(path: Path, years: list[int] = YEARS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["gemeentecode", "code", "jaar", "aantal"])
        for code, values in COUNTS.items():
            for year, value in zip(YEARS, values, strict=True):
                if year in years:
                    writer.writerow([OWN, code, year, value])
    return path


def _workspace(
    root: Path, shared: Path, nuisance_name: str | None, years: list[int] = YEARS
) -> tuple[Workspace, ReportContext]:
    folder, population = write_synthetic(shared, root / "bron")
    ws = Workspace.create(root / "werkmap", OWN, "Synthetica")
    with Store(ws.store_path) as store:
        ingest(store, "cbs", str(folder), dataset="47018NED", gemeente=OWN)
        ingest(store, "bevolking", str(population), dataset=None, gemeente=OWN)
        if nuisance_name is not None:
            taxonomy = load_taxonomy(ws.root)
            ingest(
                store, "politie-overlast", str(_nuisance_csv(root / nuisance_name, years)), gemeente=OWN,
                taxonomy=taxonomy,
            )  # fmt: skip
            nl = shared / "politie" / "nederland" / "NL_Disorder.csv"
            ingest(store, "politie-landelijk", str(nl), gemeente=OWN, taxonomy=taxonomy)
        ctx = build_context(ws, store)
    return ws, ctx


@pytest.fixture(scope="module")
def with_nuisance(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> ReportContext:
    return _workspace(tmp_path_factory.mktemp("overlast"), shared_data, "Overlast.csv")[1]


@pytest.fixture(scope="module")
def without_nuisance(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> ReportContext:
    return _workspace(tmp_path_factory.mktemp("zonder"), shared_data, None)[1]


@pytest.fixture(scope="module")
def outputs(with_nuisance: ReportContext, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_report(
        REPORT, with_nuisance, tmp_path_factory.mktemp("uit"), ("html", "pdf", "docx", "xlsx")
    )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _theme(ctx: ReportContext, theme_id: str) -> ThemeSection:
    return next(t for t in ctx.themes if t.id == theme_id)


def test_nuisance_rows_in_their_themes_and_in_the_one_family(
    with_nuisance: ReportContext, without_nuisance: ReportContext
) -> None:
    ctx = with_nuisance
    overlast = _theme(ctx, "overlast")
    assert overlast.nuisance is not None
    block = overlast.nuisance
    # CBS goes to 2025, the nuisance file to 2024: the nuisance block compares its own last two years
    assert (ctx.year_a, ctx.year_b) == (2024, 2025)
    assert (block.year_a, block.year_b, block.first_year, block.last_year) == (2023, 2024, 2019, 2024)
    changes = {c.code: c for c in block.changes}
    assert sorted(changes) == ["E33", "E35", "E38", "M22"]
    assert (changes["E35"].count_a, changes["E35"].count_b) == (1000.0, 500.0)
    assert changes["E35"].direction == -1
    assert changes["E35"].demonstrable_fdr
    assert changes["E38"].direction == 0
    assert {c.scheme for c in block.changes} == {"politie-overlast"}
    # six years: each series has its own overdispersion; never Poisson, which would make the tests too sure
    assert {c.dispersion.method for c in block.changes} == {"series"}
    # the comparison with the Netherlands from NL_Disorder.csv (national population = 18 million)
    nl = {c.code: c for c in block.comparisons}
    assert set(nl) == {"E33", "E35", "E38", "M22"}
    assert block.nl_dataset == "NL_Disorder"
    # NL_Disorder.csv ends in 2023: the latest national year, said as such, against our 2023 count
    assert block.nl_year == 2023
    assert nl["E33"].year == 2023
    assert nl["E33"].reference == "Nederland"
    assert nl["E33"].rate == pytest.approx(1010 / 120_000 * 1000)
    # Kwetsbare personen shows the confused-behaviour registrations (E33) only
    kwetsbaar = _theme(ctx, "kwetsbare_personen").nuisance
    assert kwetsbaar is not None
    assert [c.code for c in kwetsbaar.changes] == ["E33"]
    # one family: nuisance tests counted next to the crime tests, each once (E33 is in two themes)
    assert ctx.family is not None
    assert without_nuisance.family is not None
    rows: list[ChangeRow | ComparisonRow | TrendRow | BendRow] = []
    for t in ctx.themes:
        if t.nuisance:
            rows.extend([*t.nuisance.changes, *t.nuisance.comparisons, *t.nuisance.trends, *t.nuisance.bends])
    tests = {row_key(r) for r in rows if not r.small_numbers and math.isfinite(r.p_value)}
    assert ("ChangeRow", "politie-overlast:E33", "", "") in tests
    assert ctx.family.codes == without_nuisance.family.codes + 4
    assert ctx.family.size == without_nuisance.family.size + len(tests)
    assert not ctx.illustrative


def test_no_theme_with_data_says_no_figures(with_nuisance: ReportContext) -> None:
    assert all(t.has_figures for t in with_nuisance.themes if t.nuisance is not None)
    html = page.render_html(with_nuisance)
    text = _text(html)
    for t in with_nuisance.themes:
        chapter = text.split(f"Opgave: {t.opgave}", 1)[1] if t.opgave else text
        if t.has_figures:
            assert "Voor dit thema zijn geen cijfers geladen" not in chapter.split("Wat speelt er", 1)[0]


def test_html_has_the_nuisance_table_chart_sentences_and_nl(with_nuisance: ReportContext) -> None:
    html = page.render_html(with_nuisance)
    chapter = html.split('id="thema-overlast"', 1)[1].split('<section id="thema-', 1)[0]
    text = _text(chapter)
    assert f"{TITLE} in Synthetica, 2023 en 2024" in text
    assert "Melding overlast jeugd" in text or "jeugd" in text.lower()
    assert re.search(r"1\.000 500 -50%", text)
    assert (
        "Het aantal registraties van jeugdoverlast daalde van 1.000 in 2023 naar 500 in 2024 (-50%); "
        "deze daling is statistisch aantoonbaar." in text
    )
    assert "Overlastregistraties van de politie per jaar, Overlast" in chapter  # the chart's title
    assert "<svg" in chapter
    assert "Overlastregistraties van de politie per 1.000 inwoners: Synthetica tegenover Nederland" in text
    assert "Nederland: Politie" in text
    assert "NL_Disorder, 2023" in text
    assert re.search(r"registraties van overlast door verwarde personen per 1\.000 inwoners, tegen", text)
    # the summary names the demonstrable nuisance change
    summary = _text(html.split('id="samenvatting"', 1)[1].split('id="leeswijzer"', 1)[0])
    assert "Het aantal registraties van jeugdoverlast daalde van 1.000 in 2023 naar 500 in 2024" in summary
    assert "illustratie" not in html


def test_pdf_docx_and_xlsx(outputs: dict[str, Path]) -> None:
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(outputs["pdf"]), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = re.sub(r"\s+", " ", pdf)
    assert TITLE in flat
    assert "registraties van jeugdoverlast daalde van 1.000 in 2023 naar 500 in 2024" in flat
    doc = Document(str(outputs["docx"]))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Grafieken en kaarten staan in de HTML- en PDF-versie" not in body
    assert TITLE in body
    tables = [t for t in doc.tables if t.rows[0].cells[0].text == "Soort overlast"]
    assert len(tables) >= 2  # overlast and kwetsbare personen, editable
    cells = [[c.text for c in row.cells] for row in tables[0].rows]
    assert ["1.000", "500"] in [r[1:3] for r in cells]
    # one chart picture per crime table and one per nuisance table (the synthetic workspace has no maps)
    crime = [t for t in doc.tables if t.rows[0].cells[0].text == "Soort misdrijf"]
    assert len(doc.inline_shapes) == len(crime) + len(tables)
    wb = load_workbook(outputs["xlsx"])
    ws = wb["overlast_vergelijking"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["thema", "schema", "bron", "code"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2) if r[0].value == "overlast"]
    e35 = next(r for r in rows if r[3] == "E35")
    assert e35[1] == "politie-overlast"
    assert e35[2] == "Overlast.csv"
    assert e35[header.index("aantal_b")] == 500
    assert isinstance(e35[header.index("p")], float)
    assert "overlast_referenties" in wb.sheetnames
    assert "overlast_reeksen" in wb.sheetnames


def test_illustrative_nuisance_marks_every_page(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> None:
    _ws, ctx = _workspace(tmp_path_factory.mktemp("illustratief"), shared_data, "illustratief-overlast.csv")
    assert ctx.illustrative
    html = page.render_html(ctx)
    assert (
        '@page { @bottom-left { content: "Veiligheidsbeeld · illustratieve gegevens, geen echte cijfers van Synthetica"'
        in html
    )
    chapter = _text(html.split('id="thema-overlast"', 1)[1].split('<section id="thema-', 1)[0])
    assert (
        "De overlastregistraties in dit thema (illustratief-overlast.csv) zijn illustratieve gegevens"
        in chapter
    )
    body = "\n".join(p.text for p in Document(io.BytesIO(docx_writer.render_docx(ctx))).paragraphs)
    assert "illustratieve gegevens, geen echte cijfers van Synthetica" in body
    folder = tmp_path_factory.mktemp("illustratief-uit")
    pdf = write_report(REPORT, ctx, folder, ("pdf",))["pdf"]
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    pages_list = [p for p in pages.split("\f") if p.strip()]
    assert len(pages_list) > 5
    assert all(
        "illustratieve gegevens, geen echte cijfers van Synthetica" in re.sub(r"\s+", " ", p)
        for p in pages_list
    )
    wb = load_workbook(io.BytesIO(xlsx_writer.render_xlsx(ctx)))
    last = [c.value for r in wb["overlast_vergelijking"].iter_rows() for c in r if c.value]
    assert any("illustratieve gegevens" in str(v) for v in last)


def test_without_nuisance_the_report_is_unchanged(without_nuisance: ReportContext) -> None:
    ctx = without_nuisance
    assert all(t.nuisance is None for t in ctx.themes)
    assert not ctx.illustrative
    html = page.render_html(ctx)
    assert TITLE not in html
    assert "illustratie" not in html
    assert "overlast_vergelijking" not in load_workbook(io.BytesIO(xlsx_writer.render_xlsx(ctx))).sheetnames


def test_short_nuisance_series_borrow_the_crime_spread(tmp_path: Path, shared_data: Path) -> None:
    """Five years of nuisance are too few for their own overdispersion (six are needed): the tests use the
    median of the report's crime series that have their own estimate, not Poisson."""
    ctx = _workspace(tmp_path, shared_data, "Overlast.csv", YEARS[1:])[1]
    block = _theme(ctx, "overlast").nuisance
    assert block is not None
    assert {c.dispersion.method for c in block.changes} == {"pooled"}
    crime = {
        c.code: c.dispersion.phi for t in ctx.themes for c in t.changes if c.dispersion.method == "series"
    }
    assert crime
    assert block.changes[0].dispersion.phi == pytest.approx(statistics.median(crime.values()))
    assert block.changes[0].dispersion.phi > 1
