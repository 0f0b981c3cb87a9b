"""One rule everywhere: a change is only called a change when it passes Benjamini-Hochberg.

The fixture has a rise that is significant on its own (p < 0.05) but not after correction (q > 0.05),
next to a rise that survives correction. Table, sentences, summary, DOCX and xlsx must agree.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from ivp.reports.veiligheidsbeeld import docx_writer, page, render, xlsx_writer
from ivp.reports.veiligheidsbeeld.context import (
    ChangeRow,
    ComparisonRow,
    ReportContext,
    SeriesPoint,
    SourceRow,
    ThemeSection,
    TypeSeries,
    apply_fdr,
)
from ivp.reports.veiligheidsbeeld.model import Spread
from ivp.stats import change_test, rate_vs_reference

LOST = "na correctie voor het aantal toetsen niet aantoonbaar"


def _change(code: str, title: str, a: float, b: float) -> ChangeRow:
    res = change_test(a, b, 100_000.0, 100_000.0)
    return ChangeRow(
        code=code, title=title, count_a=a, count_b=b, provisional_a=False, provisional_b=False,
        percent_change=res.percent_change, rate_ratio=res.rate_ratio, ci_low=res.ci_low,
        ci_high=res.ci_high, p_value=res.p_value, p_adjusted=res.p_value, direction=res.direction,
        label=res.label, small_numbers=res.small_numbers, demonstrable_fdr=res.direction != 0,
        raw_direction=res.direction, raw_label=res.label, dispersion=Spread(1.0, math.inf, "poisson", None),
    )  # fmt: skip


def _comparison(
    code: str, title: str, count: float, ref_rate: float, ref: str, year: int, higher: tuple[int, ...] = ()
) -> ComparisonRow:
    res = rate_vs_reference(count, 100_000.0, ref_rate, per=1000.0)
    history = higher if higher else ((year - 1, year) if res.ci_low > 1 else ())
    return ComparisonRow(
        code=code, title=title, year=year, reference=ref, count=count, population=100_000.0,
        rate=float(res.rate), reference_rate=float(res.reference_rate), ratio=float(res.ratio),
        ci_low=float(res.ci_low), ci_high=float(res.ci_high), p_value=float(res.p_value),
        p_adjusted=float(res.p_value), direction=int(res.direction), label=str(res.label),
        demonstrable_fdr=int(res.direction) != 0, raw_direction=int(res.direction), raw_label=str(res.label),
        years_higher=history, conservative_ratio=float(res.ci_low),
    )  # fmt: skip


def _context(comparisons: tuple[ComparisonRow, ...] = ()) -> ReportContext:
    changes = (
        _change("3.1.1", "Drugshandel", 154, 193),  # p = 0,04: significant alone, not after BH
        _change("1.1.1", "Diefstal/inbraak woning", 400, 200),  # p < 0,001: survives BH
        _change("1.4.4", "Bedreiging", 237, 240),
        _change("1.4.5", "Mishandeling", 330, 335),
        _change("2.2.1", "Vernieling", 427, 430),
    )
    series = tuple(
        TypeSeries(
            c.code, c.title, (SeriesPoint(2024, c.count_a, False), SeriesPoint(2025, c.count_b, False))
        )
        for c in changes
    )
    draft = ThemeSection(
        id="ondermijning", naam="Ondermijning", opgave="Veilige wijken", beschrijving="",
        texts={}, changes=changes, series=series, trends=(), comparisons=comparisons,
    )  # fmt: skip
    (theme,) = apply_fdr([draft], 0.05)
    source = SourceRow(
        source_id="cbs", dataset="47018NED", title="Geregistreerde misdrijven", publisher="CBS / Politie",
        licence="CC BY 4.0", period="2012-2025", vintage="2024-08-15T02:00:00",
        retrieved_at=dt.datetime(2026, 11, 22, 10, 0), provisional=None,
    )  # fmt: skip
    return ReportContext(
        gemeente="GM0505", naam="Dordrecht", generated=dt.date(2026, 11, 22), year_a=2024, year_b=2025,
        first_year=2012, last_year=2025, provisional_years=(), alpha=0.05, min_population=500,
        population={2024: 100_000.0, 2025: 100_000.0}, themes=(theme,), areas=(), sources=(source,),
        size_group=None, nl_year=2023, intro=None,
    )  # fmt: skip


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_fixture_is_significant_alone_but_not_after_correction() -> None:
    drugs = _context().themes[0].changes[0]
    assert drugs.p_value < 0.05 < drugs.p_adjusted
    assert drugs.raw_direction == 1
    assert drugs.direction == 0
    assert drugs.label == "geen aantoonbare verandering"
    assert drugs.lost_after_correction
    woning = _context().themes[0].changes[1]
    assert woning.direction == -1
    assert woning.p_adjusted < 0.05


def test_html_table_sentence_and_summary_agree() -> None:
    html = page.render_html(_context())
    summary = _text(html.split('id="samenvatting"', 1)[1].split("</section>", 1)[0])
    theme = html.split('id="thema-ondermijning"', 1)[1].split("</section>", 1)[0]
    drugs_row = _text(re.search(r"<tr>\s*<th scope=\"row\">Drugshandel.*?</tr>", theme, re.S).group())  # type: ignore[union-attr]
    # the table: no rise, both p and q shown, and why
    assert "aantoonbare stijging" not in drugs_row
    assert "geen aantoonbare verandering" in drugs_row
    assert "p = 0,0" in drugs_row
    assert "q = 0,10" in drugs_row
    assert LOST in drugs_row
    # the generated sentence
    assert re.search(
        r"registraties van drugshandel ging van 154 in 2024 naar 193 in 2025 \(\+25%\); "
        r"dit is geen aantoonbare verandering \(p = 0,0\d\d; " + LOST + r"\)\.",
        _text(theme),
    )
    assert "drugshandel steeg" not in _text(html)
    # the summary names only the change that survives correction, with the same words as the table
    assert "Het aantal woninginbraken daalde van 400 in 2024 naar 200 in 2025" in summary
    assert "drugshandel" not in summary
    assert "aantoonbare daling" in _text(theme)
    # the rule is explained once, in the Leeswijzer
    leeswijzer = _text(html.split('id="leeswijzer"', 1)[1].split("</section>", 1)[0])
    assert "Benjamini-Hochberg" in leeswijzer
    assert LOST in leeswijzer
    assert _text(html).count("Wanneer heet iets een verandering?") == 1


def test_docx_and_xlsx_use_the_same_rule() -> None:
    ctx = _context()
    doc = Document(io.BytesIO(docx_writer.render_docx(ctx)))
    texts = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    everything = " ".join(texts + cells)
    assert "drugshandel steeg" not in everything
    assert any(c.startswith("geen aantoonbare verandering (p = 0,0") and LOST in c for c in cells)
    assert "aantoonbare stijging" not in everything
    sheet = load_workbook(io.BytesIO(xlsx_writer.render_xlsx(ctx)), read_only=True)["vergelijking"]
    rows = list(sheet.iter_rows(values_only=True))
    table = [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r and r[1]]
    drugs = next(r for r in table if r["code"] == "3.1.1")
    assert drugs["uitkomst"] == "geen aantoonbare verandering"
    assert drugs["p_onder_alpha"] is True  # significant alone, but the worded verdict is the corrected one
    assert drugs["aantoonbaar_na_bh"] is False
    assert float(drugs["p"]) < 0.05 < float(drugs["q_bh"])  # type: ignore[arg-type]
    assert LOST in str(drugs["zin"])


def test_dates_are_dutch_everywhere() -> None:
    ctx = _context()
    html = page.render_html(ctx)
    assert "15 augustus 2024; opgehaald 22 november 2026" in html
    assert "2024-08-15" not in html
    doc = Document(io.BytesIO(docx_writer.render_docx(ctx)))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "15 augustus 2024; opgehaald 22 november 2026" in cells
    sheet = load_workbook(io.BytesIO(xlsx_writer.render_xlsx(ctx)), read_only=True)["bronnen"]
    values = [v for row in sheet.iter_rows(values_only=True) for v in row]
    assert "15 augustus 2024" in values
    assert "22 november 2026" in values


def test_a_single_peak_year_is_no_aandachtspunt() -> None:
    # higher than the Netherlands in the latest year only (a spike): not listed; two of three years: listed
    spike = _comparison("1.4.2", "Moord", 60, 0.2, "Nederland", 2025, higher=(2025,))
    steady = _comparison("1.4.4", "Bedreiging", 300, 1.5, "Nederland", 2025, higher=(2023, 2025))
    assert spike.direction == steady.direction == 1
    points = render.concerns(_context((spike, steady)).themes[0])
    assert [line.split(":")[0] for line in points.lines] == ["Bedreiging"]


def test_summary_concerns_one_line_per_type_ranked_top_five() -> None:
    comparisons: list[ComparisonRow] = []
    # seven types, each higher than both references; excess grows with i
    for i in range(7):
        code, title = f"9.9.{i}", f"Soort {i}"
        comparisons.append(_comparison(code, title, 200 + 40 * i, 1.0, "vergelijkbare gemeenten", 2025))
        comparisons.append(_comparison(code, title, 210 + 40 * i, 1.0, "Nederland", 2023))
    comparisons.append(_comparison("9.8.0", "Gelijk", 100, 1.0, "Nederland", 2023))  # not higher
    ctx = _context(tuple(comparisons))
    points = render.concerns(ctx.themes[0])
    assert len(points.lines) == 5
    assert points.more == 2
    assert [line.split(":")[0] for line in points.lines] == [f"Soort {i}" for i in (6, 5, 4, 3, 2)]
    assert points.lines[0] == (
        "Soort 6: 4,4 per 1.000 inwoners in 2025; hoger dan vergelijkbare gemeenten (1,0) "
        "en in 2023 hoger dan Nederland (4,5 tegen 1,0)."
    )
    html = page.render_html(ctx)
    summary = html.split('id="samenvatting"', 1)[1].split("</section>", 1)[0]
    assert _text(summary).count("Soort 6:") == 1
    assert "Gelijk" not in summary
    assert "En nog 2 andere soorten" in _text(summary)
    assert not re.search(r"<li[^>]*>\s*<strong>", summary)  # no sentence set in bold
    assert 'class="concern"' not in summary


@pytest.mark.parametrize("p_value", [0.041, 0.049])
def test_sentence_names_p_when_lost_after_correction(p_value: float) -> None:
    from ivp.reports.veiligheidsbeeld import sentences

    text = sentences.change_sentence(
        "3.1.1", "D", 154, 193, 2024, 2025, direction=0, percent_change=25.3, raw_direction=1, p_value=p_value
    )
    assert "steeg" not in text
    assert text.endswith(f"(p = 0,0{round(p_value * 1000)}; {LOST}).")
