"""Deregistration on a phone (390 px), in English and Arabic: the deregistration page of a family
that arrived (its arrival confirmation as the evidence to pick) and the presumed-return page of a
protection officer fit the screen, radio buttons sit beside their labels in a fieldset, controls
are touch-sized; then the verified return is recorded by tapping, and the household page shows
the state and the transition. Screenshots: ``tests/artifacts/phone-deregistration-*.png``."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sabeel.workgroups.testing import create_cast
from tests.browser.conftest import shot
from tests.browser.test_phone_width import PHONE, _session_cookie, fit_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser: Any, live_server: Any, user: Any, language: str) -> Any:
    from django.conf import settings

    context = browser.new_context(**PHONE, locale="ar" if language == "ar" else "en-GB")
    context.add_cookies([_session_cookie(user, live_server), {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    return context.new_page()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_deregistration_fits_a_phone_and_a_verified_return_is_recorded_by_tapping(browser, live_server, committed_db, language):
    from sabeel.assistance.tests.factories import programme_with_rule, returned

    cast = create_cast()
    household = returned(cast)
    programme_with_rule(cast, presumed_return_months=6)
    problems: list[str] = []
    protection = _phone(browser, live_server, cast["lb_protection_officer"], language)
    registrar = _phone(browser, live_server, cast["lb_registration_officer"], language)
    try:
        protection.goto(live_server.url + reverse("registry:household_presumed_return", args=[household.pk]))
        assert protection.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
        assert protection.locator("[data-testid=presumed-refused]").is_visible()  # registered today: contact in the period
        problems += fit_problems(protection, f"presumed ({language})")
        shot(protection, f"phone-deregistration-presumed-{language}")
        registrar.goto(live_server.url + reverse("registry:household_status", args=[household.pk]))
        problems += fit_problems(registrar, f"status ({language})")
        shot(registrar, f"phone-deregistration-status-{language}")
        assert not problems, "\n".join(problems)
        registrar.click("[data-testid=verified-submit]")
        registrar.wait_for_selector("[data-testid=deregistration-history] li")
        assert registrar.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
        problems += fit_problems(registrar, f"household after the verified return ({language})")
        shot(registrar, f"phone-deregistration-done-{language}")
        assert not problems, "\n".join(problems)
    finally:
        protection.context.close()
        registrar.context.close()
    household.refresh_from_db()
    assert household.deregistration == "verified"
