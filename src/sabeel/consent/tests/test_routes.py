"""The permission matrix of the voluntariness routes, with the app wired as the lead will wire it
(``consent/tests/urls.py``): every page and API operation of the app has an expectation, and each
is tried as anonymous, a wrong role, the same role in Jordan and the permitted Lebanon persona."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from sabeel.consent.tests.route_expectations import ALL_API, ALL_PAGES
from sabeel.core.testing_routes import Scoped
from sabeel.core.tests.test_route_matrix import _check

URLS = "sabeel.consent.tests.urls"
pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]


def _consent_pages() -> set[str]:
    from sabeel.core.routes import PageRoute

    names: set[str] = set()

    def walk(patterns, namespace):  # type: ignore[no-untyped-def]
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif namespace == "consent":
                names.add(PageRoute(name=f"consent:{entry.name}", pattern="").name)

    walk(get_resolver(URLS).url_patterns, "")
    return names


def _consent_operations() -> set[tuple[str, str]]:
    from sabeel.consent.tests.urls import test_api

    schema = test_api.get_openapi_schema(path_prefix="/api")
    return {
        (method.lower(), path)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/consent/")
        for method in operations
    }


def test_every_consent_page_has_an_expectation():
    pages = _consent_pages()
    assert pages - ALL_PAGES.keys() == set(), "pages without a permission expectation"
    assert {n for n in ALL_PAGES if n.startswith("consent:")} - pages == set(), "expectations for pages that do not exist"


def test_every_consent_api_operation_has_an_expectation():
    operations = _consent_operations()
    assert operations - ALL_API.keys() == set(), "API operations without a permission expectation"
    assert ALL_API.keys() - operations == set(), "expectations for API operations that do not exist"


@pytest.mark.parametrize("name", sorted(ALL_PAGES))
def test_page_permission_matrix(name, cast, places):
    _check(ALL_PAGES[name], lambda kwargs: reverse(name, kwargs=kwargs), cast, api=False)


@pytest.mark.parametrize(("method", "path"), sorted(ALL_API))
def test_api_permission_matrix(method, path, cast, places):
    spec = ALL_API[(method, path)]
    if isinstance(spec, Scoped):
        spec = Scoped(**{**spec.__dict__, "method": method})
    _check(spec, lambda kwargs: path.format(**kwargs), cast, api=True)
