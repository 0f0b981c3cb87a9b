"""``meldpunt``: counts of residents' reports (meldingen) per category, area and month.

Three shapes, csv (``;`` or ``,``, UTF-8 with or without BOM) or xlsx, recognised by their header:

(a) **aggregated**, the shape ivp itself writes (``ivp meldpunt-cijfers``): ``categorie``, ``gebied``
    (optional), ``jaar``, ``maand``, ``aantal``, optional ``categorie_code`` (the slug; else the slug of
    ``categorie``). Each row counts distinct meldingen: the municipality's total is the sum of all rows.
(b) **Fixi** export, one row per melding: ``id``, ``categoryName``, ``teamName``, ``source``, ``created``,
    ``regionName`` (as ``katwijk_fixi_2017_2025.csv``); read are ``categoryName``, ``created`` and
    ``regionName``.
(c) **Signalen** export (Amsterdam's open-source system), one row per signal. Confirmed in the Signalen
    sources: ``created_at``, ``main_category`` and ``sub_category`` (category names; delta10/signalen-bi,
    which replicates Signalen's exports), ``Main`` and ``Sub`` (its ML export), the location's ``area_code``
    and ``area_name`` (Amsterdam/signals ``Location`` model). The first present of ``sub_category``, ``Sub``,
    ``sub_slug``, ``category``, ``main_category``, ``Main``, ``main_slug`` is the category (``sub_slug``,
    ``main_slug`` and ``category`` are accepted, not confirmed as csv columns); ``area_code`` when it is a
    CBS code, else ``area_name``, is the area. Signalen's ``buurt_code`` (4 characters, Amsterdam's own)
    and ``stadsdeel`` (a letter) are not CBS codes and are not read; nor are coordinates.

Stored (the contract of issue 13, deliverable 4): observations with measure ``meldpunt_meldingen``, scheme
``meldpunt``, category = slug, grain ``maand``, status ``definitief``; one row per category x month at the
municipality (``Raw.gemeente``) for every month from the first to the last month in the file, zeros
included; plus, like ``politie-overlast``, rows at the wijk or buurt an area resolves to (the one region
resolver), for every category x month of the file, zeros included. An area that does not resolve to a wijk
or buurt of the municipality (unknown, ambiguous, the municipality itself, empty) counts in the total only;
the provenance notes say how many. Timestamps become months in Europe/Amsterdam: a time with an offset
(``Z``, ``+01:00``) is converted, one without is taken as local time. Nothing personal is stored: no ids,
texts, addresses or reporters, only counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ivp.lib.errors import InputError
from ivp.lib.i18n import _
from ivp.sources._common import parse_numbers
from ivp.sources.base import Raw, fetch_file, register
from ivp.sources.politie import Table, fail_at, first_line, main_file, read_table, thousands
from ivp.sources.politie_overlast import MONTHS
from ivp.sources.regions import AmbiguousRegionError, AreaIndex, resolve
from ivp.store import Batch, Provenance

SCHEME = "meldpunt"
MEASURE = "meldpunt_meldingen"
LICENCE = "niet openbaar (meldingen van inwoners)"
TIMEZONE = "Europe/Amsterdam"
#: Slugs are cut like the web app's import cuts new category slugs (``ivp.web.meldingen.importing``).
SLUG_LENGTH = 45
#: The category of an exported melding without one (as the web app's import does).
NO_CATEGORY = "Overig"

CATEGORY_ALIASES = ("categorie", "categorienaam", "categorie naam")
CODE_ALIASES = ("categorie_code", "categoriecode", "categorie slug")
AREA_ALIASES = ("gebied", "gebiedscode", "buurtcode", "buurt_code", "wijkcode")
YEAR_ALIASES = ("jaar",)
MONTH_ALIASES = ("maand",)
COUNT_ALIASES = ("aantal", "aantal meldingen", "meldingen")
FIXI_CATEGORY = ("categoryName",)
FIXI_TIME = ("created",)
FIXI_AREA = ("regionName",)
SIGNALEN_TIME = ("created_at",)
SIGNALEN_CATEGORY = ("sub_category", "Sub", "sub_slug", "category", "main_category", "Main", "main_slug")
SIGNALEN_AREA_CODE = ("area_code",)
SIGNALEN_AREA_NAME = ("area_name",)

_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?$"
)
#: A category code: what the web app's ``Category.slug`` (a Django SlugField) accepts.
_CODE = r"[-A-Za-z0-9_]{1,50}"
_DUTCH = re.compile(
    r"^(?P<d>\d{1,2})[-/](?P<m>\d{1,2})[-/](?P<y>\d{4})(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)


def slug(text: str) -> str:
    """The stable code of a category name, by the rules of Django's ``slugify`` (``sources`` has no Django).

    >>> slug("Overlast jeugd"), slug("Overlast door persoon met onbegrepen gedrag")[:20], slug("Wegen, straten")
    ('overlast-jeugd', 'overlast-door-persoo', 'wegen-straten')
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", ascii_text.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")[:SLUG_LENGTH]


