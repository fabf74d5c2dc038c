"""Deregistration on the household page: a verified return citing the household's arrival
confirmation, a presumed return that shows the programme's rule and why it applies (refused with
the reason when a withdrawal or an open follow-up is in the period; only a protection officer
confirms), closed on request and reopened, with every transition kept and shown. Finance officers
see the state and its history, never the protection checks."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sabeel.assistance.tests.factories import programme_with_rule, returned
from sabeel.movements.models import Confirmation
from sabeel.registry.models import Deregistration
from sabeel.registry.tests.factories import household_make
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db
SEVEN_MONTHS = 7 * 30


def _client(cast, persona):
    return sign_in(Client(), cast[persona])


def test_verified_return_from_the_page_with_the_arrival_as_evidence(cast):
    household = returned(cast)
    arrival = Confirmation.objects.get(placement__household=household, kind="arrived")
    client = _client(cast, "lb_registration_officer")
    page = client.get(reverse("registry:household_status", args=[household.pk])).content.decode()
    assert f'data-testid="arrival-{arrival.pk}"' in page and 'data-testid="presumed-link"' not in page
    assert "Only a protection officer confirms a presumed return." in page
    url = reverse("registry:household_verified_return", args=[household.pk])
    refused = client.post(url, {"confirmation": "999999"})
    assert refused.status_code == 400 and "arrival confirmation" in refused.content.decode()
    assert client.post(url, {"confirmation": str(arrival.pk)}).status_code == 302
    household.refresh_from_db()
    assert (household.status, household.deregistration) == ("closed", "verified")
    detail = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert "Closed: verified return" in detail and "Evidence: arrival confirmed at the reception point" in detail
    # closed: the page offers the reopen only
    page = client.get(reverse("registry:household_status", args=[household.pk])).content.decode()
    assert 'data-testid="reopen"' in page and 'data-testid="verified-return"' not in page


def test_a_household_without_an_arrival_cannot_be_verified(cast):
    household = household_make(cast)
    client = _client(cast, "lb_registration_officer")
    assert 'data-testid="no-arrival"' in client.get(reverse("registry:household_status", args=[household.pk])).content.decode()
    assert client.post(reverse("registry:household_verified_return", args=[household.pk]), {"confirmation": ""}).status_code == 400
    assert not Deregistration.objects.filter(household=household).exists()


def test_presumed_return_shows_the_rule_and_why_and_only_a_protection_officer_confirms(cast, clock):
    from sabeel.consent.models import FollowUp
    from sabeel.consent.services import follow_up_callback_request

    household = household_make(cast)
    url = reverse("registry:household_presumed_return", args=[household.pk])
    protection = _client(cast, "lb_protection_officer")
    programme_with_rule(cast)
    assert 'data-testid="presumed-no-rule"' in protection.get(url).content.decode()
    programme_with_rule(cast, presumed_return_months=6)
    page = protection.get(url).content.decode()
    assert "No contact and no assistance for 6 months" in page and "it had contact in the period" in page
    assert protection.post(url).status_code == 400
    clock.advance(days=SEVEN_MONTHS)
    follow_up = follow_up_callback_request(actor=cast["lb_protection_officer"], household=household)
    protection = _client(cast, "lb_protection_officer")
    page = protection.get(url).content.decode()
    assert "it has an open follow-up" in page and 'data-testid="presumed-submit"' not in page
    refused = protection.post(url)
    assert refused.status_code == 400 and "cannot be presumed" in refused.content.decode()
    FollowUp.objects.filter(pk=follow_up.pk).update(done_at=follow_up.created_at)
    assert 'data-testid="presumed-applies"' in protection.get(url).content.decode()
    # the registration officer sees the rule on the deregistration page but cannot confirm
    registrar = _client(cast, "lb_registration_officer")
    assert registrar.get(url).status_code == 403 and registrar.post(url).status_code == 403
    assert protection.post(url).status_code == 302
    household.refresh_from_db()
    assert household.deregistration == "presumed"
    row = Deregistration.objects.get(household=household)
    assert (row.evidence["months"], row.evidence["rule_version"]) == (6, 2)


def test_close_on_request_and_reopen_keep_the_history_shown(cast):
    household = household_make(cast)
    client = _client(cast, "lb_registration_officer")
    url = reverse("registry:household_status", args=[household.pk])
    assert client.post(url, {"version": "1", "reason": "Moved to a third country"}).status_code == 302
    assert client.post(url, {"version": "2", "reason": "The move failed"}).status_code == 302
    household.refresh_from_db()
    assert (household.status, household.deregistration) == ("open", "active")
    page = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert "Closed on request" in page and "Moved to a third country" in page and "Reopened" in page and "The move failed" in page


def test_finance_officers_see_the_state_but_no_deregistration_action_nor_protection_checks(cast):
    household = returned(cast)
    programme_with_rule(cast, presumed_return_months=6)
    finance = _client(cast, "lb_finance_officer")
    detail = finance.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert 'data-testid="deregistration-state"' in detail and 'data-testid="deregistration-link"' not in detail
    assert finance.get(reverse("registry:household_status", args=[household.pk])).status_code == 403
    assert finance.get(reverse("registry:household_presumed_return", args=[household.pk])).status_code == 403
    assert finance.post(reverse("registry:household_verified_return", args=[household.pk]), {"confirmation": "1"}).status_code == 403


def test_the_deregistration_pages_in_arabic(cast, clock):
    household = returned(cast)
    programme_with_rule(cast, presumed_return_months=6)
    protection = _client(cast, "lb_protection_officer")
    with translation.override("ar"):
        status = protection.get(reverse("registry:household_status", args=[household.pk]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
        presumed = protection.get(reverse("registry:household_presumed_return", args=[household.pk]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in status
    for english in ("Verified return", "Close on request", "Presumed return", "Check the rule and confirm a presumed return"):
        assert english not in status, english
    for english in ("Period checked", "it had contact in the period"):
        assert english not in presumed, english
