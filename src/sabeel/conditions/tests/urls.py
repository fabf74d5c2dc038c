"""The project's URLs with the conditions and intention routes added where the lead has not wired
them yet (``config/urls.py``, the consent app's URLs, ``core/api.py``). Once they are wired this
is the project's URL list unchanged. Used by the conditions and intention tests only."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, URLResolver, include, path, reverse
from ninja import NinjaAPI

from sabeel.conditions.api import router as conditions_router
from sabeel.config import urls as root
from sabeel.consent import intention_urls
from sabeel.consent.intention_api import router as intention_router
from sabeel.core.api import api


def _wired(name: str, **kwargs: Any) -> bool:
    try:
        reverse(name, urlconf=root, kwargs=kwargs or None)
    except NoReverseMatch:
        return False
    return True


def _consent_patterns() -> list[Any]:
    """The consent app's own routes where they exist, with the intention routes."""
    try:
        from sabeel.consent import urls as consent_urls
    except ImportError:
        return list(intention_urls.urlpatterns)
    own = list(getattr(consent_urls, "urlpatterns", []))
    names = {getattr(p, "name", None) for p in own}
    return own + [p for p in intention_urls.urlpatterns if p.name not in names]


urlpatterns: list[Any] = list(root.urlpatterns)
if not _wired("conditions:index"):
    urlpatterns.insert(0, path("conditions/", include("sabeel.conditions.urls")))
if not _wired("consent:intention_import"):
    urlpatterns = [p for p in urlpatterns if not (isinstance(p, URLResolver) and p.namespace == "consent")]
    urlpatterns.insert(0, path("consent/", include((_consent_patterns(), "consent"))))

_paths = api.get_openapi_schema(path_prefix="/api")["paths"]
_missing = [
    (prefix, router)
    for prefix, router, probe in (
        ("/conditions", conditions_router, "/api/conditions/units/{pk}/current"),
        ("/consent", intention_router, "/api/consent/intentions/imports/{pk}"),
    )
    if probe not in _paths
]
if _missing:
    test_api = NinjaAPI(title="Sabeel API (tests)", auth=api.auth, urls_namespace="api_tests", docs_url=None)
    for exception, handler in api._exception_handlers.items():
        test_api.add_exception_handler(exception, handler)
    for prefix, router in _missing:
        test_api.add_router(prefix, router)
    # Before the project's API: its routes answer first, every other path falls through.
    urlpatterns.insert(0, path("api/", test_api.urls))
