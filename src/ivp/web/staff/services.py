"""Exports of de-identified meldingen (csv, xlsx).

Every cell is text, cleaned and neutralised by :func:`ivp.lib.cells.text_cell`: a text that starts with
``=``, ``+``, ``-`` or ``@`` gets a leading ``'`` (OWASP, CSV injection), and characters that xlsx cannot
hold become U+FFFD, so no text a resident typed can run as a formula or make the export fail.
"""

from __future__ import annotations

import csv
import io
import re
import traceback
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from ivp.lib.cells import text_cell
from ivp.web.meldingen import services as meldingen


class ExportFailedError(RuntimeError):
    """Building an export failed; carries the cause's type and stack, never its message (it may quote text)."""

    def __init__(self, fmt: str, cause: BaseException) -> None:
        stack = "".join(traceback.format_tb(cause.__traceback__)).rstrip()
        super().__init__(f"export.{fmt} failed: {type(cause).__name__} (message left out)\n{stack}")


COLUMNS = [
    "id",
    "categorie",
    "status",
    "gemeld_op",
    "tijd_van",
    "tijd_tot",
    "buurt_code",
    "buurt",
    "kanaal",
    "team",
    "tekst_gedeidentificeerd",
]


def export_rows(rows: Iterable[Any], *, show_buurt: bool = True) -> list[list[str]]:
    """One row per melding; buurt columns empty when ``show_buurt`` is False (ADR 0009)."""
    out = []
    for m in rows:
        out.append(
            [
                str(m.pk),
                m.categorie.naam,
                m.status,
                m.aangemaakt.isoformat(timespec="minutes"),
                m.tijd_van.isoformat(timespec="minutes") if m.tijd_van else "",
                m.tijd_tot.isoformat(timespec="minutes") if m.tijd_tot else "",
                m.buurt_code if show_buurt else "",
                m.buurt_naam if show_buurt else "",
                m.kanaal,
                m.team.naam if m.team else "",
                meldingen.deidentified_text(m),
            ]
        )
    return out


def to_csv(rows: list[list[str]]) -> bytes:
    """The rows as csv (``;``, UTF-8 with BOM for Excel), every cell through :func:`csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# A spreadsheet set to another separator (``,`` in an English Excel, or tab) splits a cell there, and
# quoting does not help: its reader only honours a quote at the start of what it takes for a field.
_INNER_FORMULA = re.compile(r"([,\t])(\s*[=+\-@\uff1d\uff0b\uff0d\uff20])")


def csv_cell(value: str) -> str:
    """:func:`text_cell`, and a ``'`` before a formula sign right after a ``,`` or tab inside the text.

    ``Overlast,=cmd|...`` becomes ``Overlast,'=cmd|...``; ``=1+1`` becomes ``'=1+1`` as in the xlsx.
    """
    return _INNER_FORMULA.sub(r"\1'\2", text_cell(value))


def to_xlsx(rows: list[list[str]]) -> bytes:
    """The rows as xlsx; every cell a string cell (``data_type 's'``), so nothing becomes a formula."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "meldingen"
    for r, values in enumerate([COLUMNS, *rows], start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(r, c, text_cell(value))
            cell.data_type = "s"  # not 'f' for "=...", not 'e' for "#N/A"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
