"""The project's URLs, plus (for tests, until ``config/urls.py`` includes them) the self-service
page at ``me/`` and the voluntariness pages it works with."""

from django.urls import include, path

from sabeel.config.urls import urlpatterns as project_urlpatterns
from sabeel.portal.tests.wiring import wired

urlpatterns = list(project_urlpatterns)
for prefix, namespace, module in (
    ("me/", "portal", "sabeel.portal.urls"),
    ("voluntariness/", "consent", "sabeel.consent.urls"),
    ("conditions/", "conditions", "sabeel.conditions.urls"),
):
    if not wired(namespace):
        urlpatterns.append(path(prefix, include(module)))
