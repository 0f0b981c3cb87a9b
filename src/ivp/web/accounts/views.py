"""Staff login with lockout (django-axes) and a second factor (TOTP, django-otp) per role."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import quote

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ivp.web.accounts import services
from ivp.web.accounts.forms import LoginForm, TokenForm
from ivp.web.accounts.permissions import is_fully_authenticated


class StaffLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = False

    def get_success_url(self) -> str:
        user = self.request.user
        services.logged_in(user)
        if not is_fully_authenticated(user):
            return "/account/tweede-factor/"
        return super().get_success_url()


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask the TOTP code; enrol a new device on first use (its secret shown once, as text and URI)."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=False
        )
    assert device is not None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            services.second_factor_passed(user)
            return redirect(request.GET.get("next") or "staff:home")
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
