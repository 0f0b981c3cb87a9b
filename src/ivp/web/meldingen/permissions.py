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


def shows_buurt(user: Any) -> bool:
    """Whether record views (lists, details, exports) show ``user`` the buurt of a melding (ADR 0009).

    Roles that get suppressed statistics (``permissions.can_export``: analist, beheerder) see meldingen
    without buurt and cannot filter a list by buurt, so that counting listed meldingen per buurt cannot
    undo the suppression. Behandelaars keep the buurt of the meldingen they handle.
    """
    return not permissions.can_export(user)


def is_local_operator(actor: Any) -> bool:
    """The operator of a CLI command on the server (actor name ``cli`` or ``cli:<login>``, from
    ``ivp.cli._common.cli_actor``): who runs it there already holds the database."""
    return isinstance(actor, str) and (actor == "cli" or actor.startswith("cli:"))


def check_can_export_statistics(actor: Any) -> None:
    """Allow the meldpunt's counts per category and month (``cijfers``), else raise 403.

    The same people who may export meldingen (``permissions.can_export``: analist, beheerder), and the local
    operator of a CLI command.
    """
    if not is_local_operator(actor) and not permissions.can_export(actor):
        raise PermissionDenied


def statistics_show_buurt(actor: Any) -> bool:
    """Whether the counts ``actor`` exports are split by buurt: for the local operator only.

    ADR 0009: the roles that get statistics (analist, beheerder) get small counts per buurt only protected,
    and may count only sums over all buurten; exact counts per buurt, which the store needs (the reports
    protect what they publish), leave the app only through the operator's ``ivp meldpunt-cijfers``.
    """
    return is_local_operator(actor)
