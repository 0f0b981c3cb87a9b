"""Access rules in one place: owner, member, outsider and the other roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from ivp.web.accounts import permissions as p
from ivp.web.meldingen import permissions as mp


@pytest.mark.parametrize(
    ("who", "view", "edit", "original"),
    [
        ("owner", True, True, True),
        ("member", True, True, True),
        ("outsider", False, False, False),
        ("analist", True, False, False),
        ("beheerder", True, False, False),
        ("nobody", False, False, False),
    ],
)
def test_rules(actors: dict[str, Any], who: str, view: bool, edit: bool, original: bool) -> None:
    user, melding = actors[who], actors["melding"]
    assert p.can_view(user, melding) is view
    assert p.can_edit(user, melding) is edit
    assert p.can_view_original(user, melding) is original


def test_anonymous_sees_nothing(actors: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not p.can_view(AnonymousUser(), actors["melding"])
    assert list(mp.visible_meldingen(AnonymousUser())) == []


def test_visible_meldingen_follow_teams(actors: dict[str, Any]) -> None:
    melding = actors["melding"]
    assert list(mp.visible_meldingen(actors["member"])) == [melding]
    assert list(mp.visible_meldingen(actors["outsider"])) == []
    assert list(mp.visible_meldingen(actors["analist"])) == [melding]


def test_fetch_helper(actors: dict[str, Any]) -> None:
    melding = actors["melding"]
    assert mp.get_melding_for(actors["member"], melding.pk, edit=True) == melding
    with pytest.raises(Http404):
        mp.get_melding_for(actors["outsider"], melding.pk)
    with pytest.raises(Http404):
        mp.get_melding_for(actors["member"], melding.pk + 1000)
    with pytest.raises(PermissionDenied):
        mp.get_melding_for(actors["analist"], melding.pk, original=True)


def test_the_rules_read_attributes_not_models(actors: dict[str, Any]) -> None:
    """accounts imports no other app (ADR 0008): any object with the attributes gets the same answer."""
    from types import SimpleNamespace

    member, outsider = actors["member"], actors["outsider"]
    team_id = actors["melding"].team_id
    melding = SimpleNamespace(behandelaar_id=None, team_id=team_id)
    assert p.can_edit(member, melding)
    assert not p.can_view(outsider, melding)
    indicator = SimpleNamespace(verantwoordelijke_id=outsider.pk, team_id=None)
    assert p.can_edit_indicator(outsider, indicator)
    assert not p.can_edit_indicator(member, indicator)


def test_export_and_audit_rights(actors: dict[str, Any]) -> None:
    assert p.can_export(actors["analist"])
    assert not p.can_export(actors["owner"])
    assert p.can_read_audit(actors["beheerder"])
    assert not p.can_read_audit(actors["analist"])


def test_second_factor_per_role(actors: dict[str, Any], settings: Any) -> None:
    assert p.needs_second_factor(actors["owner"])
    assert p.needs_second_factor(actors["analist"])  # reads every de-identified text (issue 12)
    settings.OTP_REQUIRED_ROLES = ["beheerder"]
    assert not p.needs_second_factor(actors["analist"])
    settings.OTP_REQUIRED_ROLES = ["analist"]
    assert p.needs_second_factor(actors["analist"])
    assert not p.needs_second_factor(actors["owner"])


def test_an_unsaved_user_is_nobodys_assignee(actors: dict[str, Any]) -> None:
    """pk None must not match behandelaar_id/verantwoordelijke_id None (nobody assigned).

    Past the assignee check, Django refuses the team lookup of an unsaved user with a ValueError: also
    not a grant.
    """
    from types import SimpleNamespace

    from ivp.web.accounts.models import User

    ghost = User(username="spook", role="behandelaar")  # never saved: pk is None
    assert ghost.pk is None

    def granted(rule: Any, obj: Any) -> bool:
        try:
            return bool(rule(ghost, obj))
        except ValueError:
            return False

    unassigned = SimpleNamespace(behandelaar_id=None, team_id=actors["team_b"].pk)
    assert not granted(p.can_view, unassigned)
    assert not granted(p.can_edit, unassigned)
    assert not granted(p.can_edit_indicator, SimpleNamespace(verantwoordelijke_id=None, team_id=None))
