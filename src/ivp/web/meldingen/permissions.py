"""Meldingen for a view: the query and the 404/403 are here, the decision in ``ivp.web.accounts.permissions``.

Other apps (staff pages) fetch meldingen through this module or :mod:`ivp.web.meldingen.services` (ADR 0008).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from ivp.web.accounts import permissions
from ivp.web.meldingen.models import Melding


def visible_meldingen(user: Any) -> QuerySet[Melding]:
    """The meldingen ``user`` may list (a queryset)."""
    return permissions.visible_meldingen(user, Melding.objects.all())


def get_melding_for(user: Any, pk: int, *, edit: bool = False, original: bool = False) -> Melding:
    """Fetch a melding for a view: 404 when it does not exist or may not be seen, 403 when read-only."""
    try:
        melding = Melding.objects.select_related("categorie", "team").get(pk=pk)
    except Melding.DoesNotExist:
        raise Http404 from None
    if not permissions.can_view(user, melding):
        raise Http404
    if edit and not permissions.can_edit(user, melding):
        raise PermissionDenied
    if original and not permissions.can_view_original(user, melding):
        raise PermissionDenied
    return melding
