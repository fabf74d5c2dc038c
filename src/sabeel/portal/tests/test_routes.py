"""The self-service routes against the permission matrix's checks (anonymous and a signed-in
officer), with the portal's test URLs, whether or not ``config/urls.py`` includes it yet."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from sabeel.core.tests.test_route_matrix import _check
from sabeel.portal.tests.route_expectations import EXPECTATIONS

pytestmark = pytest.mark.django_db


def test_every_portal_route_has_an_expectation():
    names = {f"portal:{name}" for name in get_resolver().namespace_dict["portal"][1].reverse_dict if isinstance(name, str)}
    assert names == set(EXPECTATIONS)


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_portal_route(name, cast):
    _check(EXPECTATIONS[name], lambda kwargs: reverse(name, kwargs=kwargs), cast, api=False)
