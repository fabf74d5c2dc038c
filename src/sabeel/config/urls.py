"""Every route of Sabeel, and the only place routes are wired: tests use this list as it is
(``core/tests/test_route_matrix.py`` checks that every app's ``urls`` module is included here and
that no test swaps it for another)."""

from django.urls import include, path

from sabeel.config import views
from sabeel.config.api import api
from sabeel.core import urls as core_urls
from sabeel.core.admin import admin_site

urlpatterns = [
    path(
        "",
        include(
            (
                [
                    path("", views.home, name="home"),
                    path("memberships/<int:pk>/approve/", views.membership_approve, name="membership_approve"),
                    *core_urls.urlpatterns,
                ],
                core_urls.app_name,
            )
        ),
    ),
    path("groups/", include("sabeel.workgroups.urls")),
    path("geo/", include("sabeel.geo.urls")),
    path("registry/", include("sabeel.registry.urls")),
    path("conditions/", include("sabeel.conditions.urls")),
    path("consent/", include("sabeel.consent.urls")),
    path("me/", include("sabeel.portal.urls")),
    path("reports/", include("sabeel.reports.urls")),
    path("sharing/", include("sabeel.sharing.urls")),
    path("identity/", include("sabeel.identity.urls")),
    path("fund/", include("sabeel.fund.urls")),
    path("movements/", include("sabeel.movements.urls")),
    path("assistance/", include("sabeel.assistance.urls")),
    path("monitoring/", include("sabeel.monitoring.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin_site.urls),
]

handler403 = "sabeel.config.errors.forbidden"
handler404 = "sabeel.config.errors.not_found"
handler500 = "sabeel.config.errors.server_error"
