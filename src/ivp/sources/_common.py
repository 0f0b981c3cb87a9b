"""Parsing helpers shared by the source adapters: decoding, JSON and csv reading, column and number checks.

Every helper is pure (bytes in, values out) and raises :class:`~ivp.lib.errors.InputError` with a stable
``code`` that names the file, the record and the field. Record numbers follow one convention: for csv files
the line number in the file (the header is line 1, so the first data row is line 2); for JSON lists the
0-based index in the list.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ivp.lib.errors import InputError
from ivp.lib.i18n import _

#: Encodings :func:`decode_text` accepts: UTF-8 (with or without byte-order mark) and, when allowed,
#: Windows-1252 (what Excel on Dutch Windows writes for "CSV (gescheiden door lijstscheidingsteken)").
ENCODINGS = ("utf-8", "cp1252")


def decode_text(data: bytes, file: str, *, allow_cp1252: bool = False) -> tuple[str, str]:
    """Decode ``data`` as UTF-8 (a BOM is dropped) or, if allowed, as cp1252; return ``(text, encoding)``.

    Raises ``InputError(code='empty_file')`` for empty or blank input and ``code='encoding'`` for bytes
    that are not UTF-8 when cp1252 is not allowed (or not cp1252 either).
    """
    if not data.strip():
        raise InputError(
            code="empty_file",
            message=_("het bestand is leeg."),
            file=file,
            hint=_("exporteer het bestand opnieuw."),
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        error = exc
    if allow_cp1252:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    line = data[: error.start].count(b"\n") + 1
    raise InputError(
        code="encoding",
        message=_("het bestand is geen UTF-8: onleesbaar teken (byte 0x{byte:02x}) op regel {line}.").format(
            byte=data[error.start], line=line
        ),
        file=file,
        record=line,
        hint=_("sla het bestand op als UTF-8 (in Excel: 'CSV UTF-8'), of haal het opnieuw op."),
    )


def load_json(data: bytes, file: str) -> Any:
    """Parse JSON bytes (UTF-8 only); raise ``empty_file``, ``encoding`` or ``invalid_json``."""
    text, _encoding = decode_text(data, file)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            code="invalid_json",
            message=_("ongeldige JSON op regel {line}, kolom {col}: {error}.").format(
                line=exc.lineno, col=exc.colno, error=exc.msg
            ),
            file=file,
            record=exc.lineno,
            hint=_("het bestand is waarschijnlijk afgebroken of beschadigd; haal het opnieuw op."),
        ) from None


def json_records(data: bytes, file: str) -> list[dict[str, Any]]:
    """Parse a JSON file that must hold a non-empty list of objects (the shape ``cbsodata`` writes)."""
    value = load_json(data, file)
    if isinstance(value, dict) and isinstance(value.get("value"), list):
        value = value["value"]  # an OData page as the server sends it
    if not isinstance(value, list):
        raise InputError(
            code="not_a_list",
            message=_("verwacht een JSON-lijst van records, maar vond een {kind}.").format(
                kind=type(value).__name__
            ),
            file=file,
            hint=_("gebruik de bestanden zoals cbsodata.download_data ze schrijft."),
        )
    if not value:
        raise InputError(
            code="empty_file",
            message=_("het bestand bevat geen records."),
            file=file,
            hint=_("haal de tabel opnieuw op."),
        )
    for index, record in enumerate(value):
        if not isinstance(record, dict):
            raise InputError(
                code="not_a_record",
                message=_("dit element is geen JSON-object."),
                file=file,
                record=index,
                hint=_("gebruik de bestanden zoals cbsodata.download_data ze schrijft."),
            )
    return value


def require_keys(records: Sequence[Mapping[str, Any]], keys: Iterable[str], file: str) -> None:
    """Raise ``missing_field`` naming the first record (0-based index) that lacks one of ``keys``."""
    wanted = frozenset(keys)
    for index, record in enumerate(records):
        if not wanted.issubset(record.keys()):
            missing = sorted(wanted - record.keys())[0]
            raise InputError(
                code="missing_field",
                message=_("verplicht veld '{field}' ontbreekt.").format(field=missing),
                file=file,
                record=index,
                field=missing,
                hint=_("het bestand is onvolledig of van een andere tabel; haal het opnieuw op."),
            )


def normalise_header(name: str) -> str:
    """Lower-case a column header and turn spaces, hyphens and dots into underscores.

    >>> normalise_header(" Gemiddelde bevolking ")
    'gemiddelde_bevolking'
    """
    return re.sub(r"[\s\-.]+", "_", name.strip().lower()).strip("_")


def read_csv_text(
    text: str, file: str, columns: Mapping[str, Sequence[str]], *, dtype: type = str
) -> pd.DataFrame:
    """Read csv text into a frame with the canonical column names of ``columns``.

    ``columns`` maps each canonical name to the header spellings accepted for it (compared after
    :func:`normalise_header`). The separator (``,``, ``;`` or tab) is detected from the header line.
    Every value is read as text; the frame's index is the line number of each row in the file, and
    ``frame.attrs['separator']`` the separator found.
    Raises ``empty_file`` when there are no data rows and ``missing_column`` listing the expected names.
    """
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    separator = max([",", ";", "\t"], key=first_line.count)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=dtype,
            keep_default_na=False,
            skip_blank_lines=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise InputError(
            code="invalid_csv",
            message=_("ongeldige csv: {error}.").format(error=exc),
            file=file,
            record=int(match.group(1)) if match else None,
            hint=_("controleer het scheidingsteken en de aanhalingstekens op die regel."),
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError(
            code="empty_file",
            message=_("het bestand is leeg."),
            file=file,
            hint=_("exporteer het bestand opnieuw."),
        ) from None
    found = {normalise_header(str(c)): str(c) for c in frame.columns}
    rename: dict[str, str] = {}
    for canonical, spellings in columns.items():
        match_ = next((found[normalise_header(s)] for s in spellings if normalise_header(s) in found), None)
        if match_ is None:
            expected = ", ".join(f"'{s}'" for s in spellings)
            raise InputError(
                code="missing_column",
                message=_("kolom '{column}' ontbreekt; gevonden kolommen: {found}.").format(
                    column=canonical, found=", ".join(str(c) for c in frame.columns)
                ),
                file=file,
                record=1,
                field=canonical,
                hint=_("geef de kolom een van deze namen: {expected}.").format(expected=expected),
            )
        rename[match_] = canonical
    frame = frame.rename(columns=rename)[list(columns)]
    if frame.empty:
        raise InputError(
            code="empty_file",
            message=_("het bestand bevat alleen een kopregel, geen gegevens."),
            file=file,
            hint=_("exporteer het bestand opnieuw, met gegevens."),
        )
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # line numbers: header is line 1
    frame.attrs["separator"] = separator
    return frame


def parse_numbers(
    values: pd.Series,
    file: str,
    field: str,
    *,
    allow_missing: bool = False,
    allow_negative: bool = False,
    integer: bool = False,
    decimal_comma: bool = False,
) -> pd.Series:
    """Turn a column into floats, vectorised; the series index is used as the record number in errors.

    Text is stripped; with ``decimal_comma`` a Dutch ``1.234,5`` is read as 1234.5. Empty text and
    ``None`` are missing values, allowed only with ``allow_missing``. Raises ``not_a_number``,
    ``missing_value``, ``negative_value`` or ``not_an_integer`` for the first bad record.
    """
    if not pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        text = values.astype("string").str.strip()
        if decimal_comma:
            text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        text = text.mask(text == "")
        numbers = pd.to_numeric(text, errors="coerce")
        present = text.notna()
        is_bool = values.map(lambda v: isinstance(v, bool)) if values.dtype == object else present & False
        bad = (present & numbers.isna()) | is_bool
    else:
        numbers = pd.to_numeric(values, errors="coerce")
        present = values.notna()
        bad = pd.Series(False, index=values.index)
    if bad.any():
        record = first_index(bad)
        raise InputError(
            code="not_a_number",
            message=_("'{value}' is geen getal.").format(value=values.loc[record]),
            file=file,
            record=_record(record),
            field=field,
            hint=_("vul een getal in (zonder eenheid of tekst)."),
        )
    numbers = numbers.astype("float64")
    if not allow_missing and (~present).any():
        record = first_index(~present)
        raise InputError(
            code="missing_value",
            message=_("waarde ontbreekt."),
            file=file,
            record=_record(record),
            field=field,
            hint=_("vul de waarde in of verwijder de regel."),
        )
    if not allow_negative and (numbers < 0).any():
        record = first_index(numbers < 0)
        raise InputError(
            code="negative_value",
            message=_("negatieve waarde {value} kan niet voor een aantal.").format(value=values.loc[record]),
            file=file,
            record=_record(record),
            field=field,
            hint=_("controleer de bron; aantallen zijn nooit negatief."),
        )
    if integer:
        fractional = numbers.notna() & (numbers != numbers.round())
        if fractional.any():
            record = first_index(fractional)
            raise InputError(
                code="not_an_integer",
                message=_("'{value}' is geen geheel getal.").format(value=values.loc[record]),
                file=file,
                record=_record(record),
                field=field,
                hint=_("vul een geheel getal in."),
            )
    return numbers


def check_pattern(values: pd.Series, pattern: str, file: str, field: str, example: str) -> None:
    """Raise ``bad_code`` for the first value that does not fully match ``pattern``."""
    bad = ~values.astype("string").str.fullmatch(pattern).fillna(False).astype(bool)
    if bad.any():
        record = first_index(bad)
        raise InputError(
            code="bad_code",
            message=_("'{value}' heeft niet de juiste vorm.").format(value=values.loc[record]),
            file=file,
            record=_record(record),
            field=field,
            hint=_("gebruik de vorm {example}.").format(example=example),
        )


def check_unique(frame: pd.DataFrame, keys: Sequence[str], file: str) -> None:
    """Raise ``duplicate_row`` naming the first repeated key and both records (frame index = record)."""
    duplicated = frame.duplicated(subset=list(keys), keep=False)
    if duplicated.any():
        rows = frame.loc[duplicated, list(keys)]
        first_key = tuple(rows.iloc[0])
        same = rows.index[(rows == pd.Series(first_key, index=list(keys))).all(axis=1)]
        key_text = ", ".join(f"{k}={v}" for k, v in zip(keys, first_key, strict=True))
        raise InputError(
            code="duplicate_row",
            message=_("dubbele rij ({key}); ook in record {other}.").format(
                key=key_text, other=_record(same[0])
            ),
            file=file,
            record=_record(same[1]),
            field=", ".join(keys),
            hint=_("elke combinatie mag maar één keer voorkomen; verwijder de dubbele rij."),
        )


def first_index(mask: pd.Series) -> Any:
    """The index label of the first True in a boolean series (the caller knows one is True)."""
    return mask.index[int(np.argmax(mask.to_numpy(dtype=bool)))]


def _nullable(values: pd.Series) -> pd.Series:
    """Object series with None for missing values (what the store expects for NULL text)."""
    out = values.astype(object)
    out[values.isna().to_numpy()] = None
    return out


def _record(label: Any) -> int | str:
    return int(label) if isinstance(label, int | float) or hasattr(label, "__index__") else str(label)


#: Region level by CBS code prefix. ``GM0000``, ``WK000000`` and ``BU00000000`` are "unknown
#: municipality/district/neighbourhood": level 'onbekend', never a total.
REGION_LEVELS = {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}
REGION_COLUMNS = ("code", "level", "name", "parent", "gemeente", "valid_from", "valid_to", "geometry")


def region_frame(codes: pd.Series, names: pd.Series) -> pd.DataFrame:
    """Regions rows for CBS region codes, with level, parent and municipality derived from the code.

    Buurt ``BU05050100`` -> wijk ``WK050501`` -> gemeente ``GM0505`` -> ``NL00``. Other prefixes get
    level 'overig' and no parent. Vectorised: fine for every code of the Netherlands.
    """
    codes = codes.astype("string").reset_index(drop=True)
    prefix = codes.str[:2]
    level = prefix.map(REGION_LEVELS).fillna("overig").astype("string")
    unknown = prefix.isin(["GM", "WK", "BU"]) & codes.str[2:].str.fullmatch("0+").fillna(False).astype(bool)
    level = level.mask(unknown, "onbekend")
    gemeente_code = "GM" + codes.str[2:6]
    parent = pd.Series(pd.NA, index=codes.index, dtype="string")
    parent = parent.mask(prefix == "GM", "NL00")
    parent = parent.mask(codes == "GM0000", pd.NA)
    parent = parent.mask(prefix == "WK", gemeente_code)
    parent = parent.mask(prefix == "BU", "WK" + codes.str[2:8])
    gemeente = gemeente_code.mask(~prefix.isin(["GM", "WK", "BU"]))
    return pd.DataFrame(
        {
            "code": codes.astype(object),
            "level": level.astype(object),
            "name": names.reset_index(drop=True).astype(object),
            "parent": _nullable(parent),
            "gemeente": _nullable(gemeente),
            "valid_from": pd.Series(pd.NA, index=codes.index, dtype="Int64"),
            "valid_to": pd.Series(pd.NA, index=codes.index, dtype="Int64"),
            "geometry": pd.Series(None, index=codes.index, dtype=object),
        }
    )
