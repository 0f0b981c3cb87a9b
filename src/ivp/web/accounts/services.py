"""Account events for the audit log, creating staff users, and the staff API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ivp.web.accounts.models import ApiToken, Role, Team, User
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action

# Other apps use accounts through this module and ``permissions`` only (ADR 0008).
__all__ = [
    "API_TOKEN_PREFIX_LENGTH",
    "LAST_USED_RESOLUTION",
    "Team",
    "active_api_tokens",
    "create_api_token",
    "create_staff",
    "hash_api_token",
    "logged_in",
    "new_api_key",
    "revoke_api_token",
    "second_factor_passed",
    "teams",
    "token_for_key",
]


def logged_in(user: Any) -> None:
    audit.record(user, Action.LOGIN, "user", user.pk, detail="wachtwoord")


def second_factor_passed(user: Any) -> None:
    audit.record(user, Action.LOGIN, "user", user.pk, detail="tweede factor")


def teams() -> QuerySet[Team]:
    """Every team, by name (a lazy queryset, for choice fields)."""
    return Team.objects.all()


def create_staff(username: str, password: str, role: Role | str, teams: list[Team] | None = None) -> User:
    """Create a staff member with a role and teams (audited)."""
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, role=str(role))
        if teams:
            user.teams.set(teams)
        audit.record(
            "beheer",
            Action.CREATE,
            "user",
            user.pk,
            after={"role": str(role), "teams": [t.naam for t in teams or []]},
        )
    return user


def new_api_key() -> str:
    """A 43-character random key that does not start with "-".

    ``token_urlsafe`` uses "-" too; a key or prefix starting with it reads as an option on the command line
    (``--intrekken -ENcuByf`` failed in CI). Redrawing those (1 in 64) costs well under a bit of the 256.
    """
    key = secrets.token_urlsafe(32)
    while key.startswith("-"):
        key = secrets.token_urlsafe(32)
    return key


# Staff REST API tokens. The key is 256-bit random (``token_urlsafe(32)``, 43 characters), so a fast hash
# is enough: a slow password hash protects low-entropy secrets and would only cost time on every request.
API_TOKEN_PREFIX_LENGTH = 8
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def hash_api_token(key: str) -> str:
    """SHA-256 of a staff API key; tokens are looked up by this hash, never by the key."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_token(
    user: User, naam: str = "", *, verloopt: dt.datetime | None = None, actor: Any = "beheer"
) -> tuple[ApiToken, str]:
    """Make a token for ``user``; return it and its key (shown once, stored hashed). Audited."""
    key = new_api_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            naam=naam,
            key_prefix=key[:API_TOKEN_PREFIX_LENGTH],
            key_hash=hash_api_token(key),
            verloopt=verloopt,
        )
        audit.record(
            actor,
            Action.CREATE,
            "apitoken",
            token.pk,
            after={
                "gebruiker": user.username,
                "naam": naam,
                "prefix": token.key_prefix,
                "verloopt": verloopt.isoformat() if verloopt else None,
            },
        )
    return token, key


def revoke_api_token(token: ApiToken, *, actor: Any = "beheer") -> bool:
    """Revoke a token (kept, never deleted); False if it was already revoked. Audited."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.ingetrokken is not None:
            return False
        token.ingetrokken = timezone.now()
        token.save(update_fields=["ingetrokken"])
        audit.record(
            actor,
            Action.UPDATE,
            "apitoken",
            token.pk,
            before={"ingetrokken": None},
            after={"ingetrokken": token.ingetrokken.isoformat()},
            detail=f"ingetrokken: {token.key_prefix} van {token.user.username}",
        )
    return True


def active_api_tokens(user: User) -> QuerySet[ApiToken]:
    """The tokens of ``user`` that are neither revoked nor expired."""
    now = timezone.now()
    return ApiToken.objects.filter(user=user, ingetrokken__isnull=True).exclude(verloopt__lte=now)


def token_for_key(key: str) -> ApiToken | None:
    """The usable token with this key (not revoked, not expired, user active), or None.

    Notes when it was last used, at most once per ``LAST_USED_RESOLUTION`` so that reads stay reads.
    """
    if not key:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_api_token(key), ingetrokken__isnull=True, user__is_active=True)
        .exclude(verloopt__lte=now)
        .first()
    )
    if token is not None and (
        token.laatst_gebruikt is None or now - token.laatst_gebruikt >= LAST_USED_RESOLUTION
    ):
        ApiToken.objects.filter(pk=token.pk).update(laatst_gebruikt=now)
        token.laatst_gebruikt = now
    return token
