"""Account events for the audit log, and creating staff users."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ivp.web.accounts.models import Role, Team, User
from ivp.web.audit import services as audit
from ivp.web.audit.models import Action


def logged_in(user: Any) -> None:
    audit.record(user, Action.LOGIN, "user", user.pk, detail="wachtwoord")


def second_factor_passed(user: Any) -> None:
    audit.record(user, Action.LOGIN, "user", user.pk, detail="tweede factor")


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
