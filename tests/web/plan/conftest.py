"""Fixtures of the plan pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def staff_login(client: Any) -> Callable[[Any], Any]:
    """Log a user in past the TOTP step.

    Like ``tests/web/conftest.py::login``, but writes the session cookie back: with the signed-cookie
    session engine the session lives in the cookie, so saving the session alone does not reach the client.
    """
    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def do(user: Any) -> Any:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        return client

    return do
