"""Property-based API tests with schemathesis, in-process through the WSGI app.

1. The staff REST API against the OpenAPI schema it serves at /api/v1/schema/, with real tokens.
2. The Open311 endpoints against the hand-written description in ``meldingen/open311_openapi.yaml``.

Each operation gets a bounded number of examples with a fixed seed, so the file is deterministic and
runs in well under a minute. Checks: no 5xx, documented status codes, content types and headers, and
response bodies that conform to the schema.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any, cast

import pytest
import schemathesis
import yaml
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ivp.web.meldingen import services
from ivp.web.meldingen.models import Category
from ivp.web.wsgi import application
from tests.web.factories import make_melding, make_team, make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SEED = 20240501
MAX_EXAMPLES = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _token(username: str) -> str:
    out = io.StringIO()
    call_command("ivp_api_token", username, stdout=out)
    return out.getvalue().strip()


# Meldingen get fixed ids far above what the sequences reach in a test run, so that the schema can carry
# them as examples (schemas load at collection, before the database exists).
MELDING_IDS = (900001, 900002)


@pytest.fixture
def _one_connection() -> Iterator[None]:
    """Keep the test's database connection open across requests, as Django's test client does.

    Django closes the connection when a request finishes; schemathesis calls the WSGI app directly, so
    on PostgreSQL that would close the connection holding the test transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(db: Any, _one_connection: None) -> dict[str, Any]:
    """A behandelaar and an analist with tokens, meldingen of their team, and an Open311 app key."""
    team = make_team(naam="Handhaving")
    make_user(username="behandelaar", role="behandelaar", teams=[team])
    make_user(username="analist", role="analist")
    make_melding(pk=MELDING_IDS[0], team=team)
    make_melding(
        pk=MELDING_IDS[1],
        team=team,
        categorie=Category.objects.get(slug="drugsoverlast"),
        buurt_code="BU05050102",
    )
    return {
        "tokens": {"behandelaar": _token("behandelaar"), "analist": _token("analist")},
        "open311_key": services.create_open311_client("Testapp")[1],
    }


def _staff_schema() -> Any:
    """The schema the app serves, with an existing melding as example of the path parameter ``id``."""
    raw = Client().get("/api/v1/schema/", {"format": "json"}).json()
    for item in raw["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    parameter["example"] = MELDING_IDS[0]
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = application
    schema.config.seed = SEED
    return schema


def _open311_schema() -> Any:
    """The hand-written description, with an existing melding as example of ``service_request_id``."""
    text = resources.files("ivp.web.meldingen").joinpath("open311_openapi.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    detail = raw["paths"]["/open311/v2/requests/{service_request_id}.json"]["get"]
    detail["parameters"][0]["example"] = MELDING_IDS[0]
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = application
    schema.config.seed = SEED
    return schema


# Loaded at collection, not through schemathesis.pytest.from_fixture: its lazy loader sets
# ``node._nodeid``, which pytest 9 no longer has.
TestFunction = Callable[[Any, dict[str, Any]], None]


def _parametrize(schema: Any) -> Callable[[TestFunction], TestFunction]:
    """``schema.parametrize()``, typed for mypy."""
    return cast(Callable[[TestFunction], TestFunction], schema.parametrize())


staff = _parametrize(_staff_schema())
open311 = _parametrize(_open311_schema())


@staff
@HYPOTHESIS
def test_staff_api_conforms_to_its_schema(case: Any, world: dict[str, Any]) -> None:
    # The statistics are for analysts; everything else with a behandelaar of the melding's team.
    who = "analist" if case.path.endswith("/statistiek/") else "behandelaar"
    case.call_and_validate(
        headers={"Authorization": f"Token {world['tokens'][who]}"},
        checks=[*CHECKS, ignored_auth],
    )


@open311
@HYPOTHESIS
def test_open311_conforms_to_its_description(case: Any, world: dict[str, Any]) -> None:
    case.call_and_validate(headers={"X-Api-Key": world["open311_key"]}, checks=CHECKS)
