"""Search before create (issue 9), in Chromium: a Lebanon registration officer registers a
household in Arabic script only; on a new registration she types an English-style Latin spelling
of the head's name, the panel shows him as a likely match with the reasons (the parts that
agreed, the generated Latin reading marked as generated) and a link to his household; registering
anyway is refused until she says why, without losing what she typed, and the reason is in the new
household's history. Then the same panel in Arabic on a phone: right to left, nothing wider than
the screen. Screenshots: ``tests/artifacts/likely-*.png``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sabeel.workgroups.testing import create_cast, sign_in
from tests.browser.conftest import shot, sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 1}
PANEL = '[data-testid="likely-panel-members-0"]'


def _household_fields(page: Any) -> None:
    page.select_option("select[name=current_location]", "LB2")
    page.select_option("select[name=origin]", "SY12")
    page.select_option("select[name=destination]", "SY12")
    page.select_option("select[name=members-0-relationship]", "head")
    page.select_option("select[name=members-0-sex]", "M")


def _type_latin(page: Any) -> None:
    """An English-style spelling, as another agency would have typed it (POSTed by htmx)."""
    page.fill("input[name=members-0-first_name_lat]", "Mohammed")
    page.fill("input[name=members-0-father_name_lat]", "Ahmed")
    page.fill("input[name=members-0-family_name_lat]", "Al-Hariri")
    page.fill("input[name=members-0-date_of_birth]", "1980")


def test_a_latin_spelling_finds_the_arabic_registration_and_registering_anyway_asks_why(page, browser, live_server, committed_db):
    from django.conf import settings

    from sabeel.registry.tests.factories import gazetteer

    cast = create_cast()
    gazetteer()
    officer = cast["lb_registration_officer"]
    sign_in_with_code(page, live_server, officer, then="main")
    new = f"{live_server.url}/registry/households/new/"

    # 1. A household registered in Arabic script only (nobody typed a Latin spelling).
    page.goto(new)
    _household_fields(page)
    page.fill("input[name=members-0-first_name_ar]", "محمد")
    page.fill("input[name=members-0-father_name_ar]", "أحمد")
    page.fill("input[name=members-0-family_name_ar]", "الحريري")
    page.fill("input[name=members-0-date_of_birth]", "1980")
    page.wait_for_selector('[data-testid="likely-none"]')  # the panel looked: nobody like him yet
    page.click('[data-testid="register"]')
    page.wait_for_selector('[data-testid="registration-number"]')
    first_number = page.inner_text('[data-testid="registration-number"]').strip()

    # 2. A new registration, typed in Latin script: the panel shows him, with the reasons.
    page.goto(new)
    _household_fields(page)
    requests: list[tuple[str, str]] = []
    page.on("request", lambda r: requests.append((r.method, r.url)) if "/likely/" in r.url else None)
    _type_latin(page)
    match = page.wait_for_selector(f"{PANEL} .likely-match")
    text = match.inner_text()
    assert "محمد أحمد خالد الحريري" not in text and "محمد أحمد الحريري" in text  # his Arabic names, as typed
    assert first_number in page.inner_text(f"{PANEL} [data-testid=likely-household]")
    reasons = page.inner_text(f"{PANEL} [data-testid=likely-reasons]")
    assert "first name agrees" in reasons and "father's name agrees" in reasons and "family name agrees" in reasons
    assert "same year of birth" in reasons and "generated Latin reading" in reasons
    # The Latin reading of his names is generated, and marked so: never shown as if typed.
    generated = page.inner_text(f'{PANEL} [data-testid="generated-lat"]')
    assert "generated reading — not typed by an officer" in generated and "Hariri" in generated
    assert page.inner_text(f'{PANEL} [data-testid="name-lat"]').strip() == "—"
    # The names went in POST bodies: never in a URL.
    assert requests and all(method == "POST" and "Hariri" not in url and "Mohammed" not in url for method, url in requests)
    assert page.is_visible('[data-testid="duplicate-reason"]')
    shot(page, "likely-01-panel")

    # 3. Registering anyway without a reason is refused; what was typed stays.
    page.click('[data-testid="register"]')
    page.wait_for_selector('[data-testid="form-error"]')
    assert "likely matches were shown" in page.inner_text('[data-testid="form-error"]')
    assert page.input_value("input[name=members-0-first_name_lat]") == "Mohammed"
    assert page.input_value("input[name=members-0-family_name_lat]") == "Al-Hariri"
    assert page.input_value("input[name=members-0-date_of_birth]") == "1980"
    assert page.is_visible(f"{PANEL} .likely-match")
    reason_box = page.locator('[data-testid="duplicate-reason"]')
    assert reason_box.is_visible() and "say why you register this person anyway" in reason_box.inner_text()
    shot(page, "likely-02-reason-required")

    # 4. With a reason, he is registered; the reason is in the new household's history.
    page.check("input[name=duplicate_reason][value=different_details]")
    page.fill("input[name=duplicate_note]", "Other father's village, checked the family booklet")
    page.click('[data-testid="register"]')
    page.wait_for_selector('[data-testid="registration-number"]')
    second_number = page.inner_text('[data-testid="registration-number"]').strip()
    assert second_number != first_number
    page.click('[data-testid="history-load"]')
    page.wait_for_selector('[data-testid="history"]')
    history = page.inner_text('[data-testid="history"]')
    assert "Different person: parents, date of birth or place differ" in history and "1 likely match shown" in history
    shot(page, "likely-03-history")

    # 5. In Arabic on a phone: the panel reads right to left and fits the screen.
    client = sign_in(Client(), officer)
    context = browser.new_context(**PHONE, locale="ar")
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": live_server.url},
        ]
    )
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        phone.goto(new)
        assert phone.get_attribute("html", "dir") == "rtl"
        _household_fields(phone)
        _type_latin(phone)
        phone.wait_for_selector(f"{PANEL} .likely-match")
        assert phone.locator(f"{PANEL} .likely-match").count() == 2  # the Arabic one, and the one registered anyway
        assert phone.locator(f'{PANEL} [data-reason="reading"]').count() == 1  # only the Arabic-only one met through a reading
        assert phone.evaluate("getComputedStyle(document.querySelector('.likely-panel')).direction") == "rtl"
        assert phone.is_visible('[data-testid="duplicate-reason"]')
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(phone, "likely-04-phone-ar")
    finally:
        context.close()
