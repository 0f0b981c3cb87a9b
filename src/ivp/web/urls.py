"""URLs: public meldpunt at /, staff at /staf/, accounts, Open311 and the REST API."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from ivp.web.health import gereed
from ivp.web.settings import WEB_DIR

urlpatterns = [
    path("gereed", gereed, name="gereed"),
    path("", include("ivp.web.meldingen.urls")),
    path("staf/", include("ivp.web.staff.urls")),
    path("staf/plan/", include("ivp.web.plan.urls")),
    path("staf/interventies/", include("ivp.web.interventions.urls")),
    path("staf/gebruikers/", include("ivp.web.accounts.staff_urls")),  # accounts, not the admin (ADR 0010)
    path("account/", include("ivp.web.accounts.urls")),
    path("beheer/", admin.site.urls),
    path("api/v1/", include("ivp.web.api_urls")),
    re_path(r"^static/(?P<path>.*)$", serve, {"document_root": WEB_DIR / "static"}),
]

from ivp.web.meldingen import open311  # noqa: E402

urlpatterns += [
    re_path(r"^open311/v2/services\.(?P<fmt>json|xml)$", open311.service_list, name="open311-services"),
    re_path(r"^open311/v2/requests\.(?P<fmt>json|xml)$", open311.request_list, name="open311-requests"),
    re_path(
        r"^open311/v2/requests/(?P<pk>\d+)\.(?P<fmt>json|xml)$",
        open311.request_detail,
        name="open311-request",
    ),
]

# Dutch pages in the site's layout; the documented JSON error under /api/ and /open311/ (ivp.web.errors).
handler400 = "ivp.web.errors.bad_request"
handler403 = "ivp.web.errors.permission_denied"
handler404 = "ivp.web.errors.page_not_found"
handler500 = "ivp.web.errors.server_error"
