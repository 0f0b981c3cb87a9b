"""Realisations: appended, never edited; a correction points at the row it replaces. Audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ivp.lib.i18n import _
from ivp.plan import model as m
from ivp.plan.attainment import current
from ivp.plan.errors import PlanError, PlanFileError
from ivp.plan.units import UnitValueError, parse_value
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action
from ivp.web.plan.models import Indicator, Plan, Realisatie


def _actor_name(actor: Any) -> str:
    if getattr(actor, "is_authenticated", False):
        return str(actor.get_username())
    return str(actor or "")


def _in_force(ind: Indicator, real: m.Realisation) -> bool:
    now = [r for r in current(_to_model(x, ind.code) for x in ind.realisaties.all()) if r.year == real.year]
    return bool(now) and now[0].value == real.value and now[0].as_of == real.as_of


def record_if_new(row: Plan, real: m.Realisation, actor: Any) -> int:
    """Append ``real`` unless the same value is already in force; 1 when appended, else 0."""
    ind = row.indicatoren.get(code=real.indicator)
    if _in_force(ind, real):
        return 0
    _append(ind, real, actor)
    return 1


def _append(
    ind: Indicator, real: m.Realisation, actor: Any, corrects: Realisatie | None = None
) -> Realisatie:
    if corrects is None:
        same = [
            r
            for r in ind.realisaties.filter(jaar=real.year, peildatum=real.as_of).order_by("-op", "-id")
            if not hasattr(r, "correctie")
        ]
        corrects = same[0] if same else None
    user = actor if getattr(actor, "is_authenticated", False) else None
    row = Realisatie.objects.create(
        indicator=ind,
        jaar=real.year,
        waarde=real.value,
        peildatum=real.as_of,
        bewijs=real.evidence,
        toelichting=real.note,
        bron=real.source,
        door=user,
        door_naam=_actor_name(actor) or real.recorded_by,
        corrigeert=corrects,
    )
    audit.record(
        actor,
        Action.CREATE,
        "realisatie",
        row.pk,
        before={"waarde": corrects.waarde, "id": corrects.pk} if corrects else None,
        after={"indicator": ind.code, "jaar": real.year, "waarde": real.value, "bewijs": real.evidence[:100]},
    )
    return row


@transaction.atomic
def record_realisation(
    indicator: Indicator,
    year: int,
    value: object,
    *,
    actor: Any,
    as_of: dt.date | None = None,
    evidence: str = "",
    note: str = "",
    source: str = "handmatig",
    corrects: int | None = None,
) -> Realisatie:
    """Append a realisation after checking it against the plan (period, unit, date).

    A new value for the same year and date replaces the earlier one as a correction; the earlier one
    stays in the history. ``corrects`` names the replaced row explicitly.
    """
    ind = Indicator.objects.select_for_update().select_related("plan").get(pk=indicator.pk)
    period = m.Period(ind.plan.van, ind.plan.tot)
    problems: list[PlanError] = []
    if year not in period:
        problems.append(
            PlanError(
                "plan.realisation_outside_period",
                _("realisatie voor {year} valt buiten de planperiode {period}.").format(
                    year=year, period=period.label()
                ),
                field="jaar",
            )
        )
    if as_of is not None and as_of.year != year:
        problems.append(
            PlanError(
                "plan.bad_date", _("peildatum ligt niet in {year}.").format(year=year), field="peildatum"
            )
        )
    number = 0.0
    try:
        number = parse_value(value, ind.eenheid)  # type: ignore[arg-type]
    except UnitValueError as exc:
        problems.append(PlanError(exc.code, exc.message, field="waarde"))
    replaced: Realisatie | None = None
    if corrects is not None:
        replaced = ind.realisaties.filter(pk=corrects).first()
        if replaced is None or hasattr(replaced, "correctie"):
            problems.append(
                PlanError(
                    "plan.bad_correction",
                    _("realisatie {id} bestaat niet bij deze indicator of is al gecorrigeerd.").format(
                        id=corrects
                    ),
                    field="corrigeert",
                )
            )
    if problems:
        raise PlanFileError(problems, ind.code)
    real = m.Realisation(ind.code, year, number, as_of=as_of, evidence=evidence, note=note, source=source)
    return _append(ind, real, actor, replaced)


@transaction.atomic
def record_realisations(row: Plan, items: Iterable[m.Realisation], *, actor: Any) -> int:
    """Record several realisations (a csv import) all or none; values already in force are skipped."""
    added = 0
    for real in items:
        ind = row.indicatoren.get(code=real.indicator)
        if _in_force(ind, real):
            continue
        record_realisation(
            ind,
            real.year,
            real.value,
            actor=actor,
            as_of=real.as_of,
            evidence=real.evidence,
            note=real.note,
            source=real.source,
        )
        added += 1
    return added


def _to_model(r: Realisatie, code: str | None = None) -> m.Realisation:
    return m.Realisation(
        indicator=code or r.indicator.code,
        year=r.jaar,
        value=r.waarde,
        as_of=r.peildatum,
        evidence=r.bewijs,
        recorded_by=r.door_naam,
        recorded_at=r.op,
        source=r.bron,
        id=r.pk,
        corrects=r.corrigeert_id,
        note=r.toelichting,
    )


def stored_realisations(row: Plan) -> list[m.Realisation]:
    """Every stored realisation of the plan, history included (see :func:`ivp.plan.attainment.current`)."""
    rows = Realisatie.objects.filter(indicator__plan=row).select_related("indicator")
    return [_to_model(r, r.indicator.code) for r in rows]


def indicator_history(ind: Indicator) -> list[Realisatie]:
    """All realisations of an indicator, newest first, corrections included."""
    return list(ind.realisaties.order_by("-jaar", "-op", "-id"))
