"""Staff accounts on the staff site (/staf/gebruikers/): list, new, role/teams/active, reset the second factor.

For a beheerder past the second factor only (``permissions.can_manage_users``). Every change goes through
``services`` (audited, with the guards against locking out the last beheerder); the same functions back
``ivp gebruiker``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ivp.web.accounts import permissions, services
from ivp.web.accounts.forms import EditStaffForm, NewStaffForm, NewTeamForm
from ivp.web.accounts.models import User
from ivp.web.accounts.permissions import staff_required
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action


def _managers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @staff_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage_users(request.user):
            raise PermissionDenied
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper  # type: ignore[no-any-return]


@_managers_only
@require_http_methods(["GET"])
def user_list(request: HttpRequest) -> HttpResponse:
    """Every account with role, teams and state; a form for a new team."""
    audit.record(request.user, Action.VIEW, "user", "", detail="gebruikerslijst")
    return render(
        request,
        "staff/gebruikers.html",
        {"users": services.staff_users(), "team_form": NewTeamForm(), "teams": services.teams()},
    )


@_managers_only
@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    form = NewStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_staff(
                data["username"],
                data["password1"],
                data["role"],
                list(data["teams"]),
                actor=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
        except services.AccountError as exc:
            field = {"username_taken": "username", "weak_password": "password1"}.get(exc.code)
            form.add_error(field, exc.message)
        else:
            messages.success(request, _("Account %(username)s aangemaakt.") % {"username": user.username})
            return redirect("gebruikers:edit", pk=user.pk)
    return render(request, "staff/gebruikers_nieuw.html", {"form": form}, status=400 if form.errors else 200)


@_managers_only
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    initial = {"role": user.role, "teams": list(user.teams.all()), "active": user.is_active}
    form = EditStaffForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.update_staff(
                user, actor=request.user, role=data["role"], teams=list(data["teams"]), active=data["active"]
            )
        except services.AccountError as exc:
            form.add_error(None, exc.message)
        else:
            if changed:
                messages.success(request, _("Wijzigingen voor %(username)s opgeslagen.") % {"username": user})
            else:
                messages.info(request, _("Er was niets gewijzigd."))
            return redirect("gebruikers:edit", pk=user.pk)
    return render(
        request,
        "staff/gebruikers_bewerken.html",
        {"account": user, "form": form, "is_self": user.pk == request.user.pk},
        status=400 if form.errors else 200,
    )


@_managers_only
@require_POST
def user_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    services.reset_second_factor(user, actor=request.user)
    messages.success(
        request,
        _(
            "Tweede factor van %(username)s gereset: bij de volgende keer inloggen stelt hij/zij een nieuwe in."
        )
        % {"username": user.username},
    )
    return redirect("gebruikers:edit", pk=user.pk)


@_managers_only
@require_POST
def team_new(request: HttpRequest) -> HttpResponse:
    form = NewTeamForm(request.POST)
    if form.is_valid():
        try:
            team = services.create_team(form.cleaned_data["naam"], actor=request.user)
        except services.AccountError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Team %(naam)s aangemaakt.") % {"naam": team.naam})
    else:
        messages.error(request, _("Geef de naam van het nieuwe team."))
    return redirect("gebruikers:list")
