from django.urls import path

from sabeel.core import auth_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", auth_views.sign_in, name="sign_in"),
    path("sign-out/", auth_views.sign_out, name="sign_out"),
]
