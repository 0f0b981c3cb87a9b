"""Editing the plan's definition in the web app: beheerder and analist only, checked with the YAML
import's rules, audited with before/after, and exported like an imported plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ivp.plan.tracking import all_realisations, progress
from ivp.plan.yaml_io import dumps_plan, example_path, load_plan, loads_plan
from ivp.web.audit.models import AuditEvent
from ivp.web.plan import services
from ivp.web.plan.models import Indicator, Streefwaarde

pytestmark = pytest.mark.django_db

PLAN = "dordrecht-ivp-2023-2026"
URL = f"/staf/plan/{PLAN}/indicator/OND-01/definitie/"
PAGE = f"/staf/plan/{PLAN}/indicator/OND-01/"
BEFORE = {2023: 10.0, 2024: 10.0, 2025: 10.0, 2026: 10.0}


@pytest.fixture
def indicator(actors: dict[str, Any]) -> Indicator:
    row = services.import_plan(load_plan(example_path()), actor="cli:test")
    ind = row.indicatoren.get(code="OND-01")
    ind.team = actors["team_a"]
    ind.verantwoordelijke = actors["owner"]
    ind.save()
    services.record_realisation(ind, 2025, 11, actor="cli:test", evidence="Voortgangsrapportage 2025")
    return ind


def _targets(ind: Indicator) -> dict[int, float]:
    return {s.jaar: s.waarde for s in Streefwaarde.objects.filter(indicator=ind)}


def _post(client: Any, targets: str, team: Any = "") -> Any:
    return client.post(
        URL,
        {
            "naam": "Integrale controles (bijgesteld)",
            "eigenaar": "Teamleider ondermijning",
            "team": team,
            "streefwaarden": targets,
        },
    )


def _status_2025(ind: Indicator) -> tuple[float | None, str]:
    row = ind.plan
    plan = services.export_plan(row.code)
    reals = all_realisations(plan, services.stored_realisations(row), None)
    p = next(x for x in progress(plan, reals, plan.period) if x.indicator.id == ind.code)
    year = next(a for a in p.years if a.period.start == 2025)
    return year.target, year.status


def test_analist_edits_a_target(
    actors: dict[str, Any], indicator: Indicator, staff_login: Callable[[Any], Any]
) -> None:
    target_before, status_before = _status_2025(indicator)
    assert target_before == 10.0
    client = staff_login(actors["analist"])
    response = _post(client, "2023: 10\n2024: 10\n2025: 15", team=actors["team_b"].pk)
    assert response.status_code == 302
    assert _targets(indicator) == {2023: 10.0, 2024: 10.0, 2025: 15.0}
    indicator.refresh_from_db()
    assert indicator.naam == "Integrale controles (bijgesteld)"
    assert indicator.eigenaar == "Teamleider ondermijning"
    assert indicator.team == actors["team_b"]
    page = client.get(PAGE).content.decode()
    assert "Integrale controles (bijgesteld)" in page
    assert "2025: 15" in page
    target, status_after = _status_2025(indicator)
    assert target == 15.0
    assert status_after != status_before  # 11 against 10 is met, against 15 it is not
    event = AuditEvent.objects.get(object_type="indicator", object_id=f"{PLAN}/OND-01")
    assert event.actor == actors["analist"]
    assert event.before is not None
    assert event.after is not None
    assert event.before["streefwaarden"] == {str(y): v for y, v in BEFORE.items()}
    assert event.after["streefwaarden"] == {"2023": 10.0, "2024": 10.0, "2025": 15.0}
    assert event.before["team"] == "Handhaving"
    assert event.after["team"] == "Wijkteam Noord"


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ("2023: 10\n2024: 25%", "is een percentage"),
        ("2023: 10\n2030: 10", "valt buiten de planperiode"),
        ("2023: 2,5", "een aantal is een geheel getal"),
        ("twintig", "geen regel"),
    ],
)
def test_bad_target_is_a_dutch_field_error_and_nothing_is_saved(
    targets: str,
    message: str,
    actors: dict[str, Any],
    indicator: Indicator,
    staff_login: Callable[[Any], Any],
) -> None:
    client = staff_login(actors["beheerder"])
    response = _post(client, targets)
    assert response.status_code == 400
    errors = response.context["definition"].errors
    assert list(errors) == ["streefwaarden"]
    assert message in " ".join(errors["streefwaarden"])
    assert _targets(indicator) == BEFORE
    indicator.refresh_from_db()
    assert indicator.naam == "Integrale controles"
    assert not AuditEvent.objects.filter(object_type="indicator").exists()


@pytest.mark.parametrize("who", ["owner", "member", "outsider", "nobody"])
def test_others_get_403(
    who: str, actors: dict[str, Any], indicator: Indicator, staff_login: Callable[[Any], Any]
) -> None:
    client = staff_login(actors[who])
    assert _post(client, "2023: 99").status_code == 403
    assert _targets(indicator) == BEFORE
    if who != "nobody":
        assert "Definitie wijzigen" not in client.get(PAGE).content.decode()


def test_anonymous_is_sent_to_login(client: Any, indicator: Indicator) -> None:
    response = _post(client, "2023: 99")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/inloggen/")
    assert _targets(indicator) == BEFORE


def test_export_after_an_edit_has_the_new_target(
    actors: dict[str, Any], indicator: Indicator, staff_login: Callable[[Any], Any]
) -> None:
    client = staff_login(actors["analist"])
    assert _post(client, "2023: 10\n2024: 12\n2026: 14").status_code == 302
    exported = services.export_plan(PLAN)
    assert exported.indicator("OND-01").targets == ((2023, 10.0), (2024, 12.0), (2026, 14.0))
    text = dumps_plan(exported)
    assert "2026: 14" in text
    assert loads_plan(text) == exported
    services.import_plan(loads_plan(text), actor="cli:test")
    assert services.export_plan(PLAN) == exported
