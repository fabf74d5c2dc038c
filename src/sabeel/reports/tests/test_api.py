"""The funnel API: the page's table as JSON, protected the same way (suppressed for aggregate
roles, exact for a person-level officer of the group), with provenance and no name."""

from __future__ import annotations

import pytest
from django.test import Client

from sabeel.reports.tests.test_views import NAMES, households  # noqa: F401  (the fixture)
from sabeel.workgroups.testing import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("households")]

URL = "/api/reports/funnel"


def _get(cast, username, query=""):  # type: ignore[no-untyped-def]
    return sign_in(Client(), cast[username]).get(URL + query)


def test_a_donor_reads_suppressed_figures_with_their_provenance(cast):
    response = _get(cast, "lb_donor_viewer", "?dimension=origin")

    assert response.status_code == 200
    body = response.json()
    rows = {r["key"]: r for r in body["rows"]}
    assert rows["SY12"]["cells"]["registered"] == {"value": None, "suppressed": True}
    assert rows["SY02"]["cells"]["registered"] == {"value": 8, "suppressed": False}
    assert body["provenance"]["threshold"] == 5 and body["provenance"]["method"] == "counted"
    assert body["stages"][:2] == ["registered", "intending"]
    assert not [name for name in NAMES if name in response.content.decode()]


def test_a_protection_officer_reads_exact_figures_of_her_group(cast):
    body = _get(cast, "lb_protection_officer", "?dimension=origin&unit=people").json()

    rows = {r["key"]: r for r in body["rows"]}
    assert rows["SY12"]["cells"]["registered"] == {"value": 6, "suppressed": False}  # 3 households of 2
    assert body["total"]["cells"]["registered"]["value"] == 34
    assert body["provenance"]["threshold"] is None


def test_filters_are_codes_and_a_bad_week_is_refused(cast):
    body = _get(cast, "lb_protection_officer", "?origin=SY02").json()
    assert [r["key"] for r in body["rows"]] == ["SY02"] and body["filters"] == {"origin": "SY02"}

    refused = _get(cast, "lb_protection_officer", "?dimension=week&week_from=2026-49")
    assert refused.status_code == 400


def test_anonymous_and_outsiders_are_refused(cast):
    assert Client().get(URL).status_code == 401
    assert _get(cast, "outsider").status_code == 403
