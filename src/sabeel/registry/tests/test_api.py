"""The registry API: scoped like the pages, redacted (absent, not null), one error envelope,
409 on a stale version, field-level messages on bad input, and nothing changed by a refusal."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sabeel.core.models import ReadEntry
from sabeel.registry.models import Household, Individual
from sabeel.registry.tests.factories import gazetteer, household_make
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db
BASE = "/api/registry"


def _client(cast, persona: str) -> Client:
    return sign_in(Client(), cast[persona])


def _post(client: Client, path: str, body: dict) -> tuple[int, dict]:
    response = client.post(BASE + path, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def _patch(client: Client, path: str, body: dict) -> tuple[int, dict]:
    response = client.patch(BASE + path, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


NEW = {
    "current_location": "LB2",
    "origin": "SY12",
    "destination": "SY12",
    "phones": ["٠٣ ١٢٣ ٤٥٦"],
    "external_ids": [{"scheme": "unhcr_case", "value": "LEB-15C04444"}],
    "members": [
        {"relationship": "head", "sex": "M", "first_name_ar": "عبد الرحمن", "family_name_ar": "الحمصي", "first_name_lat": "Abdel Rahman", "family_name_lat": "El Homsi", "date_of_birth": "1970", "specific_needs": ["SM-CI"]},
        {"relationship": "spouse", "sex": "F", "first_name_ar": "هدى", "date_of_birth": "1975-04-03"},
    ],
}


def test_register_a_household_through_the_api(cast, places):
    status, body = _post(_client(cast, "lb_registration_officer"), "/households", NEW)
    assert status == 201, body
    assert body["registration_number"].startswith("LB-") and body["phones"] == ["+9613123456"]
    assert [m["relationship"] for m in body["members"]] == ["head", "spouse"]
    assert body["members"][0]["date_of_birth"] == "1970-01-01" and body["members"][0]["dob_precision"] == "year"
    assert "protection_notes" not in body and "sensitive_needs" not in body["members"][0]


def test_bad_input_gets_field_messages_and_changes_nothing(cast, places):
    client = _client(cast, "lb_registration_officer")
    status, body = _post(client, "/households", {**NEW, "origin": "LB1", "phones": ["nope"], "members": [{**NEW["members"][0], "relationship": "cousin"}]})
    assert status == 400
    assert body["error"]["code"] == "invalid"
    assert {"origin", "phones.0", "members.0.relationship"} <= set(body["error"]["fields"])
    status, body = _post(client, "/households", {"members": []})
    assert status == 422 and "members" in body["error"]["fields"]
    assert Household.objects.count() == 0 and Individual.objects.count() == 0


def test_a_finance_officer_receives_no_hidden_field_not_even_as_null(cast, lebanon_household):
    response = _client(cast, "lb_finance_officer").get(f"{BASE}/households/{lebanon_household.pk}")
    body = response.json()
    assert response.status_code == 200 and body["phones"] == ["+9613123456"]
    member = body["members"][0]
    assert member["first_name_ar"] == "محمد"
    for hidden in ("documents_held", "documents_missing", "specific_needs", "sensitive_needs", "external_ids"):
        assert hidden not in member
    assert "external_ids" not in body and "protection_notes" not in body
    assert ReadEntry.objects.filter(action="person.viewed").count() == 1


def test_a_jordan_officer_gets_404_and_no_name_from_any_lebanon_endpoint(cast, lebanon_household):
    client = _client(cast, "jo_registration_officer")
    member = lebanon_household.members.first()
    for path in (f"/households/{lebanon_household.pk}", f"/households/{lebanon_household.pk}/history", f"/individuals/{member.pk}"):
        response = client.get(BASE + path)
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
    status, _body = _patch(client, f"/households/{lebanon_household.pk}", {"version": 1, "preferred_language": "en"})
    assert status == 404
    listing = client.get(f"{BASE}/households").json()
    assert listing == {"count": 0, "limit": 50, "items": []}
    status, found = _post(client, "/search", {"query": "محمد الحريري"})
    assert status == 200 and found["hits"] == []


def test_a_stale_version_answers_409_with_the_other_change_and_keeps_it(cast, lebanon_household):
    head = lebanon_household.members.get(relationship="head")
    first, second = _client(cast, "lb_registration_officer"), _client(cast, "lb_protection_officer")
    status, _body = _patch(first, f"/individuals/{head.pk}", {"version": 1, "first_name_lat": "Muhammad"})
    assert status == 200
    status, body = _patch(second, f"/individuals/{head.pk}", {"version": 1, "first_name_lat": "Mohammed"})
    assert status == 409 and body["error"]["code"] == "conflict"
    assert "Mohamad → Muhammad" in body["error"]["message"] and str(cast["lb_registration_officer"]) in body["error"]["message"]
    head.refresh_from_db()
    assert head.first_name_lat == "Muhammad" and head.version == 2


def test_household_patch_changes_only_what_is_sent(cast, lebanon_household):
    client = _client(cast, "lb_registration_officer")
    status, body = _patch(client, f"/households/{lebanon_household.pk}", {"version": 1, "current_location": "LB3"})
    assert status == 200 and body["current_location"]["key"] == "LB3" and body["origin"]["key"] == "SY12"
    assert body["phones"] == ["+9613123456"] and body["version"] == 2
    status, body = _patch(client, f"/households/{lebanon_household.pk}", {"version": 2, "protection_notes": "x"})
    assert status == 400 and "protection_notes" in body["error"]["fields"]


def test_close_reopen_history_and_members(cast, lebanon_household):
    client = _client(cast, "lb_registration_officer")
    pk = lebanon_household.pk
    assert _post(client, f"/households/{pk}/close", {"reason": ""})[0] == 400
    status, body = _post(client, f"/households/{pk}/close", {"reason": "Returned to Syria", "version": 1})
    assert status == 200 and body["status"] == "closed"
    status, body = _post(client, f"/households/{pk}/reopen", {"reason": "Came back"})
    assert status == 200 and body["status"] == "open"
    status, person = _post(client, f"/households/{pk}/members", {"member": {"relationship": "son", "first_name_ar": "يوسف", "date_of_birth": "٢٠١٥"}})
    assert status == 201 and person["date_of_birth"] == "2015-01-01"
    history = client.get(f"{BASE}/households/{pk}/history").json()
    assert [h["action"] for h in history][:3] == ["household.member_added", "individual.created", "household.reopened"]
    status, removed = _post(client, f"/individuals/{person['id']}/remove", {"reason": "Moved abroad"})
    assert status == 200 and removed["status"] == "removed"


def test_moving_a_member_all_four_cases(cast, lebanon_household, jordan_household):
    other = household_make(cast, "lb")
    wife = lebanon_household.members.get(relationship="spouse")
    path = f"/individuals/{wife.pk}/move"
    assert Client().post(BASE + path, json.dumps({"to_household": other.pk}), content_type="application/json").status_code == 401
    assert _post(_client(cast, "lb_finance_officer"), path, {"to_household": other.pk})[0] == 403
    assert _post(_client(cast, "jo_registration_officer"), path, {"to_household": other.pk})[0] == 404
    assert _post(_client(cast, "lb_registration_officer"), path, {"to_household": jordan_household.pk})[0] == 404
    status, body = _post(_client(cast, "lb_registration_officer"), path, {"to_household": other.pk})
    assert status == 200 and body["household_id"] == other.pk


def test_the_list_uses_the_page_filters(cast, places):
    gazetteer()
    bekaa = household_make(cast, "lb", current_location="LB2")
    household_make(cast, "lb", current_location="LB1")
    client = _client(cast, "lb_registration_officer")
    body = client.get(f"{BASE}/households", {"location": "LB2"}).json()
    assert body["count"] == 1 and body["items"][0]["id"] == bekaa.pk
    assert body["items"][0]["head_first_name_ar"] == "محمد" and body["items"][0]["members"] == 2
    bad = client.get(f"{BASE}/households", {"origin": "LB1"})
    assert bad.status_code == 400 and "origin" in bad.json()["error"]["fields"]


def test_search_is_post_only_and_finds_across_scripts(cast, lebanon_household):
    client = _client(cast, "lb_registration_officer")
    assert client.get(f"{BASE}/search", {"query": "Hariri"}).status_code == 405
    status, body = _post(client, "/search", {"query": "Muhammad al-Hariri"})
    assert status == 200 and body["hits"][0]["first_name_ar"] == "محمد" and body["hits"][0]["matched_by"] == "name"
    status, body = _post(client, "/search", {"query": "٠٣١٢٣٤٥٦"})
    assert {h["matched_by"] for h in body["hits"]} == {"phone"}
    status, body = _post(client, "/search", {"query": "x"})
    assert status == 400 and "query" in body["error"]["fields"]


def test_token_auth_works_like_the_session(cast, lebanon_household):
    from sabeel.core.tokens import api_token_create

    _token, secret = api_token_create(actor=cast["lb_registration_officer"], name="test")
    response = Client().get(f"{BASE}/households/{lebanon_household.pk}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_the_api_filters_are_the_list_pages_filters():
    from sabeel.registry.api import HouseholdFilters
    from sabeel.registry.filters import FILTER_FIELDS, HouseholdFilterForm

    assert set(HouseholdFilters.model_fields) - {"limit", "offset"} == set(HouseholdFilterForm.base_fields) == set(FILTER_FIELDS)
