"""Who may see and change the plan. Built on the web app's roles (``ivp.web.accounts``).

Every staff member may read the plan (it is public policy, no personal data). Realisations are
entered by analysts, and by a behandelaar who owns the indicator (``verantwoordelijke``) or is in its
team; everyone else gets 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ivp.web.accounts.models import Role
from ivp.web.accounts.permissions import is_staff_member
from ivp.web.plan.models import Indicator


def can_view_plan(user: Any) -> bool:
    """Read the plan, its indicators and realisations."""
    return is_staff_member(user)


def can_edit_indicator(user: Any, indicator: Indicator) -> bool:
    """Record realisations for ``indicator``."""
    role = str(getattr(user, "role", "") or "") if is_staff_member(user) else ""
    if role == Role.ANALIST:
        return True
    if role == Role.BEHANDELAAR:
        if indicator.verantwoordelijke_id == user.pk:
            return True
        return indicator.team_id is not None and user.teams.filter(pk=indicator.team_id).exists()
    return False


def get_indicator_for(user: Any, plan_code: str, code: str, *, edit: bool = False) -> Indicator:
    """Fetch an indicator for a view: 404 when missing or not visible, 403 when read-only."""
    if not can_view_plan(user):
        raise PermissionDenied
    ind = Indicator.objects.select_related("plan").filter(plan__code=plan_code, code=code).first()
    if ind is None:
        raise Http404
    if edit and not can_edit_indicator(user, ind):
        raise PermissionDenied
    return ind
