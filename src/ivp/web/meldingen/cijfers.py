"""The meldpunt's figures for the Veiligheidsbeeld: meldingen counted per category, buurt and month.

The rows are the aggregated shape the ``meldpunt`` source adapter reads (``ivp.sources.meldpunt``, shape a):
``categorie`` (name), ``categorie_code`` (the category's slug), ``gebied`` (the melding's buurt code; for a
melding without one, e.g. imported from Fixi, its area name, which the adapter resolves; else empty; always
empty for a staff user, ADR 0009), ``jaar``, ``maand`` (of ``aangemaakt`` in Europe/Amsterdam) and ``aantal``. Only counts
leave the app: no ids, texts, streets, coordinates or reporters. The current month is left out by default
(``until``), so no incomplete month is stored as if it were complete. Every export is audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear

from ivp.lib.cells import neutralise_formula
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action
from ivp.web.meldingen.models import Melding
from ivp.web.meldingen.permissions import check_can_export_statistics, statistics_show_buurt

TZ = zoneinfo.ZoneInfo("Europe/Amsterdam")
HEADER = ("categorie", "categorie_code", "gebied", "jaar", "maand", "aantal")


@dataclass(frozen=True)
class Row:
    """One count: meldingen of one category, buurt (``""``: none) and month."""

    categorie: str
    categorie_code: str
    gebied: str
    jaar: int
    maand: int
    aantal: int


@dataclass(frozen=True)
class Cijfers:
    """The counts, and the month they stop before (the first month left out)."""

    rows: list[Row]
    until: dt.date

    @property
    def total(self) -> int:
        return sum(r.aantal for r in self.rows)


def start_of_month(now: dt.datetime | None = None) -> dt.date:
    """The first day of the current month in Europe/Amsterdam."""
    local = (now or dt.datetime.now(dt.UTC)).astimezone(TZ)
    return local.date().replace(day=1)


def meldpunt_cijfers(actor: Any, *, until: dt.date | None = None) -> Cijfers:
    """Count meldingen per category, buurt and month of ``aangemaakt`` before ``until`` (the 1st of a month).

    ``actor`` is a staff user who may export (403 otherwise) or the CLI's operator name; audited as an export.
    Only the operator's counts are split by buurt; a staff user's have an empty ``gebied`` (the sums over all
    buurten, ADR 0009; :func:`~ivp.web.meldingen.permissions.statistics_show_buurt`).
    """
    check_can_export_statistics(actor)
    per_buurt = statistics_show_buurt(actor)
    until = until or start_of_month()
    if until.day != 1:
        raise ValueError(f"until must be the first day of a month, not {until.isoformat()}")
    end = dt.datetime(until.year, until.month, 1, tzinfo=TZ)
    grouped = (
        Melding.objects.filter(aangemaakt__lt=end)
        .annotate(jaar=ExtractYear("aangemaakt", tzinfo=TZ), maand=ExtractMonth("aangemaakt", tzinfo=TZ))
        .values("categorie__naam", "categorie__slug", "buurt_code", "buurt_naam", "jaar", "maand")
        .annotate(aantal=Count("id"))
        .order_by("categorie__slug", "buurt_code", "buurt_naam", "jaar", "maand")
    )
    counts: dict[tuple[str, str, str, int, int], int] = {}
    for g in grouped:
        key = (
            g["categorie__naam"],
            g["categorie__slug"],
            (g["buurt_code"] or g["buurt_naam"] or "") if per_buurt else "",
            g["jaar"],
            g["maand"],
        )
        counts[key] = counts.get(key, 0) + g["aantal"]
    rows = [Row(*key, aantal) for key, aantal in sorted(counts.items(), key=lambda item: item[0][1:])]
    result = Cijfers(rows, until)
    audit.record(
        actor,
        Action.EXPORT,
        "meldpunt_cijfers",
        "",
        after={
            "rijen": len(rows),
            "meldingen": result.total,
            "tot": until.isoformat(),
            "per_buurt": per_buurt,
        },
        detail="meldingen per categorie, buurt en maand",
    )
    return result


def to_csv(cijfers: Cijfers) -> str:
    """The rows as ``;``-separated csv with a header (UTF-8 text; the caller writes it). Text cells that a
    spreadsheet would run as a formula (a category named '=HYPERLINK(...)') get a leading quote."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for r in cijfers.rows:
        writer.writerow(
            [
                neutralise_formula(r.categorie),
                r.categorie_code,
                neutralise_formula(r.gebied),
                r.jaar,
                r.maand,
                r.aantal,
            ]
        )
    return buffer.getvalue()
