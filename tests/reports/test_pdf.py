"""The PDF renders every chapter (pdftotext) and its pages rasterise (pdftoppm)."""

from __future__ import annotations

import subprocess
from importlib import resources
from pathlib import Path

import pytest

from ivp.reports.core.output import render_pdf
from tests.reports.conftest import Demo
from tests.reports.pdfcheck import words_outside

pytestmark = pytest.mark.slow


def test_pdf_has_every_chapter(demo: Demo) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(demo.default["pdf"]), "-"], capture_output=True, check=True, text=True
    ).stdout
    for heading in (
        "Uitdagingen en aandachtspunten (samenvatting)",
        "Leeswijzer",
        "Vermogenscriminaliteit",
        "Wat zeggen de cijfers?",
        "Misdrijven en overlast per wijk en buurt",
        "Documenten en gegevens",
    ):
        assert heading in text, heading
    assert "Bron: CBS / Politie" in text


def test_pdf_pages_render(demo: Demo, tmp_path: Path) -> None:
    subprocess.run(
        ["pdftoppm", "-r", "30", "-f", "1", "-l", "3", "-png", str(demo.default["pdf"]), str(tmp_path / "p")],
        check=True,
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == 3
    assert all(p.stat().st_size > 1000 for p in pages)


def test_no_text_outside_the_printable_area(demo: Demo) -> None:
    strays = words_outside(demo.default["pdf"])
    assert not strays, strays[:10]


def test_plan_pdfs_stay_inside_the_printable_area(demo: Demo) -> None:
    pdfs = [p for kind, p in demo.others.items() if kind.endswith("-pdf")]
    assert pdfs
    for pdf in pdfs:
        strays = words_outside(pdf)
        assert not strays, (pdf.name, strays[:10])


def test_the_check_catches_a_table_wider_than_the_page(tmp_path: Path) -> None:
    css = resources.files("ivp.reports").joinpath("static/report.css").read_text(encoding="utf-8")
    cells = "".join(f"<td>kolom_met_een_lange_naam_{i}</td>" for i in range(12))
    html = f"<html><head><style>{css}</style></head><body><table><tr>{cells}</tr></table></body></html>"
    pdf = tmp_path / "wide.pdf"
    pdf.write_bytes(render_pdf(html))
    assert words_outside(pdf)


def test_rendering_logs_no_weasyprint_warnings(demo: Demo) -> None:
    # `ivp demo` renders the Veiligheidsbeeld and the plan reports; WeasyPrint must have nothing to say
    assert demo.weasyprint_log == []
    assert "Ignored" not in demo.output
