"""Who may do what: every access decision of the web app is made here.

Actors relative to a melding: its *owner* (the assigned behandelaar), a *member* (a behandelaar in the
melding's team), and *outsiders* (everyone else). Analysts see de-identified data of every melding,
never originals. Administrators manage users and read the audit log; need-to-know keeps originals from
them too.

The plan (``ivp.web.plan``): every staff member may read it (public policy, no personal data).
Realisations are entered by analysts, and by a behandelaar who owns the indicator
(``verantwoordelijke``) or is in its team; everyone else gets 403. The plan's definition (an
indicator's name, owner, team and targets) is edited by beheerders and analysts only.

The intervention register (``ivp.web.interventions``): every staff member may read it, like the plan;
beheerders and analysts edit it (:func:`can_edit_interventions`).

This module imports no other app (ADR 0008): the rules read the attributes an object has
(:class:`AssignedMelding`, :class:`AssignedIndicator`), and each app binds them to its own models in its
``permissions`` module (``ivp.web.meldingen.permissions.get_melding_for``,
``ivp.web.plan.permissions.get_indicator_for``): the query and the 404/403 there, the decision here.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from ivp.web.accounts.models import Role

M = TypeVar("M", bound=Model)


class AssignedMelding(Protocol):
    """What the melding rules read: the assigned behandelaar and the team."""

    @property
    def behandelaar_id(self) -> int | None: ...

    @property
    def team_id(self) -> int | None: ...


class AssignedIndicator(Protocol):
    """What the indicator rules read: the responsible staff member and the team."""

    @property
    def verantwoordelijke_id(self) -> int | None: ...

    @property
    def team_id(self) -> int | None: ...


def _role(user: Any) -> str:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ""
    return str(getattr(user, "role", "") or "")


def is_staff_member(user: Any) -> bool:
    """A logged-in user with a role."""
    return _role(user) in Role.values


def needs_second_factor(user: Any) -> bool:
    """True when this user's role must log in with TOTP."""
    return _role(user) in settings.OTP_REQUIRED_ROLES


def is_fully_authenticated(user: Any) -> bool:
    """Staff member who passed the second factor where the role requires it."""
    if not is_staff_member(user):
        return False
    return not needs_second_factor(user) or bool(getattr(user, "is_verified", lambda: False)())


def can_use_api(user: Any, *, token: bool) -> bool:
    """Use the staff REST API: a staff member; by session only after the second factor.

    A token stands for a server-to-server integration created by an administrator, so it has no
    second factor to pass.
    """
    return is_staff_member(user) if token else is_fully_authenticated(user)


def _is_person(user: Any, person_id: int | None) -> bool:
    """Whether ``user`` is the person assigned (an unsaved user, pk None, is nobody's assignee)."""
    return user.pk is not None and person_id == user.pk


def _in_team(user: Any, team_id: int | None) -> bool:
    return team_id is not None and user.teams.filter(pk=team_id).exists()


def can_view(user: Any, melding: AssignedMelding) -> bool:
    """See a melding de-identified."""
    role = _role(user)
    if role in (Role.ANALIST, Role.BEHEERDER):
        return True
    if role == Role.BEHANDELAAR:
        return _is_person(user, melding.behandelaar_id) or _in_team(user, melding.team_id)
    return False


def can_edit(user: Any, melding: AssignedMelding) -> bool:
    """Change status, answer the reporter."""
    if _role(user) != Role.BEHANDELAAR:
        return False
    return _is_person(user, melding.behandelaar_id) or _in_team(user, melding.team_id)


def can_view_original(user: Any, melding: AssignedMelding) -> bool:
    """Read the original text and contact details (each read is audited)."""
    return can_edit(user, melding)


def can_export(user: Any) -> bool:
    """Export de-identified or aggregated meldingen."""
    return _role(user) in (Role.ANALIST, Role.BEHEERDER)


