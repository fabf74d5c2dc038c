"""The geography API at /api/geo: read by every staff role, crossing updates for geo.edit only,
bad input refused with a field message and nothing changed."""

from __future__ import annotations

import json

import pytest

from sabeel.core.models import AuditEntry
from sabeel.core.tokens import api_token_create
from sabeel.geo.choices import SiteKind
from sabeel.geo.models import AdminUnit, BorderCrossing, Site
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def patch(client, url, body, **extra):
    return client.patch(url, data=json.dumps(body), content_type="application/json", **extra)


def post(client, url, body, **extra):
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


def test_anonymous_callers_get_401_in_the_error_envelope(client, crossing):
    for response in (
        client.get("/api/geo/units"),
        client.get(f"/api/geo/crossings/{crossing.pk}"),
        patch(client, f"/api/geo/crossings/{crossing.pk}", {"daily_capacity": 5}),
        post(client, "/api/geo/lookup", {"query": "Homs"}),
    ):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
    assert BorderCrossing.objects.get(pk=crossing.pk).daily_capacity is None


def test_a_user_without_a_role_gets_403(client, cast, gazetteer):
    sign_in(client, cast["outsider"])

    response = client.get("/api/geo/units")

    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_units_are_listed_with_filters_and_pages(client, cast, gazetteer):
    sign_in(client, cast["jo_donor_viewer"])

    response = client.get("/api/geo/units", {"country": "SY", "level": 1, "limit": 5})

    body = response.json()
    assert body["count"] == 14
    assert [u["key"] for u in body["items"]] == ["SY01", "SY02", "SY03", "SY04", "SY05"]
    assert body["items"][1]["name_ar"] == "حلب" and body["items"][1]["parent"]["key"] == "SY"


def test_units_below_a_parent(client, cast, gazetteer):
    sign_in(client, cast["jo_donor_viewer"])
    jordan = AdminUnit.objects.get(key="JO")

    body = client.get("/api/geo/units", {"parent": jordan.pk, "limit": 50}).json()

    assert body["count"] == 12 and {u["country"] for u in body["items"]} == {"JO"}


def test_a_bad_filter_is_a_422_with_the_field_named(client, cast, gazetteer):
    sign_in(client, cast["jo_donor_viewer"])

    response = client.get("/api/geo/units", {"level": 7})

    assert response.status_code == 422
    assert "level" in response.json()["error"]["fields"]


def test_one_unit_or_404(client, cast, gazetteer):
    sign_in(client, cast["lb_monitor"])
    daraa = AdminUnit.objects.get(key="SY12")

    unit = client.get(f"/api/geo/units/{daraa.pk}").json()
    missing = client.get("/api/geo/units/999999")

    assert (unit["key"], unit["iso_code"], unit["level"], unit["key_kind"]) == ("SY12", "SY-DR", 1, "pcode")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_crossings_are_listed_with_unknown_values_as_null(client, cast, crossing):
    sign_in(client, cast["lb_registration_officer"])

    items = client.get("/api/geo/crossings", {"country": "JO"}).json()

    assert [c["key"] for c in items] == ["sy-test-nasib"]
    assert items[0]["opening_days"] is None and items[0]["daily_capacity"] is None
    assert items[0]["neighbour_unit"]["key"] == "Q854871" and items[0]["syria_unit"]["key"] == "SY12"
    assert client.get("/api/geo/crossings", {"country": "LB"}).json() == []


def test_a_movement_officer_patches_a_crossing(client, cast, crossing):
    sign_in(client, cast["jo_movement_officer"])

    response = patch(client, f"/api/geo/crossings/{crossing.pk}", {"opening_days": [6, 0, 1], "daily_capacity": 2000})

    assert response.status_code == 200
    assert (response.json()["opening_days"], response.json()["daily_capacity"]) == ([0, 1, 6], 2000)
    assert BorderCrossing.objects.get(pk=crossing.pk).daily_capacity == 2000
    assert AuditEntry.objects.filter(action="geo.crossing_operations_set", target_id=str(crossing.pk)).count() == 1


