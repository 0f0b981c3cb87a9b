from django.urls import path

from ivp.web.staff import area_views, views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("meldingen/", views.melding_list, name="list"),
    path("meldingen/export.<str:fmt>", views.export, name="export"),
    path("meldingen/<int:pk>/", views.melding_detail, name="detail"),
    path("meldingen/<int:pk>/origineel/", views.melding_original, name="original"),
    path("meldingen/<int:pk>/status/", views.melding_status, name="status"),
    path("meldingen/<int:pk>/antwoord/", views.melding_answer, name="answer"),
    path("audit/", views.audit_search, name="audit"),
    path("gebied/", area_views.gebied_kiezen, name="gebied"),
    path("gebied/<str:code>/", area_views.gebied_detail, name="gebied_detail"),
    path("gebied/<str:code>/export.<str:fmt>", area_views.gebied_export, name="gebied_export"),
]
