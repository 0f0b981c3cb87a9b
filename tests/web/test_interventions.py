"""The intervention register in the app: the service (upsert, audit, all-or-nothing) and the staff pages
(who reads, who edits, CSRF, hostile ids and GeoJSON)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings

from ivp.interventions import Gebied, Intervention, InterventionFileError, Periode, loads_interventions
from ivp.interventions.errors import UnknownInterventionError
from ivp.sources.base import ingest
from ivp.store import Store
from ivp.web.audit.models import AuditEvent
from ivp.web.interventions import services
from ivp.web.interventions.models import Interventie
from ivp.workspace import Workspace
from tests.web.conftest import SHARED

pytestmark = pytest.mark.django_db

REGISTER = """\
interventies:
  - id: camera-binnenstad
    naam: Cameratoezicht Binnenstad
    soort: cameratoezicht
    gebied: {buurten: [BU05050108, BU05050109]}
    perioden: [{start: 2021-01-01, eind: 2022-12-31}]
    doelen: [1.2.3, 2.2.1]
  - id: mobiele-camera
    naam: Mobiele camera
    soort: cameratoezicht_mobiel
    gebied: {punt: [4.67, 51.81], straal_m: 150}
    perioden: [{start: 2023-03-06, eind: 2023-04-30}, {start: 2023-10-02}]
    doelen: [A72]
