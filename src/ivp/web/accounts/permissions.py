"""Who may do what: every access decision of the web app is made here.

Actors relative to a melding: its *owner* (the assigned behandelaar), a *member* (a behandelaar in the
melding's team), and *outsiders* (everyone else). Analysts see de-identified data of every melding,
never originals. Administrators manage users and read the audit log; need-to-know keeps originals from
them too.

The plan (``ivp.web.plan``): every staff member may read it (public policy, no personal data).
Realisations are entered by analysts, and by a behandelaar who owns the indicator
(``verantwoordelijke``) or is in its team; everyone else gets 403. The plan's definition (an
indicator's name, owner, team and targets) is edited by beheerders and analysts only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ivp.web.accounts.models import Role

if TYPE_CHECKING:
    from ivp.web.meldingen.models import Melding
    from ivp.web.plan.models import Indicator


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


def _in_team(user: Any, melding: Melding) -> bool:
    return melding.team_id is not None and user.teams.filter(pk=melding.team_id).exists()


def can_view(user: Any, melding: Melding) -> bool:
    """See a melding de-identified."""
    role = _role(user)
    if role in (Role.ANALIST, Role.BEHEERDER):
        return True
    if role == Role.BEHANDELAAR:
        return melding.behandelaar_id == user.pk or _in_team(user, melding)
    return False


def can_edit(user: Any, melding: Melding) -> bool:
    """Change status, answer the reporter."""
    if _role(user) != Role.BEHANDELAAR:
        return False
    return melding.behandelaar_id == user.pk or _in_team(user, melding)


def can_view_original(user: Any, melding: Melding) -> bool:
    """Read the original text and contact details (each read is audited)."""
    return can_edit(user, melding)


def can_export(user: Any) -> bool:
    """Export de-identified or aggregated meldingen."""
    return _role(user) in (Role.ANALIST, Role.BEHEERDER)


def can_read_audit(user: Any) -> bool:
    """Search the audit log."""
    return _role(user) == Role.BEHEERDER


def visible_meldingen(user: Any) -> Any:
    """The meldingen ``user`` may list (a queryset)."""
    from django.db.models import Q

    from ivp.web.meldingen.models import Melding

    role = _role(user)
    if role in (Role.ANALIST, Role.BEHEERDER):
        return Melding.objects.all()
    if role == Role.BEHANDELAAR:
        return Melding.objects.filter(Q(team__in=user.teams.all()) | Q(behandelaar=user))
    return Melding.objects.none()


def get_melding_for(user: Any, pk: int, *, edit: bool = False, original: bool = False) -> Melding:
    """Fetch a melding for a view: 404 when it does not exist or may not be seen, 403 when read-only."""
    from ivp.web.meldingen.models import Melding

    try:
        melding = Melding.objects.select_related("categorie", "team").get(pk=pk)
    except Melding.DoesNotExist:
        raise Http404 from None
    if not can_view(user, melding):
        raise Http404
    if edit and not can_edit(user, melding):
        raise PermissionDenied
    if original and not can_view_original(user, melding):
        raise PermissionDenied
    return melding


def can_view_plan(user: Any) -> bool:
    """Read the plan, its indicators and realisations."""
    return is_staff_member(user)


def can_edit_indicator(user: Any, indicator: Indicator) -> bool:
    """Record realisations for ``indicator``."""
    role = _role(user)
    if role == Role.ANALIST:
        return True
    if role == Role.BEHANDELAAR:
        if indicator.verantwoordelijke_id == user.pk:
            return True
        return indicator.team_id is not None and user.teams.filter(pk=indicator.team_id).exists()
    return False


def can_edit_plan(user: Any) -> bool:
    """Edit the plan's definition: an indicator's name, owner, team and yearly targets."""
    return _role(user) in (Role.BEHEERDER, Role.ANALIST)


def get_indicator_for(
    user: Any, plan_code: str, code: str, *, edit: bool = False, define: bool = False
) -> Indicator:
    """Fetch an indicator for a view: 404 when missing or not visible, 403 when read-only.

    ``edit``: record realisations; ``define``: edit the definition (:func:`can_edit_plan`)."""
    from ivp.web.plan.models import Indicator

    if not can_view_plan(user):
        raise PermissionDenied
    ind = Indicator.objects.select_related("plan").filter(plan__code=plan_code, code=code).first()
    if ind is None:
        raise Http404
    if edit and not can_edit_indicator(user, ind):
        raise PermissionDenied
    if define and not can_edit_plan(user):
        raise PermissionDenied
    return ind


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
