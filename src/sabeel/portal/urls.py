from django.urls import path

from sabeel.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.start, name="start"),
    path("code/", views.code, name="code"),
    path("household/", views.status, name="status"),
    path("call-back/", views.callback, name="callback"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("messages/rapidpro/", views.rapidpro_inbound, name="rapidpro_inbound"),
]
