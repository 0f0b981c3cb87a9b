"""xlsx helpers of every report (openpyxl): one sheet per table, numbers as numbers, a source line.

Text cells go through :func:`ivp.lib.cells.cell` and are written as strings: a name from a data file that
starts with ``=`` shows as text, never runs as a formula, and no character can make the save fail.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from ivp.lib import cells

Cell = str | int | float | bool | None


def new_workbook() -> Workbook:
    """A workbook without openpyxl's default sheet."""
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    return wb


def clean(value: Cell) -> Cell:
    """NaN and infinities as empty cells (Excel has no such numbers); text neutralised and cleaned."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, str):
        return str(cells.cell(value))
    return value


def _append(ws: Worksheet, values: Sequence[Cell]) -> None:
    """Append a row; text as string cells (``data_type 's'``: not a formula, not an error value)."""
    ws.append([clean(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def sheet(
    wb: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]], source: str
) -> None:
    """Append a sheet: bold header (frozen), the rows, an empty row and the source line."""
    ws = wb.create_sheet(title[:31])
    _append(ws, list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        _append(ws, row)
    ws.append([])
    _append(ws, [source])
    ws.freeze_panes = "A2"
    for col in ws.columns:
        width = max(len(str(c.value or "")) for c in col[: len(rows) + 1])
        ws.column_dimensions[col[0].column_letter].width = min(max(width + 2, 8), 60)


def to_bytes(wb: Workbook) -> bytes:
    """The workbook as xlsx bytes."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
