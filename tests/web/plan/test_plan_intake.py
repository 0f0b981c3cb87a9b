"""Plan forms refuse control characters: they would break the DOCX and xlsx reports (issue 12, 3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ivp.plan.yaml_io import example_path, load_plan
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
    return ind


@pytest.mark.parametrize("field", ["bewijs", "toelichting"])
@pytest.mark.parametrize("char", ["\x01", "\x1b", "\u202e"])
def test_realisation_form_refuses(
    actors: dict[str, Any], indicator: Indicator, staff_login: Callable[[Any], Any], field: str, char: str
) -> None:
    data = {"jaar": 2024, "waarde": "3", "bewijs": "Rapportage", "toelichting": "", field: f"Rap{char}port"}
    response = staff_login(actors["owner"]).post(f"/staf/plan/{PLAN}/indicator/OND-01/realisatie/", data)
    assert response.status_code == 400
    assert response.context["form"].has_error(field, "ongeldig_teken")
    assert f"U+{ord(char):04X}" in response.content.decode()
    assert not Realisatie.objects.filter(jaar=2024).exists()


@pytest.mark.parametrize("field", ["naam", "eigenaar"])
def test_definition_form_refuses(
    actors: dict[str, Any], indicator: Indicator, staff_login: Callable[[Any], Any], field: str
) -> None:
    data = {"naam": "Integrale controles", "eigenaar": "Teamleider", "team": "", "streefwaarden": "2025: 12"}
    data[field] += "\x1b[2J"
    response = staff_login(actors["analist"]).post(f"/staf/plan/{PLAN}/indicator/OND-01/definitie/", data)
    assert response.status_code == 400
    assert response.context["definition"].has_error(field, "ongeldig_teken")
    indicator.refresh_from_db()
    assert "\x1b" not in indicator.naam
