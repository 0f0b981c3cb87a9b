"""Typed settings from the environment that fail loudly, and the registry that documents them.

Every setting read here is declared in :data:`SETTINGS` with its default and a description;
``tests/web/test_settings.py`` checks that each one is documented in ``docs/settings.md``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ivp.lib.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    """One environment variable ivp reads."""

    name: str
    default: str | None
    doc: str


SETTINGS: dict[str, Setting] = {}


def _declare(name: str, default: str | None, doc: str) -> str | None:
    SETTINGS.setdefault(name, Setting(name, default, doc))
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_str(name: str, default: str | None, doc: str) -> str:
    """Return a required string; fail when it is missing and has no default."""
    value = _declare(name, default, doc)
    if value is None:
        raise ConfigError(f"Omgevingsvariabele {name} ontbreekt: {doc}")
    return value


def env_bool(name: str, default: bool, doc: str) -> bool:
    """Return a boolean written as 1/0, true/false, yes/no, on/off."""
    value = _declare(name, "1" if default else "0", doc)
    text = (value or "").strip().lower()
    if text in {"1", "true", "yes", "on", "ja"}:
        return True
    if text in {"0", "false", "no", "off", "nee"}:
        return False
    raise ConfigError(f"{name}={value!r} is geen ja/nee-waarde; gebruik 1 of 0.")


def env_int(name: str, default: int, doc: str, *, minimum: int = 0) -> int:
    """Return an integer >= ``minimum``."""
    value = _declare(name, str(default), doc)
    try:
        number = int(str(value))
    except ValueError:
        raise ConfigError(f"{name}={value!r} is geen geheel getal.") from None
    if number < minimum:
        raise ConfigError(f"{name}={number} is kleiner dan {minimum}.")
    return number


def env_list(name: str, default: str, doc: str) -> list[str]:
    """Return a comma-separated list without empty items."""
    value = _declare(name, default, doc) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: str | None, doc: str) -> Path | None:
    """Return a path, or None when unset and without default."""
    value = _declare(name, default, doc)
    return Path(value).expanduser() if value else None


def env_rate(name: str, default: str, doc: str) -> tuple[int, int]:
    """Return a rate limit written as ``COUNT/SECONDS`` (e.g. ``10/60``)."""
    value = _declare(name, default, doc) or ""
    try:
        count_text, seconds_text = value.split("/")
        count, seconds = int(count_text), int(seconds_text)
    except ValueError:
        raise ConfigError(f"{name}={value!r}: schrijf een limiet als AANTAL/SECONDEN, bv. 10/60.") from None
    if count < 1 or seconds < 1:
        raise ConfigError(f"{name}={value!r}: aantal en seconden moeten >= 1 zijn.")
    return count, seconds


def _redact(url: str) -> str:
    """The URL with its password replaced by ***: error messages end up in terminals and logs."""
    return re.sub(r"(//[^/@]*?:)[^/@]*@", r"\1***@", url, count=1)


def _prepare_threshold(url: str, value: str) -> int | None:
    """psycopg's prepare_threshold: executions before a statement is prepared; ``none`` disables.

    Only statements sent with server-side parameters are ever prepared (the one-statement insert of a
    submission, ``ivp.web.inserts``); Django's own queries bind on the client and are never prepared.
    Behind PgBouncer in transaction mode before 1.21, use ``?prepare_threshold=none``.
    """
    if value.strip().lower() in ("none", "off", ""):
        return None
    try:
        threshold = int(value)
    except ValueError:
        threshold = -1
    if threshold < 0:
        raise ConfigError(
            f"DATABASE_URL {_redact(url)!r}: prepare_threshold={value!r} is geen aantal; gebruik een getal >= 0 of none."
        )
    return threshold


def parse_database_url(url: str, *, base: Path | None = None) -> dict[str, Any]:
    """Turn ``sqlite:///path`` or ``postgres://user:pw@host:port/db`` into a Django DATABASES entry.

    >>> parse_database_url("postgres://ivp:geheim@127.0.0.1:54329/ivp")["PORT"]
    54329
    >>> parse_database_url("sqlite:////tmp/app.sqlite3")["NAME"]
    '/tmp/app.sqlite3'
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        raw = unquote(parts.path)
        if parts.netloc == ":memory:" or raw == "/:memory:":
            return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        if raw in ("", "/"):
            raise ConfigError(
                f"DATABASE_URL {_redact(url)!r}: geen bestandsnaam; gebruik sqlite:///pad/naar/app.sqlite3."
            )
        # As dj-database-url: sqlite:///relative.sqlite3 and sqlite:////absolute/path.sqlite3
        name = Path(raw[1:])
        if not name.is_absolute() and base is not None:
            name = base / name
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(name),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    if scheme in ("postgres", "postgresql", "pgsql"):
        if not parts.path.strip("/"):
            raise ConfigError(f"DATABASE_URL {_redact(url)!r}: de databasenaam ontbreekt.")
        options: dict[str, Any] = dict(parse_qsl(parts.query))
        options["prepare_threshold"] = _prepare_threshold(url, options.get("prepare_threshold", "5"))
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(f"DATABASE_URL {_redact(url)!r}: ongeldige poort.") from None
        return {
            "ENGINE": "ivp.web.pgbackend",  # Django's, with a health check without round trip
            "NAME": unquote(parts.path.strip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": port or "",
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ConfigError(
        f"DATABASE_URL {_redact(url)!r}: onbekend schema {scheme!r}; gebruik sqlite:///... of postgres://..."
    )
