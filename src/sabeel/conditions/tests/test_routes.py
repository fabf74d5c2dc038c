"""The permission matrix of core/tests/test_route_matrix.py, run on the conditions and intention
routes through this app's test URLs, so the expectations hold before the lead wires the routes
into the project (after that the project-wide matrix runs them as well)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sabeel.conditions.tests import route_expectations as conditions
from sabeel.consent.tests import intention_route_expectations as intentions
from sabeel.core.testing_routes import Scoped
from sabeel.core.tests.test_route_matrix import _check

pytestmark = pytest.mark.django_db

PAGES = {**conditions.ALL_PAGES, **intentions.PAGES}
API = {**conditions.ALL_API, **intentions.API}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_permission_matrix(name, cast):
    _check(PAGES[name], lambda kwargs: reverse(name, kwargs=kwargs), cast, api=False)


@pytest.mark.parametrize(("method", "path"), sorted(API))
def test_api_permission_matrix(method, path, cast):
    spec = API[(method, path)]
    if isinstance(spec, Scoped):
        spec = Scoped(**{**spec.__dict__, "method": method})
    _check(spec, lambda kwargs: path.format(**kwargs), cast, api=True)


def test_every_conditions_and_intention_route_has_an_expectation():
    from sabeel.conditions import urls as condition_urls
    from sabeel.conditions.api import router as conditions_router
    from sabeel.consent import intention_urls
    from sabeel.consent.intention_api import router as intention_router

    pages = {f"conditions:{p.name}" for p in condition_urls.urlpatterns} | {f"consent:{p.name}" for p in intention_urls.urlpatterns}
    assert pages == set(PAGES)
    operations = set()
    for prefix, router in (("/api/conditions", conditions_router), ("/api/consent", intention_router)):
        for route, view in router.path_operations.items():
            for operation in view.operations:
                for method in operation.methods:
                    operations.add((method.lower(), prefix + route.replace("{pk}", "{pk}")))
    assert operations == set(API)
