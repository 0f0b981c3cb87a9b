"""Report workbooks: text cells are strings, never formulas or error values; numbers stay numbers (issue 12, 2)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from ivp.reports.core.workbook import Cell, new_workbook, sheet, to_bytes


def test_text_is_neutralised_and_numbers_stay() -> None:
    wb = new_workbook()
    rows: list[list[Cell]] = [["=1+1", -2.5, "-2+3", True], ["#N/A", -3, "Fietsendiefstal\x1b[2J", None]]
    sheet(wb, "tabel", ["=naam", "waarde", "tekst", "vlag"], rows, "Bron: @CBS")
    ws = load_workbook(io.BytesIO(to_bytes(wb)))["tabel"]
    assert [(c.value, c.data_type) for c in ws[1]][:1] == [("'=naam", "s")]
    assert [(c.value, c.data_type) for c in ws[2]] == [
        ("'=1+1", "s"),
        (-2.5, "n"),
        ("'-2+3", "s"),
        (True, "b"),
    ]
    assert [(c.value, c.data_type) for c in ws[3]][:3] == [
        ("#N/A", "s"),
        (-3, "n"),
        ("Fietsendiefstal\ufffd[2J", "s"),
    ]
    assert ws.cell(5, 1).value == "Bron: @CBS"  # @ inside a text is harmless
