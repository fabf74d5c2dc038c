from django.urls import path

from sabeel.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("findings/", views.findings, name="findings"),
    path("households/<int:pk>/visit/", views.visit_record, name="visit_record"),
]
