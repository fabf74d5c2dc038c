"""The API, as another system would use it: record consents and withdrawals, ask eligibility,
work the follow-ups; refusals in the core error envelope."""

from __future__ import annotations

import pytest
from django.test import Client

from sabeel.consent.tests.factories import adults, counselled, days_ago, family, package_make, ready_family
from sabeel.core.tokens import api_token_create
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def _client(cast, persona: str) -> Client:
    return sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), cast[persona])


def test_a_protection_officer_records_consents_and_reads_them_back(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    package = package_make(household)
    counselled(cast, mohamad, on=days_ago(12), package=package)
    client = _client(cast, "lb_protection_officer")
    response = client.post(
        f"/api/consent/individuals/{mohamad.pk}/consents",
        {"free": True, "informed": True, "express": True, "given_on": days_ago(10).isoformat(), "information_package": package.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["individual_id"] == mohamad.pk and body["information_package_id"] == package.pk
    listed = client.get(f"/api/consent/households/{household.pk}/consents").json()
    assert [c["id"] for c in listed] == [body["id"]]


def test_consent_that_is_not_free_is_refused_in_the_error_envelope(cast, places):
    household = family(cast)
    response = _client(cast, "lb_protection_officer").post(
        f"/api/consent/individuals/{adults(household)[0].pk}/consents",
        {"free": False, "informed": True, "express": True},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == ["free"]


def test_a_withdrawal_by_api_makes_the_household_not_eligible_at_once(cast, places):
    household = ready_family(cast)
    fatima = adults(household)[1]
    client = _client(cast, "lb_movement_officer")
    assert client.get(f"/api/consent/households/{household.pk}/eligibility").json()["may_depart"] is True
    response = client.post(f"/api/consent/individuals/{fatima.pk}/withdrawals", {"channel": "check_in"}, content_type="application/json")
    assert response.status_code == 201
    answer = client.get(f"/api/consent/households/{household.pk}/eligibility").json()
    assert answer["may_schedule"] is False
    assert answer["reasons_not_schedulable"][0]["code"] == "consent_withdrawn"
    assert answer["reasons_not_schedulable"][0]["member_id"] == fatima.pk
    assert answer["reasons_not_schedulable"][0]["text"].startswith("the second adult withdrew consent at departure check-in on ")
    withdrawals = client.get(f"/api/consent/households/{household.pk}/withdrawals").json()
    assert [w["channel"] for w in withdrawals] == ["check_in"]


def test_eligibility_for_a_departure_day_and_a_bad_one(cast, places):
    household = ready_family(cast)
    client = _client(cast, "lb_registration_officer")
    later = days_ago(-20).isoformat()
    answer = client.get(f"/api/consent/households/{household.pk}/eligibility", {"departure_on": later}).json()
    assert answer["may_schedule"] is True and answer["may_depart"] is False
    assert {r["code"] for r in answer["reasons_not_departable"]} == {"reconfirmation_too_old"}
    bad = client.get(f"/api/consent/households/{household.pk}/eligibility", {"on": later, "departure_on": days_ago(1).isoformat()})
    assert bad.status_code == 400 and "departure_on" in bad.json()["error"]["fields"]


def test_reasons_come_in_arabic_for_an_arabic_request(cast, places):
    from django.utils import formats, translation

    household = ready_family(cast)
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="ar"), cast["lb_registration_officer"])
    client.post(f"/api/consent/individuals/{adults(household)[1].pk}/withdrawals", {"channel": "phone"}, content_type="application/json")
    text = client.get(f"/api/consent/households/{household.pk}/eligibility").json()["reasons_not_schedulable"][0]["text"]
    with translation.override("ar"):
        assert formats.date_format(days_ago(0), "j F Y") in text


def test_counselling_by_api(cast, places):
    household = family(cast)
    client = _client(cast, "lb_protection_officer")
    response = client.post(
        f"/api/consent/households/{household.pk}/counselling",
        {"language": "en", "attendees": [p.pk for p in adults(household)]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert sorted(response.json()["attendee_ids"]) == sorted(p.pk for p in adults(household))
    stranger = adults(family(cast))[0]
    refused = client.post(
        f"/api/consent/households/{household.pk}/counselling", {"language": "en", "attendees": [stranger.pk]}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert len(client.get(f"/api/consent/households/{household.pk}/counselling").json()) == 1


def test_follow_ups_by_api_with_a_token(cast, places):
    household = ready_family(cast)
    _client(cast, "lb_registration_officer").post(
        f"/api/consent/individuals/{adults(household)[1].pk}/withdrawals", {"channel": "phone"}, content_type="application/json"
    )
    _token, secret = api_token_create(actor=cast["lb_protection_officer"], name="queue")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    page = client.get("/api/consent/follow-ups").json()
    assert page["count"] == 1 and page["items"][0]["registration_number"] == household.registration_number
    pk = page["items"][0]["id"]
    closed = client.post(f"/api/consent/follow-ups/{pk}/close", {"outcome": "Called back"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["done_at"]
    again = client.post(f"/api/consent/follow-ups/{pk}/close", {"outcome": "Called again"}, content_type="application/json")
    assert again.status_code == 409
    assert client.get("/api/consent/follow-ups").json()["count"] == 0
    assert client.get("/api/consent/follow-ups", {"include_closed": True}).json()["count"] == 1


def test_programme_rules_by_api(cast, places):
    from sabeel.consent.tests.factories import programme_make

    programme = programme_make(cast)
    admin = _client(cast, "lb_administrator")
    response = admin.patch(f"/api/consent/programmes/{programme.pk}", {"reconfirmation_window_days": 7}, content_type="application/json")
    assert response.status_code == 200 and response.json()["reconfirmation_window_days"] == 7
    invalid = admin.patch(f"/api/consent/programmes/{programme.pk}", {"cooling_off_days": -1}, content_type="application/json")
    assert invalid.status_code == 422
    assert _client(cast, "jo_administrator").get(f"/api/consent/programmes/{programme.pk}").status_code == 404
