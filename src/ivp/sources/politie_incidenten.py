"""``politie-incidenten``: police incident exports (BVH/BVO style), one row per incident.

Each incident has a time interval (begin, end) in which it happened and the moment it came to the police's
notice, a location in RD New (EPSG:28992) and/or WGS84, and area names. The accepted columns are listed in
``docs/sources.md`` (section Politie); every step is vectorised so a city's five years load in a second.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ivp.lib.i18n import _, ngettext
from ivp.sources.base import Raw, fetch_file, register
from ivp.sources.politie import (
    LICENCE_DELIVERED,
    PUBLISHER,
    Table,
    fail_at,
    first_line,
    main_file,
    read_table,
)
from ivp.sources.regions import AmbiguousRegionError, Resolution, resolve
from ivp.store import Batch, Provenance

SCHEME = "politie-incident"

ID_ALIASES = (
    "incident identificatie", "incidentidentificatie", "incident id", "incidentnummer", "incident nummer",
    "registratienummer", "id",
)  # fmt: skip
CODE_ALIASES = (
    "incidentsoort code", "incidentcode", "maatschappelijke klasse code", "mk code", "code",
)  # fmt: skip
LABEL_ALIASES = ("incidentsoort", "maatschappelijke klasse", "omschrijving", "incidentomschrijving")
GEMEENTE_ALIASES = ("pleeggemeente", "gemeente")
WIJK_ALIASES = ("pleegwijk", "wijk")
BUURT_ALIASES = ("pleegbuurt", "buurt")

#: For each moment: (aliases of a date-and-time column, of a date column, of a time column).
BEGIN = (
    ("begin pleegdatum/tijd", "begindatum/tijd", "begin pleegdatum tijd", "begin datum/tijd", "begin"),
    ("begin pleegdatum", "begindatum", "pleegdatum"),
    ("begin pleegtijd", "begintijd", "pleegtijd"),
)
END = (
    ("eind pleegdatum/tijd", "einddatum/tijd", "eind pleegdatum tijd", "eind datum/tijd", "eind", "einde"),
    ("eind pleegdatum", "einddatum"),
    ("eind pleegtijd", "eindtijd"),
)
REPORTED = (
    (
        "kennisnamedatum/tijd",
        "kennisname datum/tijd",
        "kennisname",
        "melddatum/tijd",
        "registratiedatum/tijd",
    ),
    ("kennisnamedatum", "melddatum", "registratiedatum"),
    ("kennisnametijd", "meldtijd", "registratietijd"),
)
X_ALIASES = ("x", "x rd", "rd x", "x coordinaat", "xcoordinaat")
Y_ALIASES = ("y", "y rd", "rd y", "y coordinaat", "ycoordinaat")
LON_ALIASES = ("lon", "lng", "longitude", "lengtegraad")
LAT_ALIASES = ("lat", "latitude", "breedtegraad")

#: The area where RD New is defined (EPSG:28992) and a box around the Netherlands in WGS84.
RD_BOUNDS = ((0.0, 300_000.0), (289_000.0, 629_000.0))
WGS84_BOUNDS = ((3.0, 7.4), (50.6, 53.8))

_FORMATS = (
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
)


@functools.cache
def _transformers() -> tuple[object, object]:
    from pyproj import Transformer

    return (
        Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True),
        Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True),
    )


def rd_to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Transform RD New coordinates to (lon, lat)."""
    forward, _inverse = _transformers()
    lon, lat = forward.transform(x, y)  # type: ignore[attr-defined]
    return np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")