@dataclass(frozen=True)
class Shape:
    """What a file is: its kind, the publisher to credit and the columns read."""

    kind: str  # 'geaggregeerd' | 'fixi' | 'signalen'
    publisher: str
    category: str
    area: str | None
    time: str | None = None
    code: str | None = None
    area_name: str | None = None


@dataclass(frozen=True)
class Counted:
    """One count per input row (index = line): category slug and title, area text, year, month, value."""

    rows: pd.DataFrame
    areas: pd.Series
    fields: dict[str, str]


@register
class Meldpunt:
    """Meldingen of the meldpunt (ivp's own aggregated csv, or a Fixi or Signalen export), counted."""

    id = "meldpunt"
    title = "Meldingen bij het meldpunt"

    def fetch(self, location: str | None, *, dataset: str | None = None) -> Raw:
        return fetch_file(location, example="ivp ingest meldpunt meldingen.csv")

    def parse(self, raw: Raw) -> Batch:
        name, data = main_file(raw)
        aliases = (*CATEGORY_ALIASES, *COUNT_ALIASES, *FIXI_CATEGORY, *SIGNALEN_TIME, *SIGNALEN_CATEGORY)
        table = read_table(name, data, raw.origin, header_aliases=aliases, sheet_words=("melding",))
        if not raw.gemeente:
            raise InputError(
                code="no_municipality",
                message=_("onbekend voor welke gemeente deze meldingen gelden."),
                file=table.file,
                hint=_("laad het bestand in een werkmap: ivp ingest meldpunt BESTAND -w WERKMAP."),
            )
        shape = recognise(table)
        counted = _aggregated(table, shape) if shape.kind == "geaggregeerd" else _events(table, shape)
        areas, notes = _areas(counted.areas, raw.areas, raw.gemeente)
        rows = counted.rows.assign(area=areas)
        if shape.kind == "geaggregeerd":
            _check_duplicates(table, rows, counted.fields)
        observations = _observations(rows, raw.gemeente)
        titles = rows.drop_duplicates("category")
        categories = pd.DataFrame(
            {
                "scheme": SCHEME,
                "code": titles["category"].tolist(),
                "title": titles["title"].tolist(),
                "parent": None,
                "is_total": False,
            }
        ).sort_values("code", ignore_index=True)
        first, last = int(observations["year"].min()), int(observations["year"].max())
        total = int(rows["value"].sum())
        summary = _("{n} meldingen in {c} categorieën, {m} maanden").format(
            n=total, c=len(categories), m=observations.drop_duplicates(["year", "month"]).shape[0]
        )
        provenance = Provenance(
            source_id=self.id,
            dataset=name,
            title=_("Meldingen bij het meldpunt"),
            publisher=shape.publisher,
            licence=LICENCE,
            origin=raw.origin,
            file_hash=raw.file_hash(),
            retrieved_at=raw.retrieved_at,
            period=str(first) if first == last else f"{first}-{last}",
            notes=f"{summary}; {notes}.",
        )
        return Batch(provenance, {"observations": observations, "categories": categories})


