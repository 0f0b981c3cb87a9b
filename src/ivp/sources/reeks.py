"""``reeks``: any indicator a municipality keeps in its own registers, as a series (csv or xlsx).

One row per indicator x area x period (documented in ``docs/sources.md``, section Reeksen). Columns, Dutch
headers, case and spaces loose:

``id`` (required; a slug such as ``veilig-thuis-meldingen``), ``naam`` (required), ``thema`` (required: a
theme id or name of the workspace taxonomy), ``eenheid`` (required: ``aantal``, ``percentage``,
``rapportcijfer``, ``euro`` or ``per 1.000 inwoners``), ``gebied`` (a CBS code or a loaded area name; empty
is the municipality), ``periode`` (required: ``2023``; a quarter ``2023-K2``, ``2023 Q2``, ``K2 2023``; a
month ``2023-05``, ``mei 2023``; or a date range ``2023-01-01/2023-06-30``), ``waarde`` (required; a Dutch
decimal comma is read), ``ondergrens`` and ``bovengrens`` (optional, the source's 95% interval, both or
neither), ``n`` (optional sample size), ``bron`` (required), ``licentie``, ``definitie``, ``status``
(``definitief`` or ``voorlopig``; empty is definitief).

Rules, each failing with file, line, field and what to do: an indicator has one name, theme, unit and kind
of period on all its rows (a second unit is a second id); an indicator has one value per area and period;
date ranges of one indicator and area do not overlap; counts are whole and not negative, percentages lie in
0..100 and report marks in 1..10; an interval contains its value. A date range that is exactly a calendar
year, quarter or month is stored as that year, quarter or month.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from ivp.lib.errors import InputError
from ivp.lib.i18n import _
from ivp.sources.base import Raw, fetch_file, register
from ivp.sources.politie import Table, fail_at, main_file, read_table, text_key
from ivp.sources.politie_overlast import parse_period
from ivp.sources.regions import AmbiguousRegionError, resolve
from ivp.store import Batch, Provenance
from ivp.store.read import is_public_licence
from ivp.themes import Taxonomy, load_taxonomy

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "indicator", "indicator id", "indicatorcode"),
    "naam": ("naam", "indicatornaam", "indicator naam"),
    "thema": ("thema", "thema id"),
    "eenheid": ("eenheid",),
    "gebied": ("gebied", "gebiedscode", "gebiedsnaam", "regio", "regiocode"),
    "periode": ("periode", "jaar"),
    "waarde": ("waarde",),
    "ondergrens": ("ondergrens", "ondergrens 95%", "ci laag", "betrouwbaarheidsinterval laag"),
    "bovengrens": ("bovengrens", "bovengrens 95%", "ci hoog", "betrouwbaarheidsinterval hoog"),
    "n": ("n", "steekproef", "aantal respondenten"),
    "bron": ("bron",),
    "licentie": ("licentie",),
    "definitie": ("definitie",),
    "status": ("status",),
}
REQUIRED = ("id", "naam", "thema", "eenheid", "periode", "waarde", "bron")

#: Stored unit -> the spellings a file may use (compared with :func:`text_key`).
UNITS: dict[str, tuple[str, ...]] = {
    "aantal": ("aantal", "aantallen", "count"),
    "percentage": ("percentage", "%", "procent", "percent"),
    "rapportcijfer": ("rapportcijfer", "cijfer", "rapportcijfer (1-10)"),
    "euro": ("euro", "€", "eur", "euro's", "bedrag in euro"),
    "per_1000": ("per 1.000 inwoners", "per 1000 inwoners", "per 1.000", "per 1000", "per_1000"),
}
LICENCE_REGISTER = "niet openbaar (register van de gemeente)"

_SLUG = re.compile(r"[a-z0-9][a-z0-9_\-]*")
_DATE = r"(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4})"
_RANGE = re.compile(rf"{_DATE}\s*(?:/|t/m|tot en met|tot|–|—|\s-\s)\s*{_DATE}")
_QUARTER = (
    re.compile(r"(\d{4})\s*[-/ ]?\s*[kq]([1-4])"),
    re.compile(r"[kq]([1-4])\s*[-/ ]?\s*(\d{4})"),
    re.compile(r"([1-4])e?\s*kwartaal\s*(\d{4})"),
)


@dataclass(frozen=True)
class Period:
    """A parsed period: kind, canonical label and first and last day (inclusive)."""

    grain: str  # 'jaar' | 'kwartaal' | 'maand' | 'periode'
    label: str
    start: dt.date
    end: dt.date


def parse_period_text(text: str) -> Period | None:
    """Read a year, quarter, month or date range; None when it is none of these.

    >>> parse_period_text("2023 Q2").label, parse_period_text("mei 2023").label
    ('2023-K2', '2023-05')
    >>> parse_period_text("2023-01-01/2023-12-31").grain
    'jaar'
    """
    value = text_key(str(text)).removesuffix(" 00:00:00")
    ranged = _RANGE.fullmatch(value)
    if ranged:
        first, last = _date(ranged.group(1)), _date(ranged.group(2))
        if first is None or last is None or last < first:
            return None
        return _normalised(first, last)
    for pattern in _QUARTER:
        match = pattern.fullmatch(value)
        if match:
            a, b = match.group(1), match.group(2)
            year, quarter = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
            if not 1990 <= year <= 2100:
                return None
            start = dt.date(year, 3 * quarter - 2, 1)
            return Period("kwartaal", f"{year}-K{quarter}", start, _month_end(year, 3 * quarter))
    parsed = parse_period(value)
    if parsed is None:
        return None
    _grain, year, month = parsed
    if month is None:
        return Period("jaar", str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))
    return Period("maand", f"{year}-{month:02d}", dt.date(year, month, 1), _month_end(year, month))


def _date(text: str) -> dt.date | None:
    parts = [int(p) for p in text.split("-")]
    year, month, day = parts if parts[0] > 31 else (parts[2], parts[1], parts[0])
    try:
        return dt.date(year, month, day) if 1990 <= year <= 2100 else None
    except ValueError:
        return None


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _normalised(first: dt.date, last: dt.date) -> Period:
    """A range that is exactly a calendar year, quarter or month becomes that period."""
    if first.day == 1 and last == _month_end(last.year, last.month) and first.year == last.year:
        months = last.month - first.month + 1
        if months == 12:
            return Period("jaar", str(first.year), first, last)
        if months == 3 and first.month % 3 == 1:
            return Period("kwartaal", f"{first.year}-K{(first.month + 2) // 3}", first, last)
        if months == 1:
            return Period("maand", f"{first.year}-{first.month:02d}", first, last)
    return Period("periode", f"{first.isoformat()}/{last.isoformat()}", first, last)


def parse_number(text: str, *, grouped: bool) -> float | None:
    """A number as people type it: '12,5', '12.5', '1.234' (thousands, with ``grouped``), '1.234,5'.

    >>> parse_number("1.234,5", grouped=False), parse_number("1.234", grouped=True)
    (1234.5, 1234.0)
    """
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif grouped and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", value):
        value = value.replace(".", "")
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


@register
class Reeks:
    """Series from a municipality's own registers: one row per indicator x area x period."""

    id = "reeks"
    title = "Reeksen uit registraties van de gemeente"

    def fetch(self, location: str | None, *, dataset: str | None = None) -> Raw:
        return fetch_file(location, example="ivp ingest reeks registers.xlsx")

    def parse(self, raw: Raw) -> Batch:
        name, data = main_file(raw)
        table = read_table(
            name, data, raw.origin, header_aliases=[a for names in ALIASES.values() for a in names]
        )
        columns = {key: table.column(names) for key, names in ALIASES.items()}
        for key in REQUIRED:
            columns[key] = table.require(key, ALIASES[key])
        taxonomy = raw.taxonomy if raw.taxonomy is not None else load_taxonomy()
        rows = _rows(table, columns, taxonomy)
        regions = _regions(table, columns.get("gebied"), raw)
        frame = pd.DataFrame(rows, index=table.frame.index)
        frame["region"] = regions
        for text in ("licence", "definition"):
            frame[text] = frame[text].astype(object).where(frame[text].notna(), None)
        _check_unique(table, frame, columns)
        licences = {str(v) for v in frame["licence"] if isinstance(v, str)}
        public = bool(licences) and all(isinstance(v, str) and is_public_licence(v) for v in frame["licence"])
        first, last = frame["period_start"].min().year, frame["period_end"].max().year
        sources = list(dict.fromkeys(str(s) for s in frame["source"]))
        provenance = Provenance(
            source_id=self.id,
            dataset=name,
            title=_("Reeksen uit registraties van de gemeente"),
            publisher=", ".join(sources[:3]) + (_(" en anderen") if len(sources) > 3 else ""),
            licence=sorted(licences)[0] if public and len(licences) == 1 else LICENCE_REGISTER,
            origin=raw.origin,
            file_hash=raw.file_hash(),
            retrieved_at=raw.retrieved_at,
            period=str(first) if first == last else f"{first}-{last}",
            notes=_("{n} indicatoren, {rows} waarden").format(
                n=frame["indicator"].nunique(), rows=len(frame)
            ),
        )
        return Batch(provenance, {"indicators": frame.reset_index(drop=True)})


