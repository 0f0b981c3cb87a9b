from django.urls import path

from ivp.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.StaffLoginView.as_view(), name="login"),
    path("tweede-factor/", views.second_factor, name="otp"),
    path("uitloggen/", views.logout_view, name="logout"),
]