def recognise(table: Table) -> Shape:
    """The shape of ``table`` by its header, or ``unknown_shape`` naming the headers of each shape."""
    if table.column(COUNT_ALIASES) and table.column(CATEGORY_ALIASES):
        return Shape(
            "geaggregeerd",
            _("Meldpunt van de gemeente"),
            table.require("categorie", CATEGORY_ALIASES),
            table.column(AREA_ALIASES),
            code=table.column(CODE_ALIASES),
        )
    if table.column(FIXI_CATEGORY) and table.column(FIXI_TIME):
        return Shape(
            "fixi",
            "Fixi",
            table.require("categoryName", FIXI_CATEGORY),
            table.column(FIXI_AREA),
            time=table.require("created", FIXI_TIME),
        )
    if table.column(SIGNALEN_TIME) and table.column(SIGNALEN_CATEGORY):
        return Shape(
            "signalen",
            "Signalen",
            table.require("sub_category", SIGNALEN_CATEGORY),
            table.column(SIGNALEN_AREA_CODE),
            time=table.require("created_at", SIGNALEN_TIME),
            area_name=table.column(SIGNALEN_AREA_NAME),
        )
    raise InputError(
        code="unknown_shape",
        message=_("dit is geen bekend meldingenbestand; gevonden kolommen: {found}.").format(
            found=", ".join(str(c) for c in table.frame.columns)
        ),
        file=table.file,
        record=table.header_line,
        hint=_(
            "gebruik de kolommen categorie;gebied;jaar;maand;aantal (eventueel categorie_code), een "
            "Fixi-export (categoryName, created, regionName) of een Signalen-export (created_at, "
            "sub_category of main_category, area_code of area_name)."
        ),
    )


def _aggregated(table: Table, shape: Shape) -> Counted:
    frame = table.frame
    year_col = table.require("jaar", YEAR_ALIASES)
    month_col = table.require("maand", MONTH_ALIASES)
    count_col = table.require("aantal", COUNT_ALIASES)
    title = frame[shape.category].astype(str)
    empty = title == ""
    if empty.any():
        raise fail_at(
            "missing_value",
            _("de categorie ontbreekt."),
            table,
            first_line(empty),
            shape.category,
            _("vul de naam van de categorie in."),
        )
    code = (
        frame[shape.code].where(frame[shape.code] != "", title.map(slug)) if shape.code else title.map(slug)
    )
    bad_code = ~code.str.fullmatch(_CODE)
    if bad_code.any():
        line = first_line(bad_code)
        raise fail_at(
            "invalid_code",
            _("categoriecode '{value}' is geen code (letters zonder accenten, cijfers, - en _).").format(
                value=code[line]
            ),
            table,
            line,
            shape.code or shape.category,
            _("schrijf de code als {example}, of laat de kolom leeg.").format(
                example=slug(title[line]) or "overig"
            ),
        )
    years = _whole(table, year_col, frame[year_col], lambda v: 1990 <= v <= 2100)
    months = _whole(table, month_col, frame[month_col].map(_month_number), lambda v: 1 <= v <= 12)
    values = parse_numbers(thousands(frame[count_col]).astype(object), table.file, count_col, integer=True)
    rows = pd.DataFrame(
        {"category": code, "title": title, "year": years, "month": months, "value": values.astype("int64")}
    )
    areas = frame[shape.area] if shape.area else pd.Series("", index=frame.index)
    fields = {"category": shape.code or shape.category, "area": shape.area or "", "year": year_col}
    return Counted(rows, areas, fields)


def _month_number(text: str) -> str:
    key = str(text).strip().lower().rstrip(".")
    return str(MONTHS[key]) if key in MONTHS else str(text).strip()


