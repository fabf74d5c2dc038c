"""A household is counselled and both adults consent (recorded by the Lebanon protection officer);
the spouse withdraws on the self-service page from a phone (registration number → code from the
outbox → "who are you?" → confirm), and the officer's page for the household at once shows it as
not eligible, with the reason."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone

from sabeel.core.otp import confirmed_totp_device, current_code
from sabeel.workgroups.testing import PASSWORD, create_cast
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "locale": "en-GB"}


def _counselled_and_consenting(cast):  # type: ignore[no-untyped-def]
    """Counselled twelve days ago, both adults' consent ten days ago: past the cooling-off."""
    from sabeel.consent.services import consent_record, counselling_record, programme_create
    from sabeel.consent.tests.factories import recorded_on_its_day
    from sabeel.registry.tests.factories import household_make

    household = household_make(cast, "lb")
    today = timezone.localdate()
    programme_create(
        actor=cast["lb_administrator"],
        working_group=cast.groups["lb"],
        name="Organised return from Lebanon",
        name_ar="العودة المنظمة من لبنان",
        starts_on=today - dt.timedelta(days=30),  # nothing of a programme is dated before it started
    )
    officer = cast["lb_protection_officer"]
    adults = list(household.members.order_by("pk"))
    counselling_record(actor=officer, household=household, held_on=today - dt.timedelta(days=12), language="ar", attendees=adults)
    for person in adults:
        # Recorded then, too: the cooling-off counts from the day a consent was recorded.
        recorded_on_its_day(
            consent_record(
                actor=officer, individual=person, free=True, informed=True, express=True, given_on=today - dt.timedelta(days=10)
            )
        )
    return household


def _last_code(outbox: Path, household_id: int) -> str:
    lines = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines() if line.strip()]
    mine = [line for line in lines if line["household_id"] == household_id]
    assert mine, "no code was sent to the household's phone"
    return str(mine[-1]["code"])


def _sign_in_officer(page, live_server, officer) -> None:  # type: ignore[no-untyped-def]
    device = confirmed_totp_device(officer)
    assert device is not None
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.fill("input[name=code]", current_code(device))
    page.click("form.form button[type=submit]")
    page.wait_for_selector('[data-testid="membership-lb-protection_officer"]')


def test_a_withdrawal_on_the_self_service_page_shows_at_once_on_the_officers_page(
    page, browser, live_server, committed_db, settings, tmp_path
):
    from django.urls import reverse

    outbox = tmp_path / "sms-outbox.jsonl"
    settings.SABEEL_SMS_OUTBOX = str(outbox)
    settings.SABEEL_SMS_SENDER = "sabeel.portal.sms.FileSmsSender"

    cast = create_cast()
    household = _counselled_and_consenting(cast)
    head, spouse = household.members.order_by("pk")
    timeline = f"{live_server.url}{reverse('consent:timeline', kwargs={'pk': household.pk})}"

    # The protection officer sees the household eligible to be scheduled.
    _sign_in_officer(page, live_server, cast["lb_protection_officer"])
    page.goto(timeline)
    verdict = page.locator('[data-testid="eligibility"]')
    assert verdict.get_attribute("data-may-schedule") == "yes"
    shot(page, "voluntariness-01-officer-eligible")

    # On her phone, the spouse opens the self-service page: Arabic, right to left.
    phone = browser.new_context(**PHONE)
    try:
        mobile = phone.new_page()
        mobile.set_default_timeout(15_000)
        mobile.goto(f"{live_server.url}{reverse('portal:start')}")
        assert mobile.locator("html").get_attribute("dir") == "rtl"
        assert mobile.locator("html").get_attribute("lang") == "ar"
        mobile.fill("input[name=number]", household.registration_number)
        shot(mobile, "voluntariness-02-phone-number")
        mobile.click('[data-testid="send-code"]')
        mobile.wait_for_selector('[data-testid="code-form"]')
        assert household.registration_number not in mobile.url

        mobile.fill("input[name=code]", _last_code(outbox, household.pk))
        shot(mobile, "voluntariness-03-phone-code")
        mobile.click('[data-testid="check-code"]')
        mobile.wait_for_selector('[data-testid="next-step"]')
        assert mobile.locator('[data-testid="household-status"]').get_attribute("data-status") == "open"
        assert mobile.locator('[data-testid="next-step"]').get_attribute("data-step") == "scheduling"
        shot(mobile, "voluntariness-04-phone-household")

        mobile.click('[data-testid="withdraw"]')  # one tap…
        mobile.wait_for_selector('[data-testid="withdraw-form"]')
        assert mobile.locator(f'[data-testid="adult-{head.pk}"]').inner_text().strip() == head.first_name_ar
        assert mobile.locator(f'[data-testid="adult-{spouse.pk}"]').inner_text().strip() == spouse.first_name_ar
        assert spouse.family_name_ar not in mobile.content()
        mobile.click(f'[data-testid="adult-{spouse.pk}"]')  # "I am Fatima"
        shot(mobile, "voluntariness-05-phone-who-are-you")
        mobile.click('[data-testid="confirm-withdraw"]')  # …and a confirmation
        mobile.wait_for_selector('[data-testid="messages"]')
        assert mobile.locator('[data-testid="next-step"]').get_attribute("data-step") == "consent"
        shot(mobile, "voluntariness-06-phone-withdrawn")
    finally:
        phone.close()

    # The officer's page, reloaded, says at once: not eligible, because the second adult withdrew.
    page.goto(timeline)
    verdict = page.locator('[data-testid="eligibility"]')
    assert verdict.get_attribute("data-may-schedule") == "no"
    reason = page.locator(f'[data-testid="reasons"] li[data-code="consent_withdrawn"][data-member="{spouse.pk}"]')
    assert reason.count() == 1
    text = reason.inner_text()
    assert "second adult withdrew consent" in text and "self-service" in text
    assert page.locator('[data-testid="reasons"] li[data-code="consent_withdrawn"]').count() == 1  # only her
    shot(page, "voluntariness-07-officer-not-eligible")
