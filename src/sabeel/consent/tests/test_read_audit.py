"""Every read of a household's voluntariness records that can show names is audited as one read
(ids and a count, never names): the eligibility panel, the record forms, the timeline, the API
lists of consents, withdrawals and counselling sessions, and the follow-up work queue."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sabeel.consent.models import CounsellingSession, FollowUp, ReturnConsent
from sabeel.consent.services import consent_withdraw
from sabeel.consent.tests.factories import adults, ready_family
from sabeel.core.models import ReadEntry
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def _reads(action: str) -> list[ReadEntry]:
    return list(ReadEntry.objects.filter(action=action).order_by("pk"))


def _client(cast, persona: str) -> Client:
    return sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), cast[persona])


def test_the_api_lists_of_a_household_are_one_read_each_with_the_records_ids(cast, places):
    household = ready_family(cast)
    officer = cast["lb_protection_officer"]
    client = _client(cast, "lb_protection_officer")
    before = ReadEntry.objects.count()

    for path in ("consents", "withdrawals", "counselling"):
        assert client.get(f"/api/consent/households/{household.pk}/{path}").status_code == 200

    assert ReadEntry.objects.count() == before + 3  # one read per request, no second one for the household
    [consents] = _reads("consent.consents_listed")
    [withdrawals] = _reads("consent.withdrawals_listed")
    [sessions] = _reads("consent.counselling_listed")
    assert consents.data == {"row_ids": list(ReturnConsent.objects.filter(household=household).order_by("given_on", "pk").values_list("pk", flat=True))}
    assert consents.count >= 2 and withdrawals.count == 0
    assert sessions.count == CounsellingSession.objects.filter(household=household).count()
    for read in (consents, withdrawals, sessions):
        assert (read.actor_id, read.target_id, read.working_group_id) == (str(officer.pk), str(household.pk), household.working_group_id)


def test_the_eligibility_panel_and_a_record_form_are_audited_as_reads(cast, places):
    household = ready_family(cast)
    client = _client(cast, "lb_protection_officer")

    assert client.get(reverse("consent:eligibility", args=[household.pk])).status_code == 200
    assert client.get(f"/api/consent/households/{household.pk}/eligibility").status_code == 200
    assert client.get(reverse("consent:consent_record", args=[household.pk])).status_code == 200
    assert client.get(reverse("consent:timeline", args=[household.pk])).status_code == 200

    assert len(_reads("consent.eligibility_viewed")) == 2
    [form] = _reads("consent.form_viewed")
    [timeline] = _reads("consent.timeline_viewed")
    assert form.data == timeline.data == {"row_ids": [household.pk]}


def test_the_follow_up_queue_page_and_api_are_one_read_each_with_the_follow_ups_ids(cast, places):
    household = ready_family(cast)
    consent_withdraw(actor=cast["lb_movement_officer"], individual=adults(household)[1], channel="phone")
    open_ids = list(FollowUp.objects.filter(done_at__isnull=True).values_list("pk", flat=True))
    client = _client(cast, "lb_protection_officer")

    assert client.get(reverse("consent:follow_up_list")).status_code == 200
    listed = client.get("/api/consent/follow-ups").json()

    page, api = _reads("consent.follow_ups_listed")
    assert page.data == api.data == {"row_ids": open_ids} and [i["id"] for i in listed["items"]] == open_ids
    assert page.is_list and page.working_group_id == household.working_group_id


def test_a_jordan_officer_reading_a_lebanon_list_gets_404_and_leaves_no_read(cast, places):
    household = ready_family(cast)
    before = ReadEntry.objects.count()

    response = _client(cast, "jo_protection_officer").get(f"/api/consent/households/{household.pk}/consents")

    assert response.status_code == 404
    assert ReadEntry.objects.count() == before


def test_the_follow_up_queue_answers_429_past_the_paging_limit_for_a_role_that_may_not_export_everywhere(cast, places, settings):
    from sabeel.workgroups.models import Membership

    settings.READ_LIST_PAGES_PER_WINDOW = 1
    officer = cast["lb_protection_officer"]
    Membership.objects.create(
        user=officer, working_group=cast.groups["jo"], organisation=cast.organisations["un"], role="monitor",
        starts_on=cast.groups["jo"].created_at.date(),
    )
    client = _client(cast, "lb_protection_officer")

    assert client.get(reverse("consent:follow_up_list")).status_code == 200
    refused = client.get(reverse("consent:follow_up_list"))
    api = client.get("/api/consent/follow-ups")

    assert refused.status_code == 429 and 'data-testid="read-limited"' in refused.content.decode()
    assert api.status_code == 429 and api.json()["error"]["code"] == "throttled"
    assert len(_reads("consent.follow_ups_listed")) == 1
