"""CBS parse (pure): turn the table's JSON files into observations, categories, regions and population."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ivp.lib.errors import InputError
from ivp.lib.i18n import _
from ivp.sources._common import first_index, json_records, parse_numbers, region_frame, require_keys
from ivp.sources.base import Raw
from ivp.sources.cbs.fetch import CRIMES, INFO, PERIODS, PROPERTIES, REGIONS, TYPED, UNTYPED

MEASURE = "geregistreerde_misdrijven"
SCHEME = "cbs-misdrijf"
TOTAL_CODE = "0.0.0"
#: CBS symbols in an untyped data set that mean "no value": unknown, secret, not applicable.
UNTYPED_MISSING = (".", "x", "?", "")

_PERIOD = re.compile(r"^(\d{4})(JJ|MM|KW)(\d{2})$")


@dataclass(frozen=True)
class TableSpec:
    """What ivp knows about a supported table."""

    kind: str  # 'misdrijven' | 'inwoners'
    catalog: str  # host that serves it
    publisher: str
    measure_key: str  # default topic key in TypedDataSet
    required: tuple[str, ...]  # files that must be in the folder, besides the data set


TABLES: dict[str, TableSpec] = {
    "47018NED": TableSpec(
        "misdrijven", "dataderden.cbs.nl", "CBS / Politie", "GeregistreerdeMisdrijven_1",
        (INFO, PERIODS, CRIMES, REGIONS),
    ),
    "47022NED": TableSpec(
        "misdrijven", "dataderden.cbs.nl", "CBS / Politie", "GeregistreerdeMisdrijven_1",
        (INFO, PERIODS, CRIMES, REGIONS),
    ),
    "85984NED": TableSpec("inwoners", "opendata.cbs.nl", "CBS", "AantalInwoners_5", (INFO,)),
}  # fmt: skip


def table_spec(table: str, origin: str) -> TableSpec:
    try:
        return TABLES[table]
    except KeyError:
        raise InputError(
            code="unknown_table",
            message=_("tabel {table} wordt (nog) niet ondersteund.").format(table=table),
            file=origin,
            hint=_("kies een van: {valid}.").format(valid=", ".join(TABLES)),
        ) from None


def file_path(raw: Raw, name: str) -> str:
    return f"{raw.origin.rstrip('/')}/{name}"


def file_bytes(raw: Raw, name: str) -> bytes:
    try:
        return raw.files[name]
    except KeyError:
        raise InputError(
            code="missing_file",
            message=_("het bestand ontbreekt in de map."),
            file=file_path(raw, name),
            hint=_("haal de tabel opnieuw op met cbsodata.download_data(tabel, dir=map, typed=True)."),
        ) from None


def data_file_name(raw: Raw) -> str:
    """TypedDataSet.json, or UntypedDataSet.json when only that one is there."""
    return UNTYPED if TYPED not in raw.files and UNTYPED in raw.files else TYPED


def _values(raw: Raw, name: str, values: pd.Series, field: str) -> pd.Series:
    """Parse the measure column; in an untyped data set the CBS symbols '.', 'x', '?' mean missing."""
    if name == UNTYPED:
        text = values.astype("string").str.strip()
        values = text.mask(text.isin(UNTYPED_MISSING)).astype(object)
    return parse_numbers(values, file_path(raw, name), field, allow_missing=True, integer=True)


def read_records(raw: Raw, name: str, keys: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    records = json_records(file_bytes(raw, name), file_path(raw, name))
    require_keys(records, keys, file_path(raw, name))
    return records


def _measure_key(raw: Raw, default: str, prefix: str) -> str:
    """The topic column of the measure, from DataProperties.json when present."""
    if PROPERTIES not in raw.files:
        return default
    for prop in read_records(raw, PROPERTIES):
        key = str(prop.get("Key") or "")
        if prop.get("Type") == "Topic" and key.startswith(prefix):
            return key
    return default


def _dimension(
    frame: pd.DataFrame, column: str, known: pd.Index, raw: Raw, code: str, what: str, dim_file: str
) -> pd.Series:
    data_file = data_file_name(raw)
    """Strip a dimension column and check every value is a known key."""
    values = frame[column]
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        bad = values.isna()
    else:
        bad = values.map(lambda v: not isinstance(v, str)).astype(bool)
    if bad.any():
        raise InputError(
            code="missing_value",
            message=_("waarde ontbreekt of is geen tekst."),
            file=file_path(raw, data_file),
            record=int(first_index(bad)),
            field=column,
            hint=_("het bestand is beschadigd; haal de tabel opnieuw op."),
        )
    stripped = values.str.strip()
    # Compare the few distinct values, not every row: the full table has millions of rows.
    strange = set(stripped.unique()) - set(known)
    if strange:
        record = int(first_index(stripped.isin(strange)))
        raise InputError(
            code=code,
            message=_("{what} '{value}' staat niet in {file}.").format(
                what=what, value=stripped.loc[record], file=dim_file
            ),
            file=file_path(raw, data_file),
            record=record,
            field=column,
            hint=_("de bestanden horen niet bij elkaar; haal de hele tabel opnieuw op."),
        )
    return stripped


def _periods(raw: Raw) -> pd.DataFrame:
    """Perioden.json as a frame indexed by key: grain, year, month, status."""
    records = read_records(raw, PERIODS, ("Key", "Status"))
    rows: list[tuple[str, str, int, int | None, str]] = []
    for index, record in enumerate(records):
        key = str(record["Key"]).strip()
        match = _PERIOD.match(key)
        if match is None or match.group(2) == "KW":
            raise InputError(
                code="bad_period",
                message=_("periode '{key}' wordt niet ondersteund.").format(key=key),
                file=file_path(raw, PERIODS),
                record=index,
                field="Key",
                hint=_("ivp leest jaar- (2023JJ00) en maandcijfers (2023MM05)."),
            )
        year, kind, number = int(match.group(1)), match.group(2), int(match.group(3))
        if kind == "MM" and not 1 <= number <= 12:
            raise InputError(
                code="bad_period",
                message=_("periode '{key}' heeft geen geldige maand.").format(key=key),
                file=file_path(raw, PERIODS),
                record=index,
                field="Key",
                hint=_("haal de tabel opnieuw op."),
            )
        status_text = str(record["Status"] or "").strip().lower()
        if status_text.startswith("definitief"):
            status = "definitief"
        elif "voorlopig" in status_text:
            status = "voorlopig"
        else:
            raise InputError(
                code="unknown_status",
                message=_("onbekende status '{status}'.").format(status=record["Status"]),
                file=file_path(raw, PERIODS),
                record=index,
                field="Status",
                hint=_("verwacht 'Definitief' of 'Voorlopig'."),
            )
        grain = "jaar" if kind == "JJ" else "maand"
        rows.append((key, grain, year, number if kind == "MM" else None, status))
    frame = pd.DataFrame(rows, columns=["key", "grain", "year", "month", "status"]).set_index("key")
    frame["month"] = frame["month"].astype("Int64")
    return frame


def category_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """SoortMisdrijf records as categories rows.

    ``parent`` is the nearest ancestor by code prefix that is itself in the list ('1.1.1' -> '1.1' -> '1');
    a code with no such ancestor hangs under the total '0.0.0' (every crime is part of it); the total has
    no parent. ``is_total`` is true for '0.0.0' and for every code that is some other code's parent.
    """
    codes = [str(r["Key"]).strip() for r in records]
    known = set(codes)
    parents: list[str | None] = []
    for code in codes:
        parent: str | None = None
        if code != TOTAL_CODE:
            parts = code.split(".")
            for depth in range(len(parts) - 1, 0, -1):
                candidate = ".".join(parts[:depth])
                if candidate in known:
                    parent = candidate
                    break
            else:
                parent = TOTAL_CODE if TOTAL_CODE in known else None
        parents.append(parent)
    has_children = {p for p in parents if p is not None}
    titles = [
        re.sub(rf"^{re.escape(code)}\s+", "", str(r["Title"]).strip())
        for code, r in zip(codes, records, strict=True)
    ]
    return pd.DataFrame(
        {
            "scheme": SCHEME,
            "code": codes,
            "title": titles,
            "parent": pd.Series(parents, dtype=object),
            "is_total": [code == TOTAL_CODE or code in has_children for code in codes],
        }
    )


def _division_year(raw: Raw) -> int | None:
    """The year of the regional division ('indeling 2024') from DataProperties.json, if stated."""
    if PROPERTIES not in raw.files:
        return None
    for prop in read_records(raw, PROPERTIES):
        if prop.get("Key") == "WijkenEnBuurten":
            match = re.search(r"indeling (\d{4})", str(prop.get("Description") or ""))
            if match:
                return int(match.group(1))
            if isinstance(prop.get("MapYear"), int):
                return int(prop["MapYear"])
    return None


def _regions(raw: Raw) -> pd.DataFrame:
    records = read_records(raw, REGIONS, ("Key", "Title"))
    codes = pd.Series([str(r["Key"]) for r in records]).str.strip()
    names = pd.Series([str(r["Title"] or "").strip() for r in records])
    frame = region_frame(codes, names)
    frame["valid_from"] = _division_year(raw)
    return frame


def parse_crime(raw: Raw, spec: TableSpec) -> tuple[dict[str, pd.DataFrame], str | None, str]:
    periods = _periods(raw)
    categories = category_frame(read_records(raw, CRIMES, ("Key", "Title")))
    regions = _regions(raw)
    measure_key = _measure_key(raw, spec.measure_key, "GeregistreerdeMisdrijven")
    dims = ("SoortMisdrijf", "WijkenEnBuurten", "Perioden")
    records = read_records(raw, data_file_name(raw), (*dims, measure_key))
    data = pd.DataFrame.from_records(records, columns=[*dims, measure_key])
    category = _dimension(
        data,
        "SoortMisdrijf",
        pd.Index(categories["code"]),
        raw,
        "unknown_category",
        _("soort misdrijf"),
        CRIMES,
    )
    region = _dimension(
        data, "WijkenEnBuurten", pd.Index(regions["code"]), raw, "unknown_region", _("regiocode"), REGIONS
    )
    period = _dimension(data, "Perioden", periods.index, raw, "unknown_period", _("periode"), PERIODS)
    keys = pd.DataFrame({"SoortMisdrijf": category, "WijkenEnBuurten": region, "Perioden": period})
    _unique(keys, raw)
    value = _values(raw, data_file_name(raw), data[measure_key], measure_key)
    per = periods.loc[period.to_numpy()]
    observations = pd.DataFrame(
        {
            "measure": MEASURE,
            "scheme": SCHEME,
            "category": category.to_numpy(),
            "region": region.to_numpy(),
            "grain": per["grain"].to_numpy(),
            "year": per["year"].to_numpy(),
            "month": per["month"].array,
            "value": value.to_numpy(),
            "status": per["status"].to_numpy(),
        }
    )
    years = observations["year"]
    provisional = sorted(set(observations.loc[observations["status"] == "voorlopig", "year"]))
    notes = _("{n} waarnemingen, {c} soorten misdrijf, {r} regio's; onderdrukte waarden: {s}.").format(
        n=len(observations), c=len(categories), r=len(regions), s=int(value.isna().sum())
    )
    if provisional:
        notes += " " + _("Voorlopige cijfers: {years}.").format(years=", ".join(map(str, provisional)))
    notes += " " + _("GM0000/WK000000/BU00000000 betekenen 'onbekend' en zijn nooit een totaal.")
    period_text = f"{years.min()}-{years.max()}" if years.min() != years.max() else str(years.min())
    tables = {"observations": observations, "categories": categories, "regions": regions}
    return tables, period_text, notes


def _unique(keys: pd.DataFrame, raw: Raw) -> None:
    duplicated = keys.duplicated(keep="first")
    if duplicated.any():
        record = int(first_index(duplicated))
        row = keys.loc[record]
        same = keys.index[(keys == row).all(axis=1)]
        raise InputError(
            code="duplicate_row",
            message=_("dubbele rij voor soort {c}, regio {r}, periode {p}; ook in record {other}.").format(
                c=row["SoortMisdrijf"], r=row["WijkenEnBuurten"], p=row["Perioden"], other=int(same[0])
            ),
            file=file_path(raw, data_file_name(raw)),
            record=record,
            hint=_("de tabel is beschadigd of dubbel samengevoegd; haal hem opnieuw op."),
        )


def parse_population(
    raw: Raw, spec: TableSpec, info: dict[str, Any]
) -> tuple[dict[str, pd.DataFrame], str | None, str]:
    match = re.search(r"\b(\d{4})\b", str(info.get("Period") or "")) or re.search(
        r"\b(\d{4})\b", str(info.get("Title") or "")
    )
    if match is None:
        raise InputError(
            code="no_year",
            message=_("het jaar van de tabel staat niet in Period of Title."),
            file=file_path(raw, INFO),
            record=0,
            field="Period",
            hint=_("haal de tabel opnieuw op."),
        )
    year = int(match.group(1))
    measure_key = _measure_key(raw, spec.measure_key, "AantalInwoners")
    records = read_records(raw, data_file_name(raw), ("WijkenEnBuurten", measure_key))
    data = pd.DataFrame.from_records(records, columns=["WijkenEnBuurten", measure_key])
    tables: dict[str, pd.DataFrame] = {}
    if REGIONS in raw.files:
        regions = _regions(raw)
        known = pd.Index(regions["code"])
        tables["regions"] = regions
    else:
        known = pd.Index(data["WijkenEnBuurten"].astype("string").str.strip().dropna().unique())
    region = _dimension(data, "WijkenEnBuurten", known, raw, "unknown_region", _("regiocode"), REGIONS)
    duplicated = region.duplicated()
    if duplicated.any():
        record = int(first_index(duplicated))
        raise InputError(
            code="duplicate_row",
            message=_("regio {r} komt twee keer voor.").format(r=region.loc[record]),
            file=file_path(raw, data_file_name(raw)),
            record=record,
            field="WijkenEnBuurten",
            hint=_("de tabel is beschadigd; haal hem opnieuw op."),
        )
    value = _values(raw, data_file_name(raw), data[measure_key], measure_key)
    present = value.notna()
    tables["population"] = pd.DataFrame(
        {"region": region[present].to_numpy(), "year": year, "value": value[present].to_numpy()}
    )
    notes = _("{n} regio's met inwoners ({year}); zonder waarde (geheim of onbekend): {s}.").format(
        n=int(present.sum()), year=year, s=int((~present).sum())
    )
    return tables, str(year), notes