def _cell(table: Table, column: str | None, line: int) -> str:
    return "" if column is None else str(table.frame.at[line, column]).strip()


def _rows(table: Table, columns: dict[str, str | None], taxonomy: Taxonomy) -> list[dict[str, object]]:
    themes = {text_key(t.id): t.id for t in taxonomy.themes} | {
        text_key(t.naam): t.id for t in taxonomy.themes
    }
    units = {text_key(s): unit for unit, spellings in UNITS.items() for s in spellings}
    seen: dict[str, tuple[int, dict[str, str]]] = {}
    out: list[dict[str, object]] = []
    for line in table.frame.index:
        line = int(line)

        def cell(key: str, line: int = line) -> str:
            return _cell(table, columns.get(key), line)

        def fail(code: str, message: str, key: str, hint: str, line: int = line) -> InputError:
            return fail_at(code, message, table, line, columns.get(key) or key, hint)

        for key in REQUIRED:
            if not cell(key):
                raise fail("missing_value", _("{field} ontbreekt.").format(field=key), key, _hint_for(key))
        ident = cell("id").lower()
        if not _SLUG.fullmatch(ident):
            raise fail(
                "bad_code",
                _("id '{value}' is geen geldige id.").format(value=cell("id")),
                "id",
                _("gebruik kleine letters, cijfers en streepjes, bv. veilig-thuis-meldingen."),
            )
        theme = themes.get(text_key(cell("thema")))
        if theme is None:
            raise fail(
                "unknown_theme",
                _("onbekend thema '{value}'.").format(value=cell("thema")),
                "thema",
                _("kies een thema uit de indeling: {ids} (of voeg het thema toe in thema's.toml).").format(
                    ids=", ".join(t.id for t in taxonomy.themes)
                ),
            )
        unit = units.get(text_key(cell("eenheid")))
        if unit is None:
            raise fail(
                "unknown_unit",
                _("onbekende eenheid '{value}'.").format(value=cell("eenheid")),
                "eenheid",
                _("gebruik een van: aantal, percentage, rapportcijfer, euro, per 1.000 inwoners."),
            )
        period = parse_period_text(cell("periode"))
        if period is None:
            raise fail(
                "invalid_period",
                _("periode '{value}' is niet te lezen.").format(value=cell("periode")),
                "periode",
                _(
                    "schrijf een jaar (2023), een kwartaal (2023-K2), een maand (2023-05 of mei 2023) of "
                    "een reeks dagen (2023-01-01/2023-06-30)."
                ),
            )
        kind = {"id": ident, "naam": cell("naam"), "thema": theme, "eenheid": unit, "periode": period.grain}
        if ident in seen:
            first_line, first = seen[ident]
            for key in ("naam", "thema", "eenheid", "periode"):
                if kind[key] != first[key]:
                    raise fail(
                        "inconsistent_indicator",
                        _("indicator '{id}' heeft op regel {line} {field} '{first}', hier '{here}'.").format(
                            id=ident, line=first_line, field=key, first=first[key], here=kind[key]
                        ),
                        key,
                        _(
                            "een indicator heeft op al zijn regels dezelfde naam, hetzelfde thema, dezelfde "
                            "eenheid en dezelfde soort periode; geef een andere reeks een eigen id."
                        ),
                    )
        else:
            seen[ident] = (line, kind)
        value = _value(table, columns, line, "waarde", unit)
        assert value is not None  # required: checked above
        lower = _value(table, columns, line, "ondergrens", unit, optional=True)
        upper = _value(table, columns, line, "bovengrens", unit, optional=True)
        if (lower is None) != (upper is None):
            missing = "bovengrens" if upper is None else "ondergrens"
            raise fail(
                "missing_value",
                _("het interval heeft een ondergrens en een bovengrens; {field} ontbreekt.").format(
                    field=missing
                ),
                missing,
                _("vul beide grenzen van het 95%-interval in, of geen van beide."),
            )
        if lower is not None and upper is not None and not lower <= value <= upper:
            raise fail(
                "bad_interval",
                _("het interval {low}–{high} bevat de waarde {value} niet.").format(
                    low=cell("ondergrens"), high=cell("bovengrens"), value=cell("waarde")
                ),
                "ondergrens",
                _("controleer de grenzen: de ondergrens is hoogstens de waarde, de bovengrens minstens."),
            )
        n = _sample(table, columns, line)
        status = cell("status").lower() or "definitief"
        if status not in ("definitief", "voorlopig"):
            raise fail(
                "invalid_status",
                _("status '{value}' is onbekend.").format(value=cell("status")),
                "status",
                _("gebruik 'definitief' of 'voorlopig', of laat de cel leeg."),
            )
        out.append(
            {
                "indicator": ident,
                "name": cell("naam"),
                "theme": theme,
                "unit": unit,
                "grain": period.grain,
                "period": period.label,
                "period_start": pd.Timestamp(period.start),
                "period_end": pd.Timestamp(period.end),
                "value": value,
                "lower": lower,
                "upper": upper,
                "n": n,
                "source": cell("bron"),
                "licence": cell("licentie") or None,
                "definition": cell("definitie") or None,
                "status": status,
            }
        )
    return out


