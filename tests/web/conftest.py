"""Django test setup: SQLite by default, PostgreSQL with IVP_WEB_DB=postgres (uses IVP_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import factory.random
import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("IVP_SHARED_DATA", str(REPO.parent / "shared" / "data"))).resolve()

os.environ["DJANGO_SETTINGS_MODULE"] = "ivp.web.settings"
if os.environ.get("IVP_WEB_DB") == "postgres":
    url = os.environ.get("IVP_TEST_DATABASE_URL")
    if not url:
        raise RuntimeError(
            "IVP_WEB_DB=postgres needs IVP_TEST_DATABASE_URL (scripts/start-postgres prints it)"
        )
    os.environ["DATABASE_URL"] = url
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.gettempdir()}/ivp-web-test.sqlite3"
# PostgreSQL-specific behaviour (one-statement inserts, the health check) is tested in the PostgreSQL run;
# on SQLite that code is not used, so the module is not collected there (rather than skipped).
collect_ignore = [] if os.environ.get("IVP_WEB_DB") == "postgres" else ["test_postgres.py"]
os.environ["IVP_REGIONS_GEOJSON"] = str(SHARED / "geo" / "dordrecht_buurten_2024.geojson")
os.environ.pop("IVP_WORKSPACE", None)
os.environ["IVP_SECRET_KEY"] = "test-secret-key-for-ivp-web-tests-only"  # noqa: S105


def pytest_configure(config: pytest.Config) -> None:
    """Set Django up here, not in pyproject, so the other test folders run without Django."""
    import django
    from pytest_django.plugin import blocking_manager_key

    django.setup()
    from django.conf import settings

    # Fast hashing in tests only; production keeps Django's PBKDF2 default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    config.stash[blocking_manager_key].block()


@pytest.fixture(autouse=True)
def _seeded() -> None:
    factory.random.reseed_random(42)  # type: ignore[no-untyped-call]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    from ivp.web.meldingen import ratelimit

    cache.clear()
    ratelimit.reset()


@pytest.fixture
def actors(db: Any) -> dict[str, Any]:
    """Owner, member (same team), outsider (other team), analist, beheerder, and a melding in team A."""
    from tests.web.factories import make_melding, make_team, make_user

    team_a, team_b = make_team(naam="Handhaving"), make_team(naam="Wijkteam Noord")
    owner = make_user(username="eigenaar", role="behandelaar", teams=[team_a])
    member = make_user(username="lid", role="behandelaar", teams=[team_a])
    outsider = make_user(username="buitenstaander", role="behandelaar", teams=[team_b])
    melding = make_melding(team=team_a, behandelaar=owner)
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "analist": make_user(username="analist", role="analist"),
        "beheerder": make_user(username="beheerder", role="beheerder"),
        "nobody": make_user(username="geenrol", role=""),
        "melding": melding,
        "team_a": team_a,
        "team_b": team_b,
    }


@pytest.fixture
def login(client: Any) -> Callable[[Any], Any]:
    """Log a user in as after password and (where the role needs it) the TOTP step."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def do(user: Any) -> Any:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return do
