"""PostgreSQL only (collected in the PostgreSQL run, see conftest): what a submission sends to the server.

- A submission is one statement: counted in libpq's own protocol trace, not in Django's query log (the
  insert bypasses Django's cursor wrapper, see ``ivp.web.inserts``).
- The health check (``ivp.web.pgbackend``) costs no round trip on a healthy idle connection, and still
  replaces a connection the server has closed.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
from django.db import connection
from psycopg.pq import Trace

from ivp.web.meldingen import services
from ivp.web.meldingen.models import Category, Melding

if os.environ.get("IVP_WEB_DB") != "postgres":  # only when named explicitly; conftest leaves it out on SQLite
    pytest.skip("PostgreSQL only: run with IVP_WEB_DB=postgres", allow_module_level=True)

pytestmark = pytest.mark.django_db(transaction=True)  # autocommit, as in production: no test transaction


@pytest.fixture
def key() -> str:
    # a transactional test database is flushed between tests, data migrations included
    Category.objects.get_or_create(slug="drugsoverlast", defaults={"naam": "Drugsoverlast"})
    return services.create_open311_client("BuitenBeter")[1]


def _wsgi_post(key: str, text: str) -> tuple[str, bytes]:
    """A submission through the WSGI application itself, as gunicorn calls it.

    Django's test client switches off ``close_old_connections`` on ``request_started``, and with it the
    per-request health check; a real server keeps it.
    """
    from ivp.web.wsgi import application

    body = urlencode(
        {
            "api_key": key,
            "service_code": "drugsoverlast",
            "lat": "51.8133",
            "long": "4.6690",
            "description": text,
        }
    ).encode()
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/open311/v2/requests.json", "SCRIPT_NAME": "",
        "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http",
        "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
    }  # fmt: skip
    status: list[str] = []
    content = b"".join(application(environ, lambda s, _headers, _exc=None: status.append(s)))  # type: ignore[arg-type]
    return status[0], content


@contextmanager
def _frontend_messages() -> Iterator[list[str]]:
    """The protocol messages this process sends on Django's connection (libpq trace, client side)."""
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "trace"
        with path.open("w") as handle:
            pgconn.trace(handle.fileno())
            pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS | Trace.REGRESS_MODE)
            messages: list[str] = []
            try:
                yield messages
            finally:
                pgconn.untrace()
        for line in path.read_text().splitlines():
            parts = line.split("\t")
            if parts[0] == "F" and len(parts) > 2:
                messages.append(parts[2].split(" ")[0])


def test_a_submission_is_one_statement_and_no_health_check_round_trip(key: str) -> None:
    for warm in range(6):  # past prepare_threshold: the statement is prepared on this connection
        assert _wsgi_post(key, f"warm {warm}")[0].startswith("201")
    with _frontend_messages() as messages:
        status, content = _wsgi_post(key, "Dealen bij de brug.")
    assert status.startswith("201"), content
    # extended protocol: Bind + Execute + Sync for the prepared statement; no Parse, no Query (SELECT 1,
    # BEGIN, COMMIT would each be one)
    assert messages.count("Execute") == 1, messages
    assert "Query" not in messages, messages
    assert "Parse" not in messages, messages
    melding_id = int(json.loads(content)[0]["service_request_id"])
    assert Melding.objects.get(pk=melding_id).historie.count() == 1


def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it(key: str) -> None:
    assert _wsgi_post(key, "eerste")[0].startswith("201")
    pid = connection.connection.info.backend_pid
    url = os.environ["IVP_TEST_DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while connection.is_usable() and time.monotonic() < deadline:  # the FATAL message is on its way
        time.sleep(0.05)
    assert not connection.is_usable()
    status, content = _wsgi_post(key, "na herstart van de verbinding")
    assert status.startswith("201"), content
    assert connection.connection.info.backend_pid != pid
    assert Melding.objects.filter(tekst="na herstart van de verbinding").count() == 1


def test_health_check_on_a_healthy_idle_connection_asks_the_server_nothing() -> None:
    connection.ensure_connection()
    with _frontend_messages() as messages:
        assert connection.is_usable()
    assert messages == []
