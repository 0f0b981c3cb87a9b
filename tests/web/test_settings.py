"""Every environment setting is documented; bad values fail loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivp.lib.errors import ConfigError
from ivp.web import env

DOCS = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_every_setting_is_documented(settings: object) -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [name for name in env.SETTINGS if f"`{name}`" not in text]
    assert env.SETTINGS, "settings module was not loaded"
    assert missing == []


def test_database_url_postgres() -> None:
    db = env.parse_database_url("postgres://ivp:ge%40heim@127.0.0.1:54329/ivp?sslmode=disable")
    assert db["ENGINE"] == "ivp.web.pgbackend"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "ivp",
        "ge@heim",
        "127.0.0.1",
        54329,
        "ivp",
    )
    assert db["OPTIONS"] == {"sslmode": "disable", "prepare_threshold": 5}


@pytest.mark.parametrize(
    ("query", "expected"), [("?prepare_threshold=none", None), ("?prepare_threshold=0", 0)]
)
def test_database_url_prepare_threshold(query: str, expected: int | None) -> None:
    db = env.parse_database_url(f"postgres://ivp@127.0.0.1/ivp{query}")
    assert db["OPTIONS"]["prepare_threshold"] == expected


def test_database_url_errors_do_not_show_the_password() -> None:
    with pytest.raises(ConfigError) as error:
        env.parse_database_url("postgres://ivp:Geheim-123@db.example.nl:notaport/ivp")
    assert "Geheim-123" not in str(error.value)
    assert "postgres://ivp:***@db.example.nl:notaport/ivp" in str(error.value)
    with pytest.raises(ConfigError) as error:
        env.parse_database_url("postgres://ivp:Geheim-123@db.example.nl/ivp?prepare_threshold=x")
    assert "Geheim-123" not in str(error.value)


def test_database_url_prepare_threshold_refused() -> None:
    with pytest.raises(ConfigError, match="prepare_threshold='vijf'"):
        env.parse_database_url("postgres://ivp@127.0.0.1/ivp?prepare_threshold=vijf")


def test_database_url_sqlite_relative_to_workspace(tmp_path: Path) -> None:
    assert env.parse_database_url("sqlite:///app.sqlite3", base=tmp_path)["NAME"] == str(
        tmp_path / "app.sqlite3"
    )
    assert (
        env.parse_database_url("sqlite:////srv/ivp/app.sqlite3", base=tmp_path)["NAME"]
        == "/srv/ivp/app.sqlite3"
    )
    assert env.parse_database_url("sqlite://:memory:")["NAME"] == ":memory:"


@pytest.mark.parametrize(
    "url", ["mysql://x/y", "postgres://host:5432/", "sqlite://", "postgres://h:notaport/db"]
)
def test_bad_database_url_fails_loudly(url: str) -> None:
    with pytest.raises(ConfigError):
        env.parse_database_url(url)


def test_bad_values_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IVP_X_BOOL", "misschien")
    monkeypatch.setenv("IVP_X_INT", "vijf")
    monkeypatch.setenv("IVP_X_RATE", "10 per minuut")
    with pytest.raises(ConfigError, match="IVP_X_BOOL"):
        env.env_bool("IVP_X_BOOL", False, "test")
    with pytest.raises(ConfigError, match="IVP_X_INT"):
        env.env_int("IVP_X_INT", 1, "test")
    with pytest.raises(ConfigError, match="IVP_X_RATE"):
        env.env_rate("IVP_X_RATE", "1/1", "test")
    for name in ("IVP_X_BOOL", "IVP_X_INT", "IVP_X_RATE"):
        env.SETTINGS.pop(name, None)
