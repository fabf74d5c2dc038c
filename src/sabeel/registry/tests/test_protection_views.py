"""The household page's member-protection actions, as the Lebanon officers use them: marking a
member absent, recording a death, proposing a date of birth, and the protection officer's decisions.
(Anonymous, wrong-role and other-group cases: core/tests/test_route_matrix.py.)"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sabeel.consent.intentions import intention_record
from sabeel.registry.models import BirthDateChange, Individual, MemberDeparture
from sabeel.registry.tests.factories import household_make
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def _client(cast, persona: str) -> Client:
    client = sign_in(Client(), cast[persona])
    client.cookies["django_language"] = "en"
    return client


def test_a_registration_officer_marks_a_member_absent_and_present_again(cast, places):
    household = household_make(cast, "lb")
    fatima = household.members.get(relationship="spouse")
    client = _client(cast, "lb_registration_officer")
    page = client.get(reverse("registry:household_detail", args=[household.pk]))
    assert reverse("registry:member_presence", args=[household.pk, fatima.pk]) in page.content.decode()
    url = reverse("registry:member_presence", args=[household.pk, fatima.pk])
    refused = client.post(url, {"version": fatima.version, "presence": "absent", "reason": ""})
    assert refused.status_code == 200 and "Give the reason" in refused.content.decode()
    done = client.post(url, {"version": fatima.version, "presence": "absent", "reason": "Whereabouts unknown"})
    assert done.status_code == 302
    fatima.refresh_from_db()
    assert fatima.presence == "absent"
    page = client.get(reverse("registry:household_detail", args=[household.pk]))
    assert f'data-testid="absent-{fatima.pk}"' in page.content.decode()
    client.post(url, {"version": fatima.version, "presence": "present"})
    fatima.refresh_from_db()
    assert fatima.presence == "present"


def test_a_death_during_a_return_process_waits_on_the_page_until_a_protection_officer_confirms(cast, places):
    household = household_make(cast, "lb")
    intention_record(actor=cast["lb_registration_officer"], household=household, hopes_to_return="yes", intends_within_12_months="yes")
    fatima = household.members.get(relationship="spouse")
    registrar = _client(cast, "lb_registration_officer")
    response = registrar.post(
        reverse("registry:member_exit", args=[household.pk, fatima.pk]),
        {"version": fatima.version, "kind": "died", "reason": "Died in hospital", "evidence": "Death certificate seen"},
    )
    assert response.status_code == 302
    departure = MemberDeparture.objects.get(individual=fatima)
    page = registrar.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert 'data-testid="waiting-for-protection"' in page
    assert reverse("registry:departure_confirm", args=[household.pk, departure.pk]) not in page  # not theirs to confirm
    protection = _client(cast, "lb_protection_officer")
    page = protection.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    confirm = reverse("registry:departure_confirm", args=[household.pk, departure.pk])
    assert confirm in page
    assert protection.get(confirm).status_code == 200
    assert protection.post(confirm, {"note": "Certificate checked with the family"}).status_code == 302
    departure.refresh_from_db()
    assert departure.confirmed_by == cast["lb_protection_officer"]
    assert protection.get(confirm).status_code == 404  # already decided


def test_a_proposed_birth_date_waits_for_the_protection_officers_decision(cast, places):
    household = household_make(cast, "lb")
    fatima = household.members.get(relationship="spouse")
    registrar = _client(cast, "lb_registration_officer")
    with translation.override("en"):
        response = registrar.post(
            reverse("registry:member_birth_date", args=[household.pk, fatima.pk]),
            {"version": fatima.version, "date_of_birth": "2012", "reason": "Family booklet"},
            follow=True,
        )
    assert "waits for a protection officer" in response.content.decode()
    change = BirthDateChange.objects.get(individual=fatima)
    decide = reverse("registry:birth_date_decide", args=[household.pk, change.pk])
    protection = _client(cast, "lb_protection_officer")
    refused = protection.post(decide, {"decision": "confirm", "evidence": ""})
    assert refused.status_code == 200 and "evidence" in refused.content.decode().lower()
    assert protection.post(decide, {"decision": "confirm", "evidence": "Original birth certificate"}).status_code == 302
    assert Individual.objects.get(pk=fatima.pk).date_of_birth.year == 2012
