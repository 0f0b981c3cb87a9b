"""A read-only or failing database: a Dutch 503 page or the JSON error, and nothing the resident typed lost.

Reproduces finding 6 of issue 12 (Django's English "Server Error (500)" for the form, Open311, login and the
API; the resident's text gone; HTML for Open311 clients). Writes are made to fail with a connection
``execute_wrapper`` that raises the error SQLite gives for a read-only file; "down" makes every query fail.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import click
import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client

from ivp.web import inserts
from ivp.web.meldingen import services
from ivp.web.meldingen.models import Category, Melding

pytestmark = pytest.mark.django_db

TEXT = "Al drie avonden staat er een groep bij de speeltuin aan de Vrieseweg die mensen uitscheldt."
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@contextmanager
def _failing(kinds: tuple[str, ...] | None) -> Iterator[None]:
    """Make statements starting with one of ``kinds`` (all statements for None) raise OperationalError."""

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if kinds is None or sql.lstrip().upper().startswith(kinds):
            raise OperationalError("attempt to write a readonly database")
        return execute(sql, params, many, context)

    # On PostgreSQL a submission is one statement sent through psycopg itself (ivp.web.inserts, ADR 0003),
    # past Django's execute wrappers: it fails the same way, as a read-only server would refuse it.
    real_execute = inserts._execute

    def one_statement(conn: Any, sql: str, params: list[object]) -> tuple[Any, ...]:
        if kinds is None or any(kind in sql.upper() for kind in kinds):
            raise OperationalError("cannot execute INSERT in a read-only transaction")
        return real_execute(conn, sql, params)

    with connection.execute_wrapper(wrapper), mock.patch.object(inserts, "_execute", one_statement):
        yield


def _form() -> dict[str, str]:
    return {
        "categorie": str(Category.objects.get(slug="straatintimidatie").pk),
        "tijd_soort": "periode",
        "van": "2025-05-21T22:00",
        "tot": "2025-05-21T23:30",
        "buurt": "BU05050101",
        "straat": "Vrieseweg",
        "tekst": TEXT,
        "naam": "Fatima el Amrani",
        "email": "fatima@example.nl",
        "telefoon": "",
        "website": "",
    }


def _is_503(response: Any) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


def test_form_keeps_everything_typed_when_the_database_is_read_only(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    data = _form()
    with _failing(WRITES), caplog.at_level(logging.INFO):
        response = client.post("/", data)
    _is_503(response)
    page = response.content.decode()
    assert "Uw melding is niet opgeslagen door een storing" in page
    assert "Uw melding is niet verstuurd</h2>" in page  # not "Controleer uw melding": the form is fine
    assert f"{TEXT}</textarea>" in page
    assert 'value="Vrieseweg"' in page
    assert 'value="Fatima el Amrani"' in page
    assert 'value="fatima@example.nl"' in page
    assert "checked" in page
    assert not Melding.objects.exists()
    outage = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(outage) == 1  # logged once
    assert all(TEXT not in r.getMessage() and "Fatima" not in r.getMessage() for r in caplog.records)


def test_form_text_is_kept_even_when_nothing_can_be_read(client: Client) -> None:
    data = _form()
    with _failing(None):
        response = client.post("/", data)
    _is_503(response)
    page = response.content.decode()
    assert "Uw melding is niet opgeslagen door een storing" in page
    assert f"{TEXT}</textarea>" in page
    assert '<html lang="nl">' in page


def test_form_page_is_a_dutch_503_when_the_database_is_down(client: Client) -> None:
    with _failing(None):
        response = client.get("/")
    _is_503(response)
    page = response.content.decode()
    assert "Tijdelijke storing" in page
    assert "Server Error" not in page


def test_open311_post_is_a_json_503(client: Client) -> None:
    key = services.create_open311_client("BuitenBeter")[1]
    services.client_for_key(key)  # in the process cache, as after the first request of a running server
    with _failing(WRITES):
        response = client.post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": "drugsoverlast",
                "lat": "51.8133",
                "long": "4.6690",
                "description": TEXT,
            },
        )
    _is_503(response)
    body = response.json()
    assert body == [{"code": 503, "description": body[0]["description"]}]
    assert "storing" in body[0]["description"]


def test_open311_read_is_a_json_503_when_the_database_is_down(client: Client) -> None:
    with _failing(None):
        response = client.get("/open311/v2/services.json")
    _is_503(response)
    assert response.json()[0]["code"] == 503
    with _failing(None):
        response = client.get("/open311/v2/requests.xml")
    _is_503(response)
    assert b"<errors><error><code>503</code>" in response.content


def _token(user: Any) -> str:
    out = io.StringIO()
    call_command("ivp_api_token", user.username, stdout=out)
    return out.getvalue().strip()


def test_api_write_is_a_json_503(actors: dict[str, Any]) -> None:
    api = Client(headers={"Authorization": f"Token {_token(actors['member'])}"})
    api.get("/api/v1/categorieen/")  # the token's last use is recorded; later uses within a while are not
    with _failing(WRITES):
        response = api.post(
            f"/api/v1/meldingen/{actors['melding'].pk}/antwoord/",
            {"tekst": "We komen kijken."},
            content_type="application/json",
        )
    _is_503(response)
    assert response.json()["errors"][0]["code"] == "database_unavailable"


def test_api_read_is_a_json_503_when_the_database_is_down(actors: dict[str, Any]) -> None:
    api = Client(headers={"Authorization": f"Token {_token(actors['analist'])}"})
    with _failing(None):
        response = api.get("/api/v1/meldingen/")
    _is_503(response)
    assert response.json()["errors"][0]["code"] == "database_unavailable"


def test_login_is_a_dutch_503_page(client: Client, actors: dict[str, Any]) -> None:
    with _failing(WRITES):
        response = client.post(
            "/account/inloggen/", {"username": "analist", "password": "een-lang-wachtwoord-123"}
        )
    _is_503(response)
    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert "Tijdelijke storing" in page


def test_staff_page_is_a_dutch_503_when_the_session_cannot_be_read(
    client: Client, actors: dict[str, Any]
) -> None:
    client.force_login(actors["analist"])
    with _failing(None):
        response = client.get("/staf/")
    _is_503(response)
    assert "Tijdelijke storing" in response.content.decode()


def test_session_that_cannot_be_saved_is_a_503_not_a_400(rf: Any) -> None:
    """The session middleware turns a failed UPDATE into SessionInterrupted (a 400): followed to its cause."""
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.exceptions import SessionInterrupted

    from ivp.web.errors import bad_request

    def save() -> None:
        try:
            try:
                raise OperationalError("attempt to write a readonly database")
            except OperationalError:
                raise UpdateError  # noqa: B904 - as SessionBase.save does
        except UpdateError as exc:
            raise SessionInterrupted(
                "The request's session was deleted before the request completed."
            ) from exc

    with pytest.raises(SessionInterrupted) as raised:
        save()
    response = bad_request(rf.get("/staf/"), raised.value)
    _is_503(response)
    assert "Tijdelijke storing" in response.content.decode()


def test_an_integrity_error_is_no_outage() -> None:
    from django.db import IntegrityError

    from ivp.web.errors import is_database_outage

    assert not is_database_outage(IntegrityError("UNIQUE constraint failed"))
    assert is_database_outage(OperationalError("attempt to write a readonly database"))


# ivp serve refuses an unwritable database


def test_write_probe_refuses_a_read_only_connection(tmp_path: Path) -> None:
    """A read-only SQLite connection (``mode=ro``): works the same for root, who ignores file modes."""
    from django.db import connections

    from ivp.web.server import check_writable

    path = tmp_path / "app.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)")
    con.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('x', '0001', '2025-01-01')")
    con.commit()
    con.close()
    from django.db.backends.sqlite3.base import DatabaseWrapper

    def opened(name: str) -> DatabaseWrapper:
        entry = {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
        return DatabaseWrapper(connections.configure_settings({"default": entry})["default"], "probe")

    writable, read_only = opened(str(path)), opened(f"file:{path}?mode=ro")
    try:
        check_writable(writable)  # writable: passes, and leaves the row as it was
        with pytest.raises(click.ClickException) as refused:
            check_writable(read_only)
    finally:
        writable.close()
        read_only.close()
    message = refused.value.message
    assert "niet schrijfbaar" in message
    assert f"file:{path}?mode=ro" in message
    assert "readonly" in message
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT app, applied FROM django_migrations").fetchall() == [("x", "2025-01-01")]


def test_database_description_has_no_password() -> None:
    from ivp.web.env import parse_database_url
    from ivp.web.server import describe_database

    entry = parse_database_url("postgres://ivp:zeer-geheim@db.example:5432/meldpunt")
    assert describe_database(entry) == "postgres://ivp@db.example:5432/meldpunt"


def _without_root_privileges(args: list[str]) -> list[str]:
    """Run ``args`` so that file modes apply: root ignores them through CAP_DAC_OVERRIDE, so drop it."""
    if os.geteuid() != 0:
        return args
    setpriv = shutil.which("setpriv")  # util-linux; in Debian's base image
    assert setpriv, "as root this test needs setpriv to drop CAP_DAC_OVERRIDE"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner,-chown", "--", *args]


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_serve_refuses_a_read_only_sqlite_file(tmp_path: Path) -> None:
    """chmod 0444 on the file and 0555 on its folder; as root (CI containers) without CAP_DAC_OVERRIDE.

    Root ignores file modes, so with all its capabilities the file would simply be written.
    """
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "ivp-web.sqlite3"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{db}",
        "IVP_SECRET_KEY": "test-secret-key-for-the-serve-check",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    ivp = str(Path(sys.executable).with_name("ivp"))
    made = _run([ivp, "manage", "migrate", "--verbosity", "0"], env, tmp_path)
    assert made.returncode == 0, made.stderr
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        result = _run(_without_root_privileges([ivp, "serve", "--port", "1"]), env, tmp_path)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "niet schrijfbaar" in result.stderr
    assert str(db) in result.stderr
    assert "Traceback" not in result.stderr
    assert "Meldpunt op" not in result.stdout  # gunicorn was not started
