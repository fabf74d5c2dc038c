"""The pages, as the officers use them: the timeline with the verdict on top, the htmx forms, the
printed consent record, the work queue and the programmes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from sabeel.consent.models import FollowUp, ReturnConsent, Withdrawal
from sabeel.consent.tests.factories import adults, counselled, days_ago, family, member, programme_make, ready_family
from sabeel.core.templatetags.sabeel import zone_name
from sabeel.registry.tests.factories import head, spouse
from sabeel.workgroups.testing import sign_in

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
    assert "Dates and times in the host country (Beirut time)." in page
    consented = days_ago(30)
    assert f"{consented.day} {consented:%B} {consented.year}" in page  # day first
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
    complete = {"individual": mohamad.pk, "given_on": days_ago(1).isoformat(), "free": "on", "informed": "on", "express": "on"}
    text = officer.post(url, complete, HTTP_HX_REQUEST="true").content.decode()
    assert "Record a counselling session they attended first." in text  # counselling comes first
    counselled(cast, mohamad, on=days_ago(3))
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
        "starts_on": "2025-01-15",
        "is_active": "on",
    }
    assert admin.post(reverse("consent:programme_edit", args=[programme.pk]), data).status_code == 302
    programme.refresh_from_db()
    assert (programme.consent_validity_days, programme.reconfirmation_window_days) == (60, 10)
    assert programme.starts_on.isoformat() == "2025-01-15"
    page = admin.get(reverse("consent:programme_list")).content.decode()
    assert f'data-testid="programme-edit-{programme.pk}"' in page
    assert "15 January 2025" in page
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


# --- dates, names and reasons as each role reads them ------------------------------------------------------


def test_a_second_consent_on_the_form_says_to_record_a_re_confirmation(cast, places):
    household = ready_family(cast)
    mohamad = adults(household)[0]
    data = {"individual": mohamad.pk, "given_on": days_ago(0).isoformat(), "free": "on", "informed": "on", "express": "on"}
    text = _as(cast, "lb_protection_officer").post(
        reverse("consent:consent_record", args=[household.pk]), data, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Record a re-confirmation instead." in text
    assert ReturnConsent.objects.filter(individual=mohamad).count() == 1


def test_a_withdrawal_typed_in_the_future_asks_to_leave_the_time_empty(cast, places):
    household = ready_family(cast)
    fatima = adults(household)[1]
    url = reverse("consent:withdrawal_record", args=[household.pk])
    officer = _as(cast, "lb_registration_officer")
    tomorrow = days_ago(-1).isoformat() + "T10:00"
    text = officer.post(url, {"individual": fatima.pk, "channel": "phone", "at": tomorrow}, HTTP_HX_REQUEST="true").content.decode()
    assert "Leave it empty to record the withdrawal as of now." in text
    assert officer.post(url, {"individual": fatima.pk, "channel": "phone"}, HTTP_HX_REQUEST="true").status_code == 204
    assert Withdrawal.objects.filter(individual=fatima).count() == 1


def test_the_work_queue_names_the_person_never_an_id(cast, places):
    household = ready_family(cast)
    fatima = adults(household)[1]
    _as(cast, "lb_registration_officer").post(
        reverse("consent:withdrawal_record", args=[household.pk]), {"individual": fatima.pk, "channel": "phone"}
    )
    follow_up = FollowUp.objects.get()
    page = _as(cast, "lb_protection_officer").get(reverse("consent:follow_up_list")).content.decode()
    start = page.index(f'data-testid="follow-up-person-{follow_up.pk}"')
    cell = page[start : page.index("</td>", start)]
    assert "Fatima Ali Al-Zoubi" in cell and f"#{fatima.pk}" not in page
    assert "(Beirut time)" in page
    arabic = sign_in(Client(HTTP_ACCEPT_LANGUAGE="ar"), cast["lb_protection_officer"])
    with translation.override("ar"):  # the request activates Arabic; leave the language as it was
        assert "فاطمة علي الزعبي" in arabic.get(reverse("consent:follow_up_list")).content.decode()


def _separated_child_household(cast):  # type: ignore[no-untyped-def]
    child = head(relationship="son", first_name_lat="Omar", date_of_birth="2016", specific_needs=["SC-SC"])
    household = ready_family(cast, members=[head(), spouse(), child])
    return household, member(household, "son")


def test_a_movement_officer_reads_a_neutral_reason_where_it_would_reveal_a_specific_need(cast, places):
    household, omar = _separated_child_household(cast)
    url = reverse("consent:timeline", args=[household.pk])
    protection = _eligibility_box(_as(cast, "lb_protection_officer").get(url).content.decode())
    assert "unaccompanied or separated" in protection
    movement = _eligibility_box(_as(cast, "lb_movement_officer").get(url).content.decode())
    assert 'data-may-schedule="no"' in movement
    assert "The case of the first child needs a protection officer&#x27;s procedure" in movement
    assert "unaccompanied" not in movement and "separated" not in movement
    assert "best_interests_procedure_missing" not in movement and "child_without_adult" not in movement
    assert movement.count(f'data-member="{omar.pk}"') == 1  # one line per child, not one per reason


def test_the_eligibility_api_hides_the_specific_need_from_a_movement_officer(cast, places):
    household, _omar = _separated_child_household(cast)
    url = f"/api/consent/households/{household.pk}/eligibility"
    as_movement = _as(cast, "lb_movement_officer").get(url)
    as_protection = _as(cast, "lb_protection_officer").get(url)
    assert as_movement.status_code == as_protection.status_code == 200
    codes = {r["code"] for r in as_movement.json()["reasons_not_schedulable"]}
    assert "child_protection_procedure" in codes and "best_interests_procedure_missing" not in codes
    assert "best_interests_procedure_missing" in {r["code"] for r in as_protection.json()["reasons_not_schedulable"]}


def test_the_timeline_in_arabic_shows_dates_day_first_with_the_zone_named(cast, places):
    household = ready_family(cast)
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE="ar"), cast["lb_protection_officer"])
    consented = days_ago(30)
    with translation.override("ar"):
        page = client.get(reverse("consent:timeline", args=[household.pk])).content.decode()
        day = formats.date_format(consented, "j F Y")
        zone = zone_name(household.working_group)
    assert day.startswith(str(consented.day)) and day in page
    assert zone in page


def _cell(page: str, kind: str, label: str) -> str:
    """The text of the ``label`` cell of the timeline's first ``kind`` entry."""
    row = page.index(f'data-testid="entry-{kind}"')
    start = page.index(f'data-label="{label}">', row)
    return page[start : page.index("</td>", start)]


