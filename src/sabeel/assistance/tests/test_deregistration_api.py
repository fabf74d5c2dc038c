"""Deregistration through the API: a verified return with the arrival confirmation, a presumed
return under the programme's months confirmed by a protection officer, and the reopen after a
failed return; the history answers every transition."""

from __future__ import annotations

import pytest
from django.test import Client

from sabeel.assistance.tests.factories import programme_with_rule, returned
from sabeel.movements.models import Confirmation
from sabeel.registry.services import household_reopen
from sabeel.registry.tests.factories import household_make
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def test_verified_return_then_reopened_after_a_failed_return(cast):
    household = returned(cast)
    arrival = Confirmation.objects.get(placement__household=household, kind="arrived")
    client = sign_in(Client(), cast["lb_registration_officer"])
    url = f"/api/assistance/households/{household.pk}"
    assert client.post(f"{url}/verified-return", {"confirmation_id": 0}, content_type="application/json").status_code == 400
    answer = client.post(f"{url}/verified-return", {"confirmation_id": arrival.pk}, content_type="application/json")
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["deregistration"]) == ("closed", "verified")
    household_reopen(actor=cast["lb_registration_officer"], household=household, reason="The return failed at the border")
    state = client.get(f"{url}/deregistration").json()
    assert [(t["from_state"], t["to_state"]) for t in state["transitions"]] == [("active", "verified"), ("verified", "active")]
    assert state["transitions"][0]["evidence"]["confirmation_id"] == arrival.pk


def test_presumed_return_needs_the_programmes_rule_and_a_protection_officer(cast, clock):
    programme, _rule = programme_with_rule(cast)
    household = household_make(cast)
    protection = sign_in(Client(), cast["lb_protection_officer"])
    url = f"/api/assistance/households/{household.pk}/presumed-return"
    assert protection.post(url).status_code == 400  # the rule sets no months
    programme_with_rule(cast, presumed_return_months=6)
    assert protection.post(url).status_code == 400  # registered today: contact in the period
    clock.advance(days=7 * 30)
    assert sign_in(Client(), cast["lb_registration_officer"]).post(url).status_code == 403
    answer = sign_in(Client(), cast["lb_protection_officer"]).post(url)  # seven months later: a new session
    assert answer.status_code == 200 and answer.json()["deregistration"] == "presumed"
    evidence = answer.json()["transitions"][0]["evidence"]
    assert (evidence["months"], evidence["programme_id"], evidence["rule_version"]) == (6, programme.pk, 2)
