from django.urls import path

from sabeel.geo import views

app_name = "geo"
urlpatterns = [
    path("", views.admin_unit_list, name="admin_unit_list"),
    path("units/<int:pk>/", views.admin_unit_detail, name="admin_unit_detail"),
    path("lookup/", views.admin_unit_lookup, name="admin_unit_lookup"),
    path("crossings/", views.crossing_list, name="crossing_list"),
    path("crossings/<int:pk>/edit/", views.crossing_edit, name="crossing_edit"),
]
