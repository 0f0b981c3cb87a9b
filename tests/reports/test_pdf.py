"""The PDF renders every chapter (pdftotext) and its pages rasterise (pdftoppm)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.reports.conftest import Demo

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
        "Misdrijven per wijk en buurt",
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