def _hint_for(key: str) -> str:
    hints = {
        "id": _("geef elke indicator een korte id, bv. veilig-thuis-meldingen."),
        "naam": _("geef de naam van de indicator zoals een lezer die moet zien."),
        "thema": _("vul het thema in waar de indicator bij hoort, bv. kwetsbare_personen."),
        "eenheid": _("vul de eenheid in: aantal, percentage, rapportcijfer, euro of per 1.000 inwoners."),
        "periode": _("vul de periode in, bv. 2023, 2023-K2, 2023-05 of 2023-01-01/2023-06-30."),
        "waarde": _("vul de waarde in, of verwijder de regel als er geen cijfer is."),
        "bron": _("noem wie het register bijhoudt, bv. Veilig Thuis Zuid-Holland Zuid."),
    }
    return hints[key]


#: Allowed range per unit: (lowest, highest, whole numbers only).
_RANGES: dict[str, tuple[float | None, float | None, bool]] = {
    "aantal": (0.0, None, True),
    "percentage": (0.0, 100.0, False),
    "rapportcijfer": (1.0, 10.0, False),
    "euro": (None, None, False),
    "per_1000": (0.0, None, False),
}


def _value(
    table: Table, columns: dict[str, str | None], line: int, key: str, unit: str, *, optional: bool = False
) -> float | None:
    text = _cell(table, columns.get(key), line)
    field = columns.get(key) or key
    if not text and optional:
        return None
    number = parse_number(text, grouped=unit in ("aantal", "euro"))
    if number is None:
        raise fail_at(
            "not_a_number",
            _("'{value}' is geen getal.").format(value=text),
            table,
            line,
            field,
            _("vul alleen een getal in, zonder eenheid of tekst (een komma als decimaalteken mag)."),
        )
    low, high, whole = _RANGES[unit]
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"{'' if low is None else low:g}–{'' if high is None else high:g}".replace(".", ",")
        raise fail_at(
            "out_of_range",
            _("{value} past niet bij de eenheid {unit} ({bounds}).").format(
                value=text, unit=unit.replace("_", " "), bounds=bounds
            ),
            table,
            line,
            field,
            _("controleer de waarde en de eenheid van deze indicator."),
        )
    if whole and number != round(number):
        raise fail_at(
            "not_an_integer",
            _("'{value}' is geen geheel getal; een aantal is heel.").format(value=text),
            table,
            line,
            field,
            _("vul een geheel aantal in, of kies een andere eenheid (bv. per 1.000 inwoners)."),
        )
    return number


