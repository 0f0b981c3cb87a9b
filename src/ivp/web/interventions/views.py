"""Staff pages of the intervention register: list, detail, new/edit form and delete with confirmation.

Same gates as every staff page (``staff_required``: login, a role, the second factor); who may read and
who may edit is decided in ``ivp.web.accounts.permissions``; every change goes through ``services``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ivp.interventions.model import SOORT_LABELS, Intervention
from ivp.web.accounts import permissions
from ivp.web.accounts.permissions import staff_required
from ivp.web.interventions import services
from ivp.web.interventions.forms import InterventieForm, periods_text


def _read(request: HttpRequest) -> None:
    if not permissions.can_view_interventions(request.user):
        raise PermissionDenied


def _edit(request: HttpRequest) -> None:
    if not permissions.can_edit_interventions(request.user):
        raise PermissionDenied


def _get(code: str) -> Intervention:
    try:
        return services.get_intervention(code)
    except services.UnknownInterventionError as exc:
        raise Http404 from exc


def _exists(code: str) -> bool:
    try:
        services.get_intervention(code)
    except services.UnknownInterventionError:
        return False
    return True


def _row(item: Intervention) -> dict[str, object]:
    return {
        "iv": item,
        "soort": SOORT_LABELS.get(item.soort, item.soort),
        "gebied": item.gebied.summary(),
        "perioden": periods_text(item).replace("\n", "; "),
        "doelen": ", ".join(item.doelen),
    }


@staff_required
def interventie_list(request: HttpRequest) -> HttpResponse:
    _read(request)
    rows = [_row(item) for item in services.list_interventions()]
    return render(
        request,
        "interventions/list.html",
        {"rows": rows, "can_edit": permissions.can_edit_interventions(request.user)},
    )


@staff_required
def interventie_detail(request: HttpRequest, code: str) -> HttpResponse:
    _read(request)
    item = _get(code)
    return render(
        request,
        "interventions/detail.html",
        {"row": _row(item), "iv": item, "can_edit": permissions.can_edit_interventions(request.user)},
    )


def _form_page(
    request: HttpRequest, form: InterventieForm, item: Intervention | None, status: int = 200
) -> HttpResponse:
    return render(request, "interventions/form.html", {"form": form, "iv": item}, status=status)


def _save(request: HttpRequest, form: InterventieForm, item: Intervention | None) -> HttpResponse:
    if form.is_valid() and form.item is not None:
        try:
            services.save_intervention(form.item, actor=request.user)
        except services.InterventionFileError as exc:
            form.show(exc)
        else:
            return redirect("interventions:detail", code=form.item.id)
    return _form_page(request, form, item, status=400)


@staff_required
@require_http_methods(["GET", "POST"])
def interventie_new(request: HttpRequest) -> HttpResponse:
    _edit(request)
    if request.method == "POST":
        form = InterventieForm(request.POST)
        if form.is_valid() and form.item is not None and _exists(form.item.id):
            form.add_error("id", _("Er is al een interventie met dit id; wijzig die op haar eigen pagina."))
        return _save(request, form, None)
    return _form_page(request, InterventieForm(), None)


@staff_required
@require_http_methods(["GET", "POST"])
def interventie_edit(request: HttpRequest, code: str) -> HttpResponse:
    _edit(request)
    item = _get(code)
    initial = InterventieForm.initial_for(item)
    if request.method == "POST":
        return _save(request, InterventieForm(request.POST, initial=initial, editing=True), item)
    return _form_page(request, InterventieForm(initial=initial, editing=True), item)


@staff_required
@require_http_methods(["GET", "POST"])
def interventie_delete(request: HttpRequest, code: str) -> HttpResponse:
    _edit(request)
    item = _get(code)
    if request.method == "POST":
        services.delete_intervention(item.id, actor=request.user)
        return redirect("interventions:list")
    return render(request, "interventions/delete.html", {"iv": item, "row": _row(item)})
