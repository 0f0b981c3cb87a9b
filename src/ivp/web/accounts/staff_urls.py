"""The staff site's account pages, mounted at /staf/gebruikers/ by ``ivp.web.urls`` (ADR 0010)."""

from django.urls import path

from ivp.web.accounts import staff_views

app_name = "gebruikers"
urlpatterns = [
    path("", staff_views.user_list, name="list"),
    path("nieuw/", staff_views.user_new, name="new"),
    path("teams/", staff_views.team_new, name="team_new"),
    path("<int:pk>/", staff_views.user_edit, name="edit"),
    path("<int:pk>/tweede-factor/", staff_views.user_reset_second_factor, name="reset_2fa"),
]
