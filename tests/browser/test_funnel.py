"""From a donor's sign-in (password, then the second factor) to the return funnel: the table with
a suppressed cell and its legend, the chart, and the map of Syria (polygons where the reference
data is loaded, circles at the centroids otherwise); then the same page in Arabic on a phone.
Screenshots: tests/artifacts/funnel-*.png."""

from __future__ import annotations

from itertools import pairwise

import pytest

from sabeel.workgroups.testing import create_cast
from tests.browser.conftest import shot, sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "locale": "ar"}


def _households(cast) -> None:  # type: ignore[no-untyped-def]
    """Lebanon: 8 households from Aleppo, 6 from Homs, 3 from Dar'a (below the threshold)."""
    from sabeel.registry.tests.factories import household_make
    from sabeel.reports.snapshot import refresh_households

    ids = [household_make(cast, "lb", origin=origin).pk for origin, n in (("SY02", 8), ("SY04", 6), ("SY12", 3)) for _ in range(n)]
    refresh_households(ids)


def _polygons() -> bool:
    from django.conf import settings

    from sabeel.core.actors import system
    from sabeel.geo import loader

    if settings.SABEEL_REFERENCE_DIR is None:
        return False  # a fresh machine: centroids only, the map falls back to circles
    loader.geo_load(settings.SABEEL_REFERENCE_DIR, actor=system("test"))
    return True


def test_a_donor_signs_in_and_reads_the_funnel_map_and_a_suppressed_cell(page, browser, live_server, committed_db):
    from django.urls import reverse

    cast = create_cast()
    _households(cast)
    polygons = _polygons()
    donor = cast["lb_donor_viewer"]

    sign_in_with_code(page, live_server, donor, then='[data-testid="membership-lb-donor_viewer"]')
    # The home page loads the headline card (htmx): stage totals, a suppressed one marked, a link.
    card = page.locator('[data-testid="funnel-card-figures"]')
    card.wait_for()
    assert card.locator('[data-testid="provenance"]').count() == 1
    shot(page, "funnel-01-donor-home")
    card.locator('[data-testid="funnel-link"]').click()
    page.wait_for_selector('[data-testid="funnel-table"]')
    assert page.url.startswith(f"{live_server.url}{reverse('reports:funnel')}")

    # Dar'a's three households are below the threshold: a "<5" mark, explained by the legend.
    daraa = page.locator('[data-testid="funnel-table"] tr[data-key="SY12"]')
    assert daraa.locator('[data-testid="suppressed-cell"]').count() >= 1
    assert "3" not in daraa.locator("td").first.inner_text()
    assert page.locator('[data-testid="suppression-legend"]').is_visible()
    shot(page, "funnel-02-donor-table")

    # The map of Syria: every governorate, as polygons or (without the reference data) as circles;
    # the donor maps the registered households (the form's "stage on the map").
    page.select_option("select[name=stage]", "registered")
    page.click('[data-testid="funnel-filters"] button[type=submit]')
    page.wait_for_selector('[data-testid="funnel-table"]')
    assert "stage=registered" in page.url
    page.locator("#map").scroll_into_view_if_needed()
    svg = page.locator('[data-testid="funnel-map"] svg')
    assert svg.is_visible()
    if polygons:
        assert page.locator('[data-testid="funnel-map"] path.map-unit').count() == 14
    else:
        assert page.locator('[data-testid="funnel-map"] circle.map-symbol').count() >= 3
    title = page.locator('[data-testid="funnel-map"] [data-key="SY12"] title').text_content() or ""
    assert "suppressed" in title
    assert "Fatima" not in page.content() and "فاطمة" not in page.content()
    page.locator("#map").screenshot(path=str(_artifact("funnel-03-donor-map")))

    # The same page in Arabic on a phone: right to left, nothing wider than the screen.
    phone = browser.new_context(**PHONE)
    try:
        mobile = phone.new_page()
        mobile.set_default_timeout(15_000)
        # The same signed-in session (a second sign-in in the same 30 s would reuse the one-time code).
        phone.add_cookies([*page.context.cookies(), {"name": "django_language", "value": "ar", "url": live_server.url}])
        mobile.goto(f"{live_server.url}{reverse('reports:funnel')}")
        mobile.wait_for_selector('[data-testid="funnel-table"]')
        assert mobile.locator("html").get_attribute("dir") == "rtl"
        overflow = mobile.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than the phone"
        assert mobile.locator('[data-testid="suppressed-cell"]').first.is_visible()
        # Each area is a card with every stage's figure labelled: the table needs no sideways scroll.
        table = mobile.locator('[data-testid="funnel-table"]')
        sideways = table.evaluate("t => t.closest('.table-scroll').scrollWidth - t.closest('.table-scroll').clientWidth")
        assert sideways <= 1, f"the funnel table scrolls {sideways}px sideways on a phone"
        aleppo = table.locator('tr[data-key="SY02"]')
        label = aleppo.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
        assert label.strip('"') == aleppo.locator("td").first.get_attribute("data-label") != ""
        # One column: the stages read top to bottom in the funnel's order, each the card's full width.
        boxes = aleppo.locator("td").evaluate_all("tds => tds.map(td => td.getBoundingClientRect().toJSON())")
        assert len(boxes) > 1 and len({(round(b["left"]), round(b["right"])) for b in boxes}) == 1, boxes
        assert all(a["bottom"] <= b["top"] + 1 for a, b in pairwise(boxes)), "the stages are not one under the other"
        shot(mobile, "funnel-04-donor-phone-ar")
    finally:
        phone.close()


def _artifact(name: str):  # type: ignore[no-untyped-def]
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"
