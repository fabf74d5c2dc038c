"""A Lebanon registration officer registers a household in Arabic, finds it again with a
transliterated spelling, corrects a member's name and sees the change in the history; then
prints the bilingual record."""

from __future__ import annotations

import pytest

from sabeel.core.otp import confirmed_totp_device, current_code
from sabeel.workgroups.testing import PASSWORD, create_cast
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user) -> None:
    device = confirmed_totp_device(user)
    assert device is not None
    page.goto(f"{live_server.url}/registry/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.fill("input[name=code]", current_code(device))
    page.click("form.form button[type=submit]")
    page.wait_for_selector('[data-testid="household-table"]')


def test_register_in_arabic_find_by_transliteration_correct_and_see_history(page, live_server, committed_db):
    from sabeel.registry.tests.factories import gazetteer

    cast = create_cast()
    gazetteer()
    officer = cast["lb_registration_officer"]
    _sign_in(page, live_server, officer)

    # Register: the head in Arabic script only, then a second person through the htmx row.
    page.goto(f"{live_server.url}/registry/households/new/")
    page.select_option("select[name=current_location]", "LB2")
    page.select_option("select[name=origin]", "SY12")
    page.select_option("select[name=destination]", "SY12")
    page.fill("input[name=phones]", "٠٣ ١٢٣ ٤٥٦")
    page.select_option("select[name=members-0-relationship]", "head")
    page.select_option("select[name=members-0-sex]", "M")
    page.fill("input[name=members-0-date_of_birth]", "١٩٨٠")
    page.fill("input[name=members-0-first_name_ar]", "محمد")
    page.fill("input[name=members-0-father_name_ar]", "أحمد")
    page.fill("input[name=members-0-family_name_ar]", "الحريري")
    page.click('[data-testid="add-member"]')
    page.wait_for_selector("input[name=members-1-first_name_ar]")
    assert page.input_value("#id_members-TOTAL_FORMS") == "2"
    page.select_option("select[name=members-1-relationship]", "spouse")
    page.select_option("select[name=members-1-sex]", "F")
    page.fill("input[name=members-1-first_name_ar]", "فاطمة")
    page.fill("input[name=members-1-family_name_ar]", "الزعبي")
    shot(page, "registry-01-register-arabic")
    page.click('[data-testid="register"]')
    page.wait_for_selector('[data-testid="registration-number"]')
    number = page.inner_text('[data-testid="registration-number"]').strip()
    assert number.startswith("LB-")
    assert "محمد أحمد الحريري" in page.inner_text('[data-testid="members"]')
    assert page.inner_text('[data-testid="phones"]').strip() == "+9613123456"
    shot(page, "registry-02-household")

    # Find him again with a Latin transliteration; the query is posted, never in the URL.
    page.goto(f"{live_server.url}/registry/search/")
    page.fill("input[name=query]", "Mohamad El-Hariri")
    page.click('[data-testid="search-form"] button[type=submit]')
    page.wait_for_selector('[data-testid="search-table"]')
    assert "Hariri" not in page.url
    first_row = page.locator('[data-testid="search-table"] tbody tr').first
    assert "محمد أحمد الحريري" in first_row.inner_text() and number in first_row.inner_text()
    shot(page, "registry-03-found-by-transliteration")
    first_row.locator("a").click()
    page.wait_for_selector('[data-testid="registration-number"]')

    # Correct the head's first name: add the Latin spelling and fix the Arabic one.
    page.locator('[data-testid^="correct-"]').first.click()
    page.wait_for_selector('[data-testid="member-form"]')
    assert page.input_value("input[name=version]") == "1"
    page.fill("input[name=first_name_ar]", "محمّد")
    page.fill("input[name=first_name_lat]", "Muhammad")
    page.fill("input[name=family_name_lat]", "Al-Hariri")
    page.click('[data-testid="member-save"]')
    page.wait_for_selector('[data-testid="registration-number"]')
    assert "Muhammad" in page.inner_text('[data-testid="members"]')

    # The history, loaded into the page by htmx, in Beirut time.
    page.click('[data-testid="history-load"]')
    page.wait_for_selector('[data-testid="history"]')
    history = page.inner_text('[data-testid="history"]')
    assert "Person corrected" in history and "Muhammad" in history and "محمّد" in history
    assert "Asia/Beirut" in history
    shot(page, "registry-04-history")

    # The printable record, Arabic and English side by side.
    page.click('[data-testid="print-link"]')
    page.wait_for_selector('[data-testid="print-sheet"]')
    assert number in page.inner_text('[data-testid="print-number"]')
    assert "محمّد أحمد الحريري" in page.inner_text('[data-testid="print-ar"]')
    assert "Muhammad" in page.inner_text('[data-testid="print-en"]')
    page.emulate_media(media="print")
    shot(page, "registry-05-print")
