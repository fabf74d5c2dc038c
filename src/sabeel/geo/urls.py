from django.urls import path

from sabeel.core import views

app_name = "geo"
# Placeholder until the geography pages land; the geo app replaces this list.
urlpatterns = [path("", views.home, name="admin_unit_list")]
