from django.urls import path

from ivp.web.plan import views

app_name = "plan"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<str:plan_code>/opgave/<str:code>/", views.opgave_detail, name="opgave"),
    path("<str:plan_code>/indicator/<str:code>/", views.indicator_detail, name="indicator"),
    path("<str:plan_code>/indicator/<str:code>/realisatie/", views.realisatie_add, name="realisatie"),
    path("<str:plan_code>/indicator/<str:code>/definitie/", views.definitie_edit, name="definitie"),
]
