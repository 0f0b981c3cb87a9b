"""django-axes, locking per username and address and, with a higher limit, per address alone.

axes compares one number, the largest failure count over the lockout parameters, with one limit
(``AXES_FAILURE_LIMIT``). :class:`LockoutHandler` scales the address-only count so that it reaches that limit
exactly when the address reaches ``AXES_FAILURE_LIMIT_ADDRESS``: 30 usernames tried from one address end in
a lockout, while colleagues behind one office address do not lock each other out after 5 typos.

The address (``request.axes_ip_address``) is the client's, also behind a reverse proxy: axes takes it from
``ivp.web.clientip.client_ip`` (``AXES_CLIENT_IP_CALLABLE``), the same function the rate limits count by.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from ivp.web.accounts import permissions

ADDRESS_ONLY = ("ip_address", ["ip_address"])


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The failure count axes compares with ``AXES_FAILURE_LIMIT``, the address-only count scaled."""
        limit = get_failure_limit(request, credentials)
        counts = [0]
        for parameters, attempts in zip(
            get_lockout_parameters(request, credentials),
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if parameters in ADDRESS_ONLY:
                # failures * limit // address_limit >= limit exactly when failures >= address_limit
                failures = failures * limit // settings.AXES_FAILURE_LIMIT_ADDRESS
            counts.append(failures)
        return max(counts)

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """After a complete login, forget this username's failures from this address, nothing more.

        axes would delete every attempt matching any lockout parameter, so one colleague's (or the
        attacker's own) login would wipe the count of a whole address. And a correct password alone is not
        a complete login where the role needs a second factor: otherwise logging in again would wipe the
        wrong codes guessed so far. ``views.second_factor`` calls this once the code is right.
        """
        user = getattr(request, "user", None)
        if permissions.needs_second_factor(user) and not permissions.is_fully_authenticated(user):
            return 0
        username = get_client_username(request, credentials)
        count: int = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()[0]
        return count