def test_the_timeline_separates_names_with_the_comma_of_the_pages_language(cast, places):
    """Names in the Who column, the reasons of an answer about returning and the people of the
    verdict's "who is who" line: "، " and "؛ " on an Arabic page, ", " and "; " on an English one."""
    from sabeel.consent import services
    from sabeel.consent.intentions import intention_record

    household = family(cast)
    officer = cast["lb_protection_officer"]
    services.counselling_record(actor=officer, household=household, held_on=days_ago(3), language="ar", attendees=list(adults(household)))
    intention_record(actor=officer, household=household, hopes_to_return="yes", intends_within_12_months="unsure", reasons=["family", "home"])
    url = reverse("consent:timeline", args=[household.pk])
    english = _as(cast, "lb_protection_officer").get(url).content.decode()
    assert "Mohamad Ahmad El Hariri, Fatima Ali Al-Zoubi" in _cell(english, "counselling", "Who")
    assert "To rejoin family, To go back to their home or land" in english
    assert '</span>; <span data-testid="who-' in english
    with translation.override("ar"):
        arabic = sign_in(Client(HTTP_ACCEPT_LANGUAGE="ar"), officer).get(url).content.decode()
        reasons = "، ".join(str(label) for label in (translation.gettext("To rejoin family"), translation.gettext("To go back to their home or land")))
    who = _cell(arabic, "counselling", "من")
    assert "محمد أحمد الحريري، فاطمة علي الزعبي" in who and "," not in who
    assert reasons in arabic
    assert '</span>؛ <span data-testid="who-' in arabic and '</span>; <span' not in arabic


def test_when_the_conditions_register_cannot_answer_the_timeline_says_the_household_is_not_eligible(cast, places, monkeypatch):
    household = ready_family(cast)

    def broken(*, destination, on):
        raise RuntimeError("register unavailable")

    monkeypatch.setattr("sabeel.conditions.selectors.destination_has_active_hostilities", broken)
    page = _as(cast, "lb_protection_officer").get(reverse("consent:timeline", args=[household.pk])).content.decode()
    box = _eligibility_box(page)

    assert 'data-may-schedule="no"' in box and 'data-code="input_unreadable"' in box
    assert "the household is not eligible until it can" in box
    assert "no flag is assumed" not in page
