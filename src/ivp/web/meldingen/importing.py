"""Import meldingen exported from other systems (Fixi csv; Signalen-like csv with the same columns)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from ivp.lib import cells
from ivp.lib.errors import InputError
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action
from ivp.web.meldingen import workflow
from ivp.web.meldingen.models import Category, Kanaal, Melding, StatusWijziging

TZ = zoneinfo.ZoneInfo("Europe/Amsterdam")
ID_COLUMNS = ("id", "melding_id", "nummer")
CATEGORY_COLUMNS = ("category", "categoryname", "categorie", "hoofdcategorie")
TIME_COLUMNS = ("created_at", "creation_date", "aangemaakt", "datum", "date", "created")
AREA_COLUMNS = ("area", "regionname", "gebied", "wijk", "buurt")


@dataclass(frozen=True)
class ImportResult:
    read: int
    created: int
    skipped_existing: int
    categories_created: int


def _pick(header: list[str], names: tuple[str, ...], path: Path, required: bool = True) -> str | None:
    lowered = {h.strip().lower(): h for h in header}
    for name in names:
        if name in lowered:
            return lowered[name]
    if required:
        raise InputError(
            code="kolom_ontbreekt",
            message=f"geen kolom {' of '.join(names)} gevonden (kolommen: {', '.join(header)})",
            file=str(path),
            hint="exporteer met id, categorie en aanmaaktijd",
        )
    return None


def _parse_time(value: str, path: Path, line: int, field: str) -> dt.datetime:
    text = value.strip()
    for fmt in (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%d-%m-%Y %H:%M:%S",
        "%d-%m-%Y %H:%M",
        "%Y-%m-%d",
    ):
        try:
            parsed = dt.datetime.strptime(text[:19], fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=TZ)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            code="tijd_ongeldig",
            message=f"'{value}' is geen datum/tijd",
            file=str(path),
            record=line,
            field=field,
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=TZ)


def _plain(value: str, path: Path, line: int, field: str) -> str:
    """``value`` when it has no control characters (issue 12), else an error naming file, line and field."""
    found = cells.refused_characters(value)
    if found:
        raise InputError(
            code="ongeldig_teken",
            message=f"bevat {cells.describe(value, found)}",
            file=str(path),
            record=line,
            field=field,
            hint="haal het teken weg (of exporteer opnieuw) en importeer dan opnieuw",
        )
    return value


def import_csv(path: Path, *, batch_size: int = 2000) -> ImportResult:
    """Import a csv export; rows already imported (same source id) are skipped, so a rerun is safe.

    Old meldingen arrive closed ("afgehandeld") and carry no text or contact details.
    """
    raw = path.read_bytes()
    text = (
        raw.decode("utf-8-sig", errors="strict")
        if raw[:3] == b"\xef\xbb\xbf"
        else raw.decode("utf-8", errors="replace")
    )
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = list(reader.fieldnames or [])
    id_col = _pick(header, ID_COLUMNS, path)
    cat_col = _pick(header, CATEGORY_COLUMNS, path)
    time_col = _pick(header, TIME_COLUMNS, path)
    area_col = _pick(header, AREA_COLUMNS, path, required=False)
    assert id_col
    assert cat_col
    assert time_col
    # The whole file or nothing: batches bound memory, not the transaction, so a bad line after the
    # first batch leaves no rows behind ("niets van dit bestand geladen" stays true).
    with transaction.atomic():
        categories = {c.naam.lower(): c for c in Category.objects.all()}
        existing = set(Melding.objects.filter(kanaal=Kanaal.IMPORT).values_list("extern_id", flat=True))
        read = created = skipped = new_categories = 0
        pending: list[Melding] = []

        def flush() -> None:
            nonlocal created
            if not pending:
                return
            made = Melding.objects.bulk_create(pending)
            StatusWijziging.objects.bulk_create(
                [StatusWijziging(melding=m, van="", naar=workflow.AFGEHANDELD, op=m.aangemaakt) for m in made]
            )
            created += len(made)
            pending.clear()

        for line, row in enumerate(reader, start=2):
            read += 1
            extern = _plain((row.get(id_col) or "").strip(), path, line, id_col)
            if not extern:
                raise InputError(
                    code="id_ontbreekt", message="lege id", file=str(path), record=line, field=id_col
                )
            if extern in existing:
                skipped += 1
                continue
            existing.add(extern)
            naam = _plain((row.get(cat_col) or "").strip(), path, line, cat_col) or "Overig"
            category = categories.get(naam.lower())
            if category is None:
                slug = slugify(naam)[:45] or "overig"
                category, made_new = Category.objects.get_or_create(
                    slug=slug, defaults={"naam": naam[:100], "actief": False}
                )
                categories[naam.lower()] = category
                new_categories += int(made_new)
            when = _parse_time(row.get(time_col) or "", path, line, time_col)
            area = _plain((row.get(area_col) or "").strip(), path, line, area_col) if area_col else ""
            pending.append(
                Melding(
                    categorie=category,
                    status=workflow.AFGEHANDELD,
                    kanaal=Kanaal.IMPORT,
                    extern_id=extern[:64],
                    aangemaakt=when,
                    tijd_van=when,
                    tijd_tot=when,
                    buurt_naam=area[:100],
                    afgehandeld_op=when,
                    gewist_op=when,  # an import carries no personal data
                )
            )
            if len(pending) >= batch_size:
                flush()
        flush()
        audit.record(
            "import",
            Action.CREATE,
            "melding",
            "",
            after={"bestand": path.name, "nieuw": created, "al_aanwezig": skipped},
        )
    return ImportResult(read, created, skipped, new_categories)
