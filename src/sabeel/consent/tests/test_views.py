"""The pages, as the officers use them: the timeline with the verdict on top, the htmx forms, the
printed consent record, the work queue and the programmes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sabeel.consent.models import FollowUp, ReturnConsent, Withdrawal
from sabeel.consent.tests.factories import adults, days_ago, family, programme_make, ready_family
from sabeel.core.testing import sign_in

pytestmark = pytest.mark.django_db


def _as(cast, persona: str) -> Client:
    return sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), cast[persona])


def _eligibility_box(page: str) -> str:
    start = page.index('data-testid="eligibility"')
    return page[start : page.index("</section>", start)]


def test_the_timeline_shows_the_verdict_and_every_record(cast, places):
    household = ready_family(cast)
    page = _as(cast, "lb_protection_officer").get(reverse("consent:timeline", args=[household.pk])).content.decode()
    box = _eligibility_box(page)
    assert 'data-may-depart="yes"' in box and "Eligible" in box
    assert page.count('data-testid="entry-consent"') == 2
    assert page.count('data-testid="entry-reconfirmation"') == 2
    assert "Asia/Beirut" in page
    from sabeel.consent.views import _intention_partial

    if _intention_partial() == "consent/intention_panel.html":  # the conditions engineer's partial
        assert 'data-testid="intention-panel"' in page


def test_after_a_withdrawal_the_timeline_shows_not_eligible_with_the_reason(cast, places):
    household = ready_family(cast)
    fatima = adults(household)[1]
    officer = _as(cast, "lb_registration_officer")
    url = reverse("consent:withdrawal_record", args=[household.pk])
    response = officer.post(url, {"individual": fatima.pk, "channel": "phone"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("consent:timeline", args=[household.pk])
    page = officer.get(reverse("consent:timeline", args=[household.pk])).content.decode()
    box = _eligibility_box(page)
    assert "Not eligible" in box
    assert "The second adult withdrew consent by phone on" in box
    assert 'data-testid="entry-withdrawal"' in page
    assert Withdrawal.objects.filter(individual=fatima).count() == 1


def test_jordan_officer_gets_404_on_lebanon_timeline(cast, places):
    household = family(cast)
    for persona in ("jo_protection_officer", "jo_registration_officer"):
        assert _as(cast, persona).get(reverse("consent:timeline", args=[household.pk])).status_code == 404


def test_the_consent_form_puts_the_service_messages_on_its_fields(cast, places):
    household = family(cast)
    mohamad = adults(household)[0]
    url = reverse("consent:consent_record", args=[household.pk])
    officer = _as(cast, "lb_protection_officer")
    form = officer.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="record-form"' in form and "<html" not in form
    response = officer.post(url, {"individual": mohamad.pk, "given_on": days_ago(1).isoformat(), "free": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Record consent only when the person has seen the information package." in text
    assert not ReturnConsent.objects.exists()
    response = officer.post(
        url, {"individual": mohamad.pk, "given_on": days_ago(1).isoformat(), "free": "on", "informed": "on", "express": "on", "can_read": "on"}
    )
    assert response.status_code == 302
    assert ReturnConsent.objects.get().individual == mohamad


def test_a_registration_officer_gets_403_on_the_consent_form(cast, places):
    household = family(cast)
    assert _as(cast, "lb_registration_officer").get(reverse("consent:consent_record", args=[household.pk])).status_code == 403


def test_the_printed_consent_is_in_arabic_and_english_with_a_thumbprint_for_a_person_who_cannot_read(cast, places):
    from sabeel.consent.tests.factories import consent

    household = family(cast)
    mohamad, fatima = adults(household)
    reads = consent(cast, mohamad)
    cannot = consent(cast, fatima, can_read=False)
    officer = _as(cast, "lb_protection_officer")
    page = officer.get(reverse("consent:consent_print", args=[household.pk, cannot.pk])).content.decode()
    assert 'data-testid="print-ar"' in page and 'data-testid="print-en"' in page
    assert 'data-testid="thumbprint-ar"' in page and 'data-testid="witness-lat"' in page
    assert "فاطمة" in page and "Fatima" in page
    page = officer.get(reverse("consent:consent_print", args=[household.pk, reads.pk])).content.decode()
    assert "thumbprint" not in page
    other = family(cast)
    assert officer.get(reverse("consent:consent_print", args=[other.pk, reads.pk])).status_code == 404


def test_the_work_queue_lists_the_call_after_a_withdrawal_and_closes_it(cast, places):
    household = ready_family(cast)
    _as(cast, "lb_registration_officer").post(
        reverse("consent:withdrawal_record", args=[household.pk]), {"individual": adults(household)[1].pk, "channel": "in_person"}
    )
    follow_up = FollowUp.objects.get()
    officer = _as(cast, "lb_protection_officer")
    page = officer.get(reverse("consent:follow_up_list")).content.decode()
    assert household.registration_number in page and "Call after a withdrawal" in page
    assert household.registration_number not in _as(cast, "jo_protection_officer").get(reverse("consent:follow_up_list")).content.decode()
    response = officer.post(reverse("consent:follow_up_close", args=[follow_up.pk]), {"outcome": "Called; she is staying for now"})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done_by == cast["lb_protection_officer"]


def test_an_administrator_changes_the_rules_on_the_programme_page(cast, places):
    programme = programme_make(cast)
    admin = _as(cast, "lb_administrator")
    data = {
        "name": programme.name,
        "name_ar": programme.name_ar,
        "consent_validity_days": 60,
        "cooling_off_days": 7,
        "reconfirmation_window_days": 10,
        "go_and_see_visits_allowed": 2,
        "is_active": "on",
    }
    assert admin.post(reverse("consent:programme_edit", args=[programme.pk]), data).status_code == 302
    programme.refresh_from_db()
    assert (programme.consent_validity_days, programme.reconfirmation_window_days) == (60, 10)
    page = admin.get(reverse("consent:programme_list")).content.decode()
    assert f'data-testid="programme-edit-{programme.pk}"' in page
    assert "programme-edit" not in _as(cast, "lb_registration_officer").get(reverse("consent:programme_list")).content.decode()
    refused = admin.post(reverse("consent:programme_edit", args=[programme.pk]), {**data, "cooling_off_days": 90})
    assert "The cooling-off period cannot be longer" in refused.content.decode()


def test_the_verdict_for_another_departure_day(cast, places):
    household = ready_family(cast)
    url = reverse("consent:eligibility", args=[household.pk])
    later = days_ago(-30).isoformat()
    response = _as(cast, "lb_movement_officer").get(url, {"departure_on": later}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert 'data-may-schedule="yes"' in text and 'data-may-depart="no"' in text
    assert "older than 14 days" in text


def test_the_pages_turn_right_to_left_in_arabic(cast, places):
    from sabeel.consent.tests.factories import consent

    household = ready_family(cast)
    fatima = adults(household)[1]
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="ar"), cast["lb_protection_officer"])
    client.post(reverse("consent:withdrawal_record", args=[household.pk]), {"individual": fatima.pk, "channel": "phone"})
    page = client.get(reverse("consent:timeline", args=[household.pk])).content.decode()
    assert 'dir="rtl"' in page and 'data-may-schedule="no"' in page
    printed = client.get(reverse("consent:consent_print", args=[household.pk, consent(cast, fatima).pk]))
    assert printed.status_code == 200
    for name in ("consent:follow_up_list", "consent:programme_list"):
        assert client.get(reverse(name)).status_code == 200


def test_the_work_queue_and_the_timeline_keep_their_query_budget(cast, places, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sabeel.consent import services

    officer = _as(cast, "lb_protection_officer")
    # The session row is written when the idle clock moves (at most once a minute), which is not
    # the page's cost: stamp the session once, then keep the clock still while measuring.
    monkeypatch.setattr("sabeel.core.middleware.LAST_SEEN_RESOLUTION_SECONDS", 3600)
    officer.get(reverse("core:home"))

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer.get(url).status_code == 200
        return len(captured)

    first = ready_family(cast)
    services.consent_withdraw(actor=cast["lb_registration_officer"], individual=adults(first)[1], channel="phone")
    queue, timeline = queries(reverse("consent:follow_up_list")), queries(reverse("consent:timeline", args=[first.pk]))
    for _ in range(4):
        more = ready_family(cast)
        services.consent_withdraw(actor=cast["lb_registration_officer"], individual=adults(more)[1], channel="phone")
    services.reconfirmation_record(actor=cast["lb_protection_officer"], individual=adults(first)[0])
    services.go_and_see_record(actor=cast["lb_protection_officer"], individual=adults(first)[0], starts_on=days_ago(9), ends_on=days_ago(8))
    services.consent_withdraw(actor=cast["lb_protection_officer"], individual=adults(first)[0], channel="in_person")
    assert queries(reverse("consent:follow_up_list")) == queue
    assert queries(reverse("consent:timeline", args=[first.pk])) == timeline
