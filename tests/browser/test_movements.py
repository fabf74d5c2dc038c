"""From an approved plan to an arrival, in the browser: the movement officer opens the approved
plan and its manifest, then on a phone-width page checks in one household (present) while the
other withdraws at the bus (one tap), confirms the crossing and the arrival. The withdrawal is
recorded through the consent app at once and flagged on today's manifest.
Screenshots: ``tests/artifacts/movements-*.png``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import shot, sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_an_approved_plan_through_check_in_to_arrival(page, live_server, committed_db):
    from sabeel.consent.models import Withdrawal
    from sabeel.movements.models import CheckIn, Confirmation, Placement
    from sabeel.movements.tests.factories import approved, mover, world
    from sabeel.workgroups.testing import create_cast

    cast = create_cast()
    w = world(cast)
    boarding, leaving = mover(cast, w), mover(cast, w)
    plan = approved(cast, w)
    officer = cast["lb_movement_officer"]

    sign_in_with_code(page, live_server, officer, then="body")
    page.goto(live_server.url + reverse("movements:plan_detail", kwargs={"pk": plan.pk}))
    assert page.inner_text("[data-testid=plan-status]").strip() == "Approved"
    page.click("[data-testid=manifest-link]")
    assert page.locator("[data-testid=manifest-row]").count() == 2
    shot(page, "movements-manifest")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("movements:check_in_list", kwargs={"pk": w.point.pk}))
    boarding_card = f"[data-testid=household-{boarding.registration_number}]"
    leaving_card = f"[data-testid=household-{leaving.registration_number}]"
    page.click(f"{boarding_card} [data-testid=present]")
    page.wait_for_selector(f"{boarding_card} [data-testid=check-in-status]")
    page.click(f"{leaving_card} [data-testid=withdrew]")  # one tap at the bus
    page.wait_for_selector(f"{leaving_card} [data-testid=withdrawn-flag]")
    shot(page, "movements-check-in-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the check-in page scrolls sideways at phone width ({width} px)"
    page.click(f"{boarding_card} [data-testid=confirm]")  # crossed
    page.wait_for_selector(f"{boarding_card} :text('Crossed')")
    page.click(f"{boarding_card} [data-testid=confirm]")  # arrived
    page.wait_for_selector(f"{boarding_card} :text('Arrived')")
    shot(page, "movements-arrived")

    mine = Placement.objects.get(plan=plan, household=boarding)
    assert CheckIn.objects.get(placement=mine).status == "present"
    assert set(Confirmation.objects.filter(placement=mine).values_list("kind", flat=True)) == {"crossed", "arrived"}
    gone = CheckIn.objects.get(placement__household=leaving)
    assert gone.status == "withdrew"
    assert Withdrawal.objects.get(pk=gone.withdrawal_id).channel == "check_in"

    page.goto(live_server.url + reverse("movements:manifest", kwargs={"pk": mine.vehicle_id}))
    assert page.locator("[data-testid=withdrawn-flag]").count() == 1  # flagged on today's manifest


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_movements_pages_fit_a_phone_in_both_directions(browser, live_server, committed_db, language):
    from django.conf import settings

    from sabeel.movements.models import Vehicle
    from sabeel.movements.tests.factories import approved, mover, world
    from sabeel.workgroups.testing import create_cast
    from tests.browser.test_phone_width import PHONE, _session_cookie, fit_problems, stacked_problems

    cast = create_cast()
    w = world(cast)
    household = mover(cast, w)
    plan = approved(cast, w)
    vehicle = Vehicle.objects.get(plan=plan)
    pages = [
        ("movements-index", reverse("movements:index")),
        ("movements-setup", reverse("movements:setup")),
        ("movements-plan", reverse("movements:plan_detail", kwargs={"pk": plan.pk})),
        ("movements-manifest", reverse("movements:manifest", kwargs={"pk": vehicle.pk})),
        ("movements-check-in", reverse("movements:check_in_list", kwargs={"pk": w.point.pk})),
        ("movements-request", reverse("movements:request", kwargs={"pk": household.pk})),
        ("movements-self-return", reverse("movements:self_return", kwargs={"pk": household.pk})),
    ]
    context = browser.new_context(**PHONE, locale="ar" if language == "ar" else "en-GB")
    context.add_cookies(
        [
            _session_cookie(cast["lb_movement_officer"], live_server),
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    problems: list[str] = []
    try:
        page = context.new_page()
        for name, path in pages:
            page.goto(live_server.url + path)
            assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
            problems += fit_problems(page, f"{name} ({language})")
            if name == "movements-manifest":  # the people on board: a labelled card a household
                problems += stacked_problems(page, "[data-testid=manifest]", f"{name} ({language})")
            shot(page, f"phone-{name}-{language}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
