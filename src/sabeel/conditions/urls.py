from django.urls import path

from sabeel.conditions import views

app_name = "conditions"
urlpatterns = [
    path("", views.unit_index, name="index"),
    path("units/<int:pk>/", views.unit_conditions, name="unit_conditions"),
    path("units/<int:pk>/record/", views.condition_record, name="condition_record"),
    path("units/<int:pk>/package/<str:language>/", views.package_current, name="package_current"),
    path("packages/<int:pk>/", views.package_detail, name="package_detail"),
]
