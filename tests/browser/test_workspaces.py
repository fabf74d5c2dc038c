"""Each role's persona signs in (password and authenticator code) and finds its home page in English
and Arabic, at desktop (1280 px) and phone (390 px) widths: no horizontal overflow, a menu holding
only the links that persona may open, collapsed behind a "Menu" summary on the phone. Screenshots:
``tests/artifacts/home-<role>-<lang>-<width>.png``."""

from __future__ import annotations

import datetime as dt

import pytest

from sabeel.workgroups.testing import Cast, create_cast
from tests.browser.conftest import shot, sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = {
    "registration_officer": "lb_registration_officer",
    "protection_officer": "lb_protection_officer",
    "movement_officer": "lb_movement_officer",
    "finance_officer": "lb_finance_officer",
    "monitor": "lb_monitor",
    "coordinator": "lb_coordinator",
    "donor_viewer": "lb_donor_viewer",
    "reconstruction_planner": "jrg_reconstruction_planner",
    "auditor": "lb_auditor",
    "administrator": "lb_administrator",
    "platform_admin": "platform_admin",
}
FUNNEL_ROLES = {"coordinator", "donor_viewer", "reconstruction_planner"}
WIDTHS = (1280, 390)
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
MENU_LINKS = "els => els.map(e => [e.dataset.menu, e.getAttribute('href')])"


def _a_working_day(cast: Cast) -> None:
    """Some of everything a home page shows: households registered today, a departure and a date
    of birth waiting for a protection officer, a call-back asked for, a membership to approve."""
    from sabeel.consent.services import follow_up_callback_request
    from sabeel.core.roles import Role
    from sabeel.registry.tests.factories import household_make
    from sabeel.registry.tests.route_expectations import _waiting_birth_date, _waiting_departure
    from sabeel.workgroups.models import Membership, MembershipApproval
    from sabeel.workgroups.testing import _user

    for _ in range(2):
        household_make(cast, "lb")
    waiting = _waiting_departure(cast, "lb")
    _waiting_birth_date(cast, "lb")
    from sabeel.registry.models import Household

    follow_up_callback_request(actor=cast["lb_registration_officer"], household=Household.objects.get(pk=waiting["pk"]))
    Membership.objects.create(
        user=_user("lb_new_officer", display_name="Rania Haddad (new officer)"),
        working_group=cast.groups["lb"],
        role=Role.REGISTRATION_OFFICER,
        organisation=cast.organisations["ngo"],
        starts_on=dt.date(2026, 1, 1),
        approval=MembershipApproval.PENDING,
        requested_by=cast["platform_admin"],
    )


def _check_menu(page, expected: dict[str, str], width: int, name: str) -> None:  # type: ignore[no-untyped-def]
    links = dict(page.eval_on_selector_all(".main-nav a[data-menu]", MENU_LINKS))
    assert links == expected, "the menu holds other links than the persona may open"
    summary, nav = page.locator(".menu > summary"), page.locator(".main-nav")
    if width >= 1024:
        assert nav.is_visible() and not summary.is_visible(), "desktop: the menu is shown, no summary"
        return
    assert summary.is_visible() and not nav.is_visible(), "phone: the menu waits behind its summary"
    summary.click()
    assert nav.is_visible()
    assert page.evaluate(NO_OVERFLOW), "the open menu widens the page"
    boxes = [page.locator(f'.main-nav a[data-menu="{key}"]').bounding_box() for key in expected]
    assert all(box is not None and box["height"] >= 40 for box in boxes), "menu links too small to touch"
    shot(page, f"{name}-menu")
    summary.click()
    assert not nav.is_visible()


@pytest.mark.parametrize("role", sorted(PERSONAS))
def test_each_roles_home_in_both_languages_at_desktop_and_phone_widths(role, page, live_server, committed_db):  # type: ignore[no-untyped-def]
    from sabeel.config.menu import visible_items
    from sabeel.core.actors import as_actor

    cast = create_cast()
    _a_working_day(cast)
    user = cast[PERSONAS[role]]
    expected = {item.key: item.url for item in visible_items(as_actor(user))}

    sign_in_with_code(page, live_server, user, then=".home-intro")
    for lang in ("en", "ar"):
        if lang == "ar":
            page.click('[data-testid="lang-ar"]')
            page.wait_for_selector('html[dir="rtl"]')
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
            page.wait_for_load_state("networkidle")
            if role in FUNNEL_ROLES:  # the headline card has replaced its placeholder
                page.wait_for_selector('[data-testid="funnel-card-loading"]', state="detached", timeout=10_000)
            assert page.evaluate(NO_OVERFLOW), f"{role} {lang} {width}: the page overflows horizontally"
            shot(page, f"home-{role}-{lang}-{width}")
            _check_menu(page, expected, width, f"home-{role}-{lang}-{width}")