def _sample(table: Table, columns: dict[str, str | None], line: int) -> float | None:
    text = _cell(table, columns.get("n"), line)
    if not text:
        return None
    number = parse_number(text, grouped=True)
    if number is None or number < 1 or number != round(number):
        raise fail_at(
            "not_an_integer",
            _("n '{value}' is geen aantal respondenten.").format(value=text),
            table,
            line,
            columns.get("n") or "n",
            _("vul het aantal ondervraagden in (een geheel getal, minstens 1), of laat de cel leeg."),
        )
    return number


def _regions(table: Table, column: str | None, raw: Raw) -> list[str]:
    """The CBS code of every row's area; an empty area is the workspace municipality."""
    lines = table.frame.index
    values = pd.Series([_cell(table, column, int(line)) for line in lines], index=lines, dtype=object)
    empty = values == ""
    if empty.any() and not raw.gemeente:
        raise fail_at(
            "missing_value",
            _("het gebied ontbreekt, en er is geen gemeente om op terug te vallen."),
            table,
            int(lines[int(empty.to_numpy().argmax())]),
            column or "gebied",
            _("vul in de kolom 'gebied' de CBS-code in (bv. GM0505), of laad het bestand in een werkmap."),
        )
    codes = pd.Series(raw.gemeente, index=lines, dtype=object)
    named = values[~empty]
    if len(named):
        try:
            found = resolve(raw.areas, pd.DataFrame({"gebied": named}), gemeente=raw.gemeente)
        except AmbiguousRegionError as exc:
            raise fail_at(
                "ambiguous_region", exc.ambiguity.message(), table, int(str(exc.ambiguity.row)),
                column, exc.ambiguity.hint(),
            ) from None  # fmt: skip
        unknown = found.unknown | found.code.isna()
        if unknown.any():
            line = int(unknown.index[int(unknown.to_numpy().argmax())])
            raise fail_at(
                "unknown_region",
                _("onbekend gebied '{value}'.").format(value=named[line]),
                table,
                line,
                column,
                _(
                    "gebruik CBS-codes (GM0505, WK050501, BU05050101), of laad eerst de gebieden "
                    "(ivp ingest cbs 47018NED of ivp ingest geo) zodat namen herkend worden."
                ),
            )
        codes[named.index] = found.code
    return [str(c) for c in codes]