def _whole(table: Table, field: str, values: pd.Series, valid: Callable[[float], bool]) -> pd.Series:
    """Whole numbers in a valid range; ``invalid_period`` for the first one that is not."""
    numbers = pd.to_numeric(values.astype(str).str.strip(), errors="coerce")
    ok = numbers.notna() & (numbers == numbers.round())
    ok &= numbers.where(ok, 0).map(valid).astype(bool)
    if not ok.all():
        line = first_line(~ok)
        raise fail_at(
            "invalid_period",
            _("'{value}' is geen geldig(e) {field}.").format(value=table.frame.loc[line, field], field=field),
            table,
            line,
            field,
            _("schrijf het jaar als 2024 en de maand als 1 tot en met 12 (of januari, jan, ...)."),
        )
    return numbers.astype("int64")


def _events(table: Table, shape: Shape) -> Counted:
    frame = table.frame
    assert shape.time is not None
    names = frame[shape.category].astype(str).mask(frame[shape.category] == "", NO_CATEGORY)
    codes = names.map(slug).mask(lambda s: s == "", "overig")
    year, month = months_of(table, shape.time)
    rows = pd.DataFrame({"category": codes, "title": names, "year": year, "month": month, "value": 1})
    if shape.kind == "signalen":
        code = frame[shape.area] if shape.area else pd.Series("", index=frame.index)
        is_cbs = code.str.upper().str.fullmatch(r"(WK\d{6}|BU\d{8}|GM\d{4})")
        name = frame[shape.area_name] if shape.area_name else pd.Series("", index=frame.index)
        areas = code.str.upper().where(is_cbs, name)
    else:
        areas = frame[shape.area] if shape.area else pd.Series("", index=frame.index)
    return Counted(rows, areas, {"category": shape.category})


def months_of(table: Table, field: str) -> tuple[pd.Series, pd.Series]:
    """Year and month (Europe/Amsterdam) of each timestamp in column ``field``; ``invalid_date`` if unreadable."""
    text = table.frame[field].astype(str).str.strip()
    parts = text.str.extract(_ISO)
    dutch = text.str.extract(_DUTCH)
    use_dutch = parts["y"].isna() & dutch["y"].notna()
    for column in ("y", "m", "d", "H", "M", "S"):
        parts[column] = parts[column].where(~use_dutch, dutch[column])
    numbers = parts[["y", "m", "d", "H", "M", "S"]].apply(pd.to_numeric, errors="coerce")
    stamp = pd.to_datetime(
        pd.DataFrame(
            {
                "year": numbers["y"],
                "month": numbers["m"],
                "day": numbers["d"],
                "hour": numbers["H"].fillna(0),
                "minute": numbers["M"].fillna(0),
                "second": numbers["S"].fillna(0),
            }
        ),
        errors="coerce",
    )
    bad = stamp.isna() | (numbers["H"] > 23)
    if bad.any():
        line = first_line(bad)
        raise fail_at(
            "invalid_date",
            _("'{value}' is geen datum en tijd.").format(value=table.frame.loc[line, field])
            if text[line]
            else _("de datum ontbreekt."),
            table,
            line,
            field,
            _(
                "schrijf de tijd als 2024-05-31 14:05:00 (eventueel met +02:00 of Z), of als 31-05-2024 14:05."
            ),
        )
    zone = parts["tz"]
    aware = zone.notna()
    year, month = numbers["y"].astype("int64"), numbers["m"].astype("int64")
    if aware.any():
        offset = zone[aware].map(_offset_minutes)
        utc = (stamp[aware] - pd.to_timedelta(offset, unit="min")).dt.tz_localize("UTC")
        local = utc.dt.tz_convert(TIMEZONE)
        year = year.mask(aware, local.dt.year)
        month = month.mask(aware, local.dt.month)
    return year.astype("int64"), month.astype("int64")


