"""REST API for staff integrations (DRF), under ``/api/v1/``.

Reads return de-identified meldingen only (never the original text or contact details) and are
audited; state changes go through :mod:`ivp.web.meldingen.services`; access is decided in
:mod:`ivp.web.accounts.permissions`. Errors have one shape: ``{"errors": [{"field", "code", "message"}]}``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ivp.web.accounts import permissions
from ivp.web.audit import services as audit
from ivp.web.audit.services import Action
from ivp.web.meldingen import permissions as access
from ivp.web.meldingen import services
from ivp.web.meldingen.models import Category, Melding
from ivp.web.meldingen.serializers import (
    AnswerResultSerializer,
    AnswerSerializer,
    CategorySerializer,
    ErrorsSerializer,
    MeldingDetailSerializer,
    MeldingFilterSerializer,
    MeldingSerializer,
    StatistiekFilterSerializer,
    StatistiekSerializer,
    StatusChangeSerializer,
    StatusResultSerializer,
)

MAX_LIMIT = 200


@csrf_exempt  # it changes nothing; without this a POST with a session cookie got Django's HTML 403 page
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown path under /api/v1/: the API's error shape rather than the HTML 404 page."""
    message = str(_("Dit adres bestaat niet in de API."))
    return JsonResponse(
        {"errors": [{"field": "", "code": "not_found", "message": message}]},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


def _errors(*statuses: int) -> dict[int, OpenApiResponse]:
    texts = {
        400: _("Ongeldig verzoek; zie field en code."),
        401: _("Niet ingelogd: stuur 'Authorization: Token <sleutel>' of log in."),
        403: _("Geen toegang voor deze rol of dit team."),
        404: _("Bestaat niet, of niet zichtbaar voor deze gebruiker."),
    }
    return {code: OpenApiResponse(ErrorsSerializer, description=str(texts[code])) for code in statuses}


ID_PARAMETER = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
    OpenApiParameter.PATH,
    description=str(_("Nummer van de melding.")),
)


class Pagination(LimitOffsetPagination):
    """limit/offset paging that rejects bad values instead of silently ignoring them."""

    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        return self._number(request, self.limit_query_param, self.default_limit or 50, 1, MAX_LIMIT)

    def get_offset(self, request: Request) -> int:
        return self._number(request, self.offset_query_param, 0, 0, 2**31)

    def _number(self, request: Request, name: str, default: int, low: int, high: int) -> int:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
            raise ValidationError(
                {
                    name: [
                        str(_("Geef een geheel getal van {low} tot en met {high}.")).format(
                            low=low, high=high
                        )
                    ]
                },
                code="ongeldig_getal",
            )
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Aantal meldingen per pagina (1-{max}).")).format(max=MAX_LIMIT),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Aantal meldingen om over te slaan.")),
                "schema": {"type": "integer", "minimum": 0, "maximum": 2**31},
            },
        ]


def _period(rows: QuerySet[Melding], data: dict[str, Any]) -> QuerySet[Melding]:
    filtered: QuerySet[Melding] = services.filter_meldingen(
        rows,
        categorie=data.get("categorie"),
        status=data.get("status"),
        buurt=data.get("buurt"),
        van=data.get("van"),
        tot=data.get("tot"),
    )
    return filtered