def wgs84_to_rd(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Transform (lon, lat) to RD New coordinates."""
    _forward, inverse = _transformers()
    x, y = inverse.transform(lon, lat)  # type: ignore[attr-defined]
    return np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")


@register
class PolitieIncidenten:
    """Police incident export (csv or xlsx), one row per incident."""

    id = "politie-incidenten"
    title = "Incidenten van de politie"

    def fetch(self, location: str | None, *, dataset: str | None = None) -> Raw:
        return fetch_file(location, example="ivp ingest politie-incidenten incidenten.csv")

    def parse(self, raw: Raw) -> Batch:
        name, data = main_file(raw)
        table = read_table(
            name,
            data,
            raw.origin,
            header_aliases=(*ID_ALIASES, *CODE_ALIASES, *BEGIN[0], *BEGIN[1]),
            sheet_words=("incident",),
        )
        frame = table.frame
        id_col = table.require("incident_id", ID_ALIASES)
        code_col = table.require("incidentsoort code", CODE_ALIASES)
        label_col = table.column(LABEL_ALIASES)
        _require_values(table, id_col)
        _require_values(table, code_col)
        _check_unique_ids(table, id_col)
        begin, _begin_field = _moment(table, BEGIN, "begin pleegdatum/tijd", required=True)
        end, end_field = _moment(table, END, "eind pleegdatum/tijd", required=False)
        reported, _reported_field = _moment(table, REPORTED, "kennisnamedatum/tijd", required=False)
        end = end.fillna(begin)  # no end: the moment is known exactly
        before = end < begin
        if before.any():
            line = first_line(before)
            raise fail_at(
                "end_before_begin",
                _("het einde ({end}) ligt vóór het begin ({begin}).").format(
                    end=end[line], begin=begin[line]
                ),
                table,
                line,
                end_field,
                _("controleer begin en einde van dit incident in de bron en exporteer opnieuw."),
            )
        x_rd, y_rd, lon, lat = _coordinates(table)
        names = {
            "gemeente_name": _texts(table, GEMEENTE_ALIASES),
            "wijk_name": _texts(table, WIJK_ALIASES),
            "buurt_name": _texts(table, BUURT_ALIASES),
        }
        resolution = _regions(table, names, raw, lon, lat, begin)
        incidents = pd.DataFrame(
            {
                "incident_id": frame[id_col],
                "scheme": SCHEME,
                "category": frame[code_col],
                "category_label": frame[label_col].replace("", None) if label_col else None,
                "begin_at": begin,
                "end_at": end,
                "reported_at": reported,
                "x_rd": x_rd,
                "y_rd": y_rd,
                "lon": lon,
                "lat": lat,
                **names,
                "region": resolution.code,
            },
            index=frame.index,
        )
        first, last = int(begin.dt.year.min()), int(begin.dt.year.max())
        provenance = Provenance(
            source_id=self.id,
            dataset=name,
            title=_("Incidenten van de politie"),
            publisher=PUBLISHER,
            licence=LICENCE_DELIVERED,
            origin=raw.origin,
            file_hash=raw.file_hash(),
            retrieved_at=raw.retrieved_at,
            period=str(first) if first == last else f"{first}-{last}",
            notes=_notes(_quality_notes(incidents), resolution.notes(raw.areas)),
        )
        # No categories rows: each incident carries its own label, and the row count stays the number of
        # incidents, which is what the user checks against the export.
        return Batch(provenance, {"incidents": incidents.reset_index(drop=True)})


def _require_values(table: Table, column: str) -> None:
    empty = table.frame[column] == ""
    if empty.any():
        raise fail_at(
            "missing_value",
            _("waarde ontbreekt."),
            table,
            first_line(empty),
            column,
            _("vul de waarde in of verwijder de regel."),
        )


def _check_unique_ids(table: Table, column: str) -> None:
    ids = table.frame[column]
    dup = ids.duplicated(keep="first")
    if dup.any():
        line = first_line(dup)
        value = ids[line]
        other = ids.index[ids == value][0]
        raise fail_at(
            "duplicate_incident",
            _("incident '{id}' staat ook op regel {other}.").format(id=value, other=other),
            table,
            line,
            column,
            _("elk incident mag maar één keer voorkomen; verwijder de dubbele regel of exporteer opnieuw."),
        )


def _moment(
    table: Table,
    aliases: tuple[Sequence[str], Sequence[str], Sequence[str]],
    name: str,
    *,
    required: bool,
) -> tuple[pd.Series, str]:
    """Parse one moment (a date-and-time column, or a date column plus an optional time column)."""
    both, date_aliases, time_aliases = aliases
    column = table.column(both)
    if column is not None:
        text, field = table.frame[column], column
    else:
        date_col = table.column(date_aliases)
        if date_col is None:
            if required:
                table.require(name, (*both, *date_aliases))
            return pd.Series(pd.NaT, index=table.frame.index, dtype="datetime64[us]"), name
        time_col = table.column(time_aliases)
        text, field = table.frame[date_col], date_col
        if time_col is not None:
            text = (text + " " + table.frame[time_col]).str.strip()
    return _timestamps(table, text, field, required=required), field


def _timestamps(table: Table, text: pd.Series, field: str, *, required: bool) -> pd.Series:
    empty = text == ""
    values = pd.to_datetime(text.mask(empty), format="ISO8601", errors="coerce")
    rest = values.isna() & ~empty
    for fmt in _FORMATS:
        if not rest.any():
            break
        values = values.mask(rest, pd.to_datetime(text.where(rest), format=fmt, errors="coerce"))
        rest = values.isna() & ~empty
    if rest.any():
        line = first_line(rest)
        raise fail_at(
            "invalid_timestamp",
            _("'{value}' is geen datum en tijd.").format(value=text[line]),
            table,
            line,
            field,
            _("schrijf datum en tijd als 2017-09-20T17:30:00 of 20-09-2017 17:30."),
        )
    if required and empty.any():
        raise fail_at(
            "missing_value",
            _("datum en tijd ontbreken."),
            table,
            first_line(empty),
            field,
            _("vul het begin van de pleegtijd in of verwijder de regel."),
        )
    return values.astype("datetime64[us]")


def _numbers(table: Table, aliases: Sequence[str]) -> tuple[pd.Series, str | None]:
    column = table.column(aliases)
    if column is None:
        return pd.Series(np.nan, index=table.frame.index), None
    text = table.frame[column].str.replace(",", ".", regex=False)
    values = pd.to_numeric(text.mask(text == ""), errors="coerce")
    bad = values.isna() & (text != "")
    if bad.any():
        line = first_line(bad)
        raise fail_at(
            "not_a_number",
            _("'{value}' is geen getal.").format(value=table.frame[column][line]),
            table,
            line,
            column,
            _("vul een coördinaat in als getal, of laat de cel leeg."),
        )
    return values.astype("float64"), column


def _pair(
    table: Table,
    first: tuple[pd.Series, str | None],
    second: tuple[pd.Series, str | None],
    bounds: tuple[tuple[float, float], tuple[float, float]],
    system: str,
) -> tuple[pd.Series, pd.Series]:
    (a, a_col), (b, b_col) = first, second
    zero = (a == 0) & (b == 0)  # exports write 0,0 for "no location"
    a, b = a.mask(zero), b.mask(zero)
    half = a.isna() != b.isna()
    if half.any():
        line = first_line(half)
        raise fail_at(
            "missing_value",
            _("van de coördinaten ({system}) is er maar één ingevuld.").format(system=system),
            table,
            line,
            (b_col if b.isna()[line] else a_col) or system,
            _("vul beide coördinaten in, of geen van beide."),
        )
    (a_lo, a_hi), (b_lo, b_hi) = bounds
    outside = a.notna() & ~(a.between(a_lo, a_hi) & b.between(b_lo, b_hi))
    if outside.any():
        line = first_line(outside)
        raise fail_at(
            "outside_nl",
            _("de plaats ({a}, {b}) ligt buiten Nederland ({system}).").format(
                a=a[line], b=b[line], system=system
            ),
            table,
            line,
            a_col if not a_lo <= a[line] <= a_hi else b_col,
            _("controleer de coördinaten; X en Y in RD (EPSG:28992), lon en lat in graden (WGS84)."),
        )
    return a, b


def _coordinates(table: Table) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    x, y = _pair(table, _numbers(table, X_ALIASES), _numbers(table, Y_ALIASES), RD_BOUNDS, "RD")
    lon, lat = _pair(table, _numbers(table, LON_ALIASES), _numbers(table, LAT_ALIASES), WGS84_BOUNDS, "WGS84")
    need_wgs = x.notna() & lon.isna()
    if need_wgs.any():
        new_lon, new_lat = rd_to_wgs84(x[need_wgs].to_numpy(), y[need_wgs].to_numpy())
        lon, lat = lon.copy(), lat.copy()
        lon[need_wgs], lat[need_wgs] = new_lon, new_lat
    need_rd = lon.notna() & x.isna()
    if need_rd.any():
        new_x, new_y = wgs84_to_rd(lon[need_rd].to_numpy(), lat[need_rd].to_numpy())
        x, y = x.copy(), y.copy()
        x[need_rd], y[need_rd] = new_x, new_y
    return x, y, lon, lat


def _texts(table: Table, aliases: Sequence[str]) -> pd.Series:
    column = table.column(aliases)
    if column is None:
        return pd.Series(None, index=table.frame.index, dtype=object)
    return table.frame[column].replace("", None)


def _regions(
    table: Table, names: dict[str, pd.Series], raw: Raw, lon: pd.Series, lat: pd.Series, begin: pd.Series
) -> Resolution:
    """The region of each incident (:mod:`ivp.sources.regions`): by its place, else its names.

    An incident whose names fit no area lands in its municipality; an ambiguous name is refused.
    """
    frame = pd.DataFrame(
        {"gemeente": names["gemeente_name"], "wijk": names["wijk_name"], "buurt": names["buurt_name"]}
    )
    try:
        return resolve(raw.areas, frame, gemeente=raw.gemeente, lon=lon, lat=lat, years=begin.dt.year)
    except AmbiguousRegionError as exc:
        found = exc.ambiguity
        aliases = {"gemeente": GEMEENTE_ALIASES, "wijk": WIJK_ALIASES, "buurt": BUURT_ALIASES}
        raise fail_at(
            "ambiguous_region",
            found.message(),
            table,
            int(str(found.row)),
            table.column(aliases.get(found.slot, BUURT_ALIASES)),
            found.hint(),
        ) from None


def _quality_notes(incidents: pd.DataFrame) -> str | None:
    """Say, in Dutch, what a reader of the data should know about its timestamps and locations."""
    notes: list[str] = []
    reported = incidents["reported_at"]
    early = int((reported < incidents["begin_at"]).sum())
    inside = int(((reported < incidents["end_at"]) & (reported >= incidents["begin_at"])).sum())
    no_place = int(incidents["x_rd"].isna().sum())
    if early:
        notes.append(
            ngettext(
                "{n} incident kwam volgens de bron in beeld vóór het begin van de pleegtijd",
                "{n} incidenten kwamen volgens de bron in beeld vóór het begin van de pleegtijd",
                early,
            ).format(n=early)
        )
    if inside:
        notes.append(
            ngettext(
                "{n} incident kwam in beeld vóór het einde van de pleegtijd",
                "{n} incidenten kwamen in beeld vóór het einde van de pleegtijd",
                inside,
            ).format(n=inside)
        )
    if no_place:
        notes.append(
            ngettext("{n} incident zonder plaats", "{n} incidenten zonder plaats", no_place).format(
                n=no_place
            )
        )
    return ("; ".join(notes) + ".") if notes else None


def _notes(*parts: str | None) -> str | None:
    """Join notes; each part is a sentence or clause without the final full stop."""
    text = " ".join(p if p.endswith(".") else p + "." for p in parts if p)
    return text or None