def _check_unique(table: Table, frame: pd.DataFrame, columns: dict[str, str | None]) -> None:
    """One value per indicator, area and period; date ranges of one indicator and area do not overlap."""
    keys = frame[["indicator", "region", "period"]]
    dup = keys.duplicated(keep=False)
    if dup.any():
        first = keys[dup].iloc[0]
        same = keys.index[(keys == first).all(axis=1)]
        raise fail_at(
            "duplicate_period",
            _(
                "indicator '{id}' heeft voor gebied {region} en periode {period} al een waarde op regel {other}."
            ).format(id=first["indicator"], region=first["region"], period=first["period"], other=same[0]),
            table,
            int(same[1]),
            columns.get("periode"),
            _(
                "elke indicator heeft per gebied en periode één waarde; verwijder of verbeter de dubbele regel."
            ),
        )
    ranges = frame[frame["grain"] == "periode"].sort_values("period_start")
    for (ident, region), part in ranges.groupby(["indicator", "region"], sort=False):
        ends = part["period_end"].shift()
        overlap = part["period_start"] <= ends
        if overlap.any():
            line = int(overlap.index[int(overlap.to_numpy().argmax())])
            raise fail_at(
                "overlapping_period",
                _("de periode {period} van '{id}' ({region}) overlapt met een eerdere periode.").format(
                    period=frame.at[line, "period"], id=ident, region=region
                ),
                table,
                line,
                columns.get("periode"),
                _("laat de periodes van één indicator aansluiten zonder overlap."),
            )
