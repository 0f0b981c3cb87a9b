"""Staff login with lockout (django-axes) and a second factor (TOTP, django-otp) per role."""

from __future__ import annotations

import datetime as dt
from base64 import b32encode
from urllib.parse import quote, urlencode

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ivp.web.accounts import services
from ivp.web.accounts.forms import LoginForm, TokenForm
from ivp.web.accounts.permissions import is_fully_authenticated


def safe_next(request: HttpRequest) -> str:
    """``next`` from the query or form when it stays on this site (same host, https if we are); else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


class StaffLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = False

    def get_success_url(self) -> str:
        user = self.request.user
        services.logged_in(user)
        if not is_fully_authenticated(user):
            target = self.get_redirect_url()  # LoginView keeps it on this host (and https)
            return "/account/tweede-factor/" + ("?" + urlencode({"next": target}) if target else "")
        return super().get_success_url()


def _device_locked(device: TOTPDevice) -> bool:
    """Too many wrong codes for this device lately, from whatever addresses (axes counts per address)."""
    last = device.throttling_failure_timestamp
    return (
        device.throttling_failure_count >= settings.OTP_DEVICE_FAILURE_LIMIT
        and last is not None
        and timezone.now() - last < dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    )


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask the TOTP code; enrol a new device on first use (its secret shown once, as text and URI).

    A wrong code counts as a failed login in axes (per username and address, and per address), so guessing
    codes ends in the same lockout as guessing passwords, and the session is ended then. A correct code is
    accepted right after a wrong one (no django-otp delay); the session id changes once the code is right.
    """
    user = request.user
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        response: HttpResponse = get_lockout_response(request, credentials=credentials)
        return response
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=False
        )
    assert device is not None
    if _device_locked(device):
        logout(request)
        return render(request, "accounts/lockout.html", {"device_locked": True}, status=429)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session.cycle_key()  # a new session id once the session counts as fully logged in
            AxesProxyHandler.get_implementation().reset_user_attempts(request, credentials)
            services.second_factor_passed(user)
            return redirect(safe_next(request) or "staff:home")
        services.second_factor_failed(user)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            logout(request)  # AxesMiddleware answers with the lockout page
        form.add_error("token", _("Deze code klopt niet of is verlopen."))
    secret = b32encode(device.bin_key).decode().rstrip("=") if enrolling else ""
    uri = f"otpauth://totp/ivp:{quote(user.get_username())}?secret={secret}&issuer=ivp" if enrolling else ""
    return render(
        request,
        "accounts/otp.html",
        {"form": form, "enrolling": enrolling, "secret": secret, "uri": uri},
        status=400 if form.errors else 200,
    )


@require_http_methods(["POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")
