from django.urls import path

from ivp.web.meldingen import views

app_name = "meldingen"
urlpatterns = [
    path("", views.melden, name="melden"),
    path("ontvangen/", views.ontvangen, name="ontvangen"),
    path("volgen/", views.volgen, name="volgen"),
    path("volgen/melding/", views.status, name="status"),
    path("volgen/stoppen/", views.stoppen, name="stoppen"),
]
