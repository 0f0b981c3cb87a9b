from django.urls import path

from ivp.web.interventions import views

app_name = "interventions"
urlpatterns = [
    path("", views.interventie_list, name="list"),
    path("nieuw/", views.interventie_new, name="new"),
    path("<slug:code>/", views.interventie_detail, name="detail"),
    path("<slug:code>/bewerken/", views.interventie_edit, name="edit"),
    path("<slug:code>/verwijderen/", views.interventie_delete, name="delete"),
]
