"""Indicators for a view: the query and the 404/403 are here, the decision in ``ivp.web.accounts.permissions``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ivp.web.accounts import permissions
from ivp.web.plan.models import Indicator


def get_indicator_for(
    user: Any, plan_code: str, code: str, *, edit: bool = False, define: bool = False
) -> Indicator:
    """Fetch an indicator for a view: 404 when missing or not visible, 403 when read-only.

    ``edit``: record realisations; ``define``: edit the definition (``can_edit_plan``)."""
    if not permissions.can_view_plan(user):
        raise PermissionDenied
    ind = Indicator.objects.select_related("plan").filter(plan__code=plan_code, code=code).first()
    if ind is None:
        raise Http404
    if edit and not permissions.can_edit_indicator(user, ind):
        raise PermissionDenied
    if define and not permissions.can_edit_plan(user):
        raise PermissionDenied
    return ind
