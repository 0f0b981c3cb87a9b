"""Open311 GeoReport v2: services, POST with an API key, GET lists and one request, json and xml."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ivp.web.accounts.models import Team
from ivp.web.audit.models import AuditEvent
from ivp.web.meldingen import open311, services, workflow
from ivp.web.meldingen.models import Category, Contact, Melding, Open311Client, RoutingRule
from ivp.web.meldingen.open311 import MAX_ID, PUBLIC_CACHE_KEY, public_id
from tests.web.factories import make_melding

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(db: Any) -> str:
    return services.create_open311_client("BuitenBeter")[1]


LAT, LON = 51.8133, 4.6690  # by the bridge, in buurt BU05050101


def _public_group(team: Team | None = None, n: int = 5, days: int = 10, **extra: Any) -> list[Melding]:
    """``n`` meldingen of one category, place and time, ``days`` old: with n >= 5 the public feed shows them."""
    moment = timezone.now() - dt.timedelta(days=days)
    fields = {"lat": LAT, "lon": LON, **extra}
    made = [make_melding(team=team, aangemaakt=moment, **fields) for _ in range(n)]
    cache.delete(PUBLIC_CACHE_KEY)
    return made


def _post(client: Client, key: str, fmt: str = "json", **extra: str) -> Any:
    data = {
        "api_key": key,
        "service_code": "drugsoverlast",
        "lat": "51.8133",
        "long": "4.6690",
        "description": "Dealen bij de brug.",
    }
    data.update(extra)
    return client.post(f"/open311/v2/requests.{fmt}", data)


def test_services_json_and_xml(client: Client) -> None:
    items = client.get("/open311/v2/services.json").json()
    assert {"service_code": "straatintimidatie", "service_name": "Straatintimidatie"}.items() <= items[
        0
    ].items()
    assert len(items) == 7
    root = ET.fromstring(client.get("/open311/v2/services.xml").content)  # noqa: S314 - our own response
    assert root.tag == "services"
    code = root.find("service/service_code")
    assert code is not None
    assert code.text == "straatintimidatie"


def test_post_creates_melding_and_returns_code(client: Client, key: str) -> None:
    response = _post(client, key, email="a@example.nl")
    assert response.status_code == 201
    body = response.json()[0]
    melding = Melding.objects.get(pk=int(body["service_request_id"]))
    assert services.find_by_code(body["token"]) == melding
    assert (melding.kanaal, melding.client.naam if melding.client else "") == ("open311", "BuitenBeter")
    assert melding.buurt_code.startswith("BU0505")
    assert Contact.objects.get(melding=melding).email == "a@example.nl"


def test_post_xml(client: Client, key: str) -> None:
    response = _post(client, key, fmt="xml")
    assert response.status_code == 201
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id") is not None


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ({"api_key": "fout"}, 403),
        ({"service_code": "bestaat-niet"}, 400),
        ({"lat": "", "long": ""}, 400),
        ({"lat": "91"}, 400),
        ({"lat": "noord"}, 400),
        ({"description": ""}, 400),
    ],
)
def test_post_errors(client: Client, key: str, extra: dict[str, str], status: int) -> None:
    response = _post(client, key, **extra)
    assert response.status_code == status
    assert response.json()[0]["code"] == status
    assert not Melding.objects.exists()


def test_duplicate_external_id_is_409(client: Client, key: str) -> None:
    assert _post(client, key, external_id="app-1").status_code == 201
    assert _post(client, key, external_id="app-1").status_code == 409
    assert Melding.objects.count() == 1


def test_get_hides_text_and_shows_answer_only_to_the_submitting_app(
    client: Client, key: str, actors: dict[str, Any]
) -> None:
    pk = int(_post(client, key).json()[0]["service_request_id"])
    Melding.objects.filter(pk=pk).update(team=actors["team_a"])
    services.change_status(pk, workflow.AFGEHANDELD, actors["member"])
    services.answer(pk, actors["member"], "Opgelost, dank.")
    assert client.get(f"/open311/v2/requests/{pk}.json").status_code == 404  # fresh: not public (issue 12)
    own = client.get(f"/open311/v2/requests/{pk}.json", {"api_key": key}).json()[0]
    assert own["status"] == "closed"
    assert own["description"] is None
    assert own["status_notes"] == "Opgelost, dank."
    listed = client.get("/open311/v2/requests.json", {"status": "closed", "api_key": key}).json()
    assert [r["service_request_id"] for r in listed] == [str(pk)]
    public = _public_group(actors["team_a"])[0]
    services.change_status(public.pk, workflow.AFGEHANDELD, actors["member"])
    services.answer(public.pk, actors["member"], "Opgelost, dank.")
    seen = client.get(f"/open311/v2/requests/{public_id(public.pk)}.json", {"api_key": key}).json()[0]
    assert (seen["status"], seen["description"], seen["status_notes"]) == ("closed", None, "Afgehandeld")
    assert client.get("/open311/v2/requests.json", {"status": "half"}).status_code == 400
    assert client.get("/open311/v2/requests/999999.xml").status_code == 404


def test_rate_limit_per_key(client: Client, key: str, settings: Any) -> None:
    settings.RATE_OPEN311 = (2, 60)
    assert _post(client, key).status_code == 201
    assert _post(client, key).status_code == 201
    assert _post(client, key).status_code == 429


def _selects(client: Client, key: str, **extra: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert _post(client, key, **extra).status_code == 201
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]


def test_submission_reads_key_category_and_rules_from_the_process_cache(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # as if committed: the cache is used again
        key = services.create_open311_client("BuitenBeter")[1]
    assert services.hash_api_key(key) == hashlib.sha256(key.encode()).hexdigest()  # fast: keys are random
    _post(client, key)
    assert _selects(client, key) == []  # only the inserts: no key, category or routing-rule query


def test_revoked_key_is_refused_at_once(client: Client, key: str) -> None:
    assert _post(client, key).status_code == 201
    app = Open311Client.objects.get(naam="BuitenBeter")
    app.actief = False
    app.save()
    assert _post(client, key).status_code == 403


def test_category_change_clears_the_cache(client: Client, key: str) -> None:
    assert _post(client, key).status_code == 201
    Category.objects.filter(slug="drugsoverlast").update(naam="Drugs")  # no signal: served from the cache
    category = Category.objects.get(slug="drugsoverlast")
    category.actief = False
    category.save()  # a signal: the cache is cleared
    assert _post(client, key).status_code == 400


def test_new_routing_rule_is_used_at_once(client: Client, key: str) -> None:
    first = int(_post(client, key).json()[0]["service_request_id"])
    assert Melding.objects.get(pk=first).team_id is None
    team = Team.objects.create(naam="Handhaving")
    RoutingRule.objects.create(categorie=Category.objects.get(slug="drugsoverlast"), team=team)
    second = int(_post(client, key).json()[0]["service_request_id"])
    assert Melding.objects.get(pk=second).team_id == team.pk


def test_rolled_back_rule_does_not_stay_cached(client: Client, key: str) -> None:
    category = Category.objects.get(slug="drugsoverlast")
    team = Team.objects.create(naam="Handhaving")
    seen: list[int | None] = []

    def add_rule_then_fail() -> None:
        with transaction.atomic():
            RoutingRule.objects.create(categorie=category, team=team)
            seen.append(services.route(category.pk, ""))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        add_rule_then_fail()
    assert seen == [team.pk]
    assert services.route(category.pk, "") is None
    assert services.route(category.pk, "") is None  # also when now read from the cache


def test_open311_skips_the_browser_middleware_but_keeps_the_security_headers(
    client: Client, key: str
) -> None:
    response = _post(client, key)
    assert response.status_code == 201
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]
    assert response["Content-Length"] == str(len(response.content))  # keep-alive clients need it
    assert not response.cookies  # no session or CSRF cookie for a machine client
    assert not hasattr(response.wsgi_request, "user")  # no authentication middleware ran
    audit = AuditEvent.objects.get(object_type="melding", object_id=response.json()[0]["service_request_id"])
    assert audit.request_id == response["X-Request-ID"]
    assert audit.actor_name == "BuitenBeter"
    assert client.get("/open311/v2/onbekend.json").status_code == 404  # no Open311 view: the usual stack
    assert hasattr(client.get("/").wsgi_request, "user")  # other paths: the usual stack


def _error_code(response: Any) -> int:
    body = response.json()
    assert set(body[0]) == {"code", "description"}
    return int(body[0]["code"])


@pytest.mark.parametrize(
    "params",
    [
        {"service_request_id": "²"},  # str.isdigit() says yes, int() says no
        {"service_request_id": "1,x"},
        {"start_date": "2024-01-01T00:00:00+22:14"},  # PostgreSQL refuses offsets beyond 15:59
        {"start_date": "2024-01-01T00:00:00+14:01"},
        {"end_date": "9999-12-31T23:59:59-05:00"},  # overflows when converted to UTC
        {"start_date": "1899-12-31T23:59:59+01:00"},
        {"start_date": "2024-13-01T00:00:00+01:00"},
        {"start_date": "2024-01-01T00:00:00"},  # no time zone
        {"service_code": "drugs\x00overlast"},  # PostgreSQL cannot compare NUL
    ],
)
def test_get_list_bad_input_is_400(client: Client, params: dict[str, str]) -> None:
    response = client.get("/open311/v2/requests.json", params)
    assert response.status_code == 400
    assert _error_code(response) == 400
    assert response.json()[0]["description"].startswith(next(iter(params)) + ":")


def test_get_list_bad_input_is_400_in_xml(client: Client) -> None:
    response = client.get("/open311/v2/requests.xml", {"service_request_id": "²"})
    assert response.status_code == 400
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert (root.tag, root.findtext("error/code")) == ("errors", "400")


def test_real_world_offsets_and_years_are_accepted(client: Client, actors: dict[str, Any]) -> None:
    for start, end in [
        ("2024-01-01T00:00:00+14:00", "2100-12-31T23:59:59-12:00"),
        ("1900-01-01T00:00:00Z", ""),
    ]:
        response = client.get("/open311/v2/requests.json", {"start_date": start, "end_date": end})
        assert response.status_code == 200


def test_ids_beyond_bigint_cannot_exist(client: Client, actors: dict[str, Any]) -> None:
    pk = _public_group()[0].pk
    listed = client.get(
        "/open311/v2/requests.json", {"service_request_id": f"{public_id(pk)},99999999999999999999999"}
    )
    assert listed.status_code == 200
    assert [r["service_request_id"] for r in listed.json()] == [str(public_id(pk))]
    assert client.get(f"/open311/v2/requests.json?service_request_id={2**63}").json() == []
    single = client.get("/open311/v2/requests/99999999999999999999999.json")
    assert single.status_code == 404
    assert _error_code(single) == 404


@pytest.mark.parametrize(
    "field",
    [
        "description",
        "address_string",
        "first_name",
        "last_name",
        "email",
        "phone",
        "device_id",
        "service_code",
    ],
)
def test_post_with_nul_is_400_naming_the_field(client: Client, key: str, field: str) -> None:
    response = _post(client, key, **{field: "Dealen\x00 bij de brug"})
    assert response.status_code == 400
    assert _error_code(response) == 400
    assert response.json()[0]["description"].startswith(f"{field}:")
    assert not Melding.objects.exists()


def test_post_with_too_long_device_id_is_400(client: Client, key: str) -> None:
    response = _post(client, key, device_id="x" * 49)
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("device_id:")
    assert _post(client, key, device_id="x" * 48).status_code == 201
    assert Melding.objects.get().extern_id.endswith(":" + "x" * 48)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("post", "/open311/v2/services.json", "GET"),
        ("put", "/open311/v2/services.xml", "GET"),
        ("delete", "/open311/v2/services.json", "GET"),
        ("post", "/open311/v2/requests/1.json", "GET"),
        ("put", "/open311/v2/requests/1.json", "GET"),
        ("delete", "/open311/v2/requests/1.xml", "GET"),
        ("put", "/open311/v2/requests.json", "GET, POST"),
        ("delete", "/open311/v2/requests.json", "GET, POST"),
    ],
)
def test_other_methods_are_405_not_a_csrf_page(method: str, path: str, allow: str) -> None:
    client = Client(enforce_csrf_checks=True)  # as a real client: no CSRF token
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response["Allow"] == allow
    if path.endswith(".json"):
        assert _error_code(response) == 405
    else:
        assert ET.fromstring(response.content).findtext("error/code") == "405"  # noqa: S314 - our own


def test_post_without_csrf_token_is_accepted(key: str) -> None:
    assert _post(Client(enforce_csrf_checks=True), key).status_code == 201


# The public feed (issue 12, finding 5): delayed, coarse, small groups left out; an app sees its own in full


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200
    return [r["service_request_id"] for r in response.json()]


def test_fresh_melding_is_not_in_the_public_list(client: Client, key: str, actors: dict[str, Any]) -> None:
    group = _public_group(actors["team_a"])
    fresh = _post(client, key).json()[0]["service_request_id"]
    public = _ids(client.get("/open311/v2/requests.json"))
    assert fresh not in public
    assert sorted(public) == sorted(str(public_id(m.pk)) for m in group)
    assert client.get(f"/open311/v2/requests/{fresh}.json").status_code == 404
    assert str(public_id(actors["melding"].pk)) not in public  # the actors' melding is fresh too


def test_public_list_leaks_no_buurt_team_exact_time_or_location(
    client: Client, actors: dict[str, Any]
) -> None:
    group = _public_group(actors["team_a"])
    items = client.get("/open311/v2/requests.json").json()
    assert len(items) == 5
    for item in items:
        assert item["address"] is None
        assert item["address_id"] is None
        assert item["agency_responsible"] is None
        assert item["description"] is None
        for field in ("requested_datetime", "updated_datetime"):
            moment = dt.datetime.fromisoformat(item[field])
            assert (moment.hour, moment.minute, moment.second, moment.weekday()) == (0, 0, 0, 0)  # a Monday
        assert item["lat"] == round((math.floor(LAT / 0.01) + 0.5) * 0.01, 4)  # a cell centre, not the spot
        assert item["long"] == round((math.floor(LON / 0.015) + 0.5) * 0.015, 4)
        assert abs(item["lat"] - round(LAT, 3)) > 0.001 or abs(item["long"] - round(LON, 3)) > 0.001
    xml = client.get("/open311/v2/requests.xml").content.decode()
    assert group[0].buurt_naam not in xml
    assert "Handhaving" not in xml


def test_small_groups_are_not_public(client: Client) -> None:
    group = _public_group(n=4)
    assert _ids(client.get("/open311/v2/requests.json")) == []
    assert client.get(f"/open311/v2/requests/{public_id(group[0].pk)}.json").status_code == 404
    other_place = _public_group(n=1, lat=LAT + 0.05, lon=LON)  # another cell: a group of its own
    assert _ids(client.get("/open311/v2/requests.json")) == []
    more = _public_group(n=1)
    assert sorted(_ids(client.get("/open311/v2/requests.json"))) == sorted(
        str(public_id(m.pk)) for m in [*group, *more]
    )
    assert str(public_id(other_place[0].pk)) not in _ids(
        client.get("/open311/v2/requests.json", {"service_code": ""})
    )


def test_a_filter_cannot_narrow_a_group(client: Client) -> None:
    group = _public_group()
    group[0].status = workflow.AFGEHANDELD
    group[0].save()
    assert _ids(client.get("/open311/v2/requests.json", {"status": "closed"})) == [
        str(public_id(group[0].pk))
    ]


def test_the_submitting_app_sees_its_own_requests_as_before(
    client: Client, key: str, actors: dict[str, Any]
) -> None:
    pk = _post(client, key).json()[0]["service_request_id"]
    Melding.objects.filter(pk=pk).update(team=actors["team_a"])
    own = client.get("/open311/v2/requests.json", {"api_key": key}).json()
    assert [r["service_request_id"] for r in own] == [pk]
    item = own[0]
    assert item["address_id"].startswith("BU0505")
    assert item["address"]
    assert item["agency_responsible"] == "Handhaving"
    assert (item["lat"], item["long"]) == (round(LAT, 3), round(LON, 3))
    assert (
        dt.datetime.fromisoformat(item["requested_datetime"]).second
        == Melding.objects.get(pk=pk).aangemaakt.second
    )
    other = services.create_open311_client("AndereApp")[1]
    assert (
        _ids(client.get("/open311/v2/requests.json", {"api_key": other})) == []
    )  # not its own: public rules
    assert client.get(f"/open311/v2/requests/{pk}.json", {"api_key": other}).status_code == 404


def test_public_delay_is_a_setting(client: Client, settings: Any) -> None:
    settings.OPEN311_PUBLIC_DELAY_DAYS = 0
    group = _public_group(days=0)
    assert sorted(_ids(client.get("/open311/v2/requests.json"))) == sorted(
        str(public_id(m.pk)) for m in group
    )


# Review of issue 12: dates, order and ids of the public feed say no more than its Monday and cell


def _one_week(n: int = 5) -> list[Melding]:
    """``n`` meldingen of one group (category, cell, week) made at distinct times of one week, in order."""
    now = timezone.localtime()
    monday = (now - dt.timedelta(days=14 + now.weekday())).date()
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time(9, 0)))
    made = [
        make_melding(aangemaakt=start + dt.timedelta(days=i, minutes=17 * i), lat=LAT, lon=LON)
        for i in range(n)
    ]
    cache.delete(PUBLIC_CACHE_KEY)
    return made


def test_date_filters_cannot_tell_meldingen_of_one_week_apart(client: Client) -> None:
    """Bisection on start_date/end_date: every bound lets the whole group through or none of it."""
    group = _one_week()
    everyone = sorted(_ids(client.get("/open311/v2/requests.json")))
    assert len(everyone) == 5
    for m in group:
        for delta in (dt.timedelta(seconds=-1), dt.timedelta(0), dt.timedelta(seconds=1)):
            bound = timezone.localtime(m.aangemaakt + delta).isoformat()
            for param in ("start_date", "end_date"):
                seen = sorted(_ids(client.get("/open311/v2/requests.json", {param: bound})))
                assert seen == everyone, (param, bound)
    before, after = group[0].aangemaakt - dt.timedelta(days=7), group[-1].aangemaakt + dt.timedelta(days=7)
    assert _ids(client.get("/open311/v2/requests.json", {"end_date": before.isoformat()})) == []
    assert _ids(client.get("/open311/v2/requests.json", {"start_date": after.isoformat()})) == []


def test_public_ids_are_not_the_pks_and_not_in_time_order(client: Client) -> None:
    group = _one_week()
    listed = _ids(client.get("/open311/v2/requests.json"))
    assert set(listed).isdisjoint(str(m.pk) for m in group)
    assert listed == sorted(listed, key=int)  # one group: ordered by the opaque id, not by time
    assert sorted(listed) == sorted(str(public_id(m.pk)) for m in group)
    assert all(len(i) == 18 for i in listed)
    for m in group:
        assert client.get(f"/open311/v2/requests/{m.pk}.json").status_code == 404  # a pk says nothing
        item = client.get(f"/open311/v2/requests/{public_id(m.pk)}.json").json()[0]
        assert item["service_request_id"] == str(public_id(m.pk))
    chosen = _ids(
        client.get("/open311/v2/requests.json", {"service_request_id": f"{listed[2]},{group[0].pk}"})
    )
    assert chosen == [listed[2]]


def test_public_ids_depend_on_the_secret_key(settings: Any) -> None:
    first = public_id(1)
    settings.SECRET_KEY = "een-ander-geheim-" + "x" * 40
    assert public_id(1) != first
    assert 10**17 <= public_id(1) < 10**18 <= MAX_ID


def test_colliding_public_ids_are_left_out(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    group = _one_week(6)
    monkeypatch.setattr(
        open311, "public_id", lambda pk: 10**17 if pk in (group[0].pk, group[1].pk) else pk + 10**17 + 1
    )
    cache.delete(PUBLIC_CACHE_KEY)
    listed = _ids(client.get("/open311/v2/requests.json"))
    assert sorted(listed) == sorted(str(m.pk + 10**17 + 1) for m in group[2:])
    assert client.get(f"/open311/v2/requests/{10**17}.json").status_code == 404


def test_the_submitting_app_keeps_exact_dates_and_its_pks(client: Client, key: str) -> None:
    pk = int(_post(client, key).json()[0]["service_request_id"])
    made = Melding.objects.get(pk=pk).aangemaakt
    just_after = timezone.localtime(made + dt.timedelta(seconds=1)).isoformat()
    assert _ids(client.get("/open311/v2/requests.json", {"api_key": key, "start_date": just_after})) == []
    assert _ids(client.get("/open311/v2/requests.json", {"api_key": key, "end_date": just_after})) == [
        str(pk)
    ]
    assert client.get(f"/open311/v2/requests/{pk}.json", {"api_key": key}).status_code == 200
