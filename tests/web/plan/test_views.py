"""Staff plan pages: every staff role reads; owner and team member enter realisations; outsider gets 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ivp.plan.yaml_io import example_path, load_plan
from ivp.web.audit.models import AuditEvent
from ivp.web.plan import services
from ivp.web.plan.models import Indicator, Realisatie

pytestmark = pytest.mark.django_db

PLAN = "dordrecht-ivp-2023-2026"


@pytest.fixture
def indicator(actors: dict[str, Any]) -> Indicator:
    row = services.import_plan(load_plan(example_path()), actor="cli:test")
    ind = row.indicatoren.get(code="OND-01")
    ind.team = actors["team_a"]
    ind.verantwoordelijke = actors["owner"]
    ind.save()
    services.record_realisation(ind, 2023, 11, actor="cli:test", evidence="Voortgangsrapportage 2023")
    return ind


@pytest.mark.parametrize("who", ["owner", "member", "outsider", "analist", "beheerder"])
def test_staff_read_opgave_and_indicator(
    who: str, actors: dict[str, Any], indicator: Indicator, staff_login: Callable[[Any], Any]
) -> None:
    client = staff_login(actors[who])
    page = client.get(f"/staf/plan/{PLAN}/opgave/maatschappelijke_veiligheid/")
    assert page.status_code == 200
    assert "Integrale controles" in page.content.decode()
    assert "<svg" in page.content.decode()
    detail = client.get(f"/staf/plan/{PLAN}/indicator/OND-01/")
    assert detail.status_code == 200
    assert "Voortgangsrapportage 2023" in detail.content.decode()
    assert client.get("/staf/plan/").status_code == 200


def test_no_role_no_access(
    actors: dict[str, Any], indicator: Indicator, staff_login: Callable[[Any], Any]
) -> None:
    client = staff_login(actors["nobody"])
    assert client.get(f"/staf/plan/{PLAN}/indicator/OND-01/").status_code == 403


def test_anonymous_is_sent_to_login(client: Any, indicator: Indicator) -> None:
    assert client.get(f"/staf/plan/{PLAN}/indicator/OND-01/").status_code == 302


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 302), ("member", 302), ("analist", 302), ("outsider", 403), ("beheerder", 403)],
)
def test_who_may_enter_a_realisation(
    who: str, status: int, actors: dict[str, Any], indicator: Indicator, staff_login: Callable[[Any], Any]
) -> None:
    client = staff_login(actors[who])
    response = client.post(
        f"/staf/plan/{PLAN}/indicator/OND-01/realisatie/",
        {"jaar": 2024, "waarde": "9", "bewijs": "Voortgangsrapportage 2024"},
    )
    assert response.status_code == status
    saved = Realisatie.objects.filter(indicator=indicator, jaar=2024)
    assert saved.count() == (1 if status == 302 else 0)
    if status == 302:
        row = saved.get()
        assert row.door == actors[who]
        assert AuditEvent.objects.filter(
            object_type="realisatie", object_id=str(row.pk), actor=actors[who]
        ).exists()


def test_bad_realisation_shows_the_error_on_the_field(
    actors: dict[str, Any], indicator: Indicator, staff_login: Callable[[Any], Any]
) -> None:
    client = staff_login(actors["owner"])
    response = client.post(
        f"/staf/plan/{PLAN}/indicator/OND-01/realisatie/", {"jaar": 2030, "waarde": "3", "bewijs": "x"}
    )
    assert response.status_code == 400
    assert "valt buiten de planperiode 2023-2026" in response.content.decode()
    assert not Realisatie.objects.filter(jaar=2030).exists()


def test_correction_from_the_form_keeps_history(
    actors: dict[str, Any], indicator: Indicator, staff_login: Callable[[Any], Any]
) -> None:
    client = staff_login(actors["member"])
    client.post(
        f"/staf/plan/{PLAN}/indicator/OND-01/realisatie/", {"jaar": 2023, "waarde": "12", "bewijs": "herteld"}
    )
    rows = list(Realisatie.objects.filter(indicator=indicator, jaar=2023).order_by("id"))
    assert [r.waarde for r in rows] == [11, 12]
    assert rows[1].corrigeert_id == rows[0].pk
    page = client.get(f"/staf/plan/{PLAN}/indicator/OND-01/").content.decode()
    assert "gecorrigeerd" in page


def test_unknown_indicator_is_404(
    actors: dict[str, Any], indicator: Indicator, staff_login: Callable[[Any], Any]
) -> None:
    assert staff_login(actors["analist"]).get(f"/staf/plan/{PLAN}/indicator/XXX/").status_code == 404
