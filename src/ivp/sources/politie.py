"""Shared reading for the police adapters (``politie-overlast``, ``politie-incidenten``, ``politie-landelijk``).

Police files come as csv (``,``, ``;`` or tab; UTF-8 with or without BOM) or xlsx. :func:`read_table` turns
either into a :class:`Table` of text cells whose index is the line a spreadsheet user sees (header = line 1
when it is the first row). Everything here is pure: bytes in, values out, or an
:class:`~ivp.lib.errors.InputError` that names file, line and field.

Decision on encodings: a csv that is not UTF-8 (typically cp1252 from "CSV (gescheiden door
lijstscheidingsteken)" in Dutch Excel) is refused with code ``encoding``, naming the line and the column of
the first bad character. Guessing cp1252 would silently garble files in other legacy encodings, and police
exports contain names of places and streets where a wrong guess is not noticed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ivp.lib.errors import InputError
from ivp.lib.i18n import _
from ivp.sources._common import decode_text
from ivp.sources.base import Raw
from ivp.sources.politie_codes import TOTAL_CODE

PUBLISHER = "Politie"
#: Licence of files the police deliver to a municipality, unless the file states another.
LICENCE_DELIVERED = "aangeleverd door de politie (niet openbaar)"
LICENCE_OPEN = "CC BY 4.0"

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_HEADER_SEARCH_ROWS = 15


@dataclass(frozen=True)
class Table:
    """Text cells of one sheet or csv: ``frame`` has the original headers, its index is the line number."""

    file: str
    frame: pd.DataFrame
    header_line: int

    def column(self, aliases: Sequence[str]) -> str | None:
        """Return the first header that matches one of ``aliases`` (in alias order), or ``None``."""
        by_key = {header_key(c): str(c) for c in self.frame.columns}
        for alias in aliases:
            found = by_key.get(header_key(alias))
            if found is not None:
                return found
        return None

    def require(self, field: str, aliases: Sequence[str]) -> str:
        """Like :meth:`column`, but raise ``missing_column`` listing the accepted names."""
        found = self.column(aliases)
        if found is None:
            raise InputError(
                code="missing_column",
                message=_("kolom voor '{field}' ontbreekt; gevonden kolommen: {found}.").format(
                    field=field, found=", ".join(str(c) for c in self.frame.columns)
                ),
                file=self.file,
                record=self.header_line,
                field=field,
                hint=_("geef de kolom een van deze namen: {names}.").format(
                    names=", ".join(f"'{a}'" for a in aliases)
                ),
            )
        return found


def header_key(name: str) -> str:
    """Compare headers loosely: case, spaces, underscores and hyphens do not matter.

    >>> header_key(" Begin-pleegdatum/tijd ")
    'begin pleegdatum/tijd'
    """
    return re.sub(r"[\s_\-]+", " ", name.replace("\ufeff", "").strip().lower()).strip()


def text_key(value: str) -> str:
    """Compare labels loosely: case, repeated spaces and spaces around ``/`` do not matter."""
    return re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", value.strip().casefold()))


def main_file(raw: Raw) -> tuple[str, bytes]:
    """Return the name and bytes of the file the user named (the origin)."""
    name = Path(raw.origin).name
    if name in raw.files:
        return name, raw.files[name]
    first = sorted(raw.files)[0]
    return first, raw.files[first]


def read_table(
    name: str,
    data: bytes,
    file: str,
    *,
    header_aliases: Iterable[str],
    sheet_words: Sequence[str] = (),
) -> Table:
    """Read a csv or xlsx file into a :class:`Table`.

    The header is the first of the first rows that holds one of ``header_aliases`` (so title rows above
    it are skipped); empty rows are dropped. For xlsx the sheet is the first whose name contains one of
    ``sheet_words``, else the first sheet.
    """
    if not data.strip():
        raise _empty(file)
    if data.startswith(_XLS_MAGIC) or name.lower().endswith(".xls"):
        raise InputError(
            code="unsupported_format",
            message=_("dit is een oud Excel-bestand (.xls); dat formaat wordt niet gelezen."),
            file=file,
            hint=_("open het in Excel en sla het op als .xlsx of als 'CSV UTF-8'."),
        )
    is_xlsx = data.startswith(_XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm"))
    rows = _xlsx_rows(data, file, sheet_words) if is_xlsx else _csv_rows(data, file)
    # Spreadsheet rows may end early where cells are empty; csv rows must match the header.
    return _to_table(rows, file, {header_key(a) for a in header_aliases}, pad=is_xlsx)


def _empty(file: str) -> InputError:
    return InputError(
        code="empty_file",
        message=_("het bestand is leeg."),
        file=file,
        hint=_("exporteer het bestand opnieuw."),
    )


def _csv_rows(data: bytes, file: str) -> list[tuple[int, list[str]]]:
    """Parse csv bytes into (line, cells) pairs; line = record number, the way a spreadsheet shows it."""
    try:
        text, _encoding = decode_text(data, file)
    except InputError as exc:
        if exc.code != "encoding":
            raise
        raise _locate_encoding_error(data, exc) from None
    # The separator is the one the header has most of: look past title rows above it (a title such as
    # "Illustratieve gegevens, geen echte cijfers" has a comma, a ';' header has many semicolons).
    head = [line for line in text.splitlines()[:_HEADER_SEARCH_ROWS] if line.strip()] or [""]
    delimiter = max([",", ";", "\t"], key=lambda d: max(line.count(d) for line in head))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 0
    try:
        for cells in reader:
            line += 1
            rows.append((line, cells))
    except csv.Error as exc:
        at_end = "end of data" in str(exc) or "EOF" in str(exc)
        raise InputError(
            code="truncated" if at_end else "invalid_csv",
            message=(
                _("het bestand houdt midden in een regel op (aanhalingsteken niet gesloten).")
                if at_end
                else _("ongeldige csv: {error}.").format(error=exc)
            ),
            file=file,
            record=line + 1,
            hint=(
                _("het bestand is afgebroken; exporteer of download het opnieuw.")
                if at_end
                else _("controleer de aanhalingstekens en het scheidingsteken op die regel.")
            ),
        ) from None
    if rows and not text.endswith(("\n", "\r")):
        # A csv cut off mid-record: the last record has fewer cells than the header.
        widths = [len(c) for _line, c in rows if any(x.strip() for x in c)]
        if len(widths) > 1 and widths[-1] < widths[0]:
            raise InputError(
                code="truncated",
                message=_("de laatste regel is onvolledig: {n} van de {m} kolommen.").format(
                    n=widths[-1], m=widths[0]
                ),
                file=file,
                record=rows[-1][0],
                hint=_("het bestand is afgebroken; exporteer of download het opnieuw."),
            )
    return rows


def _locate_encoding_error(data: bytes, exc: InputError) -> InputError:
    """Name the record and column of the first byte that is not UTF-8 (parsing the text as Latin-1)."""
    text = data.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    # The separator is the one the header has most of: look past title rows above it (a title such as
    # "Illustratieve gegevens, geen echte cijfers" has a comma, a ';' header has many semicolons).
    head = [line for line in text.splitlines()[:_HEADER_SEARCH_ROWS] if line.strip()] or [""]
    delimiter = max([",", ";", "\t"], key=lambda d: max(line.count(d) for line in head))
    header: list[str] = []
    for line, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
        if line == 1:
            header = cells
        for index, cell in enumerate(cells):
            try:
                cell.encode("latin-1").decode("utf-8")
            except UnicodeDecodeError:
                field = header[index] if index < len(header) else None
                return replace(
                    exc,
                    record=line,
                    field=field,
                    message=_(
                        "het bestand is geen UTF-8 (waarschijnlijk Windows-1252/ANSI): onleesbaar teken in '{value}'."
                    ).format(value=cell.encode("latin-1").decode("cp1252", errors="replace")),
                )
    return exc


def _xlsx_rows(data: bytes, file: str, sheet_words: Sequence[str]) -> list[tuple[int, list[str]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, EOFError, KeyError, OSError) as exc:
        raise InputError(
            code="truncated",
            message=_("het Excel-bestand is onvolledig of beschadigd ({error}).").format(error=exc),
            file=file,
            hint=_("het bestand is waarschijnlijk afgebroken; exporteer of download het opnieuw."),
        ) from None
    try:
        names = book.sheetnames
        chosen = next(
            (n for n in names if any(w in n.lower() for w in sheet_words)),
            names[0] if names else None,
        )
        if chosen is None:
            raise _empty(file)
        sheet = book[chosen]
        rows: list[tuple[int, list[str]]] = []
        for line, values in enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True), 1):
            rows.append((line, [_cell_text(v) for v in values]))
    finally:
        book.close()
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep="T")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_table(rows: list[tuple[int, list[str]]], file: str, aliases: set[str], *, pad: bool) -> Table:
    rows = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise _empty(file)
    header_at = next(
        (
            i
            for i, (_line, cells) in enumerate(rows[:_HEADER_SEARCH_ROWS])
            if any(header_key(c) in aliases for c in cells)
        ),
        0,
    )
    header_line, header = rows[header_at]
    while header and not header[-1].strip():
        header = header[:-1]
    names = [c.strip() or f"kolom {i + 1}" for i, c in enumerate(header)]
    body = rows[header_at + 1 :]
    if not body:
        raise InputError(
            code="no_rows",
            message=_("het bestand bevat alleen een kopregel, geen gegevens."),
            file=file,
            record=header_line,
            hint=_("exporteer het bestand opnieuw, met gegevens."),
        )
    width = len(names)
    cells_out: list[list[str]] = []
    for line, cells in body:
        if pad:
            cells = cells + [""] * (width - len(cells))
        elif len(cells) < width or any(c.strip() for c in cells[width:]):
            raise InputError(
                code="field_count",
                message=_("deze regel heeft {n} kolommen, de kopregel {m}.").format(n=len(cells), m=width),
                file=file,
                record=line,
                hint=_("controleer het scheidingsteken en de aanhalingstekens op die regel."),
            )
        cells_out.append([c.strip() for c in cells[:width]])
    frame = pd.DataFrame(cells_out, columns=names, index=pd.Index([line for line, _c in body], name="regel"))
    frame = frame.loc[:, ~frame.columns.duplicated()]
    return Table(file=file, frame=frame, header_line=header_line)


def fail_at(
    code: str,
    message: str,
    table: Table,
    line: int,
    field: str | None,
    hint: str,
) -> InputError:
    """Build an :class:`InputError` for one line of ``table``."""
    return InputError(
        code=code,
        message=message,
        file=table.file,
        record=int(line),
        field=field,
        hint=hint,
    )


def read_codelist(data: bytes, file: str) -> dict[str, str]:
    """Read a police/CBS code list csv (``Key``, ``Title``): stripped code -> title."""
    text, _encoding = decode_text(data, file)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    codes: dict[str, str] = {}
    for record in reader:
        key = (record.get("Key") or "").strip()
        title = (record.get("Title") or "").strip()
        if key and title:
            codes[key] = title
    if not codes:
        raise InputError(
            code="missing_column",
            message=_("codelijst zonder kolommen 'Key' en 'Title'."),
            file=file,
            record=1,
            field="Key",
            hint=_("gebruik de codelijst zoals de politie die publiceert, of verwijder het bestand."),
        )
    return codes


def label_index(codes: Mapping[str, str]) -> dict[str, str]:
    """Map loose labels to codes: the title, the title without a leading code, and the code itself."""
    index: dict[str, str] = {}
    for code, title in codes.items():
        index[text_key(code)] = code
        index[text_key(title)] = code
        stripped = re.sub(r"^\S*\d\S*\s+", "", title) if title.startswith(code) else title
        index[text_key(stripped)] = code
        index[text_key(f"{code} {stripped}")] = code
    return index


def category_parent(scheme: str, code: str) -> str | None:
    """Parent of a code: ``None`` for the total; the total for nuisance codes; '1.1' for crime '1.1.1'."""
    if code == TOTAL_CODE:
        return None
    if scheme == "cbs-misdrijf":
        return code.rsplit(".", 1)[0]
    return TOTAL_CODE


def first_line(mask: pd.Series) -> int:
    """Return the index label (line) of the first true value of ``mask``."""
    return int(mask.index[int(mask.to_numpy().argmax())])


def thousands(values: pd.Series) -> pd.Series:
    """Drop thousands separators from whole counts: '1.234' and '1 234' become '1234'."""
    text = values.astype(str).str.strip()
    grouped = text.str.fullmatch(r"\d{1,3}(?:[.\s\u00a0]\d{3})+")
    return text.mask(grouped, text.str.replace(r"[.\s\u00a0]", "", regex=True))
