"""Intention routes, to be included in the consent app's URLs (namespace ``consent``, under
``consent/``): ``urlpatterns += intention_urls.urlpatterns`` or ``path("", include(...))``."""

from django.urls import path

from sabeel.consent import intention_views

urlpatterns = [
    path("households/<int:pk>/intentions/", intention_views.intention_list, name="intention_list"),
    path("households/<int:pk>/intentions/new/", intention_views.intention_record, name="intention_record"),
    path("intentions/import/", intention_views.intention_import, name="intention_import"),
    path("intentions/imports/<int:pk>/", intention_views.intention_import_detail, name="intention_import_detail"),
    path("intentions/imports/<int:pk>/progress/", intention_views.intention_import_progress, name="intention_import_progress"),
]