def _offset_minutes(zone: str) -> int:
    if zone == "Z":
        return 0
    digits = zone[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
    return minutes if zone[0] == "+" else -minutes


def _areas(values: pd.Series, index: AreaIndex, gemeente: str) -> tuple[pd.Series, str]:
    """The wijk or buurt code of each row's area (None: the municipality's total only), and a note."""
    text = values.fillna("").astype(str).str.strip()
    found: dict[str, str | None] = {}
    for value in text.unique():
        found[value] = _area(value, index, gemeente) if value else None
    codes = text.map(found)
    placed = int(codes.notna().sum())
    missed = sorted(v for v, c in found.items() if v and c is None)
    note = _("{a} rijen in een wijk of buurt, {t} alleen in het gemeentetotaal").format(
        a=placed, t=len(codes) - placed
    )
    if missed:
        shown = ", ".join(missed[:8]) + (", ..." if len(missed) > 8 else "")
        note += " " + _("(geen wijk of buurt: {names})").format(names=shown)
    return codes.astype(object), note


def _area(value: str, index: AreaIndex, gemeente: str) -> str | None:
    # A CBS code, else a buurt, else a wijk name within the municipality. Not the resolver's 'gebied' slot,
    # which tries municipality names of the whole country first (a wijk named like another municipality).
    try:
        resolution = resolve(index, pd.DataFrame({"buurt": [value], "wijk": [value]}), gemeente=gemeente)
    except AmbiguousRegionError:
        return None  # a name that fits several areas counts in the total only
    code = resolution.code.iloc[0]
    if not isinstance(code, str) or not code.startswith(("WK", "BU")) or code[2:6] != gemeente[2:6]:
        return None
    return code


def _check_duplicates(table: Table, rows: pd.DataFrame, fields: dict[str, str]) -> None:
    """Refuse an aggregated file that counts the same category, area and month twice.

    The area as written: two rows whose different area texts resolve to one buurt (a code and a name) are
    distinct meldingen and are added up.
    """
    area_text = table.frame[fields["area"]].str.strip().str.upper() if fields["area"] else ""
    keys = rows[["category", "year", "month"]].assign(area=area_text)
    dup = keys.duplicated(keep=False)
    if not dup.any():
        return
    first = keys[dup].iloc[0]
    same = keys.index[(keys == first).all(axis=1)]
    raise fail_at(
        "duplicate_row",
        _("dubbele rij: categorie {code}, gebied '{area}', {year}-{month:02d} staat ook op regel {other}.").format(
            code=first["category"], area=first["area"], year=first["year"], month=first["month"], other=same[0]
        ),
        table,
        int(same[1]),
        fields["category"],
        _("elke combinatie van categorie, gebied, jaar en maand mag maar één keer voorkomen; tel de rijen op "
          "of verwijder de dubbele."),
    )  # fmt: skip


def _observations(rows: pd.DataFrame, gemeente: str) -> pd.DataFrame:
    """Counts per category x month (municipality) and per category x area x month, zeros included."""
    first = rows["year"] * 12 + rows["month"]
    start = pd.Period(year=int(first.min() - 1) // 12, month=int(first.min() - 1) % 12 + 1, freq="M")
    end = pd.Period(year=int(first.max() - 1) // 12, month=int(first.max() - 1) % 12 + 1, freq="M")
    months = pd.period_range(start, end, freq="M")
    month_frame = pd.DataFrame({"year": months.year, "month": months.month})
    categories = pd.DataFrame({"category": sorted(rows["category"].unique())})
    areas = [gemeente, *sorted(rows["area"].dropna().unique())]
    grid = categories.merge(month_frame, how="cross").merge(pd.DataFrame({"region": areas}), how="cross")
    total = rows.groupby(["category", "year", "month"], as_index=False)["value"].sum().assign(region=gemeente)
    placed = rows[rows["area"].notna()].rename(columns={"area": "region"})
    per_area = placed.groupby(["category", "region", "year", "month"], as_index=False)["value"].sum()
    counts = pd.concat([total, per_area], ignore_index=True)
    merged = grid.merge(counts, on=["category", "region", "year", "month"], how="left")
    merged = merged.sort_values(["region", "category", "year", "month"], ignore_index=True)
    return pd.DataFrame(
        {
            "measure": MEASURE,
            "scheme": SCHEME,
            "category": merged["category"].astype(str),
            "region": merged["region"].astype(str),
            "grain": "maand",
            "year": merged["year"].astype("int64"),
            "month": merged["month"].astype("Int64"),
            "value": merged["value"].fillna(0).astype("float64"),
            "status": "definitief",
        }
    )
