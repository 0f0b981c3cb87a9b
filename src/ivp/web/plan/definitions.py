"""Edit an indicator's definition (name, owner, team, targets) with the rules of the YAML import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml
from django.db import transaction

from ivp.plan import model as m
from ivp.plan.errors import PlanError, PlanFileError
from ivp.plan.yaml_io import loads_plan, plan_to_dict
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action
from ivp.web.plan.models import Indicator, Streefwaarde
from ivp.web.plan.queries import export_plan

if TYPE_CHECKING:
    from ivp.web.accounts.services import Team


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
