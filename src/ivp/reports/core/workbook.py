"""xlsx helpers of every report (openpyxl): one sheet per table, numbers as numbers, a source line."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

Cell = str | int | float | bool | None


def new_workbook() -> Workbook:
    """A workbook without openpyxl's default sheet."""
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    return wb


def clean(value: Cell) -> Cell:
    """NaN and infinities as empty cells (Excel has no such numbers)."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value


def sheet(
    wb: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]], source: str
) -> None:
    """Append a sheet: bold header (frozen), the rows, an empty row and the source line."""
    ws = wb.create_sheet(title[:31])
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([clean(v) for v in row])
    ws.append([])
    ws.append([source])
    ws.freeze_panes = "A2"
    for col in ws.columns:
        width = max(len(str(c.value or "")) for c in col[: len(rows) + 1])
        ws.column_dimensions[col[0].column_letter].width = min(max(width + 2, 8), 60)


def to_bytes(wb: Workbook) -> bytes:
    """The workbook as xlsx bytes."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
