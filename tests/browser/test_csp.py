"""The Lebanon registration officer works under the Content-Security-Policy: she signs in, searches
for a person (htmx swaps in the results), adds and removes a person row on the registration form
(htmx and sabeel.js), and the browser reports no policy violation on any of it."""

from __future__ import annotations

from typing import Any

import pytest

from sabeel.core.otp import confirmed_totp_device, current_code
from sabeel.workgroups.testing import PASSWORD, create_cast
from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script (Playwright injects it outside the page's policy) and records every
# violation the browser reports, beside the console messages.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _violations(page: Any, console: list[str]) -> list[str]:
    recorded = page.evaluate("window.__cspViolations || []")
    return list(recorded) + [m for m in console if "Content Security Policy" in m or "Content-Security-Policy" in m]


def test_htmx_pages_work_under_the_policy_without_a_single_violation(page, live_server, committed_db):
    from sabeel.registry.tests.factories import household_make

    cast = create_cast()
    household_make(cast, "lb")
    officer = cast["lb_registration_officer"]
    device = confirmed_totp_device(officer)
    assert device is not None
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH_VIOLATIONS)

    response = page.goto(f"{live_server.url}/sign-in/")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.fill("input[name=code]", current_code(device))
    page.click("form.form button[type=submit]")
    page.wait_for_selector('[data-testid="membership-lb-registration_officer"]')
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False

    # htmx: the search results replace the empty result area without a page load.
    page.goto(f"{live_server.url}/registry/search/")
    page.evaluate("window.__notReloaded = true")
    page.fill("input[name=query]", "Mohamad")
    page.click('[data-testid="search-form"] button[type=submit]')
    page.wait_for_selector('[data-testid="search-table"]')
    assert page.evaluate("window.__notReloaded") is True
    shot(page, "csp-01-search")

    # htmx with a parameter taken from the form (no eval), and sabeel.js removing the row again.
    page.goto(f"{live_server.url}/registry/households/new/")
    page.click('[data-testid="add-member"]')
    page.wait_for_selector("input[name=members-1-first_name_ar]")
    page.click('[data-testid="add-member"]')
    page.wait_for_selector("input[name=members-2-first_name_ar]")
    assert page.locator("#id_members-TOTAL_FORMS").input_value() == "3"
    page.locator("fieldset:has(input[name=members-2-first_name_ar]) button[data-remove-closest]").click()
    assert page.locator("input[name=members-2-first_name_ar]").count() == 0
    assert page.locator("input[name=members-1-first_name_ar]").count() == 1
    shot(page, "csp-02-register-rows")

    assert _violations(page, console) == []
