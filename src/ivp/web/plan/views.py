"""Staff pages of the plan: overview, one page per opgave and per indicator (with chart), and the
realisation form. Reads through ``services``; access decided by ``ivp.web.accounts.permissions``,
fetched through ``permissions``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from ivp.lib.errors import ConfigError
from ivp.plan.attainment import status_label
from ivp.plan.errors import PlanFileError
from ivp.plan.model import Period
from ivp.plan.tracking import IndicatorProgress, all_realisations, progress
from ivp.plan.units import format_value
from ivp.reports.plan.context import chart_for
from ivp.web.accounts import permissions
from ivp.web.accounts.permissions import staff_required
from ivp.web.plan import permissions as access
from ivp.web.plan import services
from ivp.web.plan.forms import DefinitieForm, RealisatieForm, targets_text
from ivp.web.plan.models import Indicator, Plan


def _progress(row: Plan, period: Period | None = None) -> tuple[object, list[IndicatorProgress]]:
    plan = services.export_plan(row.code)
    reals = all_realisations(plan, services.stored_realisations(row), None)
    return plan, progress(plan, reals, period or plan.period)


def _rows(items: list[IndicatorProgress]) -> list[dict[str, object]]:
    return [
        {
            "p": p,
            "target": format_value(p.period.target, p.indicator.unit),
            "realised": format_value(p.period.realised, p.indicator.unit),
            "projection": format_value(p.period.projection, p.indicator.unit, approx=True),
            "label": status_label(p.period.status),
        }
        for p in items
    ]


@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_plan(request.user):
        raise PermissionDenied
    try:
        row = services.active_plan(request.GET.get("plan"))
    except ConfigError:
        return render(request, "plan/overview.html", {"plan": None})
    plan, items = _progress(row)
    return render(request, "plan/overview.html", {"plan": plan, "row": row, "rows": _rows(items)})


@staff_required
def opgave_detail(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    if not permissions.can_view_plan(request.user):
        raise PermissionDenied
    row = Plan.objects.filter(code=plan_code).first()
    if row is None or not row.opgaven.filter(code=code).exists():
        raise Http404
    plan, items = _progress(row)
    opgave = plan.opgave(code)  # type: ignore[attr-defined]
    mine = [p for p in items if plan.opgave_of(p.indicator) == code]  # type: ignore[attr-defined]
    charts = [(p, mark_safe(chart_for(p))) for p in mine if p.indicator.targets]  # noqa: S308 - our own SVG
    return render(
        request,
        "plan/opgave.html",
        {"plan": plan, "opgave": opgave, "rows": _rows(mine), "charts": charts},
    )


@staff_required
def indicator_detail(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    ind = access.get_indicator_for(request.user, plan_code, code)
    return _indicator_page(request, ind, RealisatieForm(initial={"jaar": dt.date.today().year}))


def _definition_form(ind: Indicator) -> DefinitieForm:
    return DefinitieForm(
        initial={
            "naam": ind.naam,
            "eigenaar": ind.eigenaar,
            "team": ind.team_id,
            "streefwaarden": targets_text({s.jaar: s.waarde for s in ind.streefwaarden.all()}),
        }
    )


def _indicator_page(
    request: HttpRequest,
    ind: object,
    form: RealisatieForm,
    status: int = 200,
    definition: DefinitieForm | None = None,
) -> HttpResponse:
    row = ind.plan  # type: ignore[attr-defined]
    plan, items = _progress(row)
    p = next(x for x in items if x.indicator.id == ind.code)  # type: ignore[attr-defined]
    return render(
        request,
        "plan/indicator.html",
        {
            "plan": plan,
            "ind": ind,
            "row": _rows([p])[0],
            "years": [
                (
                    a,
                    format_value(a.target, p.indicator.unit),
                    format_value(a.realised, p.indicator.unit),
                    status_label(a.status),
                )
                for a in p.years
            ],
            "chart": mark_safe(chart_for(p)),  # noqa: S308 - our own SVG, values escaped
            "history": services.indicator_history(ind),  # type: ignore[arg-type]
            "form": form,
            "can_edit": permissions.can_edit_indicator(request.user, ind),  # type: ignore[arg-type]
            "can_edit_plan": permissions.can_edit_plan(request.user),
            "definition": definition or _definition_form(ind),  # type: ignore[arg-type]
        },
        status=status,
    )


@staff_required
@require_POST
def realisatie_add(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    ind = access.get_indicator_for(request.user, plan_code, code, edit=True)
    form = RealisatieForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_realisation(
                ind,
                data["jaar"],
                data["waarde"],
                actor=request.user,
                as_of=data["peildatum"],
                evidence=data["bewijs"],
                note=data["toelichting"],
            )
        except PlanFileError as exc:
            for problem in exc.problems:
                field = problem.field if problem.field in form.fields else None
                form.add_error(field, problem.message)
        else:
            return redirect("plan:indicator", plan_code=plan_code, code=code)
    return _indicator_page(request, ind, form, status=400)


@staff_required
@require_POST
def definitie_edit(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    """Edit the indicator's name, owner, team and targets (beheerder and analist)."""
    ind = access.get_indicator_for(request.user, plan_code, code, define=True)
    form = DefinitieForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.edit_indicator_definition(
                ind,
                name=data["naam"],
                owner=data["eigenaar"],
                team=data["team"],
                targets=data["streefwaarden"],
                actor=request.user,
            )
        except PlanFileError as exc:
            for problem in exc.problems:
                field = (problem.field or "").split(".")[0]
                form.add_error(field if field in form.fields else None, problem.message)
        else:
            return redirect("plan:indicator", plan_code=plan_code, code=code)
    return _indicator_page(
        request, ind, RealisatieForm(initial={"jaar": dt.date.today().year}), status=400, definition=form
    )
