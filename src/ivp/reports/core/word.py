"""DOCX helpers of every report (python-docx): the document, tables, advisor texts, bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.shared import Cm, Pt

from ivp.reports.core import text

#: The table style of every report table in Word.
TABLE_STYLE = "Light Grid Accent 1"


def new_document() -> Any:
    """An empty document in the reports' house style (10 pt body text)."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    return doc


def table(doc: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Append a table with a header row."""
    grid = doc.add_table(rows=1, cols=len(header))
    grid.style = TABLE_STYLE
    for cell, value in zip(grid.rows[0].cells, header, strict=True):
        cell.text = value
    for row in rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value


def italic(doc: Any, line: str) -> None:
    """Append one italic paragraph (source lines, notes)."""
    doc.add_paragraph().add_run(line).italic = True


def advisor_text(doc: Any, markdown_text: str | None, path: str, *, lists: bool = True) -> None:
    """Append the advisor's Markdown text as paragraphs, or the placeholder naming ``path``.

    With ``lists``, Markdown list items become Word bullets and lines of a paragraph are joined;
    without, each paragraph is copied as it is (the plan reports).
    """
    if not markdown_text:
        doc.add_paragraph(text.placeholder(path))
        return
    for para in text.plain_text(markdown_text):
        if not lists:
            doc.add_paragraph(para)
        elif para.startswith(("- ", "* ")):
            for line in para.splitlines():
                doc.add_paragraph(line[2:].strip(), style="List Bullet")
        else:
            doc.add_paragraph(para.replace("\n", " "))


def picture(doc: Any, png: bytes, *, width_cm: float = 16.0) -> None:
    """A PNG image (a chart or map) as its own paragraph, ``width_cm`` wide."""
    import io

    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))


def to_bytes(doc: Any) -> bytes:
    """The document as DOCX bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
