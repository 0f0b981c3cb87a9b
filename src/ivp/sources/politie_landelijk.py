"""``politie-landelijk``: the police's national yearly series ``NL_Crime.csv`` and ``NL_Disorder.csv``.

Columns ``incident_type_code`` (the TITLE of the crime or nuisance type, e.g. "1.1.1 Diefstal/inbraak
woning" or "Totaal registraties overlast"), ``year`` and ``incident_count``. Titles are mapped to codes with
the code list beside the file (``SoortMisdrijf.csv`` or ``Overlast.csv``, as the police publish them), or
the list shipped in :mod:`ivp.sources.politie` when the file stands alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ivp.lib.i18n import _
from ivp.sources._common import parse_numbers
from ivp.sources.base import Raw, fetch_file, read_file, register
from ivp.sources.politie import (
    LICENCE_OPEN,
    Table,
    category_parent,
    fail_at,
    first_line,
    label_index,
    main_file,
    read_codelist,
    read_table,
    text_key,
)
from ivp.sources.politie_codes import MISDRIJF_CODES, OVERLAST_CODES, OVERLAST_LABELS, TOTAL_CODE
from ivp.store import Batch, Provenance

TYPE_ALIASES = ("incident_type_code", "incident type", "soort", "soort misdrijf", "overlast")
YEAR_ALIASES = ("year", "jaar")
COUNT_ALIASES = ("incident_count", "count", "aantal")


class SeriesKind:
    """One kind of national series: its scheme, measure, code list file and shipped codes."""

    def __init__(self, scheme: str, measure: str, codelist: str, codes: dict[str, str], title: str) -> None:
        self.scheme, self.measure, self.codelist, self.codes, self.title = (
            scheme, measure, codelist, codes, title,
        )  # fmt: skip


CRIME = SeriesKind(
    "cbs-misdrijf",
    "geregistreerde_misdrijven",
    "SoortMisdrijf.csv",
    MISDRIJF_CODES,
    _("Geregistreerde misdrijven, Nederland (politie)"),
)
DISORDER = SeriesKind(
    "politie-overlast",
    "overlast_registraties",
    "Overlast.csv",
    OVERLAST_CODES,
    _("Overlastregistraties, Nederland (politie)"),
)
_LEADING_CODE = re.compile(r"^(\d+\.\d+\.\d+)\s")


@register
class PolitieLandelijk:
    """National police series per crime or nuisance type and year (NL_Crime.csv, NL_Disorder.csv)."""

    id = "politie-landelijk"
    title = "Landelijke reeksen van de politie"

    def fetch(self, location: str | None, *, dataset: str | None = None) -> Raw:
        raw = fetch_file(location, example="ivp ingest politie-landelijk NL_Crime.csv")
        folder = Path(raw.origin).parent
        files = dict(raw.files)
        for kind in (CRIME, DISORDER):
            path = folder / kind.codelist
            if path.is_file() and path.name not in files:
                files[path.name] = read_file(path)
        return Raw(origin=raw.origin, files=files, retrieved_at=raw.retrieved_at)

    def parse(self, raw: Raw) -> Batch:
        name, data = main_file(raw)
        table = read_table(name, data, raw.origin, header_aliases=(*TYPE_ALIASES, *YEAR_ALIASES))
        type_col = table.require("incident_type_code", TYPE_ALIASES)
        year_col = table.require("year", YEAR_ALIASES)
        count_col = table.require("incident_count", COUNT_ALIASES)
        frame = table.frame
        kind, lists = _choose_series(frame[type_col], raw, name)
        index = _index(kind, lists)
        mapping = {t: _code(t, index, lists) for t in frame[type_col].unique()}
        codes = frame[type_col].map(mapping)
        unknown = codes.isna()
        if unknown.any():
            line = first_line(unknown)
            raise fail_at(
                "unknown_code",
                _("'{title}' staat niet in de codelijst {codelist}.").format(
                    title=frame[type_col][line], codelist=kind.codelist
                ),
                table,
                line,
                type_col,
                _("gebruik een titel uit de codelijst (bijvoorbeeld '{example}'), of zet de actuele "
                  "codelijst {codelist} naast het bestand.").format(
                    example=next(iter(lists.values())), codelist=kind.codelist
                ),
            )  # fmt: skip
        years = _years(table, year_col)
        values = parse_numbers(frame[count_col].astype(object), table.file, count_col, integer=True)
        observations = pd.DataFrame(
            {
                "measure": kind.measure,
                "scheme": kind.scheme,
                "category": codes.astype(str),
                "region": "NL00",
                "grain": "jaar",
                "year": years,
                "month": pd.array([None] * len(frame), dtype="Int64"),
                "value": values.astype("float64"),
                "status": "definitief",
            },
            index=frame.index,
        )
        dup = observations.duplicated(["category", "year"], keep="first")
        if dup.any():
            line = first_line(dup)
            row = observations.loc[line]
            other = observations.index[
                (observations["category"] == row["category"]) & (observations["year"] == row["year"])
            ][0]
            raise fail_at(
                "duplicate_row",
                _("{title} {year} staat ook op regel {other}.").format(
                    title=frame[type_col][line], year=row["year"], other=other
                ),
                table,
                line,
                type_col,
                _("elke soort mag per jaar maar één keer voorkomen; verwijder de dubbele regel."),
            )
        used = sorted(set(observations["category"]), key=_sort_key)
        categories = pd.DataFrame(
            {
                "scheme": kind.scheme,
                "code": used,
                "title": [_title(kind, c, lists) for c in used],
                "parent": [category_parent(kind.scheme, c) for c in used],
                "is_total": [c == TOTAL_CODE for c in used],
            }
        )
        provenance = Provenance(
            source_id=self.id,
            dataset=Path(name).stem,
            title=kind.title,
            publisher="Politie",
            licence=LICENCE_OPEN,
            origin=raw.origin,
            file_hash=raw.file_hash(),
            retrieved_at=raw.retrieved_at,
            period=f"{years.min()}-{years.max()}",
            notes=_("codes uit {codelist}").format(
                codelist=kind.codelist if kind.codelist in raw.files else _("de ingebouwde codelijst")
            ),
        )
        return Batch(
            provenance, {"observations": observations.reset_index(drop=True), "categories": categories}
        )


def _choose_series(titles: pd.Series, raw: Raw, name: str) -> tuple[SeriesKind, dict[str, str]]:
    """Pick crime or nuisance by which code list explains more of the titles (ties: by file name)."""
    best: tuple[int, int, SeriesKind, dict[str, str]] | None = None
    unique = list(titles.unique())
    for rank, kind in enumerate((CRIME, DISORDER)):
        lists = (
            read_codelist(raw.files[kind.codelist], str(Path(raw.origin).with_name(kind.codelist)))
            if kind.codelist in raw.files
            else kind.codes
        )
        index = _index(kind, lists)
        hits = sum(_code(t, index, lists) is not None for t in unique)
        named = any(
            w in name.lower() for w in (("crime", "misdrijf") if kind is CRIME else ("disorder", "overlast"))
        )
        score = (hits, int(named) - rank, kind, lists)
        if best is None or score[:2] > best[:2]:
            best = score
    assert best is not None
    return best[2], best[3]


def _index(kind: SeriesKind, lists: dict[str, str]) -> dict[str, str]:
    """Loose title -> code; nuisance also knows the police's current and earlier labels of each class."""
    index = label_index(lists)
    if kind is DISORDER:
        index |= {text_key(label): code for label, code in OVERLAST_LABELS.items() if code in lists}
    return index


def _title(kind: SeriesKind, code: str, lists: dict[str, str]) -> str:
    """The stored title: a nuisance class's current police label (NL_Disorder.csv keeps older ones)."""
    return OVERLAST_CODES.get(code, lists[code]) if kind is DISORDER else lists[code]


def _code(title: str, index: dict[str, str], lists: dict[str, str]) -> str | None:
    found = index.get(text_key(title))
    if found is None:
        match = _LEADING_CODE.match(title.strip())
        if match and match.group(1) in lists:
            found = match.group(1)
    return found


def _years(table: Table, column: str) -> pd.Series:
    text = table.frame[column].str.strip()
    ok = text.str.fullmatch(r"(19|20)\d\d")
    if not ok.all():
        line = first_line(~ok)
        raise fail_at(
            "invalid_period",
            _("'{value}' is geen jaar.").format(value=text[line]),
            table,
            line,
            column,
            _("schrijf het jaar als vier cijfers, bijvoorbeeld 2023."),
        )
    return text.astype("int64")


def _sort_key(code: str) -> tuple[int, ...]:
    return tuple(int(p) for p in code.split(".")) if re.fullmatch(r"[\d.]+", code) else (10**6,)
