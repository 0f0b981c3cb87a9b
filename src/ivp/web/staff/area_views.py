"""The area page (issue 14): hot times, hot places and "is this enough data?" for one wijk, buurt or
aandachtsgebied, from the police incidents in the workspace store or from the meldpunt's meldingen.

Analysts and beheerders only (:func:`ivp.web.accounts.permissions.can_analyse_areas`). The page shows
aggregated counts, never a melding; each view and each export is audited with the area and the source
(no personal data in the audit row). The analysis itself is :mod:`ivp.reports.wijkscan.analysis`, the
same the CLI and the wijkscan report run; the pictures are :mod:`ivp.reports.wijkscan.charts`.
Every query parameter is validated by :class:`AreaForm`: an unknown area is a 404, a bad source or date
a 400 with the picker and a Dutch message; the picker redirects only to this page, built by ``reverse``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ivp.lib.errors import IvpError
from ivp.reports.wijkscan.focus import Area, list_areas
from ivp.web.accounts import permissions
from ivp.web.accounts.permissions import staff_required
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action
from ivp.web.staff import area_analysis as numbers
from ivp.web.staff.area_analysis import BRONNEN, StoreUnavailableError
from ivp.web.staff.services import ExportFailedError

KINDS = {
    "gemeente": gettext_lazy("Gemeente"),
    "wijk": gettext_lazy("Wijken"),
    "buurt": gettext_lazy("Buurten"),
    "aandachtsgebied": gettext_lazy("Aandachtsgebieden"),
}
KIND = {
    "gemeente": gettext_lazy("Gemeente"),
    "wijk": gettext_lazy("Wijk"),
    "buurt": gettext_lazy("Buurt"),
    "aandachtsgebied": gettext_lazy("Aandachtsgebied"),
}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _allowed(user: Any) -> None:
    if not permissions.can_analyse_areas(user):
        raise PermissionDenied


# -- areas -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Areas:
    """The areas to pick from, or why there are none (a Dutch message)."""

    items: tuple[Area, ...]
    problem: str = ""

    def get(self, code: str) -> Area | None:
        return next((a for a in self.items if a.code == code), None)

    def choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Grouped for a ``<select>``: gemeente, wijken, buurten, aandachtsgebieden."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for area in self.items:
            groups.setdefault(area.kind, []).append((area.code, f"{area.naam} ({area.code})"))
        return [(str(KINDS[k]), groups[k]) for k in KINDS if k in groups]


def _stamp(path: Any) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


UNREADABLE = gettext_lazy(
    "De gegevensopslag van de werkruimte is nu niet leesbaar (wordt er gegevens geladen?). Probeer het over een paar minuten opnieuw."
)


@functools.lru_cache(maxsize=4)
def _read_areas(store_path: str, focus_path: str, stamp: tuple[float, float]) -> Areas:
    """``list_areas`` once per version of the store and the focus-area file (their modification times).

    Failures raise, so they are not cached: the next request tries again."""
    workspace = settings.WORKSPACE
    assert workspace is not None  # areas() checked it
    with numbers.open_store(store_path) as store:
        return Areas(tuple(list_areas(workspace, store)))


def areas() -> Areas:
    """The areas of the served workspace (none, with a Dutch message, when they cannot be read)."""
    workspace = settings.WORKSPACE
    if workspace is None or not workspace.store_path.exists():
        return Areas((), _("Er is geen werkruimte met gegevensopslag ingesteld (IVP_WORKSPACE)."))
    focus = workspace.root / "aandachtsgebieden.yaml"
    stamp = (_stamp(workspace.store_path), _stamp(focus))
    try:
        return _read_areas(str(workspace.store_path), str(focus), stamp)
    except StoreUnavailableError:
        return Areas((), str(UNREADABLE))
    except IvpError as exc:  # a wrong aandachtsgebieden.yaml: its message names file, line and field
        return Areas((), str(exc))


# -- the form: every query parameter ---------------------------------------------------------------------


class AreaForm(forms.Form):
    gebied = forms.ChoiceField(
        label=gettext_lazy("Gebied"),
        error_messages={"invalid_choice": gettext_lazy("Kies een gebied uit de lijst.")},
    )
    bron = forms.ChoiceField(
        label=gettext_lazy("Bron"),
        choices=list(BRONNEN.items()),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Kies incidenten of meldingen.")},
    )
    van = forms.DateField(
        label=gettext_lazy("Vanaf"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": gettext_lazy("Geef een datum als jjjj-mm-dd, bijvoorbeeld 2024-01-31.")},
    )
    tot = forms.DateField(
        label=gettext_lazy("Tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": gettext_lazy("Geef een datum als jjjj-mm-dd, bijvoorbeeld 2024-12-31.")},
    )

    def __init__(self, *args: Any, areas: Areas, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["gebied"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = areas.choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        van, tot = data.get("van"), data.get("tot")
        if van and tot and van > tot:
            self.add_error("tot", _("De einddatum ligt voor de begindatum."))
        return data

    @property
    def source(self) -> str:
        """The chosen source (a field's name cannot be a property: it would hide the field)."""
        return str(self.cleaned_data.get("bron") or "incidenten")

    def dates(self) -> tuple[Any, Any]:
        """``van`` and ``tot`` (inclusive dates, None when not given)."""
        return self.cleaned_data.get("van"), self.cleaned_data.get("tot")

    def params(self) -> dict[str, str]:
        """The validated parameters of the page (not the area: it is in the path)."""
        out = {"bron": self.source}
        for name in ("van", "tot"):
            value = self.cleaned_data.get(name)
            if value:
                out[name] = value.isoformat()
        return out


def _form_for(request: HttpRequest, code: str, found: Areas) -> AreaForm:
    data = {k: request.GET.get(k, "") for k in ("bron", "van", "tot")}
    return AreaForm({**data, "gebied": code}, areas=found)


def _refused(request: HttpRequest, form: AreaForm, found: Areas) -> HttpResponse:
    return render(request, "staff/gebied_kiezen.html", {"form": form, "problem": found.problem}, status=400)


def _unavailable(request: HttpRequest, form: AreaForm) -> HttpResponse:
    response = render(request, "staff/gebied_kiezen.html", {"form": form, "problem": UNREADABLE}, status=503)
    response["Retry-After"] = "120"
    return response


# -- views ------------------------------------------------------------------------------------------------


@never_cache
@staff_required
@require_GET
def gebied_kiezen(request: HttpRequest) -> HttpResponse:
    """The picker; with a valid choice it redirects to the area page (a path built here, never a URL given)."""
    _allowed(request.user)
    found = areas()
    if "gebied" not in request.GET:
        form = AreaForm(areas=found, initial={"bron": "incidenten"})
        return render(request, "staff/gebied_kiezen.html", {"form": form, "problem": found.problem})
    form = AreaForm(request.GET, areas=found)
    if not form.is_valid():
        return _refused(request, form, found)
    target = reverse("staff:gebied_detail", args=[form.cleaned_data["gebied"]])
    return redirect(f"{target}?{urlencode(form.params())}")


@never_cache
@staff_required
@require_GET
def gebied_detail(request: HttpRequest, code: str) -> HttpResponse:
    _allowed(request.user)
    found = areas()
    area = found.get(code)
    if area is None:
        raise Http404
    form = _form_for(request, code, found)
    if not form.is_valid():
        return _refused(request, form, found)
    try:
        result = numbers.analyse(area, form.source, *form.dates(), form.params())
    except StoreUnavailableError:
        return _unavailable(request, form)
    audit.record(
        request.user,
        Action.VIEW,
        "gebied",
        area.code,
        detail=f"gebiedspagina {area.code} ({result.bron})",
        after={"gebied": area.code, **result.params},
    )
    noun = _("meldingen") if result.bron == "meldingen" else _("incidenten")
    context = {
        "area": area,
        "kind": KIND[area.kind],
        "result": result,
        "bron_label": BRONNEN[result.bron],
        "periode": numbers.period_text(result),
        "noun": noun,
        "query": urlencode(result.params),
        "aantal": numbers.count_text(result, noun),
        "maanden": numbers.months_note(result),
        "te_weinig_tekst": numbers.too_few_text(noun),
        **numbers.findings(result, noun),
    }
    return render(request, "staff/gebied.html", context)


# -- export ---------------------------------------------------------------------------------------------


@never_cache
@staff_required
@require_GET
def gebied_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    _allowed(request.user)
    if fmt not in FORMATS:
        raise Http404
    found = areas()
    area = found.get(code)
    if area is None:
        raise Http404
    form = _form_for(request, code, found)
    if not form.is_valid():
        return _refused(request, form, found)
    try:
        result = numbers.analyse(area, form.source, *form.dates(), form.params())
    except StoreUnavailableError:
        return _unavailable(request, form)
    rows = numbers.export_rows(result)
    try:
        source = numbers.source_line(result)
        body = numbers.to_xlsx(rows, source) if fmt == "xlsx" else numbers.to_csv(rows, source)
    except Exception as exc:
        raise ExportFailedError(fmt, exc) from None
    # Audited only once the body exists: no audit row for an export that did not happen.
    audit.record(
        request.user,
        Action.EXPORT,
        "gebied",
        area.code,
        detail=f"export {area.code} ({result.bron})",
        after={"gebied": area.code, "formaat": fmt, "regels": len(rows), **result.params},
    )
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{numbers.filename(area, result.bron, fmt)}"'
    response["Cache-Control"] = "no-store"
    return response
