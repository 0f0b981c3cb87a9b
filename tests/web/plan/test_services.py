"""Plan services: atomic import, re-import, realisations with history, export round trip, audit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from ivp.plan.attainment import current
from ivp.plan.errors import PlanFileError
from ivp.plan.model import Plan as PlanModel
from ivp.plan.model import Realisation
from ivp.plan.yaml_io import dumps_plan, example_path, load_plan, loads_plan
from ivp.web.audit.models import AuditEvent
from ivp.web.plan import services
from ivp.web.plan.models import AppendOnlyError, Indicator, Plan, Realisatie

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan() -> PlanModel:
    return load_plan(example_path())


def test_import_then_export_gives_the_same_plan(plan: PlanModel) -> None:
    services.import_plan(plan, actor="cli:test")
    exported = services.export_plan()
    assert exported == plan
    assert loads_plan(dumps_plan(exported)) == plan
    assert AuditEvent.objects.filter(object_type="plan", object_id=plan.id, action="create").count() == 1


def test_a_failing_import_leaves_nothing(plan: PlanModel) -> None:
    # The last step (its realisations) fails: the plan, indicators and audit rows written before roll back.
    broken = dataclasses.replace(plan, realisations=(Realisation("BESTAAT-NIET", 2024, 1.0),))
    with pytest.raises(Indicator.DoesNotExist):
        services.import_plan(broken, actor="cli:test")
    assert Plan.objects.count() == 0
    assert Indicator.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="plan").count() == 0


def test_reimport_keeps_realisations_and_refuses_to_drop_used_indicators(plan: PlanModel) -> None:
    row = services.import_plan(plan, actor="cli:test")
    ind = row.indicatoren.get(code="OND-01")
    services.record_realisation(ind, 2024, 9, actor="cli:test", evidence="rapportage")
    services.import_plan(plan, actor="cli:test")
    assert Realisatie.objects.filter(indicator__code="OND-01").count() == 1
    smaller = dataclasses.replace(plan, indicators=tuple(i for i in plan.indicators if i.id != "OND-01"))
    with pytest.raises(PlanFileError) as info:
        services.import_plan(smaller, actor="cli:test")
    assert info.value.codes == ("plan.indicator_in_use",)
    assert Indicator.objects.filter(code="OND-01").exists()


def test_corrections_keep_history(plan: PlanModel, django_user_model: Any) -> None:
    user = django_user_model.objects.create(username="analist", role="analist")
    row = services.import_plan(plan, actor="cli:test")
    ind = row.indicatoren.get(code="OND-01")
    first = services.record_realisation(ind, 2024, 12, actor=user, evidence="Q4-rapportage")
    fix = services.record_realisation(ind, 2024, 10, actor=user, evidence="herteld")
    assert fix.corrigeert_id == first.pk
    assert fix.door == user
    assert fix.door_naam == "analist"
    history = services.indicator_history(ind)
    assert [r.waarde for r in history] == [10, 12]
    assert [r.value for r in current(services.stored_realisations(row))] == [10]
    with pytest.raises(AppendOnlyError):
        first.save()
    audit = AuditEvent.objects.filter(object_type="realisatie", object_id=str(fix.pk)).get()
    assert audit.before == {"waarde": 12.0, "id": first.pk}
    assert audit.actor == user


def test_a_later_as_of_is_a_new_state_not_a_correction(plan: PlanModel) -> None:
    row = services.import_plan(plan, actor="cli:test")
    ind = row.indicatoren.get(code="OND-01")
    q1 = services.record_realisation(ind, 2024, 2, actor="x", as_of=dt.date(2024, 3, 31))
    q2 = services.record_realisation(ind, 2024, 5, actor="x", as_of=dt.date(2024, 6, 30))
    assert q2.corrigeert_id is None
    assert [r.id for r in current(services.stored_realisations(row))] == [q2.pk]
    assert q1.pk != q2.pk


@pytest.mark.parametrize(
    ("year", "value", "as_of", "code"),
    [
        (2027, 3, None, "plan.realisation_outside_period"),
        (2024, "25%", None, "plan.target_unit"),
        (2024, 2.5, None, "plan.target_unit"),
        (2024, 3, dt.date(2023, 5, 1), "plan.bad_date"),
    ],
)
def test_bad_realisations_are_refused(
    plan: PlanModel, year: int, value: object, as_of: dt.date | None, code: str
) -> None:
    row = services.import_plan(plan, actor="cli:test")
    ind = row.indicatoren.get(code="OND-01")
    with pytest.raises(PlanFileError) as info:
        services.record_realisation(ind, year, value, actor="x", as_of=as_of)
    assert info.value.codes == (code,)
    assert Realisatie.objects.count() == 0


def test_csv_import_is_all_or_nothing(plan: PlanModel) -> None:
    row = services.import_plan(plan, actor="cli:test")
    good = Realisation("OND-01", 2024, 9.0)
    bad = Realisation("OND-02", 2024, 2.5)
    with pytest.raises(PlanFileError):
        services.record_realisations(row, [good, bad], actor="x")
    assert Realisatie.objects.count() == 0
    assert services.record_realisations(row, [good], actor="x") == 1
    assert services.record_realisations(row, [good], actor="x") == 0  # unchanged: skipped


def test_no_plan_is_a_clear_error() -> None:
    from ivp.lib.errors import ConfigError

    with pytest.raises(ConfigError, match="ivp plan import"):
        services.active_plan()
