"""A registration officer signs in with her password and authenticator code, switches to Arabic,
and is refused another working group's record (404, existence not revealed)."""

from __future__ import annotations

import pytest

from sabeel.core.otp import confirmed_totp_device, current_code
from sabeel.workgroups.testing import PASSWORD, create_cast
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_totp_switch_to_arabic_and_refusal_of_another_group(page, live_server, committed_db):
    cast = create_cast()
    officer = cast["lb_registration_officer"]
    device = confirmed_totp_device(officer)
    assert device is not None

    page.goto(f"{live_server.url}/")
    assert "/sign-in/" in page.url  # anonymous → sign-in
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.fill("input[name=code]", current_code(device))
    shot(page, "foundation-01-code")
    page.click("form.form button[type=submit]")
    page.wait_for_selector('[data-testid="membership-lb-registration_officer"]')
    assert page.locator("html").get_attribute("dir") == "ltr"
    shot(page, "foundation-02-home-en")

    page.click('[data-testid="lang-ar"]')
    page.wait_for_selector('html[dir="rtl"]')
    assert page.locator("html").get_attribute("lang") == "ar"
    assert "مجموعة عمل لبنان" in page.content()
    shot(page, "foundation-03-home-ar")

    jordan = cast.groups["jo"]
    response = page.goto(f"{live_server.url}/groups/{jordan.pk}/")
    assert response is not None and response.status == 404
    assert "مجموعة عمل الأردن" not in page.content()
    shot(page, "foundation-04-refused")

    response = page.goto(f"{live_server.url}/groups/{cast.groups['lb'].pk}/")
    assert response is not None and response.status == 200
    assert page.locator('[data-testid="group-name"]').inner_text() == "مجموعة عمل لبنان"
