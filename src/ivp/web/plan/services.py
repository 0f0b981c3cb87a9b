"""The one way to change the plan in the app database: import, record realisations, export.

Views, forms, admin and the CLI call only these functions. An import runs in one transaction (a plan
with a problem leaves the database as it was); a realisation is appended, never edited, and a
correction points at the row it replaces. Every change writes an audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import yaml
from django.db import transaction

from ivp.lib.i18n import _
from ivp.plan import model as m
from ivp.plan.attainment import current
from ivp.plan.errors import PlanError, PlanFileError
from ivp.plan.sources import register_realisation_source, unregister_realisation_source
from ivp.plan.units import UnitValueError, parse_value
from ivp.plan.yaml_io import loads_plan, plan_to_dict
from ivp.web.audit import services as audit
from ivp.web.audit.models import Action
from ivp.web.plan.models import Indicator, Opgave, Plan, Realisatie, Streefwaarde, Uitvoeringsplan, Werkwijze

if TYPE_CHECKING:
    from ivp.web.accounts.models import Team

__all__ = [
    "active_plan",
    "edit_indicator_definition",
    "export_plan",
    "import_plan",
    "indicator_history",
    "record_realisation",
    "register_realisation_source",
    "unregister_realisation_source",
]


def _actor_name(actor: Any) -> str:
    if getattr(actor, "is_authenticated", False):
        return str(actor.get_username())
    return str(actor or "")


@transaction.atomic
def import_plan(plan: m.Plan, *, actor: Any = None) -> Plan:
    """Store ``plan`` (checked by :func:`ivp.plan.yaml_io.load_plan`) whole, replacing a plan with its id.

    Indicators are matched by id, so their realisations, teams and owners survive a re-import. An
    indicator that has realisations cannot disappear from the plan: the import is refused.
    """
    row, created = Plan.objects.select_for_update().get_or_create(
        code=plan.id,
        defaults={
            "naam": plan.name,
            "gemeente": plan.gemeente,
            "van": plan.period.start,
            "tot": plan.period.end,
        },
    )
    before = None if created else {"naam": row.naam, "van": row.van, "tot": row.tot}
    row.naam, row.gemeente = plan.name, plan.gemeente
    row.van, row.tot = plan.period.start, plan.period.end
    row.vastgesteld, row.beschrijving = plan.adopted, plan.description
    row.save()
    _replace_definitions(row, plan)
    _upsert_indicators(row, plan)
    added = 0
    for real in plan.realisations:
        added += _record_if_new(row, real, actor)
    audit.record(
        actor,
        Action.CREATE if created else Action.UPDATE,
        "plan",
        plan.id,
        before=before,
        after={"naam": plan.name, "indicatoren": len(plan.indicators), "realisaties": added},
        detail="import",
    )
    return row


def _replace_definitions(row: Plan, plan: m.Plan) -> None:
    row.werkwijzen.all().delete()
    row.opgaven.all().delete()
    row.uitvoeringsplannen.all().delete()
    Werkwijze.objects.bulk_create(
        Werkwijze(
            plan=row, code=w.id, naam=w.name, beschrijving=w.description, opgaven=list(w.opgaven), volgorde=i
        )
        for i, w in enumerate(plan.working_methods)
    )
    Opgave.objects.bulk_create(
        Opgave(
            plan=row,
            code=o.id,
            naam=o.name,
            beschrijving=o.description,
            themas=list(o.themes),
            doelen=list(o.goals),
            werkwijze=o.working_method or "",
            volgorde=i,
        )
        for i, o in enumerate(plan.opgaven)
    )
    Uitvoeringsplan.objects.bulk_create(
        Uitvoeringsplan(
            plan=row,
            code=u.id,
            onderwerp=u.subject,
            naam=u.name,
            van=u.period.start,
            tot=u.period.end,
            opgave=u.opgave,
            themas=list(u.themes),
            beschrijving=u.description,
            pijlers=[{"id": p.id, "naam": p.name, "beschrijving": p.description} for p in u.pillars],
            acties=list(u.actions),
            volgorde=i,
        )
        for i, u in enumerate(plan.implementation_plans)
    )


def _upsert_indicators(row: Plan, plan: m.Plan) -> None:
    existing = {ind.code: ind for ind in row.indicatoren.select_for_update()}
    keep = {ind.id for ind in plan.indicators}
    gone = [row_ind for code, row_ind in existing.items() if code not in keep]
    in_use = [row_ind.code for row_ind in gone if row_ind.realisaties.exists()]
    if in_use:
        raise PlanFileError(
            [
                PlanError(
                    "plan.indicator_in_use",
                    _("indicator '{code}' heeft realisaties en kan niet uit het plan verdwijnen.").format(
                        code=code
                    ),
                    field="indicatoren",
                    hint=_("laat de indicator in het plan staan (zonder streefwaarden als hij vervalt)."),
                )
                for code in in_use
            ],
            plan.id,
        )
    for row_ind in gone:
        row_ind.delete()
    for i, ind in enumerate(plan.indicators):
        stat = ind.statistic
        fields = {
            "naam": ind.name,
            "beschrijving": ind.description,
            "eenheid": ind.unit,
            "richting": ind.direction,
            "aggregatie": ind.aggregation,
            "eigenaar": ind.owner,
            "bron": ind.source,
            "themas": list(ind.themes),
            "onderwerp": ind.subject or "",
            "pijler": ind.pillar or "",
            "opgave": ind.opgave or "",
            "statistiek": {
                "maat": stat.measure,
                "categorie": stat.category,
                "schema": stat.scheme,
                "regio": stat.region,
            }
            if stat
            else None,
            "nulmeting_jaar": ind.baseline.year if ind.baseline else None,
            "nulmeting_waarde": ind.baseline.value if ind.baseline else None,
            "volgorde": i,
        }
        obj = existing.get(ind.id)
        if obj is None:
            obj = Indicator.objects.create(plan=row, code=ind.id, **fields)
        else:
            for key, value in fields.items():
                setattr(obj, key, value)
            obj.save()
        obj.streefwaarden.all().delete()
        Streefwaarde.objects.bulk_create(
            Streefwaarde(indicator=obj, jaar=y, waarde=v) for y, v in ind.targets
        )


def _in_force(ind: Indicator, real: m.Realisation) -> bool:
    now = [r for r in current(_to_model(x, ind.code) for x in ind.realisaties.all()) if r.year == real.year]
    return bool(now) and now[0].value == real.value and now[0].as_of == real.as_of


def _record_if_new(row: Plan, real: m.Realisation, actor: Any) -> int:
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


def _definition(ind: Indicator) -> dict[str, Any]:
    return {
        "naam": ind.naam,
        "eigenaar": ind.eigenaar,
        "team": ind.team.naam if ind.team else None,
        "streefwaarden": {str(s.jaar): s.waarde for s in ind.streefwaarden.order_by("jaar")},
    }


def _check_definition(ind: Indicator, name: str, owner: str, targets: dict[int, object]) -> m.Indicator:
    """Check the edited indicator with the import's own rules: the whole stored plan, with this
    indicator changed, goes through :func:`ivp.plan.yaml_io.loads_plan`. Problems keep their field
    (``naam``, ``eigenaar``, ``streefwaarden.2024``), relative to the indicator."""
    doc = plan_to_dict(export_plan(ind.plan.code), with_realisations=False)
    entry = next(x for x in doc["indicatoren"] if x["id"] == ind.code)
    entry["naam"], entry["eigenaar"] = name, owner
    entry["streefwaarden"] = {str(year): raw for year, raw in sorted(targets.items())}
    if not targets:
        del entry["streefwaarden"]
    try:
        plan = loads_plan(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), ind.plan.code)
    except PlanFileError as exc:
        prefix = f"indicatoren[{ind.code}]."
        raise PlanFileError(
            [
                PlanError(
                    p.code,
                    p.message,
                    field=(p.field or "").removeprefix(prefix)
                    if (p.field or "").startswith(prefix)
                    else None,
                    hint=p.hint,
                )
                for p in exc.problems
            ],
            ind.code,
        ) from exc
    return plan.indicator(ind.code)


@transaction.atomic
def edit_indicator_definition(
    indicator: Indicator,
    *,
    name: str,
    owner: str,
    team: Team | None,
    targets: dict[int, object],
    actor: Any,
) -> Indicator:
    """Change an indicator's name, owner, team and yearly targets (``{year: raw value}``, the whole set:
    a year left out is removed), checked with the rules of the YAML import.

    Targets have no history table: the audit event keeps the definition before and after.
    """
    ind = (
        Indicator.objects.select_for_update(of=("self",)).select_related("plan", "team").get(pk=indicator.pk)
    )
    checked = _check_definition(ind, name, owner, targets)
    before = _definition(ind)
    ind.naam, ind.eigenaar, ind.team = checked.name, checked.owner, team
    ind.save(update_fields=["naam", "eigenaar", "team"])
    new = dict(checked.targets)
    ind.streefwaarden.exclude(jaar__in=list(new)).delete()
    for year, value in new.items():
        Streefwaarde.objects.update_or_create(indicator=ind, jaar=year, defaults={"waarde": value})
    audit.record(
        actor,
        Action.UPDATE,
        "indicator",
        f"{ind.plan.code}/{ind.code}",
        before=before,
        after=_definition(ind),
        detail="definitie",
    )
    return ind


def active_plan(code: str | None = None) -> Plan:
    """The plan with ``code``, or the most recently imported one; a clear error when there is none."""
    from ivp.lib.errors import ConfigError

    rows = Plan.objects.all()
    row = rows.filter(code=code).first() if code else rows.order_by("-geimporteerd_op").first()
    if row is None:
        raise ConfigError(
            _(
                "Geen veiligheidsplan {code}in de database. Importeer er een: ivp plan import PLAN.yaml"
            ).format(code=f"'{code}' " if code else "")
        )
    return row


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


def export_plan(code: str | None = None, *, with_realisations: bool = False) -> m.Plan:
    """The stored plan as the pure model (for YAML export, reports and attainment)."""
    row = active_plan(code)
    indicators = []
    for ind in row.indicatoren.prefetch_related("streefwaarden"):
        stat = ind.statistiek
        indicators.append(
            m.Indicator(
                id=ind.code,
                name=ind.naam,
                description=ind.beschrijving,
                unit=ind.eenheid,  # type: ignore[arg-type]
                direction=ind.richting,  # type: ignore[arg-type]
                aggregation=ind.aggregatie,  # type: ignore[arg-type]
                owner=ind.eigenaar,
                source=ind.bron,  # type: ignore[arg-type]
                themes=tuple(ind.themas),
                targets=tuple((s.jaar, s.waarde) for s in ind.streefwaarden.all()),
                subject=ind.onderwerp or None,
                pillar=ind.pijler or None,
                opgave=ind.opgave or None,
                statistic=m.StatisticSpec(
                    stat["maat"], stat["categorie"], stat.get("schema") or "cbs-misdrijf", stat.get("regio")
                )
                if stat
                else None,
                baseline=m.Baseline(ind.nulmeting_jaar, ind.nulmeting_waarde) if ind.nulmeting_jaar else None,
            )
        )
    realisations: Iterable[m.Realisation] = ()
    if with_realisations:
        realisations = [
            m.Realisation(
                r.indicator,
                r.year,
                r.value,
                as_of=r.as_of,
                evidence=r.evidence,
                recorded_by=r.recorded_by,
                note=r.note,
            )
            for r in current(stored_realisations(row))
        ]
    return m.Plan(
        id=row.code,
        name=row.naam,
        gemeente=row.gemeente,
        period=m.Period(row.van, row.tot),
        adopted=row.vastgesteld,
        description=row.beschrijving,
        working_methods=tuple(
            m.WorkingMethod(w.code, w.naam, w.beschrijving, tuple(w.opgaven)) for w in row.werkwijzen.all()
        ),
        opgaven=tuple(
            m.Opgave(o.code, o.naam, o.beschrijving, tuple(o.themas), tuple(o.doelen), o.werkwijze or None)
            for o in row.opgaven.all()
        ),
        implementation_plans=tuple(
            m.ImplementationPlan(
                id=u.code,
                subject=u.onderwerp,
                name=u.naam,
                period=m.Period(u.van, u.tot),
                opgave=u.opgave,
                themes=tuple(u.themas),
                pillars=tuple(m.Pillar(p["id"], p["naam"], p.get("beschrijving", "")) for p in u.pijlers),
                actions=tuple(u.acties),
                description=u.beschrijving,
            )
            for u in row.uitvoeringsplannen.all()
        ),
        indicators=tuple(indicators),
        realisations=tuple(realisations),
    )