def can_analyse_areas(user: Any) -> bool:
    """Open the area page (hot times, hot places, sufficiency) and export its tables: analist, beheerder.

    Only aggregated counts are shown; the second factor is enforced by :func:`staff_required` around the
    views, and checked here too, so a caller outside those views cannot skip it.
    """
    return _role(user) in (Role.ANALIST, Role.BEHEERDER) and is_fully_authenticated(user)


def can_read_audit(user: Any) -> bool:
    """Search the audit log."""
    return _role(user) == Role.BEHEERDER


def can_manage_users(user: Any) -> bool:
    """Create staff accounts, give roles and teams, deactivate, reset a second factor (/staf/gebruikers/)."""
    return _role(user) == Role.BEHEERDER and is_fully_authenticated(user)


def can_use_admin(user: Any) -> bool:
    """Use Django's admin at /beheer/ (configuration only): a beheerder past the second factor.

    The role is the permission: Django's ``is_staff``/``is_superuser`` flags and model permissions are not
    consulted, so neither a flag set by ``createsuperuser`` nor a missing one changes who gets in.
    """
    return _role(user) == Role.BEHEERDER and is_fully_authenticated(user)


def visible_meldingen(user: Any, rows: QuerySet[M]) -> QuerySet[M]:
    """The meldingen in ``rows`` that :func:`can_view` allows ``user`` (a filtered queryset).

    ``rows`` holds meldingen, with a ``team`` and a ``behandelaar`` field; the rule is the one above."""
    role = _role(user)
    if role in (Role.ANALIST, Role.BEHEERDER):
        return rows
    if role == Role.BEHANDELAAR:
        return rows.filter(Q(team__in=user.teams.all()) | Q(behandelaar=user))
    return rows.none()


def can_view_plan(user: Any) -> bool:
    """Read the plan, its indicators and realisations."""
    return is_staff_member(user)


def can_edit_indicator(user: Any, indicator: AssignedIndicator) -> bool:
    """Record realisations for ``indicator``."""
    role = _role(user)
    if role == Role.ANALIST:
        return True
    if role == Role.BEHANDELAAR:
        return _is_person(user, indicator.verantwoordelijke_id) or _in_team(user, indicator.team_id)
    return False


def can_edit_plan(user: Any) -> bool:
    """Edit the plan's definition: an indicator's name, owner, team and yearly targets."""
    return _role(user) in (Role.BEHEERDER, Role.ANALIST)


def can_view_interventions(user: Any) -> bool:
    """Read the register of place-based interventions: every staff member, as for the plan.

    The register is public policy (where cameras hang, where an alcohol ban holds), with no personal
    data, so reads are not audited.
    """
    return is_staff_member(user)


def can_edit_interventions(user: Any) -> bool:
    """Create, edit, delete and import interventions: beheerder and analist, past the second factor.

    The analyst keeps the register because it feeds the effect evaluation they write (which areas, which
    periods, which crime codes); the beheerder as keeper of the configuration. A behandelaar (enforcement,
    wijkteam) reads it but does not define it: the register records what the mayor or council decided,
    so a change should come from team Veiligheid, as for the plan's definition (:func:`can_edit_plan`).
    """
    return _role(user) in (Role.BEHEERDER, Role.ANALIST) and is_fully_authenticated(user)


def authenticated_by_token(request: Any) -> bool:
    """True when a DRF request was authenticated with a staff API token (not a session)."""
    from ivp.web.accounts.authentication import ApiTokenAuthentication

    return isinstance(getattr(request, "successful_authenticator", None), ApiTokenAuthentication)


def staff_required(view: Any) -> Any:
    """Decorator for staff views: login, a role, and the second factor where the role needs one."""
    import functools

    from django.contrib.auth.views import redirect_to_login
    from django.shortcuts import redirect

    @functools.wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(user):
            raise PermissionDenied
        if not is_fully_authenticated(user):
            return redirect("accounts:otp")
        return view(request, *args, **kwargs)

    return wrapper
