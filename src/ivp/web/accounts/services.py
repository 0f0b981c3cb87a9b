"""Account events for the audit log, staff accounts (the one way to change them), and the staff API tokens.

``ivp gebruiker`` and the pages at /staf/gebruikers/ call the account functions here; Django's admin does not
manage users or teams (ADR 0010). Each change is one audit row with the changed fields before and after.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from ivp.lib.errors import IvpError
from ivp.web.accounts.models import ApiToken, Role, Team, User
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action

# Other apps use accounts through this module and ``permissions`` only (ADR 0008).
__all__ = [
    "API_TOKEN_PREFIX_LENGTH",
    "LAST_USED_RESOLUTION",
    "AccountError",
    "Team",
    "active_api_tokens",
    "create_api_token",
    "create_staff",
    "create_team",
    "find_teams",
    "find_user",
    "hash_api_token",
    "logged_in",
    "new_api_key",
    "reset_second_factor",
    "revoke_api_token",
    "second_factor_failed",
    "second_factor_passed",
    "set_password",
    "staff_users",
    "teams",
    "token_for_key",
    "update_staff",
]


def logged_in(user: Any) -> None:
    audit.record(user, Action.LOGIN, "user", user.pk, detail="wachtwoord")


def second_factor_passed(user: Any) -> None:
    audit.record(user, Action.LOGIN, "user", user.pk, detail="tweede factor")


def teams() -> QuerySet[Team]:
    """Every team, by name (a lazy queryset, for choice fields)."""
    return Team.objects.all()


def second_factor_failed(user: Any) -> None:
    audit.record(user, Action.LOGIN_FAILED, "user", user.pk, detail="tweede factor: code klopt niet")


class AccountError(IvpError):
    """A refused account change; ``code`` is stable (tests assert it), the message Dutch."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def staff_users() -> QuerySet[User]:
    """Every account, by username, with its teams."""
    return User.objects.order_by("username").prefetch_related("teams")


def find_user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise AccountError(
            "unknown_user",
            _("Onbekende gebruiker %(username)r; zie 'ivp gebruiker lijst'.") % {"username": username},
        )
    return user


