"""``politie-overlast``: nuisance registrations per code, area and period, as the police deliver them.

Accepted shape (documented in ``docs/sources.md``, section Politie): one row per code x area x period with a
count ("lang"; an empty count is an error), or one row per code x area with one count column per period
("breed": headers like ``2022``, ``2023`` or ``mei 2023``; an empty cell is no value, not a zero). csv or
xlsx; see :mod:`ivp.sources.politie` for the file rules.

Classes: the police's nuisance classes with their current and earlier labels
(:data:`~ivp.sources.politie_codes.OVERLAST_CLASSES`), plus the classes the workspace taxonomy adds in
``[schema.politie-overlast.klassen]`` (``Raw.taxonomy``; None means the default). The stored title of a
code is its current label (the workspace's label, if it gives one).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pandas as pd

from ivp.lib.i18n import _
from ivp.sources._common import parse_numbers
from ivp.sources.base import Raw, fetch_file, register
from ivp.sources.politie import (
    LICENCE_DELIVERED,
    PUBLISHER,
    Table,
    category_parent,
    fail_at,
    first_line,
    label_index,
    main_file,
    read_table,
    text_key,
    thousands,
)
from ivp.sources.politie_codes import OVERLAST_CODES, OVERLAST_LABELS, TOTAL_CODE
from ivp.sources.regions import FALLBACK, AmbiguousRegionError, Resolution, resolve
from ivp.store import Batch, Provenance
from ivp.themes import Taxonomy, load_taxonomy
from ivp.themes.taxonomy import DEFAULT_FILE, WORKSPACE_FILE

SCHEME = "politie-overlast"
MEASURE = "overlast_registraties"

CODE_ALIASES = (
    "code", "incidentcode", "overlastcode", "incidentsoort code", "maatschappelijke klasse code",
    "mk code", "soort code", "soort", "soort overlast", "overlastsoort", "incidentsoort",
    "maatschappelijke klasse", "categorie", "omschrijving", "overlast",
)  # fmt: skip
#: Most detailed first: a row with a buurt uses the buurt, else the wijk, else the municipality.
AREA_ALIASES = (
    "buurtcode", "wijkcode", "gemeentecode", "gebiedscode", "regiocode",
    "buurt", "buurtnaam", "pleegbuurt", "wijk", "wijknaam", "pleegwijk",
    "gemeente", "gemeentenaam", "pleeggemeente", "gebied", "gebiedsnaam", "regio", "regionaam",
)  # fmt: skip
YEAR_ALIASES = ("jaar", "registratiejaar", "pleegjaar")
PERIOD_ALIASES = ("periode", "maand", "registratiemaand", "pleegmaand", "datum")
COUNT_ALIASES = (
    "aantal", "registraties", "aantal registraties", "aantal incidenten", "incidenten",
    "aantal meldingen", "meldingen", "waarde",
)  # fmt: skip
STATUS_ALIASES = ("status",)
PROVISIONAL_ALIASES = ("voorlopig",)
LICENCE_ALIASES = ("licentie",)

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "maa": 3, "april": 4,
    "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_CODE = re.compile(r"^([A-Za-z]\d{2,4}|0\.0\.0)(?:$|[\s:\-–]+)")
_NAMED_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

Period = tuple[str, int, int | None]


def parse_period(text: str) -> Period | None:
    """Read '2023', '2023-05', '2023M05', '05-2023', 'mei 2023', '2023 mei' or a date '2023-05-01'.

    >>> parse_period("mei 2023"), parse_period("2023")
    (('maand', 2023, 5), ('jaar', 2023, None))
    """
    value = text_key(text).replace(".", "")
    patterns: list[tuple[str, tuple[int, int | None]]] = [
        (r"(\d{4})(?:jj00)?", (1, None)),
        (r"(\d{4})\s*(?:-|/|m|mm)\s*(\d{1,2})", (1, 2)),
        (r"(\d{4})(\d{2})", (1, 2)),
        (r"(\d{1,2})\s*[-/]\s*(\d{4})", (2, 1)),
        (rf"({_NAMED_MONTH})\s*[-/ ]?\s*(\d{{4}})", (2, 1)),
        (rf"(\d{{4}})\s*[-/ ]?\s*({_NAMED_MONTH})", (1, 2)),
        (r"(\d{4})-(\d{2})-01(?:t00:00(?::00)?)?", (1, 2)),
    ]
    for pattern, (year_group, month_group) in patterns:
        match = re.fullmatch(pattern, value)
        if not match:
            continue
        year = int(match.group(year_group))
        month: int | None = None
        if month_group is not None:
            part = match.group(month_group)
            month = MONTHS[part] if part in MONTHS else int(part)
        if not 1990 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
            return None
        return ("jaar", year, None) if month is None else ("maand", year, month)
    return None


def _month(text: str) -> int | None:
    key = text_key(text).replace(".", "")
    if key in MONTHS:
        return MONTHS[key]
    if key.isdigit() and 1 <= int(key) <= 12:
        return int(key)
    return None


@register
class PolitieOverlast:
    """Police nuisance registrations (csv or xlsx), counts per nuisance code, area and period."""

    id = "politie-overlast"
    title = "Overlastregistraties van de politie"

    def fetch(self, location: str | None, *, dataset: str | None = None) -> Raw:
        return fetch_file(location, example="ivp ingest politie-overlast overlast.xlsx")

    def parse(self, raw: Raw) -> Batch:
        name, data = main_file(raw)
        table = read_table(
            name,
            data,
            raw.origin,
            header_aliases=(*CODE_ALIASES, *COUNT_ALIASES, *YEAR_ALIASES, *PERIOD_ALIASES),
            sheet_words=("overlast",),
        )
        long = _long_rows(table)
        classes = known_classes(raw.taxonomy)
        codes = _codes(table, long, classes)
        resolution = _regions(table, long, raw)
        grains, years, months = _periods(table, long)
        observations = pd.DataFrame(
            {
                "measure": MEASURE,
                "scheme": SCHEME,
                "category": codes,
                "region": resolution.code.astype(str),
                "grain": grains,
                "year": years.astype("int64"),
                "month": months.astype("Int64"),
                "value": long["value"].astype("float64"),
                "status": _status(table, long),
            },
            index=long.index,
        )
        filled = observations["value"].notna().to_numpy()
        observations = _filled(table, observations)
        kept = (resolution.code, resolution.how, resolution.unknown, resolution.unknown_slot)
        resolution = Resolution(*(part[filled] for part in kept))  # the notes count stored counts
        _check_duplicates(table, observations)
        used = sorted(set(observations["category"]))
        categories = pd.DataFrame(
            {
                "scheme": SCHEME,
                "code": used,
                "title": [classes.titles[c] for c in used],
                "parent": [category_parent(SCHEME, c) for c in used],
                "is_total": [c == TOTAL_CODE for c in used],
            }
        )
        first, last = int(observations["year"].min()), int(observations["year"].max())
        provenance = Provenance(
            source_id=self.id,
            dataset=name,
            title=_("Overlastregistraties van de politie"),
            publisher=PUBLISHER,
            licence=_licence(table),
            origin=raw.origin,
            file_hash=raw.file_hash(),
            retrieved_at=raw.retrieved_at,
            period=str(first) if first == last else f"{first}-{last}",
            notes=resolution.notes(raw.areas) + ".",
        )
        return Batch(
            provenance,
            {"observations": observations.reset_index(drop=True), "categories": categories},
        )


def _long_rows(table: Table) -> pd.DataFrame:
    """Return one row per count: columns code, area, year, period, value, status, field; index = line."""
    frame = table.frame
    code_col = table.require("code", CODE_ALIASES)
    count_col = table.column(COUNT_ALIASES)
    year_col = table.column(YEAR_ALIASES)
    period_col = table.column(PERIOD_ALIASES)
    keep = {c for c in (code_col, year_col, period_col) if c}
    if count_col is None:
        period_cols = [c for c in frame.columns if c not in keep and parse_period(str(c)) is not None]
        if not period_cols:
            table.require("aantal", COUNT_ALIASES)  # raises missing_column with the accepted names
        parts = []
        for column in period_cols:
            part = pd.DataFrame(index=frame.index)
            part["period"] = str(column)
            part["year"] = ""
            # An empty cell of the wide shape is no value (dropped by _filled), not a zero.
            part["value"] = parse_numbers(
                thousands(frame[column]).astype(object),
                table.file,
                str(column),
                integer=True,
                allow_missing=True,
            )
            parts.append(part)
        long = pd.concat(parts)
    else:
        if year_col is None and period_col is None:
            table.require("jaar", (*YEAR_ALIASES, *PERIOD_ALIASES))
        long = pd.DataFrame(index=frame.index)
        long["period"] = frame[period_col] if period_col else ""
        long["year"] = frame[year_col] if year_col else ""
        long["value"] = parse_numbers(
            thousands(frame[count_col]).astype(object), table.file, count_col, integer=True
        )
    frame_cols = frame.reindex(long.index)
    long["code"] = frame_cols[code_col]
    return long


@dataclass(frozen=True)
class Classes:
    """The nuisance classes a file may use: code -> stored title, loose label -> code, and where to add one."""

    titles: dict[str, str]
    index: dict[str, str]
    #: The file a user adds a class to (the workspace's taxonomy file, else its name).
    file: str


def known_classes(taxonomy: Taxonomy | None) -> Classes:
    """The shipped classes and labels, plus the classes of ``[schema.politie-overlast.klassen]``."""
    taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
    titles = dict(OVERLAST_CODES)
    index = label_index(OVERLAST_CODES) | {text_key(k): v for k, v in OVERLAST_LABELS.items()}
    scheme = taxonomy.schemes.get(SCHEME)
    for added in scheme.classes.values() if scheme else ():
        titles[added.code] = added.label
        index |= label_index({added.code: added.label})
        index |= {text_key(label): added.code for label in added.labels}
    source = taxonomy.source.split(" + ")[-1]
    where = _("{file} in de werkmap").format(file=WORKSPACE_FILE) if source == DEFAULT_FILE else source
    return Classes(titles, index, where)


def class_line(value: str) -> str:
    """The ``[schema.politie-overlast.klassen]`` line that makes ``value`` a known class."""
    text = value.strip()
    match = _CODE.match(text)
    code = match.group(1).upper() if match else _("<politiecode>")
    label = (text[match.end() :] if match else text).strip() or _("<omschrijving van de politie>")
    return f'"{code}" = {{ label = {json.dumps(label, ensure_ascii=False)}, themas = ["overlast"] }}'


def _codes(table: Table, long: pd.DataFrame, classes: Classes) -> pd.Series:
    code_col = table.require("code", CODE_ALIASES)
    index = classes.index
    mapping: dict[str, str | None] = {}
    for value in long["code"].unique():
        key = text_key(str(value))
        found = index.get(key) or index.get(re.sub(r"^melding\s+", "", key))
        match = _CODE.match(str(value).strip())
        if found is None and match and match.group(1).upper() in classes.titles:
            found = match.group(1).upper()
        mapping[str(value)] = found
    codes = long["code"].map(mapping)
    unknown = codes.isna()
    if unknown.any():
        line = first_line(unknown)
        value = long.loc[unknown, "code"].iloc[0]
        raise fail_at(
            "unknown_code",
            _("onbekende overlastcode of -omschrijving '{value}'.").format(value=value)
            if value
            else _("de overlastcode ontbreekt."),
            table,
            line,
            code_col,
            _hint(str(value), classes),
        )
    return codes.astype(str)


def _hint(value: str, classes: Classes) -> str:
    known = _(
        "gebruik een politiecode ({codes}) of een omschrijving van de politie, ook een eerdere "
        "(zoals 'Overlast door verward persoon')."
    ).format(codes=", ".join(c for c in classes.titles if c != TOTAL_CODE))
    if not value.strip():
        return known
    return (
        known
        + " "
        + _(
            "Is het een klasse die ivp nog niet kent, voeg dan in {file} onder "
            "[schema.politie-overlast.klassen] deze regel toe, met de code van de politie: {line} "
            "(een {name} met alleen die kop en die regel vult de standaardindeling aan; zie docs/themes.md)."
        ).format(file=classes.file, line=class_line(value), name=WORKSPACE_FILE)
    )


def _filled(table: Table, observations: pd.DataFrame) -> pd.DataFrame:
    """Drop the empty cells of a wide file (no value); a file without any count is refused."""
    filled = observations[observations["value"].notna()]
    if filled.empty:
        raise fail_at(
            "missing_value",
            _("het bestand bevat geen enkel aantal: alle cellen van de periodekolommen zijn leeg."),
            table,
            int(table.frame.index[0]),
            None,
            _("vul per code en periode het aantal registraties in."),
        )
    return filled


#: Which slot of the region resolver each area column fills (by its alias).
AREA_SLOTS = {
    "buurtcode": "buurt", "buurt": "buurt", "buurtnaam": "buurt", "pleegbuurt": "buurt",
    "wijkcode": "wijk", "wijk": "wijk", "wijknaam": "wijk", "pleegwijk": "wijk",
    "gemeentecode": "gemeente", "gemeente": "gemeente", "gemeentenaam": "gemeente", "pleeggemeente": "gemeente",
}  # fmt: skip


def _regions(table: Table, long: pd.DataFrame, raw: Raw) -> Resolution:
    if not long.index.is_unique:  # the wide shape: one record per cell; resolve each line once
        once = _regions(table, pd.DataFrame(index=long.index.unique()), raw)
        parts = (once.code, once.how, once.unknown, once.unknown_slot)
        return Resolution(*(part.reindex(long.index) for part in parts))
    columns = {a: c for a in AREA_ALIASES if (c := table.column((a,))) is not None}
    if not columns:
        if raw.gemeente:
            code = pd.Series(raw.gemeente, index=long.index, dtype=object)
            how = pd.Series(FALLBACK, index=long.index, dtype=object)
            none = pd.Series(False, index=long.index)
            return Resolution(code, how, none, pd.Series("", index=long.index, dtype=object))
        table.require("gebied", AREA_ALIASES)
    frame = table.frame.reindex(long.index)
    slots = pd.DataFrame(index=long.index)
    fields: dict[str, str] = {}
    for alias, column in dict(reversed(list(columns.items()))).items():
        slot = AREA_SLOTS.get(alias, "gebied")
        current = slots[slot] if slot in slots.columns else pd.Series("", index=long.index)
        slots[slot] = current.mask(current == "", frame[column])
    for alias, column in columns.items():
        fields.setdefault(AREA_SLOTS.get(alias, "gebied"), column)
    try:
        resolution = resolve(raw.areas, slots, gemeente=raw.gemeente)
    except AmbiguousRegionError as exc:
        found = exc.ambiguity
        raise fail_at(
            "ambiguous_region",
            found.message(),
            table,
            int(str(found.row)),
            fields.get(found.slot),
            found.hint(),
        ) from None
    unknown = resolution.unknown | resolution.code.isna()
    if unknown.any():
        line = first_line(unknown)
        slot = str(resolution.unknown_slot[unknown].iloc[0]) or "gebied"
        value = slots[slot][unknown].iloc[0] if slot in slots.columns else ""
        raise fail_at(
            "unknown_region",
            _("onbekend gebied '{value}'.").format(value=value) if value else _("het gebied ontbreekt."),
            table,
            line,
            fields.get(slot, next(iter(columns.values()))),
            _(
                "gebruik CBS-codes (GM0505, WK050501, BU05050101), of laad eerst de gebieden "
                "(ivp ingest cbs 47018NED of ivp ingest geo) zodat namen herkend worden."
            ),
        )
    return resolution


def _periods(table: Table, long: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    year_col = table.column(YEAR_ALIASES)
    period_col = table.column(PERIOD_ALIASES)
    pairs = long[["year", "period"]].drop_duplicates()
    mapping: dict[tuple[str, str], Period | None] = {}
    for year_text, period_text in pairs.itertuples(index=False):
        mapping[(year_text, period_text)] = _period(str(year_text), str(period_text))
    parsed = pd.Series(
        [mapping[(y, p)] for y, p in zip(long["year"], long["period"], strict=True)],
        index=long.index,
        dtype=object,
    )
    bad = parsed.isna()
    if bad.any():
        line = first_line(bad)
        row = long[bad].iloc[0]
        field = period_col if row["period"] and period_col else (year_col or str(row["period"]))
        raise fail_at(
            "invalid_period",
            _("periode '{value}' is niet te lezen.").format(
                value=" ".join(v for v in (row["year"], row["period"]) if v)
            ),
            table,
            line,
            field,
            _("schrijf het jaar als 2023 en de maand als 5, mei, 2023-05 of mei 2023."),
        )
    grains = parsed.map(lambda p: p[0])
    years = parsed.map(lambda p: p[1])
    months = parsed.map(lambda p: p[2])
    return grains, years, months


def _period(year_text: str, period_text: str) -> Period | None:
    if not period_text:
        return parse_period(year_text) if year_text else None
    month = _month(period_text) if year_text else None
    if month is not None:
        year = parse_period(year_text)
        return ("maand", year[1], month) if year and year[0] == "jaar" else None
    parsed = parse_period(period_text)
    if parsed is not None and year_text:
        year = parse_period(year_text)
        if year is None or year[1] != parsed[1]:
            return None  # 'jaar' and 'periode' disagree
    return parsed


def _status(table: Table, long: pd.DataFrame) -> pd.Series:
    status_col = table.column(STATUS_ALIASES)
    flag_col = table.column(PROVISIONAL_ALIASES)
    status = pd.Series("definitief", index=long.index)
    frame = table.frame.reindex(long.index)
    if status_col:
        text = frame[status_col].str.strip().str.lower()
        bad = ~text.isin(["", "definitief", "voorlopig", "nader voorlopig"])
        if bad.any():
            raise fail_at(
                "invalid_status",
                _("status '{value}' is onbekend.").format(value=frame.loc[bad, status_col].iloc[0]),
                table,
                first_line(bad),
                status_col,
                _("gebruik 'definitief' of 'voorlopig'."),
            )
        status = status.mask(text.str.contains("voorlopig"), "voorlopig")
    if flag_col:
        text = frame[flag_col].str.strip().str.lower()
        yes = text.isin(["j", "ja", "y", "yes", "true", "waar", "1", "x", "voorlopig"])
        bad = ~(yes | text.isin(["", "n", "nee", "no", "false", "onwaar", "0"]))
        if bad.any():
            raise fail_at(
                "invalid_status",
                _("'{value}' is geen ja of nee.").format(value=frame.loc[bad, flag_col].iloc[0]),
                table,
                first_line(bad),
                flag_col,
                _("vul 'ja' in voor voorlopige cijfers, anders 'nee' of niets."),
            )
        status = status.mask(yes, "voorlopig")
    return status


def _check_duplicates(table: Table, observations: pd.DataFrame) -> None:
    keys = observations[["category", "region", "grain", "year"]].assign(
        month=observations["month"].fillna(0).astype("int64")
    )
    dup = keys.duplicated(keep=False)
    if not dup.any():
        return
    first = keys[dup].iloc[0]
    same = keys.index[(keys == first).all(axis=1)]
    period = f"{first['year']}" + (f"-{first['month']:02d}" if first["month"] else "")
    raise fail_at(
        "duplicate_row",
        _("dubbele rij: code {code}, gebied {region}, periode {period} staat ook op regel {other}.").format(
            code=first["category"], region=first["region"], period=period, other=same[0]
        ),
        table,
        same[1],
        table.column(CODE_ALIASES),
        _(
            "elke combinatie van code, gebied en periode mag maar één keer voorkomen; verwijder de dubbele rij."
        ),
    )


def _licence(table: Table) -> str:
    column = table.column(LICENCE_ALIASES)
    if column:
        stated = sorted({str(v) for v in table.frame[column] if v})
        if len(stated) == 1:
            return stated[0]
    return LICENCE_DELIVERED
