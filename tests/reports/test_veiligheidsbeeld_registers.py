"""Series from the municipality's registers (``ivp ingest reeks``) in the Veiligheidsbeeld (issue 13,
deliverable 3): counts tested like police counts (own or borrowed overdispersion, never Poisson),
percentages only with an interval, small counts of a non-public register protected; in the theme chapters,
the summary, the one test family, the HTML, PDF, DOCX and xlsx."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from ivp.reports.core.output import write_report
from ivp.reports.veiligheidsbeeld import page
from ivp.reports.veiligheidsbeeld.context import ReportContext, build_context
from ivp.reports.veiligheidsbeeld.model import ChangeRow, LevelRow, ThemeSection
from ivp.reports.veiligheidsbeeld.report import REPORT
from ivp.sources.base import ingest
from ivp.store import Store
from ivp.themes import load_taxonomy
from ivp.workspace import Workspace
from tests.reports.synthetic import OWN, write_synthetic

pytestmark = pytest.mark.slow

HEADER = ["id", "naam", "thema", "eenheid", "periode", "waarde", "ondergrens", "bovengrens", "n", "bron",
          "licentie", "definitie"]  # fmt: skip
#: Fire-brigade call-outs double every year (demonstrable after the family's correction); Veilig Thuis
#: moves a little (not demonstrable); radicalisation signals are small counts of a non-public register.
UITRUK = [400, 800, 1600, 3200, 6400]
VEILIG_THUIS = [1210, 1302, 1388, 1420, 1450]
SIGNALEN = [2, 3, 6, 4, 3]
YEARS = list(range(2019, 2024))


def _register(path: Path) -> Path:
    rows: list[list[object]] = [list(HEADER)]
    for year, a, b, c in zip(YEARS, UITRUK, VEILIG_THUIS, SIGNALEN, strict=True):
        rows.append(
            [
                "brandweer-uitrukken",
                "Uitrukken van de brandweer",
                "fysieke_veiligheid",
                "aantal",
                year,
                a,
                "",
                "",
                "",
                "Veiligheidsregio Zuid-Holland Zuid",
                "",
                "Alle uitrukken voor brand",
            ]
        )
        rows.append(
            [
                "veilig-thuis",
                "Adviezen en meldingen bij Veilig Thuis",
                "kwetsbare_personen",
                "aantal",
                year,
                b,
                "",
                "",
                "",
                "Veilig Thuis Zuid-Holland Zuid",
                "",
                "",
            ]
        )
        rows.append(
            [
                "radicalisering",
                "Signalen van radicalisering",
                "sociale_stabiliteit",
                "aantal",
                year,
                c,
                "",
                "",
                "",
                "Zorg- en Veiligheidshuis",
                "",
                "",
            ]
        )
    # Online victims: a survey percentage with the publisher's interval; a big rise, demonstrable.
    rows.append(
        [
            "online",
            "Slachtoffer van online criminaliteit",
            "digitaal",
            "percentage",
            2021,
            "14,2",
            "13,6",
            "14,8",
            "",
            "CBS Veiligheidsmonitor",
            "CC BY 4.0",
            "",
        ]
    )
    rows.append(
        [
            "online",
            "Slachtoffer van online criminaliteit",
            "digitaal",
            "percentage",
            2023,
            "19,9",
            "19,2",
            "20,6",
            "",
            "CBS Veiligheidsmonitor",
            "CC BY 4.0",
            "",
        ]
    )
    # A report mark without an interval: shown, never called a change.
    rows.append(
        [
            "leefbaarheid",
            "Rapportcijfer leefbaarheid",
            "overlast",
            "rapportcijfer",
            2021,
            "7,4",
            "",
            "",
            "",
            "Bewonersenquête",
            "",
            "",
        ]
    )
    rows.append(["leefbaarheid", "Rapportcijfer leefbaarheid", "overlast", "rapportcijfer", 2023, "6,1", "",
                 "", "", "Bewonersenquête", "", ""])  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def _context(root: Path, shared: Path, register: str | None) -> ReportContext:
    folder, population = write_synthetic(shared, root / "bron")
    ws = Workspace.create(root / "werkmap", OWN, "Synthetica")
    with Store(ws.store_path) as store:
        ingest(store, "cbs", str(folder), dataset="47018NED", gemeente=OWN)
        ingest(store, "bevolking", str(population), dataset=None, gemeente=OWN)
        if register is not None:
            ingest(
                store, "reeks", str(_register(root / register)), gemeente=OWN, taxonomy=load_taxonomy(ws.root)
            )
        return build_context(ws, store)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> ReportContext:
    return _context(tmp_path_factory.mktemp("registers"), shared_data, "registers.csv")


@pytest.fixture(scope="module")
def without(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> ReportContext:
    return _context(tmp_path_factory.mktemp("zonder"), shared_data, None)


def _theme(ctx: ReportContext, theme_id: str) -> ThemeSection:
    return next(t for t in ctx.themes if t.id == theme_id)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_each_series_is_in_its_theme_with_the_right_test(ctx: ReportContext, without: ReportContext) -> None:
    fire = _theme(ctx, "fysieke_veiligheid").indicators[0]
    assert fire.code == "brandweer-uitrukken"
    assert [p.value for p in fire.points] == UITRUK
    assert isinstance(fire.change, ChangeRow)
    assert fire.change.dispersion.method != "poisson"  # own or borrowed spread, never Poisson
    assert fire.change.demonstrable_fdr
    assert fire.change.direction == 1
    assert (fire.change.count_a, fire.change.count_b) == (3200, 6400)
    assert any(t.period == "lang" for t in fire.trends)
    vt = _theme(ctx, "kwetsbare_personen").indicators[0]
    assert isinstance(vt.change, ChangeRow)
    assert not vt.change.demonstrable_fdr
    online = _theme(ctx, "digitaal").indicators[0]
    assert isinstance(online.change, LevelRow)
    assert online.change.difference == pytest.approx(5.7)
    assert online.change.interval_from == "bron"
    assert online.change.demonstrable_fdr
    mark = _theme(ctx, "overlast").indicators[0]
    assert mark.change is None
    assert "betrouwbaarheidsinterval" in (mark.note or "")
    # the tests join the report's one family
    assert ctx.family is not None
    assert without.family is not None
    assert ctx.family.size > without.family.size
    assert all(
        t.has_figures for t in ctx.themes if t.id in {"sociale_stabiliteit", "digitaal", "fysieke_veiligheid"}
    )


def test_small_counts_of_a_non_public_register_are_protected(ctx: ReportContext) -> None:
    signals = _theme(ctx, "sociale_stabiliteit").indicators[0]
    assert not signals.public
    assert [p.protected for p in signals.points] == [v < 5 for v in SIGNALEN]
    assert [p.value for p in signals.points] == [None if v < 5 else v for v in SIGNALEN]
    assert signals.change is None
    assert "kleine aantallen" in (signals.note or "")
    html = page.render_html(ctx)
    i = html.index('id="registers-sociale_stabiliteit"')
    part = _text(html[i : html.index("</ul>", i)])
    assert "minder dan 5" in part
    assert "Signalen van radicalisering: minder dan 5 in 2022; minder dan 5 in 2023; kleine aantallen" in part


def test_html_has_the_table_sentences_summary_and_sources(ctx: ReportContext) -> None:
    html = page.render_html(ctx)
    text = _text(html)
    assert "Cijfers uit registraties en onderzoek" in text
    assert "Het aantal uitrukken van de brandweer steeg van 3.200 in 2022 naar 6.400 in 2023 (+100%)" in text
    assert (
        "Slachtoffer van online criminaliteit: 14,2% in 2021, 19,9% in 2023; verschil +5,7 procentpunt"
        in text
    )
    assert "Rapportcijfer leefbaarheid: 7,4 in 2021; 6,1 in 2023; zonder betrouwbaarheidsinterval" in text
    assert "Bron: Veiligheidsregio Zuid-Holland Zuid, registers.csv, 2019-2023" in text
    summary = _text(html[html.index('id="samenvatting"') : html.index('id="leeswijzer"')])
    assert "uitrukken van de brandweer steeg" in summary
    assert "online criminaliteit" in summary
    assert "leefbaarheid" not in summary  # no test, no finding
    assert "Alle uitrukken voor brand" in text  # the definition


def test_pdf_docx_and_xlsx(ctx: ReportContext, tmp_path: Path) -> None:
    out = write_report(REPORT, ctx, tmp_path, ("pdf", "docx", "xlsx"))
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(out["pdf"]), "-"], capture_output=True, check=True, text=True
    )
    assert "Cijfers uit registraties en onderzoek" in re.sub(r"\s+", " ", pdf.stdout)
    doc = Document(str(out["docx"]))
    tables = [t for t in doc.tables if t.rows[0].cells[0].text == "Indicator (eenheid)"]
    assert len(tables) == 5  # one per theme with register series, editable
    cells = {r.cells[0].text: [c.text for c in r.cells] for t in tables for r in t.rows[1:]}
    assert cells["Uitrukken van de brandweer (aantal)"][1:3] == ["2022: 3.200", "2023: 6.400"]
    assert cells["Signalen van radicalisering (aantal)"][2] == "2023: minder dan 5"
    crime = [t for t in doc.tables if t.rows[0].cells[0].text == "Soort misdrijf"]
    charted = 4  # radicalisation signals show one count above the threshold: nothing to draw
    assert len(doc.inline_shapes) == len(crime) + charted
    wb = load_workbook(out["xlsx"])
    series = wb["registers_reeksen"]
    header = [c.value for c in series[1]]
    rows = [[c.value for c in r] for r in series.iter_rows(min_row=2) if r[0].value]
    signals = [r for r in rows if r[1] == "radicalisering"]
    assert [r[header.index("waarde")] for r in signals] == [None, None, 6, None, None]
    assert all(r[header.index("beschermd")] == (r[header.index("waarde")] is None) for r in signals)
    changes = wb["registers_veranderingen"]
    head = [c.value for c in changes[1]]
    by_id = {r[1].value: [c.value for c in r] for r in changes.iter_rows(min_row=2) if r[1].value}
    assert by_id["online"][head.index("verschil")] == pytest.approx(5.7)
    assert by_id["online"][head.index("aantoonbaar_na_bh")] is True
    assert by_id["leefbaarheid"][head.index("toets")] == "geen toets"


def test_an_illustrative_register_says_so(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> None:
    ctx = _context(tmp_path_factory.mktemp("illu"), shared_data, "illustratief_registers.csv")
    assert ctx.illustrative
    text = _text(page.render_html(ctx))
    assert "De registercijfers in dit thema (illustratief_registers.csv) zijn illustratieve gegevens" in text


def test_all_59_cbs_types_land_in_their_themes(without: ReportContext, shared_data: Path) -> None:
    """Deliverable 5: with all 59 CBS crime types loaded (the synthetic municipality has every code of
    SoortMisdrijf.json), each type is shown in every theme the taxonomy maps it to, and nowhere else."""
    import json

    codes = {
        str(r["Key"]).strip()
        for r in json.loads(
            (shared_data / "cbs" / "47018NED" / "SoortMisdrijf.json").read_text(encoding="utf-8")
        )
    } - {"0.0.0"}
    assert len(codes) == 58  # the 59 codes of the table: 58 types and the total
    taxonomy = load_taxonomy()
    assert taxonomy.unmapped("cbs-misdrijf", sorted(codes)) == []
    for theme in without.themes:
        shown = {s.code for s in theme.series}
        assert shown == set(taxonomy.codes_for(theme.id, "cbs-misdrijf")) & codes, theme.id
    digital = next(t for t in without.themes if t.id == "digitaal")
    assert {"3.7.4", "3.9.1"} <= {c.code for c in digital.changes}


def test_a_theme_without_any_figures_says_so(without: ReportContext) -> None:
    html = page.render_html(without)
    section = html.split('id="thema-evenementen"', 1)[1].split("</section>", 1)[0]
    assert "Voor dit thema zijn geen cijfers geladen" in section
    assert "ivp ingest reeks" in section
    assert "<table" not in section
