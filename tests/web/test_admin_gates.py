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


#: Every model the admin may show. A library that registers its own admin (django_otp's TOTP devices,
#: django.contrib.auth's groups) must not slip in: each new entry here is a decision, see ADR 0010.
ADMIN_ALLOW_LIST = {
    "accounts.ApiToken",
    "audit.AuditEvent",
    "meldingen.Category",
    "meldingen.Open311Client",
    "meldingen.RoutingRule",
}


def test_admin_registry_is_the_allow_list() -> None:
    from django.contrib import admin

    assert {model._meta.label for model in admin.site._registry} == ADMIN_ALLOW_LIST


def test_totp_devices_and_groups_are_not_in_the_admin(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    """Review of finding 1: django_otp's own admin showed every TOTP key and its QR code, and could add a
    confirmed device with a key of the beheerder's choosing for a behandelaar."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    victim = actors["member"]
    device = TOTPDevice.objects.create(user=victim, name="telefoon", confirmed=True)
    client = login(actors["beheerder"])
    for url in (
        "/beheer/otp_totp/totpdevice/",
        "/beheer/otp_totp/totpdevice/add/",
        f"/beheer/otp_totp/totpdevice/{device.pk}/change/",
        f"/beheer/otp_totp/totpdevice/{device.pk}/config/",
        f"/beheer/otp_totp/totpdevice/{device.pk}/qrcode/",
        "/beheer/auth/group/",
        "/beheer/auth/group/add/",
    ):
        assert client.get(url).status_code == 404, url
    count = TOTPDevice.objects.count()
    client.post(
        "/beheer/otp_totp/totpdevice/add/",
        {
            "user": str(victim.pk),
            "name": "mijn",
            "key": "3132333435363738393031323334353637383930",
            "step": "30",
            "t0": "0",
            "digits": "6",
            "tolerance": "1",
            "drift": "0",
            "confirmed": "on",
        },
    )
    assert TOTPDevice.objects.count() == count
    page = client.get("/beheer/").content.decode()
    assert "otp_totp" not in page
    assert "/beheer/auth/" not in page
    assert device.key not in page

    # the second factor is reset on the staff site, audited, never set by anyone but its owner
    response = client.post(f"/staf/gebruikers/{victim.pk}/tweede-factor/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=victim).exists()


def test_admin_audit_leaves_out_keys_secrets_tokens_and_passwords() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ivp.web.accounts.admin_site import field_values
    from ivp.web.accounts.models import ApiToken

    device = TOTPDevice(name="telefoon", key="3132333435363738393031323334353637383930", last_t=12345)
    values = field_values(device)
    assert "name" in values
    assert not {"key", "last_t"} & set(values)
    assert device.key not in str(values)
    assert not {"key_hash", "key_prefix"} & set(field_values(ApiToken(naam="n", key_hash="h" * 64)))
    assert "password" not in field_values(User(username="x", password="pbkdf2$geheim"))  # noqa: S106
    assert "key_hash" not in field_values(Open311Client(naam="n", key_hash="h" * 64))


def test_open311_apps_are_not_added_in_the_admin(
    login: Callable[[Any], Client], actors: dict[str, Any]
) -> None:
    """An app added in the admin got an empty key (no way to use it); a second one failed the unique
    constraint on key_hash with a 500. Keys come from `ivp open311 key create`, which shows the key once."""
    client = login(actors["beheerder"])
    assert client.get("/beheer/meldingen/open311client/add/").status_code == 403
    for naam in ("App een", "App twee"):
        response = client.post("/beheer/meldingen/open311client/add/", {"naam": naam, "actief": "on"})
        assert response.status_code == 403
    assert not Open311Client.objects.exists()
    page = client.get("/beheer/meldingen/open311client/").content.decode()
    assert "/beheer/meldingen/open311client/add/" not in page
    assert "ivp open311 key create" in page
