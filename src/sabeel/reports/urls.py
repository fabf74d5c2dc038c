from django.urls import URLPattern, path

from sabeel.reports import views

app_name = "reports"

urlpatterns: list[URLPattern] = [
    path("funnel/", views.funnel, name="funnel"),
    path("funnel/export/", views.funnel_export, name="funnel_export"),
    path("home-card/", views.home_card, name="home_card"),
]