"""


def _audit(action: str = "") -> list[AuditEvent]:
    rows = AuditEvent.objects.filter(object_type="interventie")
    return list(rows.filter(action=action) if action else rows)


def _form(**changes: str) -> dict[str, str]:
    data = {
        "id": "alcoholverbod-station",
        "naam": "Alcoholverbod Stationsgebied",
        "soort": "alcoholverbod",
        "buurten": "BU05050108",
        "perioden": "2022-01-01 t/m 2022-06-30\n2023-01-01",
        "doelen": "E38, 2.1.1",
        "vergelijking": "rest",
    }
    data.update(changes)
    return data


# -- the service ------------------------------------------------------------------------------------


def test_import_creates_rows_and_audit_and_reads_back_the_dataclasses() -> None:
    items = loads_interventions(REGISTER)
    result = services.import_interventions(items, actor="cli:test")
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert services.list_interventions() == items
    assert services.get_intervention("mobiele-camera") == items[1]
    created = _audit("create")
    assert {row.object_id for row in created} == {"camera-binnenstad", "mobiele-camera"}
    camera = next(row for row in created if row.object_id == "camera-binnenstad")
    assert camera.actor_name == "cli:test"
    assert camera.after is not None
    assert camera.after["perioden"][0]["start"] == "2021-01-01"


def test_reimport_updates_only_what_changed_and_replace_removes() -> None:
    camera, mobiel = loads_interventions(REGISTER)
    services.import_interventions([camera, mobiel], actor="cli:test")
    renamed = Intervention(**{**camera.__dict__, "naam": "Camera's centrum"})
    result = services.import_interventions([renamed], actor="cli:test", replace=True)
    assert (result.created, result.updated, result.unchanged, result.removed) == (0, 1, 0, 1)
    (update,) = _audit("update")
    assert update.before is not None
    assert update.after is not None
    assert (update.before["naam"], update.after["naam"]) == ("Cameratoezicht Binnenstad", "Camera's centrum")
    (delete,) = _audit("delete")
    assert delete.object_id == "mobiele-camera"
    assert services.list_interventions() == (renamed,)
    again = services.import_interventions([renamed], actor="cli:test")
    assert again.unchanged == 1
    assert len(_audit()) == 4  # two creates, one update, one delete: an unchanged item writes none


def test_a_broken_item_imports_nothing() -> None:
    good = loads_interventions(REGISTER)[0]
    bad = Intervention(
        id="kapot",
        naam="Kapot",
        soort="onbekend",
        gebied=Gebied(punt=(52.0, 4.6), straal_m=100),
        perioden=(Periode(dt.date(2022, 1, 1), dt.date(2021, 1, 1)),),
        doelen=("9.9.9",),
    )
    with pytest.raises(InterventionFileError) as info:
        services.import_interventions([good, bad], actor="cli:test")
    assert {"interventie.bad_soort", "interventie.bad_area", "interventie.bad_period"} <= set(
        info.value.codes
    )
    assert "interventie.unknown_target" in info.value.codes  # 9.9.9 is not a CBS crime type
    assert Interventie.objects.count() == 0
    assert _audit() == []


def test_unknown_id_lists_the_known_ones() -> None:
    services.import_interventions(loads_interventions(REGISTER), actor="cli:test")
    with pytest.raises(UnknownInterventionError) as info:
        services.get_intervention("camera")
    assert "camera-binnenstad, mobiele-camera" in str(info.value)
    with pytest.raises(UnknownInterventionError):
        services.delete_intervention("camera", actor="cli:test")


# -- the pages: who may do what ----------------------------------------------------------------------


@pytest.fixture
def register(db: Any) -> tuple[Intervention, ...]:
    items = loads_interventions(REGISTER)
    services.import_interventions(items, actor="cli:test")
    return items


def test_anonymous_is_sent_to_login(client: Client, register: Any) -> None:
    for url in ("/staf/interventies/", "/staf/interventies/camera-binnenstad/", "/staf/interventies/nieuw/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/account/" in response["Location"] or "login" in response["Location"]


def test_a_user_without_a_role_is_refused(login: Callable[[Any], Client], actors: dict[str, Any]) -> None:
    assert login(actors["nobody"]).get("/staf/interventies/").status_code == 403


@pytest.mark.parametrize("who", ["owner", "outsider", "analist", "beheerder"])
def test_every_staff_role_reads(
    who: str, login: Callable[[Any], Client], actors: dict[str, Any], register: Any
) -> None:
    client = login(actors[who])
    page = client.get("/staf/interventies/").content.decode()
    assert "Cameratoezicht Binnenstad" in page
    assert "2 buurten (BU05050108, BU05050109)" in page
    assert "2023-10-02 t/m" in page
    assert "A72" in page
    detail = client.get("/staf/interventies/mobiele-camera/")
    assert detail.status_code == 200
    assert "cirkel van 150 m" in detail.content.decode()
    assert client.get("/staf/interventies/bestaat-niet/").status_code == 404


def test_a_behandelaar_may_not_edit(
    login: Callable[[Any], Client], actors: dict[str, Any], register: Any
) -> None:
    client = login(actors["owner"])
    assert "Nieuwe interventie" not in client.get("/staf/interventies/").content.decode()
    assert client.get("/staf/interventies/nieuw/").status_code == 403
    assert client.post("/staf/interventies/nieuw/", _form()).status_code == 403
    assert (
        client.post(
            "/staf/interventies/camera-binnenstad/bewerken/", _form(id="camera-binnenstad")
        ).status_code
        == 403
    )
    assert client.post("/staf/interventies/camera-binnenstad/verwijderen/").status_code == 403
    assert Interventie.objects.count() == 2
    assert len(_audit()) == 2


@pytest.mark.parametrize("who", ["analist", "beheerder"])
def test_an_editor_creates_edits_and_deletes_each_audited(
    who: str, login: Callable[[Any], Client], actors: dict[str, Any], register: Any
) -> None:
    client = login(actors[who])
    assert client.get("/staf/interventies/nieuw/").status_code == 200
    response = client.post("/staf/interventies/nieuw/", _form())
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/staf/interventies/alcoholverbod-station/"
    item = services.get_intervention("alcoholverbod-station")
    assert item.perioden == (Periode(dt.date(2022, 1, 1), dt.date(2022, 6, 30)), Periode(dt.date(2023, 1, 1)))
    assert item.doelen == ("E38", "2.1.1")
    (create,) = AuditEvent.objects.filter(object_id="alcoholverbod-station", action="create")
    assert create.actor == actors[who]

    form = client.get("/staf/interventies/alcoholverbod-station/bewerken/").content.decode()
    assert "2022-01-01 t/m 2022-06-30" in form
    # The id cannot change on edit: a posted id is ignored (the field is disabled).
    response = client.post(
        "/staf/interventies/alcoholverbod-station/bewerken/",
        _form(id="ander-id", naam="Alcoholverbod station"),
    )
    assert response.status_code == 302, response.content.decode()
    assert services.get_intervention("alcoholverbod-station").naam == "Alcoholverbod station"
    assert not Interventie.objects.filter(code="ander-id").exists()
    (update,) = AuditEvent.objects.filter(object_id="alcoholverbod-station", action="update")
    assert update.actor == actors[who]

    confirm = client.get("/staf/interventies/alcoholverbod-station/verwijderen/")
    assert confirm.status_code == 200
    assert "verwijderen?" in confirm.content.decode()
    assert Interventie.objects.filter(code="alcoholverbod-station").exists()  # a GET deletes nothing
    response = client.post("/staf/interventies/alcoholverbod-station/verwijderen/")
    assert response.status_code == 302
    assert not Interventie.objects.filter(code="alcoholverbod-station").exists()
    (delete,) = AuditEvent.objects.filter(object_id="alcoholverbod-station", action="delete")
    assert delete.actor == actors[who]
    assert delete.before is not None
    assert delete.before["naam"] == "Alcoholverbod station"


def test_a_new_intervention_may_not_take_an_existing_id(
    login: Callable[[Any], Client], actors: dict[str, Any], register: Any
) -> None:
    response = login(actors["analist"]).post("/staf/interventies/nieuw/", _form(id="camera-binnenstad"))
    assert response.status_code == 400
    assert services.get_intervention("camera-binnenstad") == register[0]


# -- attackers -------------------------------------------------------------------------------------


def test_csrf_token_is_required(actors: dict[str, Any], register: Any) -> None:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(enforce_csrf_checks=True)
    client.force_login(actors["analist"], backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.create(user=actors["analist"], name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.post("/staf/interventies/nieuw/", _form()).status_code == 403
    assert client.post("/staf/interventies/camera-binnenstad/verwijderen/").status_code == 403
    assert Interventie.objects.count() == 2
    assert len(_audit()) == 2


@pytest.mark.parametrize("ident", ["../etc/passwd", "<script>alert(1)</script>", "Camera", "-x", "a b"])
def test_a_hostile_id_is_refused_and_escaped(
    ident: str, login: Callable[[Any], Client], actors: dict[str, Any], register: Any
) -> None:
    response = login(actors["analist"]).post("/staf/interventies/nieuw/", _form(id=ident))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Alleen kleine letters" in page
    assert "<script>alert(1)</script>" not in page
    if "<" in ident:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert Interventie.objects.count() == 2


def test_a_hostile_name_is_escaped_on_every_page(
    login: Callable[[Any], Client], actors: dict[str, Any], register: Any
) -> None:
    client = login(actors["analist"])
    response = client.post("/staf/interventies/nieuw/", _form(naam="<img src=x onerror=alert(1)>"))
    assert response.status_code == 302
    for url in ("/staf/interventies/", "/staf/interventies/alcoholverbod-station/"):
        page = client.get(url).content.decode()
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_paths_that_are_not_ids_do_not_reach_the_views(
    login: Callable[[Any], Client], actors: dict[str, Any], register: Any
) -> None:
    client = login(actors["analist"])
    for url in ("/staf/interventies/%3Cscript%3E/", "/staf/interventies/..%2F..%2Fetc/bewerken/"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "polygon",
    [
        "{not json",
        "[]",
        '"Polygon"',
        '{"type": "Polygon"}',
        '{"type": "Polygon", "coordinates": [[1, 2]]}',
        '{"type": "Polygon", "coordinates": "abc"}',
        '{"type": "Polygon", "coordinates": [[[4.6, 51.8], [4.7, 51.8]]]}',
        '{"type": "Polygon", "coordinates": [[[100000, 420000], [100100, 420000], [100000, 420100], [100000, 420000]]]}',
        '{"type": "Point", "coordinates": [4.6, 51.8]}',
        '{"type": "Polygon", "coordinates": [[[4.6, 51.8], [4.7, 51.9], [4.7, 51.8], [4.6, 51.9], [4.6, 51.8]]]}',
        "1e999",
    ],
)
def test_garbage_geojson_is_a_form_error_not_a_500(
    polygon: str, login: Callable[[Any], Client], actors: dict[str, Any], register: Any
) -> None:
    response = login(actors["analist"]).post("/staf/interventies/nieuw/", _form(buurten="", polygoon=polygon))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_polygoon_error"' in page
    assert Interventie.objects.count() == 2


def test_other_form_problems_land_on_their_fields(
    login: Callable[[Any], Client], actors: dict[str, Any], register: Any
) -> None:
    client = login(actors["analist"])
    cases = {
        "perioden": _form(perioden="2023-01-01 t/m 2022-01-01"),
        "doelen": _form(doelen="1.2.3, niets"),
        "buurten": _form(buurten="BU123"),
        "punt_lon": _form(buurten="", punt_lon="52.0", punt_lat="4.6", straal_m="100"),
        "straal_m": _form(buurten="", punt_lon="4.6", punt_lat="51.8", straal_m="1"),
        "buffer_m": _form(buffer_m="abc"),
    }
    for field, data in cases.items():
        response = client.post("/staf/interventies/nieuw/", data)
        assert response.status_code == 400, field
        assert f'id="id_{field}_error"' in response.content.decode(), field
    assert Interventie.objects.count() == 2


def test_with_buurten_loaded_an_unknown_buurt_is_refused(
    login: Callable[[Any], Client],
    actors: dict[str, Any],
    register: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """With the workspace's buurten in the store, the form checks codes against them (as the CLI does), not
    only their form; a code of another municipality lands on the buurten field and nothing is stored."""
    workspace = Workspace.create(tmp_path_factory.mktemp("buurten") / "ws", "GM0505", "GM0505")
    with Store(workspace.store_path) as store:
        ingest(store, "geo", str(SHARED / "geo" / "dordrecht_buurten_2024.geojson"))
    client = login(actors["analist"])
    with override_settings(WORKSPACE=workspace):
        response = client.post("/staf/interventies/nieuw/", _form(buurten="BU03630000"))
        assert response.status_code == 400
        page = response.content.decode()
        assert 'id="id_buurten_error"' in page
        assert "BU03630000" in page
        assert Interventie.objects.count() == 2
        response = client.post("/staf/interventies/nieuw/", _form())
        assert response.status_code == 302
    assert Interventie.objects.count() == 3
