from django.urls import include, path

from sabeel.core.admin import admin_site
from sabeel.core.api import api

urlpatterns = [
    path("", include("sabeel.core.urls")),
    path("groups/", include("sabeel.workgroups.urls")),
    path("geo/", include("sabeel.geo.urls")),
    path("registry/", include("sabeel.registry.urls")),
    path("conditions/", include("sabeel.conditions.urls")),
    path("consent/", include("sabeel.consent.urls")),
    path("me/", include("sabeel.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin_site.urls),
]