def _filters(data: dict[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in data.items() if value not in (None, "")}


class MeldingList(GenericAPIView[Melding]):
    serializer_class = MeldingSerializer
    pagination_class = Pagination

    @extend_schema(
        operation_id="meldingen_lijst",
        summary=str(_("Meldingen (gede-identificeerd)")),
        description=str(
            _(
                "Meldingen die de gebruiker mag zien, nieuwste eerst, met gede-identificeerde tekst. "
                "Originele tekst en contactgegevens zitten nooit in de API. Elke opvraging wordt gelogd."
            )
        ),
        parameters=[MeldingFilterSerializer],
        responses={200: MeldingSerializer(many=True), **_errors(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        form = MeldingFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        show_buurt = access.shows_buurt(request.user)
        if data.get("buurt") and not show_buurt:
            raise ValidationError(
                {
                    "buurt": [
                        str(
                            _(
                                "Deze rol krijgt buurtcijfers alleen als statistiek; filter op categorie of periode."
                            )
                        )
                    ]
                },
                code="buurt_niet_beschikbaar",
            )
        rows = _period(access.visible_meldingen(request.user), data)
        rows = rows.select_related("categorie", "team").order_by("-aangemaakt", "-id")
        page = self.paginate_queryset(rows)
        assert page is not None  # pagination_class is set
        body = MeldingSerializer(page, many=True, context={"show_buurt": show_buurt}).data
        audit.record(
            request.user,
            Action.VIEW,
            "melding",
            "",
            detail=f"api lijst {len(page)} meldingen",
            after={"filters": _filters(data), "ids": [m.pk for m in page]},
        )
        return self.get_paginated_response(body)


class MeldingDetail(APIView):
    @extend_schema(
        operation_id="melding_detail",
        summary=str(_("Eén melding (gede-identificeerd)")),
        description=str(_("De melding met berichten (gede-identificeerd) en statusgeschiedenis; gelogd.")),
        parameters=[ID_PARAMETER],
        responses={200: MeldingDetailSerializer, **_errors(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        melding = access.get_melding_for(request.user, pk)
        body = MeldingDetailSerializer(melding, context={"show_buurt": access.shows_buurt(request.user)}).data
        services.record_view(request.user, melding, what="api detail")
        return Response(body)


class MeldingStatus(APIView):
    @extend_schema(
        operation_id="melding_status",
        summary=str(_("Status wijzigen")),
        description=str(
            _(
                "Zet de melding in een nieuwe status volgens de workflow (alleen behandelaars van het team). "
                "Een overgang die de workflow niet toestaat geeft code status_niet_toegestaan."
            )
        ),
        parameters=[ID_PARAMETER],
        request=StatusChangeSerializer,
        responses={200: StatusResultSerializer, **_errors(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        melding = access.get_melding_for(request.user, pk, edit=True)
        form = StatusChangeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            melding = services.change_status(
                melding.pk,
                form.validated_data["status"],
                request.user,
                form.validated_data.get("toelichting", ""),
            )
        except services.TransitionError:
            raise ValidationError(
                {"status": [str(_("Deze overgang is niet toegestaan."))]}, code=services.TransitionError.code
            ) from None
        return Response(StatusResultSerializer(melding).data)


class MeldingAnswer(APIView):
    @extend_schema(
        operation_id="melding_antwoord",
        summary=str(_("Antwoord aan de melder")),
        description=str(
            _("Voeg een antwoord toe dat de melder met de volgcode leest (alleen behandelaars).")
        ),
        parameters=[ID_PARAMETER],
        request=AnswerSerializer,
        responses={201: AnswerResultSerializer, **_errors(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        melding = access.get_melding_for(request.user, pk, edit=True)
        form = AnswerSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        bericht = services.answer(melding.pk, request.user, form.validated_data["tekst"])
        return Response(
            {"id": bericht.pk, "melding": melding.pk, "op": bericht.op}, status=http.HTTP_201_CREATED
        )


class CategoryList(APIView):
    @extend_schema(
        operation_id="categorieen_lijst",
        summary=str(_("Categorieën")),
        responses={200: CategorySerializer(many=True), **_errors(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(CategorySerializer(Category.objects.all(), many=True).data)


def disclosure_threshold() -> int:
    """Smallest count shown: the workspace's ``onthul_drempel``, else the library default."""
    from ivp.stats.disclosure import DEFAULT_THRESHOLD

    workspace = getattr(settings, "WORKSPACE", None)
    return max(1, int(workspace.onthul_drempel)) if workspace is not None else DEFAULT_THRESHOLD


def _month_keys(months: list[str], data: dict[str, Any]) -> list[str]:
    """The whole months of the table that ``van``/``tot`` select (a period never splits a month)."""
    low = _month(data["van"]) if data.get("van") else ""
    high = _month(data["tot"]) if data.get("tot") else "9999-99"
    return [m for m in months if low <= m <= high]


_PATTERNS: dict[tuple[bytes, tuple[int, ...], int], Any] = {}


def fixed_pattern(table: Any, threshold: int) -> Any:
    """The suppression pattern of the full month x categorie x buurt table with all its margins.

    One pattern per table whatever the filter (ADR 0009): filters only select cells from it. Cached per
    process by the table's content, so a repeated query costs no linear programs.
    """
    import numpy as np

    from ivp.stats.disclosure import protect_table

    key = (np.ascontiguousarray(table, dtype=np.int64).tobytes(), tuple(table.shape), threshold)
    if key not in _PATTERNS:
        if len(_PATTERNS) > 32:
            _PATTERNS.clear()
        _PATTERNS[key] = protect_table(table, threshold)[:-1, :-1, :-1]
    return _PATTERNS[key]


def count_cells(
    rows: list[dict[str, Any]], threshold: int, data: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Counts per month x category x buurt, suppressed by one fixed pattern, then selected by ``data``.

    ``rows`` holds ``maand``, ``categorie``, ``buurt_code`` and ``n`` for *every* melding the role may see
    (never a filtered subset). The 3-D table, published with all its margins (the totals a role can
    count in the listing or a report), is protected jointly by :func:`ivp.stats.disclosure.protect_table`;
    ``data`` (``categorie``, ``buurt``, ``van``, ``tot``) then selects cells of that pattern, whole months
    only. Suppressed cells have ``aantal`` None; zero cells are left out unless suppressed.
    """
    import numpy as np

    data = data or {}
    months = sorted({r["maand"] for r in rows})
    categories = sorted({r["categorie"] for r in rows})
    buurten = sorted({r["buurt_code"] for r in rows})
    if not rows:
        return []
    index = {
        "maand": {m: i for i, m in enumerate(months)},
        "categorie": {c: i for i, c in enumerate(categories)},
        "buurt_code": {b: i for i, b in enumerate(buurten)},
    }
    table = np.zeros((len(months), len(categories), len(buurten)), dtype=np.int64)
    for r in rows:
        table[
            index["maand"][r["maand"]],
            index["categorie"][r["categorie"]],
            index["buurt_code"][r["buurt_code"]],
        ] += r["n"]
    hidden = fixed_pattern(table, threshold)
    wanted_categories = [data["categorie"]] if data.get("categorie") else categories
    wanted_buurten = [data["buurt"]] if data.get("buurt") else buurten
    cells: list[dict[str, Any]] = []
    for month in _month_keys(months, data):
        for category in wanted_categories:
            for buurt in wanted_buurten:
                if category not in index["categorie"] or buurt not in index["buurt_code"]:
                    continue
                at = (index["maand"][month], index["categorie"][category], index["buurt_code"][buurt])
                n, secret = int(table[at]), bool(hidden[at])
                if n or secret:
                    cells.append(
                        {
                            "maand": month,
                            "categorie": category,
                            "buurt_code": buurt,
                            "aantal": None if secret else n,
                            "onderdrukt": secret,
                        }
                    )
    return cells


def _month(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year:04d}-{value.month:02d}"


class Statistiek(APIView):
    @extend_schema(
        operation_id="statistiek",
        summary=str(_("Aantallen per categorie, buurt en maand")),
        description=str(
            _(
                "Aantallen meldingen per maand, categorie en buurt (voor analisten en beheerders). Kleine "
                "aantallen (onder de drempel van de werkmap) en de cellen die nodig zijn om ze te beschermen "
                "zijn onderdrukt: aantal is dan null en onderdrukt waar. Het patroon is vast per tabel: een "
                "filter kiest alleen cellen uit de volledige tabel; van en tot kiezen hele maanden."
            )
        ),
        parameters=[StatistiekFilterSerializer],
        responses={200: StatistiekSerializer, **_errors(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        if not permissions.can_export(request.user):
            raise PermissionDenied
        form = StatistiekFilterSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        # Every melding the role may see, never the filtered subset: the pattern is fixed per table.
        rows = (
            access.visible_meldingen(request.user)
            .annotate(maand=TruncMonth("aangemaakt"))
            .values("maand", "categorie__slug", "buurt_code")
            .annotate(n=Count("id"))
            .order_by()
        )
        grouped: dict[tuple[str, str, str], int] = defaultdict(int)
        for r in rows:
            grouped[_month(r["maand"]), r["categorie__slug"], r["buurt_code"]] += r["n"]
        threshold = disclosure_threshold()
        cells = count_cells(
            [{"maand": m, "categorie": c, "buurt_code": b, "n": n} for (m, c, b), n in grouped.items()],
            threshold,
            form.validated_data,
        )
        audit.record(
            request.user,
            Action.EXPORT,
            "statistiek",
            "",
            after={"formaat": "api", "cellen": len(cells), "filters": _filters(form.validated_data)},
        )
        return Response({"drempel": threshold, "cellen": cells})
