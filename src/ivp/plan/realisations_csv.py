"""Read realisations from a csv file: one row per indicator and year, checked against the plan.

Columns: ``indicator``, ``jaar``, ``waarde`` (required), ``peildatum``, ``bewijs``, ``toelichting``
(optional). Comma or semicolon separated (Excel in Dutch writes semicolons). Any problem rejects the
whole file, with the line and column of each problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from ivp.lib import cells
from ivp.lib.i18n import _
from ivp.plan.errors import PlanError, PlanFileError
from ivp.plan.model import Plan, Realisation
from ivp.plan.units import UnitValueError, parse_value

REQUIRED = ("indicator", "jaar", "waarde")
OPTIONAL = ("peildatum", "bewijs", "toelichting")


def read_realisations_csv(path: Path, plan: Plan, *, recorded_by: str = "") -> list[Realisation]:
    """Parse and check ``path``; raise :class:`PlanFileError` listing every problem."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(
            [PlanError("plan.unreadable", _("kan het bestand niet lezen: {error}").format(error=exc))], file
        ) from exc
    return parse_realisations_csv(text, plan, file=file, recorded_by=recorded_by)


def parse_realisations_csv(
    text: str, plan: Plan, *, file: str = "<csv>", recorded_by: str = ""
) -> list[Realisation]:
    """Parse csv text; see :func:`read_realisations_csv`."""
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise PlanFileError(
            [
                PlanError(
                    "plan.missing_key",
                    _("kolom(men) ontbreken: {cols}.").format(cols=", ".join(missing)),
                    file=file,
                    line=1,
                    hint=_("de eerste regel is: indicator,jaar,waarde,peildatum,bewijs,toelichting."),
                )
            ],
            file,
        )
    indicators = {ind.id: ind for ind in plan.indicators}
    problems: list[PlanError] = []
    out: list[Realisation] = []
    for lineno, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not any(row.values()):
            continue

        def bad(code: str, message: str, column: str, lineno: int = lineno) -> None:
            problems.append(PlanError(code, message, file=file, line=lineno, field=column))

        ind = indicators.get(row["indicator"])
        if ind is None:
            bad(
                "plan.unknown_reference",
                _("onbekende indicator '{id}'.").format(id=row["indicator"]),
                "indicator",
            )
        try:
            year = int(row["jaar"])
        except ValueError:
            bad("plan.bad_year", _("'{v}' is geen jaartal.").format(v=row["jaar"]), "jaar")
            continue
        if year not in plan.period:
            bad(
                "plan.realisation_outside_period",
                _("realisatie voor {year} valt buiten de planperiode {period}.").format(
                    year=year, period=plan.period.label()
                ),
                "jaar",
            )
        as_of: dt.date | None = None
        if row.get("peildatum"):
            try:
                as_of = dt.date.fromisoformat(row["peildatum"])
            except ValueError:
                bad(
                    "plan.bad_date",
                    _("'{v}' is geen datum (JJJJ-MM-DD).").format(v=row["peildatum"]),
                    "peildatum",
                )
            else:
                if as_of.year != year:
                    bad("plan.bad_date", _("peildatum ligt niet in {year}.").format(year=year), "peildatum")
        for column in ("bewijs", "toelichting"):
            found = cells.refused_characters(row.get(column, ""))
            if found:  # issue 12: no control character reaches the reports (docx and xlsx refuse them)
                what = cells.describe(row[column], found)
                bad("plan.bad_text", _("bevat {what}.").format(what=what), column)
        if ind is None:
            continue
        try:
            value = parse_value(row["waarde"], ind.unit)
        except UnitValueError as exc:
            bad(exc.code, exc.message, "waarde")
            continue
        out.append(
            Realisation(
                indicator=ind.id,
                year=year,
                value=value,
                as_of=as_of,
                evidence=row.get("bewijs", ""),
                note=row.get("toelichting", ""),
                recorded_by=recorded_by,
                source="csv",
            )
        )
    if problems:
        raise PlanFileError(problems, file)
    return out
