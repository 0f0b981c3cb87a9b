"""Exports of de-identified meldingen (csv, xlsx)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from ivp.web.meldingen import services as meldingen

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
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "meldingen"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
