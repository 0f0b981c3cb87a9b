"""Import a plan whole: its definitions are replaced, its indicators matched by id (one transaction)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ivp.lib.i18n import _
from ivp.plan import model as m
from ivp.plan.errors import PlanError, PlanFileError
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action
from ivp.web.plan.models import Indicator, Opgave, Plan, Streefwaarde, Uitvoeringsplan, Werkwijze
from ivp.web.plan.realisations import record_if_new


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
        added += record_if_new(row, real, actor)
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
