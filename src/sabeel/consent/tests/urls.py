"""The project's URLs with the voluntariness pages and API wired in, as the lead will wire them
(``path("consent/", include("sabeel.consent.urls"))`` and the router at ``/api/consent``). Tests
of this app use it until then (``pytest.mark.urls``); the API is a separate NinjaAPI sharing the
project API's authentication and error envelope."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from ninja import NinjaAPI

from sabeel.config.urls import urlpatterns as project_urlpatterns
from sabeel.core.api import api as project_api


def _wired_pages() -> bool:
    return any(getattr(p, "namespace", None) == "consent" for p in project_urlpatterns if isinstance(p, URLResolver))


def _wired_api() -> bool:
    return any(prefix.strip("/") == "consent" for prefix, _router in project_api._routers)


def _test_api() -> NinjaAPI:
    from sabeel.consent.api import router
    from sabeel.consent.intention_api import router as intention_router

    api = NinjaAPI(
        title="Sabeel API (consent tests)",
        version="test",
        auth=project_api.auth,
        urls_namespace="consent_test_api",
        docs_url=None,
        openapi_url=None,
    )
    for exc_class, handler in project_api._exception_handlers.items():
        api.add_exception_handler(exc_class, handler)
    api.add_router("/consent", router)
    api.add_router("/consent", intention_router)
    return api


urlpatterns: list[URLPattern | URLResolver] = []
test_api: NinjaAPI = project_api
if not _wired_api():
    test_api = _test_api()
    urlpatterns.append(path("api/", test_api.urls))
urlpatterns += list(project_urlpatterns)
if not _wired_pages():
    urlpatterns.append(path("consent/", include("sabeel.consent.urls")))
