"""Generic PDF checks with poppler-utils: every word lies inside the page's printable area."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

XHTML = "{http://www.w3.org/1999/xhtml}"
#: Left and right page margin of report.css (``@page { margin: 18mm 16mm 20mm }``) in PDF points.
SIDE_MARGIN_PT = 16 / 25.4 * 72
#: Allowed slack in points (glyph side bearings, rounding in pdftotext).
TOLERANCE_PT = 2.0


@dataclass(frozen=True)
class Stray:
    """A word outside the printable area."""

    page: int
    word: str
    x_min: float
    x_max: float
    page_width: float


def words_outside(
    pdf: Path, side_margin: float = SIDE_MARGIN_PT, tolerance: float = TOLERANCE_PT
) -> list[Stray]:
    """Words whose box crosses the left or right margin of their page (``pdftotext -bbox-layout``)."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    root = ET.fromstring(out)  # noqa: S314 - poppler's own output for our own PDF
    strays: list[Stray] = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        width = float(page.get("width", "0"))
        for word in page.iter(f"{XHTML}word"):
            x_min, x_max = float(word.get("xMin", "0")), float(word.get("xMax", "0"))
            if x_min < side_margin - tolerance or x_max > width - side_margin + tolerance:
                strays.append(Stray(number, word.text or "", x_min, x_max, width))
    return strays


def page_count(pdf: Path) -> int:
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    return out.count("<page ")
