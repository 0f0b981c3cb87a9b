"""The admin at /beheer/ sits behind the staff login (lockout, second factor, role) and is audited.

Finding 1 of issue 12: with only a beheerder's password, /beheer/login/ logged in, added a behandelaar
with both teams, and none of it reached the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from ivp.web.accounts.models import User
from ivp.web.audit.models import AuditEvent
from ivp.web.meldingen.models import Category, Open311Client

PASSWORD = "een-lang-wachtwoord-123"  # noqa: S105

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_beheerder(actors: dict[str, Any]) -> User:
    """The beheerder as `createsuperuser` or the old admin made one: every Django flag set."""
    user: User = actors["beheerder"]
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_admin_login_form_authenticates_nobody(client: Client, superuser_beheerder: User) -> None:
    response = client.post("/beheer/login/?next=/beheer/", {"username": "beheerder", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/account/inloggen/?next=%2Fbeheer%2F"
    assert "_auth_user_id" not in client.session
    assert client.get("/beheer/").status_code == 302


def test_password_without_second_factor_does_not_open_the_admin(
    client: Client, superuser_beheerder: User
) -> None:
    response = client.post("/account/inloggen/", {"username": "beheerder", "password": PASSWORD})
    assert response["Location"] == "/account/tweede-factor/"
    for url in ("/beheer/", "/beheer/meldingen/open311client/", "/beheer/accounts/user/add/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        assert response.request["PATH_INFO"] == "/account/tweede-factor/", url
    count = User.objects.count()
    client.post(
        "/beheer/accounts/user/add/",
        {"username": "indringer", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.count() == count


def test_users_and_teams_are_not_in_the_admin(
    login: Callable[[Any], Client], superuser_beheerder: User
) -> None:
    client = login(superuser_beheerder)
    assert client.get("/beheer/").status_code == 200
    for url in ("/beheer/accounts/user/", "/beheer/accounts/user/add/", "/beheer/accounts/team/add/"):
        assert client.get(url).status_code == 404, url


def test_other_roles_get_no_admin(login: Callable[[Any], Client], actors: dict[str, Any]) -> None:
    for name in ("analist", "member"):
        client = login(actors[name])
        assert client.get("/beheer/", follow=True).status_code == 403, name
        client.logout()


def test_admin_works_for_a_verified_beheerder_without_django_flags(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    """The role is the permission: no is_staff/is_superuser needed (and a flag alone gives nothing)."""
    beheerder = actors["beheerder"]
    assert not beheerder.is_staff
    assert not beheerder.is_superuser
    client = login(beheerder)
    page = client.get("/beheer/").content.decode()
    assert "/beheer/meldingen/open311client/" in page
    assert client.get("/beheer/meldingen/category/").status_code == 200
    assert client.get("/beheer/audit/auditevent/").status_code == 200


def test_admin_changes_reach_the_audit_log(login: Callable[[Any], Client], actors: dict[str, Any]) -> None:
    app = Open311Client.objects.create(naam="BuitenBeter", key_prefix="abcdefgh", key_hash="x" * 64)
    client = login(actors["beheerder"])
    response = client.post(f"/beheer/meldingen/open311client/{app.pk}/change/", {"naam": "BuitenBeter"})
    assert response.status_code == 302, response.content.decode()[:2000]
    app.refresh_from_db()
    assert not app.actief
    event = AuditEvent.objects.get(object_type="open311client", action="update")
    assert (event.actor_name, event.role, event.object_id) == ("beheerder", "beheerder", str(app.pk))
    assert (event.before, event.after) == ({"actief": True}, {"actief": False})
    assert "key_hash" not in str(event.before) + str(event.after)

    # list_editable on the changelist: several objects in one POST, one audit row each
    categories = list(Category.objects.order_by("pk")[:2])
    data: dict[str, Any] = {
        "form-TOTAL_FORMS": str(Category.objects.count()),
        "form-INITIAL_FORMS": str(Category.objects.count()),
        "_save": "Opslaan",
    }
    for i, category in enumerate(Category.objects.order_by("volgorde", "naam")):
        data[f"form-{i}-id"] = str(category.pk)
        data[f"form-{i}-volgorde"] = str(category.volgorde)
        if category.actief and category not in categories:
            data[f"form-{i}-actief"] = "on"  # an unticked box is absent: the first two are switched off
    client.post("/beheer/meldingen/category/", data)
    changed = AuditEvent.objects.filter(object_type="category", action="update")
    assert {e.object_id for e in changed} >= {str(c.pk) for c in categories}

    # the bulk delete action
    response = client.post(
        "/beheer/meldingen/open311client/",
        {"action": "delete_selected", "_selected_action": [str(app.pk)], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Open311Client.objects.exists()
    deleted = AuditEvent.objects.get(object_type="open311client", action="delete")
    assert deleted.before is not None
    assert deleted.before["naam"] == "BuitenBeter"


def test_own_password_change_in_the_admin_is_audited(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    client = login(actors["beheerder"])
    new = "een-ander-lang-wachtwoord-789"
    response = client.post(
        "/beheer/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_type="user", action="update")
    assert event.detail.startswith("wachtwoord gewijzigd")
    assert new not in str(event.after)
