"""The duplicate-run pages and the registry search on a phone (390 px wide), in English and Arabic:
nothing scrolls sideways (the run list and the search hits are stacked cards); in the queue a
pair's evidence is folded (open on the pair's own page); a search hit has the household beside
the name and a short "generated" badge.
Screenshots: ``tests/artifacts/phone-identity-*.png``."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.browser.conftest import shot
from tests.browser.test_phone_width import OVERFLOW, PHONE, _session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world() -> dict[str, Any]:
    from sabeel.identity.tests.factories import pair_make, run_make
    from sabeel.registry.tests.factories import head, household_make, spouse
    from sabeel.workgroups.testing import create_cast

    cast = create_cast()
    home = household_make(cast, "lb", members=[head(), spouse()])
    # A head typed in Arabic only: the pair and the search show a generated Latin reading for him.
    latin = {"first_name_lat": "", "father_name_lat": "", "grandfather_name_lat": "", "family_name_lat": ""}
    other = household_make(cast, "lb", members=[head(**latin, date_of_birth="1981")])
    linkage_run = run_make(cast, "lb")
    pair = pair_make(linkage_run, home.members.order_by("pk").first(), other.members.get(), 0.62)
    return {"cast": cast, "run": linkage_run, "pair": pair}


PAGES = [
    ("runs", lambda w: reverse("identity:run_list")),
    ("run", lambda w: reverse("identity:run_detail", args=[w["run"].pk])),
    ("queue", lambda w: reverse("identity:pair_queue", args=[w["run"].pk])),
    ("pair", lambda w: reverse("identity:pair_detail", args=[w["pair"].pk])),
    ("search", lambda w: reverse("registry:search")),
]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_identity_pages_and_search_results_fit_a_phone(browser, live_server, committed_db, language):
    from django.conf import settings

    world = _world()
    context = browser.new_context(**PHONE, locale="ar" if language == "ar" else "en-GB")
    context.add_cookies(
        [
            _session_cookie(world["cast"]["lb_registration_officer"], live_server),
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    page = context.new_page()
    page.set_default_timeout(8_000)
    problems: list[str] = []
    heights: dict[str, int] = {}
    try:
        for name, path in PAGES:
            response = page.goto(live_server.url + path(world))
            assert response is not None and response.status == 200, f"{name}: {response and response.status}"
            assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
            if name == "search":
                page.fill("input[name=query]", "محمد الحريري")
                page.click('[data-testid="search-form"] button[type=submit]')
                page.wait_for_selector('[data-testid="search-table"] tbody tr')
            if name in ("queue", "pair"):
                is_open = page.locator('[data-testid="pair-evidence-box"]').first.evaluate("(el) => el.open")
                assert is_open is (name == "pair"), f"{name}: evidence open={is_open}"
                heights[name] = round(page.locator('[data-testid="pair-card"]').first.bounding_box()["height"])
            if name == "runs":
                runs = page.locator('[data-testid="run-list"]')
                assert runs.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1"), "the run list scrolls sideways"
            measured = page.evaluate(OVERFLOW)
            if measured["scrollWidth"] > measured["innerWidth"]:
                problems.append(f"{name} ({language}): page {measured['scrollWidth']}px wide: {measured['culprits']}")
            shot(page, f"phone-identity-{name}-{language}")
        # The search hits are cards: no sideways scrolling inside the table, the household link
        # on the name's line, the generated reading marked by a short badge (full wording for
        # screen readers and in the title).
        table = page.locator('[data-testid="search-table"]')
        assert table.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1"), "the search table scrolls sideways"
        row = page.locator('[data-testid="search-table"] tbody tr').first
        name_box = row.locator(".hit-name-ar").bounding_box()
        link_box = row.locator('[data-testid="hit-household"]').bounding_box()
        assert name_box and link_box and abs(name_box["y"] - link_box["y"]) < 20, (name_box, link_box)
        badge = page.locator('[data-testid="generated-lat"]').first
        assert badge.locator(".generated-badge").bounding_box()["height"] < 30
        assert "not typed by an officer" in (badge.get_attribute("title") or "") or language == "ar"
    finally:
        context.close()
    # One pair in the queue (evidence folded) stays well under a phone's two screens.
    assert heights["queue"] < 900, heights
    assert not problems, "\n".join(problems)
