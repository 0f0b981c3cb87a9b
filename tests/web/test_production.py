"""Production settings (IVP_PRODUCTIE=1, ``ivp serve --productie``) and the Content-Security-Policy.

The settings are module-level, so each configuration is loaded in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from ivp.web import security
from ivp.web.settings import DEV_SECRET_KEY

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "src" / "ivp" / "web"
KEY = "een-lange-willekeurige-productiesleutel-voor-deze-test-0123456789"

READ = """
import json
from django.conf import settings
import django
django.setup()
names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST", "DEBUG", "MIDDLEWARE",
         "SESSION_COOKIE_HTTPONLY", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "CONTENT_SECURITY_POLICY"]
print(json.dumps({name: getattr(settings, name, None) for name in names}))
"""


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IVP_", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "ivp.web.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
            "IVP_SECRET_KEY": KEY,
            "IVP_ALLOWED_HOSTS": "meldpunt.example.nl",
        }
    )
    env.update(extra)
    return {k: v for k, v in env.items() if v != ""}


def _settings(tmp_path: Path, **extra: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", READ], env=_env(tmp_path, **extra), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _refusal(tmp_path: Path, **extra: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", READ], env=_env(tmp_path, **extra), capture_output=True, text=True, check=False
    )
    assert done.returncode != 0, done.stdout
    return done.stderr


def test_production_turns_on_secure_cookies_and_hsts(tmp_path: Path) -> None:
    found = _settings(tmp_path, IVP_PRODUCTIE="1")
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["CSRF_COOKIE_SECURE"] is True
    assert found["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert found["SECURE_SSL_REDIRECT"] is False  # optional: usually the proxy redirects
    # Proxy headers are trusted only when IVP_BEHIND_PROXY says a proxy sets them.
    assert found["SECURE_PROXY_SSL_HEADER"] is None
    assert found["USE_X_FORWARDED_HOST"] is False
    assert found["DEBUG"] is False
    assert found["SESSION_COOKIE_HTTPONLY"] is True
    assert found["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert found["X_FRAME_OPTIONS"] == "DENY"
    assert "ivp.web.security.ContentSecurityPolicyMiddleware" in found["MIDDLEWARE"]
    assert found["CONTENT_SECURITY_POLICY"] == security.CONTENT_SECURITY_POLICY


def test_behind_proxy_and_redirect(tmp_path: Path) -> None:
    found = _settings(tmp_path, IVP_PRODUCTIE="1", IVP_BEHIND_PROXY="1", IVP_SSL_REDIRECT="1")
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert found["USE_X_FORWARDED_HOST"] is True
    assert found["SECURE_SSL_REDIRECT"] is True


def test_development_defaults_stay_as_they_were(tmp_path: Path) -> None:
    found = _settings(tmp_path, IVP_SECRET_KEY="", IVP_ALLOWED_HOSTS="")
    assert found["SESSION_COOKIE_SECURE"] is False
    assert found["SECURE_HSTS_SECONDS"] == 0
    assert found["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"IVP_SECRET_KEY": ""}, "IVP_SECRET_KEY is de openbare standaardsleutel"),
        ({"IVP_SECRET_KEY": DEV_SECRET_KEY}, "IVP_SECRET_KEY is de openbare standaardsleutel"),
        ({"IVP_SECRET_KEY": "kort"}, "korter dan 32 tekens"),
        ({"IVP_DEBUG": "1"}, "IVP_DEBUG staat aan"),
        ({"IVP_ALLOWED_HOSTS": ""}, "IVP_ALLOWED_HOSTS bevat alleen localhost"),
        ({"IVP_ALLOWED_HOSTS": "localhost,127.0.0.1"}, "IVP_ALLOWED_HOSTS bevat alleen localhost"),
    ],
)
def test_production_refuses_unsafe_settings(tmp_path: Path, extra: dict[str, str], message: str) -> None:
    stderr = _refusal(tmp_path, IVP_PRODUCTIE="1", **extra)
    assert "ConfigError" in stderr
    assert message in stderr


def test_serve_productie_refuses_the_default_key(tmp_path: Path) -> None:
    env = _env(tmp_path, IVP_SECRET_KEY="")
    done = subprocess.run(
        [sys.executable, "-m", "ivp.cli", "serve", "--productie", "--port", "8999"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Productiemodus (IVP_PRODUCTIE)" in done.stderr
    assert "standaardsleutel" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "web.sqlite3").exists()  # refused before migrating


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/volgen/", "/ontvangen/", "/account/inloggen/", "/bestaat-niet/", "/static/ivp/ivp.css"],
)
def test_content_security_policy_on_every_response(client: Client, url: str) -> None:
    response = client.get(url)
    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )


@pytest.mark.django_db
def test_content_security_policy_on_the_apis(client: Client) -> None:
    assert "Content-Security-Policy" in client.get("/open311/v2/services.json")
    assert "Content-Security-Policy" in client.get("/api/v1/meldingen/")


TEMPLATE_DIRS = [WEB / "templates", *sorted(WEB.glob("*/templates"))]
INLINE = re.compile(r"\sstyle\s*=|<style\b|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=", re.I)


def test_no_inline_script_or_style_in_templates() -> None:
    """Under the CSP an inline script, a style attribute or an on*= handler would be blocked."""
    found = [
        f"{path.relative_to(REPO)}: {match.group(0).strip()}"
        for folder in TEMPLATE_DIRS
        for path in sorted(folder.rglob("*.html"))
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.django_db
def test_no_inline_style_in_svg_the_pages_embed() -> None:
    """The region map and the plan charts are SVG made in Python and embedded in the pages."""
    from ivp.reports.plan.charts import YearBar, indicator_chart
    from ivp.web.meldingen.regions import region_map

    chart = indicator_chart(
        [YearBar(2024, 10.0, 12.0), YearBar(2025, 5.0, 12.0, complete=False, as_of="01-06")],
        unit="aantal",
        title="OND-01",
    )
    paths = " ".join(d for _b, d in region_map().svg_paths())
    assert paths
    for svg in (chart, paths):
        assert INLINE.search(svg) is None


# Review of issue 12: outside production mode the public default key was accepted silently, also when
# `ivp serve --host 0.0.0.0` made the server reachable from other machines.


def test_serve_on_a_public_address_refuses_the_default_key(tmp_path: Path) -> None:
    env = _env(tmp_path, IVP_SECRET_KEY="", IVP_ALLOWED_HOSTS="")
    done = subprocess.run(
        [sys.executable, "-m", "ivp.cli", "serve", "--host", "0.0.0.0", "--port", "8999"],  # noqa: S104
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout
    assert "openbare standaardsleutel" in done.stderr
    assert "IVP_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "web.sqlite3").exists()  # refused before migrating, long before gunicorn


def _serve(monkeypatch: pytest.MonkeyPatch, host: str) -> tuple[Any, list[dict[str, Any]]]:
    """``ivp serve --host host`` in this process with ``ivp.web.server.run`` (migrate, gunicorn) replaced."""
    from click.testing import CliRunner

    from ivp.cli import main
    from ivp.web import server

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(server, "run", lambda **kwargs: started.append(kwargs))
    return CliRunner().invoke(main, ["serve", "--host", host]), started


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "meldpunt.example.nl"])  # noqa: S104
def test_serve_refusal_covers_every_non_loopback_host(
    monkeypatch: pytest.MonkeyPatch, settings: Any, host: str
) -> None:
    settings.SECRET_KEY = DEV_SECRET_KEY
    settings.DEBUG = False
    result, started = _serve(monkeypatch, host)
    assert result.exit_code == 1
    assert "openbare standaardsleutel" in result.output
    assert not started


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_serve_on_loopback_keeps_the_development_default(
    monkeypatch: pytest.MonkeyPatch, settings: Any, host: str
) -> None:
    settings.SECRET_KEY = DEV_SECRET_KEY
    settings.DEBUG = False
    result, started = _serve(monkeypatch, host)
    assert result.exit_code == 0, result.output
    assert started
    assert started[0]["host"] == host


def test_serve_on_a_public_address_with_an_own_key_starts(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.SECRET_KEY = KEY
    settings.DEBUG = False
    result, started = _serve(monkeypatch, "0.0.0.0")  # noqa: S104
    assert result.exit_code == 0, result.output
    assert started


def test_serve_with_debug_on_a_public_address_warns(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.SECRET_KEY = DEV_SECRET_KEY
    settings.DEBUG = True
    result, started = _serve(monkeypatch, "0.0.0.0")  # noqa: S104
    assert result.exit_code == 0, result.output
    assert "Waarschuwing" in result.output
    assert started
