"""The merge pages on a phone (390 px wide), in English and Arabic: nothing scrolls sideways, the
two records stay within the screen, radio buttons sit beside their labels in a fieldset, controls are touch-sized.
Screenshots: ``tests/artifacts/phone-merge-*.png``."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.browser.conftest import shot
from tests.browser.test_phone_width import PHONE, _session_cookie, fit_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world() -> dict[str, Any]:
    from sabeel.identity import merges
    from sabeel.identity.review import pair_decide
    from sabeel.identity.tests.factories import pair_make, run_make
    from sabeel.registry.tests.factories import head, household_make, spouse
    from sabeel.workgroups.testing import create_cast

    cast = create_cast()
    twice = spouse(first_name_lat="Fatma", family_name_lat="Al Zoubi")
    home = household_make(cast, "lb", members=[head(), spouse(), twice])
    mohamad, fatima, fatma = home.members.order_by("pk")
    other = household_make(cast, "lb", members=[spouse(relationship="head", first_name_lat="Fatme")])
    officer = cast["lb_registration_officer"]
    pair = pair_make(run_make(cast, "lb"), fatima, fatma, 0.93)
    pair_decide(actor=officer, pair=pair, decision="same")
    active = merges.merge(actor=officer, survivor=fatima, merged=fatma, reason="Registered twice in one household")
    pending = merges.merge(actor=officer, survivor=fatima, merged=other.members.get(), reason="Registered twice by two agencies")
    return {"cast": cast, "pair": pair, "fatima": fatima, "mohamad": mohamad, "active": active, "pending": pending}


PAGES = [
    ("merge-confirm", "lb_registration_officer", lambda w: reverse("identity:merge_confirm", kwargs={"pair": w["pair"].pk})),
    ("merge-person", "lb_registration_officer", lambda w: reverse("identity:merge_person", kwargs={"pk": w["fatima"].pk})),
    ("merge-detail", "lb_protection_officer", lambda w: reverse("identity:merge_detail", kwargs={"pk": w["pending"].pk})),
    ("merge-decisions", "lb_protection_officer", lambda w: reverse("identity:merge_decisions")),
]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_merge_pages_fit_a_phone_in_both_directions(browser, live_server, committed_db, language):
    from django.conf import settings

    world = _world()
    contexts: dict[str, Any] = {}
    problems: list[str] = []
    try:
        for name, persona, path in PAGES:
            if persona not in contexts:
                context = browser.new_context(**PHONE, locale="ar" if language == "ar" else "en-GB")
                context.add_cookies(
                    [
                        _session_cookie(world["cast"][persona], live_server),
                        {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
                    ]
                )
                contexts[persona] = context.new_page()
            page = contexts[persona]
            response = page.goto(live_server.url + path(world))
            assert response is not None and response.status == 200, f"{name}: {response and response.status}"
            assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
            problems += fit_problems(page, f"{name} ({language})")
            sides = page.locator(".merge-side")
            for n in range(sides.count()):  # both records within the screen (side by side or stacked: identity.css decides)
                box = sides.nth(n).bounding_box()
                assert box and box["x"] >= -1 and box["x"] + box["width"] <= PHONE["viewport"]["width"] + 1, name  # type: ignore[index]
            shot(page, f"phone-{name}-{language}")
    finally:
        for page in contexts.values():
            page.context.close()
    assert not problems, "\n".join(problems)
