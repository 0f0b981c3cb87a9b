"""Error pages: Dutch pages in the site's layout for HTML, the documented error shape under /api/ and /open311/.

Reproduces finding 7 of issue 12: Django's English default pages outside the layout, and HTML 400 for a body
above ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or too many fields on ``/open311/`` and ``/api/v1/``.
"""

from __future__ import annotations

import io
import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client, RequestFactory

from ivp.web import errors
from ivp.web.meldingen import services

pytestmark = pytest.mark.django_db

TOO_BIG = b"x" * (10 * 1024 * 1024)  # the probe's 10 MB body


def _token(user: Any) -> str:
    out = io.StringIO()
    call_command("ivp_api_token", user.username, stdout=out)
    return out.getvalue().strip()


def _is_site_page(response: Any) -> str:
    """The page as text, after checking it is a Dutch page in the site's layout (not Django's default)."""
    assert response["Content-Type"].startswith("text/html")
    page: str = response.content.decode()
    assert '<html lang="nl">' in page
    assert "/static/ivp/ivp.css" in page
    assert 'class="site"' in page  # the header and footer of base.html
    for english in ("Not Found", "Server Error", "Bad Request", "Forbidden", "CSRF verification failed"):
        assert english not in page
    return page


def _api_error(response: Any) -> dict[str, str]:
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"errors"}
    assert len(body["errors"]) == 1
    assert set(body["errors"][0]) == {"field", "code", "message"}
    error: dict[str, str] = body["errors"][0]
    return error


def _open311_error(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, list)
    assert len(body) == 1
    assert set(body[0]) == {"code", "description"}
    assert body[0]["code"] == response.status_code
    error: dict[str, Any] = body[0]
    return error


# HTML pages


def test_404_is_a_dutch_page_in_the_layout(client: Client) -> None:
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = _is_site_page(response)
    assert "Deze pagina bestaat niet" in page
    assert 'href="/"' in page  # a way back to the form


def test_404_under_staff_links_to_the_staff_home(client: Client) -> None:
    response = client.get("/staf/bestaat-niet/")
    assert response.status_code == 404
    assert 'href="/staf/"' in _is_site_page(response)


def test_403_is_a_dutch_page(rf: RequestFactory) -> None:
    response = errors.permission_denied(rf.get("/staf/meldingen/1/"), PermissionDenied())
    assert response.status_code == 403
    assert "Geen toegang" in _is_site_page(response)


def test_403_raised_by_a_view_is_the_dutch_page(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionDenied

    monkeypatch.setattr("ivp.web.meldingen.views.region_map", refuse)
    response = client.get("/")
    assert response.status_code == 403
    assert "Geen toegang" in _is_site_page(response)


def test_csrf_failure_is_a_dutch_page_that_explains_what_to_do() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/inloggen/", {"username": "iemand", "password": "x"})
    assert response.status_code == 403
    page = _is_site_page(response)
    assert "Uw formulier is verlopen" in page
    assert settings.CSRF_FAILURE_VIEW == "ivp.web.errors.csrf_failure"


def test_csrf_failure_on_the_form_gives_the_form_back_with_the_text() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/", {"tekst": "Er wordt gedeald bij de brug", "straat": "Voorstraat"})
    assert response.status_code == 403
    page = _is_site_page(response)
    assert "het formulier was verlopen" in page
    assert "Er wordt gedeald bij de brug</textarea>" in page
    assert 'value="Voorstraat"' in page
    assert 'name="csrfmiddlewaretoken"' in page  # a fresh token: sending again works
    assert response.cookies["csrftoken"].value


def test_500_is_a_dutch_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("stuk")

    monkeypatch.setattr("ivp.web.meldingen.views.region_map", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    page = _is_site_page(response)
    assert "Er ging iets mis" in page
    assert "stuk" not in page


def test_500_page_is_rendered_without_the_database(rf: RequestFactory) -> None:
    # No django_db mark here would be cleaner, but the module mark applies; block the database by hand.
    from django.db import connection

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the 500 page touched the database")

    request = rf.get("/staf/")
    request.session = _ExplodingSession()  # type: ignore[assignment]
    with connection.execute_wrapper(refuse):
        response = errors.server_error(request)
    assert response.status_code == 500
    assert "Er ging iets mis" in _is_site_page(response)


class _ExplodingSession:
    """A session whose every use fails, as when the session table cannot be read."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError("the 500 page touched the session")


def test_400_on_the_form_is_a_dutch_page(client: Client) -> None:
    fields = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.post("/", fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "Verzoek niet begrepen" in _is_site_page(response)


def test_too_big_form_is_413_dutch_page(client: Client) -> None:
    response = client.post("/", TOO_BIG, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    _is_site_page(response)


# Staff API: {"errors": [{"field", "code", "message"}]}


def test_api_body_above_the_limit_is_json_413(actors: dict[str, Any]) -> None:
    client = Client(headers={"Authorization": f"Token {_token(actors['member'])}"})
    response = client.post(
        f"/api/v1/meldingen/{actors['melding'].pk}/antwoord/", TOO_BIG, content_type="application/json"
    )
    assert response.status_code == 413
    assert _api_error(response)["code"] == "request_too_large"


def test_api_too_many_fields_is_json_400(actors: dict[str, Any]) -> None:
    client = Client(headers={"Authorization": f"Token {_token(actors['analist'])}"})
    query = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"/api/v1/meldingen/?{query}")
    assert response.status_code == 400
    assert _api_error(response)["code"] == "too_many_fields"


def test_api_500_is_json(actors: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("stuk")

    monkeypatch.setattr("ivp.web.meldingen.api.CategoryList.get", broken)
    client = Client(
        headers={"Authorization": f"Token {_token(actors['analist'])}"}, raise_request_exception=False
    )
    response = client.get("/api/v1/categorieen/")
    assert response.status_code == 500
    error = _api_error(response)
    assert error["code"] == "server_error"
    assert "stuk" not in error["message"]


def test_api_csrf_failure_outside_drf_is_json(rf: RequestFactory) -> None:
    response = errors.csrf_failure(rf.post("/api/v1/meldingen/"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert _api_error(response)["code"] == "csrf_failed"


# Open311: [{"code", "description"}], xml for the .xml paths


@pytest.fixture
def key(db: Any) -> str:
    return services.create_open311_client("BuitenBeter")[1]


def test_open311_body_above_the_limit_is_json_413(client: Client, key: str) -> None:
    response = client.post(
        f"/open311/v2/requests.json?api_key={key}", TOO_BIG, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    _open311_error(response)


def test_open311_too_many_fields_is_json_400(client: Client, key: str) -> None:
    fields = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post("/open311/v2/requests.json", {"api_key": key, **fields})
    assert response.status_code == 400
    _open311_error(response)


def test_open311_too_many_fields_in_xml_is_xml(client: Client) -> None:
    query = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"/open311/v2/requests.xml?{query}")
    assert response.status_code == 400
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert (root.tag, root.findtext("error/code")) == ("errors", "400")


def test_open311_unknown_path_is_json_404(client: Client) -> None:
    response = client.get("/open311/v2/onbekend.json")
    assert response.status_code == 404
    _open311_error(response)


def test_open311_500_is_json(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("stuk")

    monkeypatch.setattr("ivp.web.meldingen.open311.services.active_category", broken)
    client = Client(raise_request_exception=False)
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": "drugsoverlast", "lat": "51.81", "long": "4.67", "description": "x"},
    )
    assert response.status_code == 500
    assert "stuk" not in _open311_error(response)["description"]
