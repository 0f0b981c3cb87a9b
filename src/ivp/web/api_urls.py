"""URLs of the staff REST API (``/api/v1/``) and its OpenAPI schema."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from ivp.web.meldingen import api

app_name = "api"

urlpatterns = [
    path("meldingen/", api.MeldingList.as_view(), name="meldingen"),
    path("meldingen/<int:pk>/", api.MeldingDetail.as_view(), name="melding"),
    path("meldingen/<int:pk>/status/", api.MeldingStatus.as_view(), name="melding-status"),
    path("meldingen/<int:pk>/antwoord/", api.MeldingAnswer.as_view(), name="melding-antwoord"),
    path("categorieen/", api.CategoryList.as_view(), name="categorieen"),
    path("statistiek/", api.Statistiek.as_view(), name="statistiek"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^.*$", api.not_found),
]