def find_teams(names: list[str]) -> list[Team]:
    """The teams with these names; an unknown name is an error that lists the known ones."""
    found = {t.naam: t for t in Team.objects.filter(naam__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        known = ", ".join(Team.objects.values_list("naam", flat=True)) or _("(nog geen)")
        raise AccountError(
            "unknown_team",
            _(
                "Onbekend team: %(missing)s. Bestaande teams: %(known)s; maak een team met 'ivp gebruiker team'."
            )
            % {"missing": ", ".join(missing), "known": known},
        )
    return [found[n] for n in dict.fromkeys(names)]


def _role_value(role: Role | str) -> str:
    value = str(role)
    if value not in Role.values:
        raise AccountError(
            "unknown_role",
            _("Onbekende rol %(role)r; kies uit %(roles)s.")
            % {"role": value, "roles": ", ".join(Role.values)},
        )
    return value


def _password_message(error: ValidationError) -> str:
    """Dutch text for Django's password validators (its Dutch catalogue misses the 5.x wording)."""
    params = error.params or {}
    messages = {
        "password_too_short": _("Het wachtwoord is te kort: gebruik minstens %(min_length)d tekens."),
        "password_too_common": _("Dit wachtwoord wordt te vaak gebruikt; kies een ander."),
        "password_entirely_numeric": _("Het wachtwoord mag niet alleen uit cijfers bestaan."),
        "password_too_similar": _("Het wachtwoord lijkt te veel op de naam of gebruikersnaam."),
    }
    template = messages.get(error.code or "")
    if template is None:
        return " ".join(error.messages)
    return template % params if "%(" in template else template


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        text = " ".join(_password_message(e) for e in exc.error_list)
        raise AccountError("weak_password", text) from exc


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "rol": user.role,
        "teams": sorted(t.naam for t in user.teams.all()),
        "actief": user.is_active,
    }


def create_staff(
    username: str,
    password: str,
    role: Role | str,
    teams: list[Team] | None = None,
    *,
    actor: Any = "beheer",
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create a staff member with a role and teams (audited). The password must pass the validators."""
    username = username.strip()
    if not username:
        raise AccountError("username_required", _("Geef een gebruikersnaam."))
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(
            "username_taken", _("Gebruikersnaam %(username)r bestaat al.") % {"username": username}
        )
    value = _role_value(role)
    _check_password(password, User(username=username, first_name=first_name, last_name=last_name))
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            role=value,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
        if teams:
            user.teams.set(teams)
        audit.record(
            actor,
            Action.CREATE,
            "user",
            user.pk,
            after={"gebruikersnaam": username, **_snapshot(user)},
            detail=f"account {username}",
        )
    return user


def _is_person(actor: Any, user: User) -> bool:
    return isinstance(actor, User) and actor.pk == user.pk


def update_staff(
    user: User,
    *,
    actor: Any,
    role: Role | str | None = None,
    teams: list[Team] | None = None,
    active: bool | None = None,
) -> bool:
    """Change role, teams and/or whether the account is active; False when nothing changed. Audited.

    Refused: a beheerder taking their own role or account away (they would lock themselves out), and any
    change that leaves no active beheerder (nobody could manage accounts on the staff site any more).
    """
    new_role = _role_value(role) if role is not None else None
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = _snapshot(user)
        if new_role is not None:
            user.role = new_role
        if active is not None:
            user.is_active = active
        stays_beheerder = user.is_active and user.role == Role.BEHEERDER
        if before["rol"] == Role.BEHEERDER and before["actief"] and not stays_beheerder:
            if _is_person(actor, user):
                raise AccountError(
                    "self_lockout",
                    _("U kunt uw eigen beheerdersrol of account niet uitzetten; vraag een andere beheerder."),
                )
            others = (
                User.objects.select_for_update()
                .filter(role=Role.BEHEERDER, is_active=True)
                .exclude(pk=user.pk)
            )
            if not others.exists():
                raise AccountError(
                    "last_beheerder",
                    _("%(username)s is de laatste actieve beheerder; maak eerst een andere beheerder aan.")
                    % {"username": user.username},
                )
        user.save(update_fields=["role", "is_active"])
        if teams is not None:
            user.teams.set(teams)
        after = _snapshot(user)
        changed = [key for key in before if before[key] != after[key]]
        if not changed:
            return False
        audit.record(
            actor,
            Action.UPDATE,
            "user",
            user.pk,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            detail=f"account {user.username}: {', '.join(changed)}",
        )
    return True


def reset_second_factor(user: User, *, actor: Any) -> int:
    """Delete the user's TOTP devices: at the next login they enrol a new one. Returns how many. Audited.

    Sessions already past the second factor lose it too (their device is gone), so they are asked again.
    """
    with transaction.atomic():
        count: int = TOTPDevice.objects.filter(user=user).delete()[0]
        audit.record(
            actor,
            Action.DELETE,
            "totpdevice",
            user.pk,
            before={"apparaten": count},
            after={"apparaten": 0},
            detail=f"tweede factor gereset: {user.username}",
        )
    return count


def set_password(user: User, password: str, *, actor: Any) -> None:
    """Give the user a new password (validated; never logged). Their other sessions end. Audited."""
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor, Action.UPDATE, "user", user.pk, detail=f"wachtwoord gezet: {user.username}")


def create_team(naam: str, *, actor: Any) -> Team:
    """Create a team (audited)."""
    naam = naam.strip()
    if not naam:
        raise AccountError("team_name_required", _("Geef de naam van het team."))
    if Team.objects.filter(naam__iexact=naam).exists():
        raise AccountError("team_exists", _("Team %(naam)r bestaat al.") % {"naam": naam})
    with transaction.atomic():
        team = Team.objects.create(naam=naam)
        audit.record(actor, Action.CREATE, "team", team.pk, after={"naam": naam}, detail=f"team {naam}")
    return team


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