def test_a_patch_changes_only_the_fields_sent(client, cast, crossing):
    sign_in(client, cast["jo_movement_officer"])
    url = f"/api/geo/crossings/{crossing.pk}"
    patch(client, url, {"opening_days": [0, 1], "daily_capacity": 2000})

    patch(client, url, {"daily_capacity": 900})
    assert client.get(url).json()["opening_days"] == [0, 1]

    patch(client, url, {"opening_days": None})
    assert (client.get(url).json()["opening_days"], client.get(url).json()["daily_capacity"]) == (None, 900)


def test_an_api_token_of_an_administrator_may_patch(client, cast, crossing):
    _, raw = api_token_create(actor=cast["lb_administrator"], name="ops")

    response = patch(client, f"/api/geo/crossings/{crossing.pk}", {"daily_capacity": 50}, HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 200 and response.json()["daily_capacity"] == 50


def test_a_role_without_geo_edit_gets_403_and_nothing_changes(client, cast, crossing):
    sign_in(client, cast["lb_registration_officer"])

    response = patch(client, f"/api/geo/crossings/{crossing.pk}", {"daily_capacity": 50})

    assert response.status_code == 403
    assert BorderCrossing.objects.get(pk=crossing.pk).daily_capacity is None


def test_an_impossible_capacity_is_a_422_on_that_field(client, cast, crossing):
    sign_in(client, cast["jo_movement_officer"])

    response = patch(client, f"/api/geo/crossings/{crossing.pk}", {"opening_days": [1], "daily_capacity": 0})

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["daily_capacity"]
    assert BorderCrossing.objects.get(pk=crossing.pk).opening_days is None


def test_a_day_outside_the_week_is_a_400_on_that_field(client, cast, crossing):
    sign_in(client, cast["jo_movement_officer"])

    response = patch(client, f"/api/geo/crossings/{crossing.pk}", {"opening_days": [1, 9], "daily_capacity": 10})

    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "invalid"
    assert error["fields"]["opening_days"] == ["Days are numbered 0 (Monday) to 6 (Sunday); 9 is not one."]
    assert BorderCrossing.objects.get(pk=crossing.pk).daily_capacity is None


def test_patching_an_unknown_crossing_is_404(client, cast, crossing):
    sign_in(client, cast["jo_movement_officer"])

    assert patch(client, "/api/geo/crossings/999999", {"daily_capacity": 10}).status_code == 404


def test_lookup_is_a_post_and_returns_ties_with_levels(client, cast, gazetteer):
    sign_in(client, cast["lb_registration_officer"])
    governorate = AdminUnit.objects.get(key="SY04")
    AdminUnit.objects.create(key="SY0401", key_kind="pcode", country="SY", level=2, parent=governorate, name_en="Homs", name_ar="حمص")

    body = post(client, "/api/geo/lookup", {"query": "حمص"}).json()

    assert body["tie"] is True and "at different levels" in body["explanation"]
    assert [(m["unit"]["key"], m["level"], m["tied"]) for m in body["matches"][:2]] == [("SY04", 1, True), ("SY0401", 2, True)]
    assert client.get("/api/geo/lookup", {"query": "Homs"}).status_code == 405


@pytest.mark.parametrize("query", ["", "   ", "x" * 201])
def test_a_lookup_without_a_sensible_query_is_a_400_on_that_field(client, cast, gazetteer, query):
    sign_in(client, cast["lb_registration_officer"])

    response = post(client, "/api/geo/lookup", {"query": query})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["query"] == ["Type a place name of 1 to 200 characters."]


def test_a_lookup_body_without_the_query_is_a_422(client, cast, gazetteer):
    sign_in(client, cast["lb_registration_officer"])

    assert post(client, "/api/geo/lookup", {"q": "Homs"}).status_code == 422


def test_sites_are_listed(client, cast, gazetteer):
    sign_in(client, cast["lb_registration_officer"])
    Site.objects.create(kind=SiteKind.RECEPTION_POINT, name_en="Daraa reception", admin_unit=AdminUnit.objects.get(key="SY12"))

    items = client.get("/api/geo/sites", {"kind": "reception_point"}).json()

    assert [(s["name_en"], s["admin_unit"]["key"]) for s in items] == [("Daraa reception", "SY12")]
