"""Every staff page on a phone (390 px wide), in English and Arabic: the page never scrolls
sideways (a wide table scrolls inside its own container instead), controls are touch-sized, and a
radio button or tick box sits beside its label. Screenshots: ``tests/artifacts/phone-*.png``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sabeel.workgroups.testing import create_cast, sign_in
from tests.browser.conftest import shot
from tests.browser.test_fund import ledger_triggers_off  # noqa: F401  (a fixture: the fund's ledger rows can be flushed)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 1}
# The pages screenshotted (by their short name): a list, a form with radio buttons, a wide table.
SHOTS = {"registry-list", "intention-form", "timeline", "unit-list", "household-detail", "household-form", "audit", "crossing-edit", "household-status", "household-presumed"}
MIN_TOUCH = 44  # px: WCAG 2.5.5 target size, for buttons, selects and text fields


def _world() -> dict[str, Any]:
    """Personas, the gazetteer and below-governorate units with conditions, a programme, a
    household counselled with both adults consenting, its answer about returning, a call-back it
    asked for (a follow-up) and a crossing."""
    from django.utils import timezone

    from sabeel.conditions.tests.factories import places_load
    from sabeel.consent.intentions import intention_record
    from sabeel.consent.services import consent_record, counselling_record, follow_up_callback_request
    from sabeel.consent.tests.factories import family, recorded_on_its_day
    from sabeel.geo.models import AdminUnit, BorderCrossing

    cast = create_cast()
    places = places_load()
    household = family(cast, "lb")
    officer = cast["lb_protection_officer"]
    today = timezone.localdate()
    adults = list(household.members.order_by("pk"))
    counselling_record(actor=officer, household=household, held_on=today - dt.timedelta(days=12), language="ar", attendees=adults)
    for person in adults:
        recorded_on_its_day(
            consent_record(actor=officer, individual=person, free=True, informed=True, express=True, given_on=today - dt.timedelta(days=10))
        )
    intention_record(
        actor=officer,
        household=household,
        hopes_to_return="yes",
        intends_within_12_months="unsure",
        preferred_destination=AdminUnit.objects.get(key="SY12"),
        reasons=["family", "home", "safety_improved"],
        obstacles=["shelter", "documents", "services"],
        go_and_see_interest=True,
    )
    follow_up_callback_request(actor=officer, household=household, individual=adults[0])
    crossing, _ = BorderCrossing.objects.get_or_create(
        key="phone-crossing",
        defaults={"name_en": "Nasib", "name_ar": "نصيب", "syria_unit": AdminUnit.objects.get(key="SY12"), "neighbour_country": AdminUnit.objects.get(key="JO")},
    )
    return {"cast": cast, "household": household, "unit": places["SY020000"], "crossing": crossing, "syria": AdminUnit.objects.get(key="SY")}


Page = tuple[str, str, Callable[[dict[str, Any]], str]]
PAGES: list[Page] = [
    # (short name, persona, path)
    ("registry-list", "lb_registration_officer", lambda w: reverse("registry:household_list")),
    ("registry-search", "lb_registration_officer", lambda w: reverse("registry:search")),
    ("household-form", "lb_registration_officer", lambda w: reverse("registry:household_create")),
    ("household-detail", "lb_registration_officer", lambda w: reverse("registry:household_detail", args=[w["household"].pk])),
    ("household-history", "lb_registration_officer", lambda w: reverse("registry:household_history", args=[w["household"].pk])),
    ("household-edit", "lb_registration_officer", lambda w: reverse("registry:household_edit", args=[w["household"].pk])),
    ("household-status", "lb_registration_officer", lambda w: reverse("registry:household_status", args=[w["household"].pk])),
    ("household-presumed", "lb_protection_officer", lambda w: reverse("registry:household_presumed_return", args=[w["household"].pk])),
    ("member-add", "lb_registration_officer", lambda w: reverse("registry:member_add", args=[w["household"].pk])),
    ("timeline", "lb_protection_officer", lambda w: reverse("consent:timeline", args=[w["household"].pk])),
    ("counselling-form", "lb_protection_officer", lambda w: reverse("consent:counselling_record", args=[w["household"].pk])),
    ("consent-form", "lb_protection_officer", lambda w: reverse("consent:consent_record", args=[w["household"].pk])),
    ("withdrawal-form", "lb_protection_officer", lambda w: reverse("consent:withdrawal_record", args=[w["household"].pk])),
    ("intention-form", "lb_protection_officer", lambda w: reverse("consent:intention_record", args=[w["household"].pk])),
    ("intention-list", "lb_protection_officer", lambda w: reverse("consent:intention_list", args=[w["household"].pk])),
    ("intention-import", "lb_protection_officer", lambda w: reverse("consent:intention_import")),
    ("follow-ups", "lb_protection_officer", lambda w: reverse("consent:follow_up_list")),
    ("programmes", "lb_administrator", lambda w: reverse("consent:programme_list")),
    ("programme-form", "lb_administrator", lambda w: reverse("consent:programme_create")),
    ("unit-list", "lb_registration_officer", lambda w: reverse("geo:admin_unit_list")),
    ("unit-detail", "lb_registration_officer", lambda w: reverse("geo:admin_unit_detail", args=[w['syria'].pk])),
    ("lookup", "lb_registration_officer", lambda w: reverse("geo:admin_unit_lookup")),
    ("crossings", "lb_registration_officer", lambda w: reverse("geo:crossing_list")),
    ("crossing-edit", "lb_movement_officer", lambda w: reverse("geo:crossing_edit", args=[w['crossing'].pk])),
    ("conditions", "lb_registration_officer", lambda w: reverse("conditions:index")),
    ("unit-conditions", "lb_registration_officer", lambda w: reverse("conditions:unit_conditions", args=[w['unit'].pk])),
    ("condition-form", "lb_protection_officer", lambda w: reverse("conditions:condition_record", args=[w['unit'].pk])),
    ("tokens", "lb_registration_officer", lambda w: reverse("core:tokens")),
    ("working-groups", "lb_registration_officer", lambda w: reverse("workgroups:list")),
    ("working-group", "lb_administrator", lambda w: reverse("workgroups:detail", args=[w['household'].working_group_id])),
    ("audit", "jrg_auditor", lambda w: reverse("workgroups:audit")),
]

OVERFLOW = """() => {
  const width = window.innerWidth;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (el.closest('.table-scroll, .table, pre')) continue;
    if (r.right > width + 1 || r.left < -1) culprits.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits: culprits.slice(0, 8)};
}"""

CHOICES_BESIDE_LABELS = """() => {
  const wrong = [];
  for (const input of document.querySelectorAll('main input[type=radio], main input[type=checkbox]')) {
    const label = input.closest('label');
    if (!label || input.offsetParent === null) continue;
    const text = [...label.childNodes].filter(n => n !== input && (n.textContent || '').trim());
    if (!text.length) continue;
    const range = document.createRange();
    range.selectNodeContents(text[0]);
    const t = range.getBoundingClientRect();
    const i = input.getBoundingClientRect();
    // Beside: the box overlaps the first line of its text vertically, and does not sit above it.
    if (i.bottom <= t.top || i.top >= t.bottom) wrong.push(input.name + '=' + input.value);
    // A group of radio buttons is a fieldset named by its legend.
    const group = input.closest('fieldset');
    if (input.type === 'radio' && !(group && group.querySelector(':scope > legend'))) wrong.push(input.name + ' outside a fieldset with a legend');
  }
  return wrong;
}"""

SMALL_CONTROLS = """(min) => {
  const small = [];
  for (const el of document.querySelectorAll('main button, main select, main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), main textarea')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.height < min) small.push(el.tagName.toLowerCase() + '[name=' + (el.name || '') + '] ' + Math.round(r.height));
  }
  return small;
}"""


def fit_problems(page: Any, label: str) -> list[str]:
    """What keeps the page open in ``page`` from fitting a phone: wider than the screen, choices
    away from their labels, controls under the touch size (each a line naming ``label``)."""
    problems = []
    measured = page.evaluate(OVERFLOW)
    if measured["scrollWidth"] > measured["innerWidth"]:
        problems.append(f"{label}: page {measured['scrollWidth']}px wide > {measured['innerWidth']}px: {measured['culprits']}")
    beside = page.evaluate(CHOICES_BESIDE_LABELS)
    if beside:
        problems.append(f"{label}: choices not beside their labels: {beside[:5]}")
    small = page.evaluate(SMALL_CONTROLS, MIN_TOUCH)
    if small:
        problems.append(f"{label}: controls under {MIN_TOUCH}px: {small[:5]}")
    return problems


def _session_cookie(user: Any, live_server: Any) -> dict[str, Any]:
    from django.conf import settings

    client = sign_in(Client(), user)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_staff_page_fits_a_phone_in_both_directions(browser, live_server, committed_db, language):
    from django.conf import settings

    world = _world()
    cast = world["cast"]
    contexts: dict[str, Any] = {}
    problems: list[str] = []
    try:
        for name, persona, path in PAGES:
            if persona not in contexts:
                context = browser.new_context(**PHONE, locale="ar" if language == "ar" else "en-GB")
                context.add_cookies(
                    [_session_cookie(cast[persona], live_server), {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
                )
                contexts[persona] = context.new_page()
            page = contexts[persona]
            response = page.goto(live_server.url + path(world))
            assert response is not None and response.status == 200, f"{name}: {response and response.status}"
            assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
            problems += fit_problems(page, f"{name} ({language})")
            if name in SHOTS:
                shot(page, f"phone-{name}-{language}")
    finally:
        for page in contexts.values():
            page.context.close()
    assert not problems, "\n".join(problems)


STACKED = """(table) => {
  const box = table.closest('.table-scroll');
  const b = box.getBoundingClientRect();
  const rows = [...table.querySelectorAll('tbody tr')];
  const labelled = [...table.querySelectorAll('tbody td[data-label]')];
  return {
    box: box.scrollWidth - box.clientWidth,
    table: table.scrollWidth - table.clientWidth,
    page: document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth,
    rows: rows.length,
    cards: rows.filter(tr => getComputedStyle(tr).display !== 'table-row').length,
    outside: rows.filter(tr => { const r = tr.getBoundingClientRect(); return r.left < b.left - 1 || r.right > b.right + 1; }).length,
    labelled: labelled.length,
    shown: labelled.filter(td => getComputedStyle(td, '::before').content === JSON.stringify(td.dataset.label)).length,
    head: table.querySelector('thead').getBoundingClientRect().height,
  };
}"""


def stacked_problems(page: Any, selector: str, label: str) -> list[str]:
    """What keeps the table at ``selector`` from being a stack of labelled cards on a phone: it (or
    its box, or the page) scrolls sideways, a row is not a card or sticks out of the box, a cell's
    column name is not shown before its value, the column headers still take room."""
    m = page.locator(selector).evaluate(STACKED)
    problems = [f"{label}: {what} scrolls {m[what]}px sideways" for what in ("box", "table", "page") if m[what] > 1]
    if not m["rows"] or m["cards"] != m["rows"] or m["outside"]:
        problems.append(f"{label}: {m['cards']} of {m['rows']} rows are cards, {m['outside']} wider than the box")
    if not m["labelled"] or m["shown"] != m["labelled"]:
        problems.append(f"{label}: {m['shown']} of {m['labelled']} cells show their column's name")
    if m["head"] > 1:
        problems.append(f"{label}: the column headers take {m['head']}px")
    return problems


def _stack_context(browser: Any, live_server: Any, user: Any, language: str = "ar", viewport: dict[str, Any] | None = None) -> Any:
    from django.conf import settings

    options = {**PHONE, "viewport": viewport} if viewport else PHONE
    context = browser.new_context(**options, locale="ar" if language == "ar" else "en-GB")
    context.add_cookies([_session_cookie(user, live_server), {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    return context


TABLE_LABEL = "جدول"  # "Table": a stack-on-phone wrapper's name, true whether it scrolls or not
SCROLL_LABEL = "جدول: مرّر أفقياً لرؤية كل الأعمدة"  # "Table: scroll sideways to see every column"
WRAPPER = "(table) => { const box = table.closest('.table-scroll'); return [box.getAttribute('aria-label'), box.getAttribute('role'), box.tabIndex]; }"


@contextmanager
def _wide_page(browser: Any, live_server: Any, user: Any) -> Iterator[Any]:
    """A page at 1280 px for ``user``, in Arabic, closed afterwards."""
    context = _stack_context(browser, live_server, user, viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def _assert_wide_table(table: Any, name: str) -> None:
    """On a wide screen a stack-on-phone table is still a table, its column headers shown."""
    assert table.locator("tbody tr").first.evaluate("tr => getComputedStyle(tr).display") == "table-row", name
    assert table.locator("thead").is_visible(), name


def test_the_consent_timeline_is_a_card_per_entry_on_a_phone(browser, live_server, committed_db):
    """The timeline on a phone in Arabic: a card per entry, each value after its column's name, a
    consent's print link inside its card, the names of an entry separated by the Arabic comma; the
    household's answers about returning above it are cards too; nothing scrolls sideways. On a wide
    screen both are tables. Each wrapper is named "Table" (it still scrolls on a narrow tablet)."""
    world = _world()
    officer = world["cast"]["lb_protection_officer"]
    url = live_server.url + reverse("consent:timeline", args=[world["household"].pk])
    tables = {"timeline": '[data-testid="timeline"]', "intentions": '[data-testid="intention-rows"] table'}
    context = _stack_context(browser, live_server, officer)
    page = context.new_page()
    try:
        page.goto(url)
        assert page.get_attribute("html", "dir") == "rtl"
        for name, selector in tables.items():
            assert not stacked_problems(page, selector, name)
            assert page.locator(selector).evaluate(WRAPPER) == [TABLE_LABEL, "region", 0], name
        assert not fit_problems(page, "timeline")
        consent = page.locator('[data-testid="timeline"] tr[data-kind="consent"]').first
        link = consent.locator('a[data-testid^="print-consent-"]')
        assert link.is_visible() and consent.evaluate("(tr, a) => tr.contains(a)", link.element_handle())
        assert consent.locator("td.timeline-actions").evaluate("td => getComputedStyle(td).display") != "none"
        empty = page.locator('[data-testid="timeline"] tr[data-kind="counselling"] td.timeline-actions')
        assert empty.evaluate("td => td.childNodes.length === 0 && getComputedStyle(td).display === 'none'")
        who = page.locator('[data-testid="timeline"] tr[data-kind="counselling"] td').nth(2).inner_text()
        assert "، " in who and "," not in who, who  # the two adults counselled, named in Arabic
        assert page.locator('[data-testid="intention-latest"]').is_visible()
        shot(page, "phone-timeline-cards-ar")
    finally:
        context.close()

    with _wide_page(browser, live_server, officer) as page:
        page.goto(url)
        for name, selector in tables.items():
            table = page.locator(selector)
            _assert_wide_table(table, name)
            assert table.evaluate(WRAPPER) == [TABLE_LABEL, "region", 0], name
        shot(page, "desktop-timeline-ar")


def test_the_follow_ups_are_a_card_each_on_a_phone(browser, live_server, committed_db):
    """The protection officers' work queue on a phone in Arabic: a card per follow-up, each value
    after its column's name, its "close" link in the card; the closing form opens inside the card
    and the page still fits. On a wide screen, a table."""
    world = _world()
    officer = world["cast"]["lb_protection_officer"]
    url = live_server.url + reverse("consent:follow_up_list")
    context = _stack_context(browser, live_server, officer)
    page = context.new_page()
    try:
        page.goto(url)
        assert page.get_attribute("html", "dir") == "rtl"
        queue = page.locator('[data-testid="follow-ups"]')
        assert not stacked_problems(page, '[data-testid="follow-ups"]', "follow-ups")
        assert queue.evaluate(WRAPPER) == [TABLE_LABEL, "region", 0]
        assert not fit_problems(page, "follow-ups")
        row = queue.locator("tbody tr").first
        close = row.locator('a[data-testid^="close-"]')
        assert close.is_visible() and row.evaluate("(tr, a) => tr.contains(a)", close.element_handle())
        shot(page, "phone-follow-ups-cards-ar")
        close.click()
        form = row.locator("form")
        form.wait_for()
        assert row.evaluate("(tr, f) => tr.contains(f)", form.element_handle())
        assert not stacked_problems(page, '[data-testid="follow-ups"]', "follow-ups with the form open")
        assert not fit_problems(page, "follow-ups with the form open")
        shot(page, "phone-follow-ups-close-ar")
    finally:
        context.close()

    with _wide_page(browser, live_server, officer) as page:
        page.goto(url)
        _assert_wide_table(page.locator('[data-testid="follow-ups"]'), "follow-ups")
        shot(page, "desktop-follow-ups-ar")


def test_a_wide_table_that_is_not_stacked_scrolls_in_its_own_box_on_a_phone(browser, live_server, committed_db):
    """The gazetteer's admin units (a reference table read across its columns) stay a table on a
    phone: it scrolls within its own box, and says so (its name, a shadow at each hidden edge, the
    keyboard focus); the page itself does not scroll sideways."""
    world = _world()
    context = _stack_context(browser, live_server, world["cast"]["lb_registration_officer"])
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("geo:admin_unit_list"))
        assert page.get_attribute("html", "dir") == "rtl"
        table = page.locator('[data-testid="unit-table"]')
        sizes = table.evaluate(
            "(t) => { const el = t.closest('.table-scroll'); return {scroll: el.scrollWidth, client: el.clientWidth,"
            " overflow: getComputedStyle(el).overflowX, cue: getComputedStyle(el).backgroundImage}; }"
        )
        assert sizes["scroll"] > sizes["client"], "the admin units table is wider than a phone: it must scroll within its box"
        assert sizes["overflow"] == "auto"
        assert sizes["cue"].count("radial-gradient") == 2  # the shadows at both edges
        assert table.evaluate(WRAPPER) == [SCROLL_LABEL, "region", 0]
        assert not fit_problems(page, "unit-list")
    finally:
        context.close()


def test_the_audit_trail_and_the_read_log_are_cards_on_a_phone(browser, live_server, committed_db):
    """The auditor's trail and read log on a phone in Arabic: a card per row, each value (the
    data's pairs too) after its column's name; nothing scrolls sideways. On a wide screen, a table."""
    world = _world()
    cast = world["cast"]
    reader = _stack_context(browser, live_server, cast["lb_protection_officer"])
    try:  # a read of the household's people, for the read log
        reader.new_page().goto(live_server.url + reverse("consent:timeline", args=[world["household"].pk]))
    finally:
        reader.close()
    url = live_server.url + reverse("workgroups:audit")
    context = _stack_context(browser, live_server, cast["lb_auditor"])
    page = context.new_page()
    try:
        for name, query in (("audit", ""), ("read-log", "?log=reads")):
            page.goto(url + query)
            assert page.get_attribute("html", "dir") == "rtl"
            assert page.locator('[data-testid="audit-row"]').count() > 0, name
            assert not stacked_problems(page, "table.audit-table", name)
            assert not fit_problems(page, name)
            shot(page, f"phone-{name}-cards-ar")
    finally:
        context.close()

    context = _stack_context(browser, live_server, cast["lb_auditor"], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(url)
        assert page.locator('[data-testid="audit-row"]').first.evaluate("tr => getComputedStyle(tr).display") == "table-row"
        shot(page, "desktop-audit-ar")
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_error_shows_beside_its_radio_group_on_a_phone(browser, live_server, committed_db, language):
    """The intention form sent without an answer: each unanswered radio group, a fieldset with its
    legend, holds its own error just under its choices."""
    from django.conf import settings

    world = _world()
    context = browser.new_context(**PHONE, locale="ar" if language == "ar" else "en-GB")
    context.add_cookies(
        [_session_cookie(world["cast"]["lb_protection_officer"], live_server), {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("consent:intention_record", args=[world["household"].pk]))
        page.evaluate("document.querySelectorAll('[required]').forEach(el => el.removeAttribute('required'))")
        page.locator("main form button[type=submit]").last.click()
        group = page.locator("fieldset#id_hopes_to_return_group")
        group.locator(".field-errors .errorlist").wait_for()
        assert group.locator(":scope > legend").inner_text().strip()
        error_box = group.locator(".field-errors").bounding_box()
        last_choice = group.locator("label").last.bounding_box()
        assert error_box is not None and last_choice is not None and error_box["y"] >= last_choice["y"]
        assert page.get_attribute("#id_hopes_to_return_0", "aria-invalid") == "true"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"phone-intention-form-errors-{language}")
    finally:
        context.close()


def test_the_household_filters_fold_on_a_phone_and_stay_open_on_a_wide_screen(browser, live_server, committed_db):
    """On a phone the list comes first (the filters fold behind one line); on a wide screen they
    are open; a filter in use keeps them open on a phone too."""
    from django.conf import settings

    world = _world()
    url = live_server.url + reverse("registry:household_list")
    for viewport, path, folded in ((PHONE, "", True), ({"viewport": {"width": 1280, "height": 900}}, "", False), (PHONE, "?status=active", False)):
        context = browser.new_context(**viewport, locale="en-GB")
        officer = world["cast"]["lb_registration_officer"]
        context.add_cookies([_session_cookie(officer, live_server), {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
        page = context.new_page()
        try:
            page.goto(url + path)
            page.wait_for_load_state("load")
            assert page.locator('[data-testid="filter-panel"]').evaluate("d => d.open") is not folded, (viewport, path)
            if folded:
                top = page.locator('[data-testid="household-table"]').evaluate("t => t.getBoundingClientRect().top")
                assert top < PHONE["viewport"]["height"], f"the list starts {top}px down, below the first screen"
        finally:
            context.close()


def _tables_world() -> dict[str, Any]:
    """The phone world, and a row in each of the tables below: a programme with its grant rule, a
    condition recorded for the unit, an agreement with a partner token, a survey import whose rows
    match no household (so its report has entries)."""
    from django.test import TestCase
    from django.utils import timezone

    from sabeel.assistance.tests.factories import programme_with_rule
    from sabeel.conditions.tests.factories import entry
    from sabeel.consent.intention_import import intention_import_start
    from sabeel.sharing.services import agreement_token_create
    from sabeel.sharing.tests.factories import agreement_make

    world = _world()
    cast = world["cast"]
    programme_with_rule(cast, top_ups={"DS": "25", "SM": "40"})
    entry(world["unit"], as_of=timezone.localdate() - dt.timedelta(days=3))
    agreement = agreement_make(cast)
    agreement_token_create(actor=cast["lb_administrator"], agreement=agreement, recipient=cast.organisations["iom"], name="reception desk")
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = intention_import_start(
            actor=cast["lb_registration_officer"],
            working_group=cast.groups["lb"],
            file_name="survey.csv",
            content=b"registration_number,hopes_to_return\nLB-NOBODY-1,yes\n",
        )
    return {**world, "agreement": agreement, "run": run}


# (short name, persona, path, the tables' selectors): tables that are a card per row on a phone.
STACKED_PAGES: list[tuple[str, str, Callable[[dict[str, Any]], str], tuple[str, ...]]] = [
    ("programmes", "lb_administrator", lambda w: reverse("consent:programme_list"), ('[data-testid="programmes"]',)),
    ("grant-rules", "lb_finance_officer", lambda w: reverse("assistance:index"), ('[data-testid="rules"]',)),
    ("crossings", "lb_movement_officer", lambda w: reverse("geo:crossing_list"), ('[data-testid="crossing-table"]',)),
    ("conditions", "lb_protection_officer", lambda w: reverse("conditions:index"), ('[data-testid="condition-units"]',)),
    (
        "unit-conditions",
        "lb_protection_officer",
        lambda w: reverse("conditions:unit_conditions", args=[w["unit"].pk]),
        ('[data-testid="current-conditions"]', '[data-testid="condition-history"]'),
    ),
    ("agreement-tokens", "lb_administrator", lambda w: reverse("sharing:agreement_detail", args=[w["agreement"].pk]), ('[data-testid="tokens"]',)),
    ("intention-import", "lb_registration_officer", lambda w: reverse("consent:intention_import"), ('[data-testid="recent-imports"]',)),
    ("import-report", "lb_registration_officer", lambda w: reverse("consent:intention_import_detail", args=[w["run"].pk]), ('[data-testid="import-report"]',)),
]


def _check_stacked_pages(browser: Any, live_server: Any, world: dict[str, Any], pages: list[Any]) -> None:
    """Each page's tables, on a phone in Arabic as the role that uses it: a card per row, each value
    after its column's name, nothing scrolling sideways, each wrapper named "Table"; on a wide
    screen, tables with their column headers."""
    cast = world["cast"]
    problems: list[str] = []
    for viewport, prefix in ((None, "phone"), ({"width": 1280, "height": 900}, "desktop")):
        contexts: dict[str, Any] = {}
        try:
            for name, persona, path, selectors in pages:
                if persona not in contexts:
                    contexts[persona] = _stack_context(browser, live_server, cast[persona], viewport=viewport).new_page()
                page = contexts[persona]
                response = page.goto(live_server.url + path(world))
                assert response is not None and response.status == 200, f"{name}: {response and response.status}"
                assert page.get_attribute("html", "dir") == "rtl"
                for selector in selectors:
                    table = page.locator(selector)
                    assert table.evaluate(WRAPPER) == [TABLE_LABEL, "region", 0], f"{name} {selector}"
                    if viewport is None:
                        problems += stacked_problems(page, selector, f"{name} {selector}")
                    else:
                        _assert_wide_table(table, f"{name} {selector}")
                if viewport is None:
                    problems += fit_problems(page, name)
                shot(page, f"{prefix}-{name}-cards-ar" if viewport is None else f"{prefix}-{name}-ar")
        finally:
            for page in contexts.values():
                page.context.close()
    assert not problems, "\n".join(problems)


def test_the_programmes_crossings_conditions_tokens_and_imports_are_cards_on_a_phone(browser, live_server, committed_db):
    """Each of these tables, on a phone in Arabic, as the role that uses its page: a card per row,
    each value after its column's name, nothing scrolling sideways; its wrapper named "Table". On a
    wide screen, each is a table with its column headers."""
    _check_stacked_pages(browser, live_server, _tables_world(), STACKED_PAGES)


def _money_world() -> dict[str, Any]:
    """The phone world, and a row in each table below: a movement plan with a day, a vehicle and a
    household it could not place; the joint fund with a pledge, its cash and a portfolio run; an
    agreement and a share under it; a payment list for a returned household (awaiting its result,
    so the reconciliation shows a difference)."""
    from sabeel.assistance import services as assistance
    from sabeel.assistance.models import PaymentList
    from sabeel.assistance.tests.factories import programme_with_rule, returned
    from sabeel.consent.tests.factories import today as movements_today
    from sabeel.fund import services as fund_services
    from sabeel.fund.portfolio import portfolio_run_start
    from sabeel.fund.tests.factories import DAY, fund_make, usd_pledge
    from sabeel.movements.tests.factories import approved, mover
    from sabeel.movements.tests.factories import world as movements_world
    from sabeel.sharing.services import share_record
    from sabeel.sharing.tests.factories import agreement_make

    world = _world()
    cast = world["cast"]
    w = movements_world(cast)
    mover(cast, w)
    start = movements_today("lb") + dt.timedelta(days=40)
    mover(cast, w, earliest=start, latest=start + dt.timedelta(days=5))  # asks for days after the plan's: not placed
    plan = approved(cast, w)
    fund = fund_make(cast)
    pledge = usd_pledge(fund, 5000, sectors=["power"], reference="PHONE-PLEDGE")
    fund_services.receipt_record(actor=fund["finance"], pledge=pledge, amount=2000, received_on=DAY)
    record = portfolio_run_start(actor=fund["planner"], working_group=fund["group"])  # the task runs on commit
    agreement = agreement_make(cast)
    share_record(
        actor=cast["lb_registration_officer"], kind="export", agreement=agreement, recipient=cast.organisations["iom"],
        individual_ids=[1, 2], categories=["names_contacts"],
    )
    programme, _rule = programme_with_rule(cast)
    returned(cast)
    run = assistance.payment_run_start(actor=cast["lb_finance_officer"], programme=programme)  # the task runs on commit
    return {**world, "plan": plan, "portfolio": record, "programme": programme, "plist": PaymentList.objects.get(run=run)}


MONEY_PAGES: list[tuple[str, str, Callable[[dict[str, Any]], str], tuple[str, ...]]] = [
    ("plan", "lb_movement_officer", lambda w: reverse("movements:plan_detail", args=[w["plan"].pk]), ('[data-testid="plan-days"]', '[data-testid="vehicles"]', '[data-testid="unplaced"]')),
    ("ledger", "jrg_finance_officer", lambda w: reverse("fund:ledger"), ('[data-testid="entries"]',)),
    ("projects", "jrg_reconstruction_planner", lambda w: reverse("fund:projects"), ('[data-testid="projects"]',)),
    ("pledges", "jrg_finance_officer", lambda w: reverse("fund:pledges"), ('[data-testid="pledges"]',)),
    ("portfolio", "jrg_reconstruction_planner", lambda w: reverse("fund:portfolio_detail", args=[w["portfolio"].pk]), ('[data-testid="explanations"]',)),
    ("agreements", "lb_administrator", lambda w: reverse("sharing:agreement_list"), ('[data-testid="agreements"]',)),
    ("share-log", "lb_auditor", lambda w: reverse("sharing:share_log"), ('[data-testid="share-log"]',)),
    ("payment-list", "lb_finance_officer", lambda w: reverse("assistance:list_detail", args=[w["plist"].pk]), ('[data-testid="payments"]',)),
    ("reconciliation", "lb_finance_officer", lambda w: reverse("assistance:reconciliation", args=[w["programme"].pk]), ('[data-testid="differences"]',)),
]


@pytest.mark.usefixtures("ledger_triggers_off")
def test_the_plan_fund_sharing_and_payment_tables_are_cards_on_a_phone(browser, live_server, committed_db):
    """A movement plan's days, vehicles and unplaced households; the fund's ledger, projects,
    pledges and a portfolio run's explanations; the agreements and the share log; a payment list
    and its programme's reconciliation: on a phone in Arabic, as the role using each page, a card
    per row with each value after its column's name, nothing scrolling sideways, each wrapper named
    "Table"; on a wide screen, tables with their column headers."""
    _check_stacked_pages(browser, live_server, _money_world(), MONEY_PAGES)


def _account_world() -> dict[str, Any]:
    """The phone world, and a row in each table below: an API token of the registration officer,
    and a second protection officer opening (break-glass) the household assigned to the first."""
    from sabeel.core.roles import Role
    from sabeel.core.services import break_glass_open, case_assign
    from sabeel.core.tokens import api_token_create
    from sabeel.workgroups.models import Membership
    from sabeel.workgroups.testing import _user

    world = _world()
    cast = world["cast"]
    api_token_create(actor=cast["lb_registration_officer"], name="field tablet sync")
    assigned = cast["lb_protection_officer"]
    other = _user("lb_second_protection_officer", display_name="Second protection officer")
    Membership.objects.create(
        user=other, working_group=cast.groups["lb"], role=Role.PROTECTION_OFFICER, organisation=cast.organisations["un"], starts_on=dt.date(2020, 1, 1)
    )
    case_assign(actor=assigned, case=world["household"], officer=assigned)
    break_glass_open(actor=other, case=world["household"], reason="Urgent call at night")
    return world


ACCOUNT_PAGES: list[tuple[str, str, Callable[[dict[str, Any]], str], tuple[str, ...]]] = [
    ("tokens", "lb_registration_officer", lambda w: reverse("core:tokens"), ('[data-testid="tokens"]',)),
    ("home-break-glass", "lb_protection_officer", lambda w: reverse("core:home"), ('[data-testid="break-glass"]',)),
]


def test_the_tokens_break_glass_and_place_lookup_tables_are_cards_on_a_phone(browser, live_server, committed_db):
    """The API tokens, the home page's break-glass openings of one's cases and a place lookup's
    matches: on a phone in Arabic, as the role using each page, a card per row with each value
    after its column's name, nothing scrolling sideways, each wrapper named "Table"; on a wide
    screen, tables with their column headers. (The lookup's query is posted, so it is checked
    here rather than in ACCOUNT_PAGES.)"""
    world = _account_world()
    _check_stacked_pages(browser, live_server, world, ACCOUNT_PAGES)
    selector = '[data-testid="lookup-table"]'
    for viewport in (None, {"width": 1280, "height": 900}):
        context = _stack_context(browser, live_server, world["cast"]["lb_registration_officer"], viewport=viewport)
        try:
            page = context.new_page()
            page.goto(live_server.url + reverse("geo:admin_unit_lookup"))
            page.fill('input[name="query"]', "حلب")
            page.click('form.form button[type="submit"]')
            table = page.locator(selector)
            table.wait_for()
            assert table.locator("tbody tr").count() >= 1
            assert table.evaluate(WRAPPER) == [TABLE_LABEL, "region", 0]
            if viewport is None:
                problems = stacked_problems(page, selector, "lookup") + fit_problems(page, "lookup")
                assert not problems, "\n".join(problems)
                shot(page, "phone-lookup-cards-ar")
            else:
                _assert_wide_table(table, "lookup")
                shot(page, "desktop-lookup-ar")
        finally:
            context.close()
