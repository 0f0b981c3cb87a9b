"""Staff pages: home, triage list, detail (de-identified), audited original, status, answer, export, audit."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ivp.web.accounts import permissions
from ivp.web.accounts.permissions import staff_required
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action
from ivp.web.meldingen import permissions as access
from ivp.web.meldingen import services as meldingen
from ivp.web.staff import services
from ivp.web.staff.forms import AnswerForm, AuditSearchForm, FilterForm, StatusForm


@never_cache
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    rows = access.visible_meldingen(request.user)
    counts = {row["status"]: row["n"] for row in rows.values("status").annotate(n=Count("id"))}
    per_status = [(meldingen.STATUS_LABELS[key], counts.get(key, 0), key) for key in meldingen.STATUS_LABELS]
    return render(
        request,
        "staff/home.html",
        {"per_status": per_status, "can_audit": permissions.can_read_audit(request.user)},
    )


@never_cache
@staff_required
def melding_list(request: HttpRequest) -> HttpResponse:
    """The triage list (de-identified texts); the audit row names every melding shown, not only a count."""
    show_buurt = access.shows_buurt(request.user)
    form = FilterForm(request.GET or {}, show_buurt=show_buurt)
    rows = form.apply(access.visible_meldingen(request.user).select_related("categorie", "team"))
    page = Paginator(meldingen.with_addition_times(rows), 50).get_page(request.GET.get("pagina"))
    items = [(m, meldingen.deidentified_text(m), meldingen.has_new_addition(m)) for m in page.object_list]
    audit.record(
        request.user,
        Action.VIEW,
        "melding",
        "",
        detail=f"lijst {len(items)} meldingen",
        after={"filters": form.as_params(), "pagina": page.number, "ids": [m.pk for m, _t, _n in items]},
    )
    return render(
        request,
        "staff/list.html",
        {
            "form": form,
            "page": page,
            "items": items,
            "query": urlencode(form.as_params()),  # the filters, for the paging and export links
            "can_export": permissions.can_export(request.user),
            "show_buurt": show_buurt,
        },
    )


@never_cache
@staff_required
def melding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    melding = access.get_melding_for(request.user, pk)
    meldingen.record_view(request.user, melding)
    return render(
        request,
        "staff/detail.html",
        {
            "melding": melding,
            "tekst": meldingen.deidentified_text(melding),
            "berichten": meldingen.deidentified_messages(melding),
            "historie": melding.historie.all(),
            "status_form": StatusForm(melding.status),
            "answer_form": AnswerForm(),
            "can_edit": permissions.can_edit(request.user, melding),
            "can_original": permissions.can_view_original(request.user, melding),
            "show_buurt": access.shows_buurt(request.user),
            "nieuwe_aanvulling": meldingen.has_new_addition(melding),
        },
    )


@staff_required
@require_POST
def melding_original(request: HttpRequest, pk: int) -> HttpResponse:
    """POST, so that prefetching or a shared link never reveals the original unasked."""
    melding = access.get_melding_for(request.user, pk, original=True)
    original = meldingen.read_original(request.user, melding)
    response = render(request, "staff/original.html", {"melding": melding, "original": original})
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_POST
def melding_status(request: HttpRequest, pk: int) -> HttpResponse:
    melding = access.get_melding_for(request.user, pk, edit=True)
    form = StatusForm(melding.status, request.POST)
    if form.is_valid():
        try:
            meldingen.change_status(
                melding.pk, form.cleaned_data["status"], request.user, form.cleaned_data["toelichting"]
            )
        except meldingen.TransitionError:
            form.add_error("status", _("Deze overgang is niet toegestaan."))
        else:
            return redirect("staff:detail", pk=melding.pk)
    return render(request, "staff/form_error.html", {"form": form, "melding": melding}, status=400)


@staff_required
@require_POST
def melding_answer(request: HttpRequest, pk: int) -> HttpResponse:
    melding = access.get_melding_for(request.user, pk, edit=True)
    form = AnswerForm(request.POST)
    if form.is_valid():
        meldingen.answer(melding.pk, request.user, form.cleaned_data["tekst"])
        return redirect("staff:detail", pk=melding.pk)
    return render(request, "staff/form_error.html", {"form": form, "melding": melding}, status=400)


@staff_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if not permissions.can_export(request.user):
        raise PermissionDenied
    if fmt not in ("csv", "xlsx"):
        raise Http404
    show_buurt = access.shows_buurt(request.user)
    form = FilterForm(request.GET or {}, show_buurt=show_buurt)
    rows = form.apply(access.visible_meldingen(request.user).select_related("categorie", "team"))
    data = services.export_rows(rows, show_buurt=show_buurt)
    try:
        body = services.to_xlsx(data) if fmt == "xlsx" else services.to_csv(data)
    except Exception as exc:
        # Not the message: it may quote a resident's text (openpyxl's IllegalCharacterError does).
        raise services.ExportFailedError(fmt, exc) from None
    # Audited only once the body exists: no audit row for an export that did not happen.
    meldingen.record_export(request.user, fmt, len(data), form.as_params())
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="meldingen.{fmt}"'
    response["Cache-Control"] = "no-store"  # de-identified, not anonymous
    return response


@staff_required
@require_http_methods(["GET"])
def audit_search(request: HttpRequest) -> HttpResponse:
    if not permissions.can_read_audit(request.user):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or {})
    rows = (
        audit.search(**{k: v for k, v in form.cleaned_data.items() if v})
        if form.is_valid()
        else audit.search()
    )
    page = Paginator(rows, 100).get_page(request.GET.get("pagina"))
    audit.record(request.user, Action.VIEW, "audit", "", detail="auditlog doorzocht")
    return render(request, "staff/audit.html", {"form": form, "page": page})
