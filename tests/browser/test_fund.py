"""The reconstruction fund in a browser: the finance officer records a pledge and its cash, the
planner commits it to the Jebel Saman substation, the finance officer pays the implementer and
reports the project completed, and the power service appears on the area conditions page; then
the fund's overview in Arabic on a phone. Screenshots: tests/artifacts/fund-*.png."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest

from sabeel.workgroups.testing import create_cast
from tests.browser.conftest import shot, sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "locale": "ar"}
DAY = "2025-03-01"


@pytest.fixture
def ledger_triggers_off(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The ledger's append-only triggers are lifted for this test; afterwards the fund's tables are
    emptied (as only a database owner could) and the triggers put back, so that Django's flush finds
    nothing the triggers would refuse."""
    from django.apps import apps
    from django.db import connection, transaction

    migration = importlib.import_module("sabeel.fund.migrations.0002_ledger_append_only")
    postgres = connection.vendor == "postgresql"

    def run(statements: list[str]) -> None:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    run(migration.POSTGRES_REVERSE if postgres else migration.SQLITE_REVERSE)
    yield
    with django_db_blocker.unblock(), transaction.atomic():
        for model in apps.get_app_config("fund").get_models(include_auto_created=True):
            model._base_manager.all()._raw_delete(model._base_manager.db)
    run(migration.POSTGRES if postgres else migration.SQLITE)


def test_from_a_pledge_to_a_service_on_the_area_page(ledger_triggers_off, page, browser, live_server, committed_db):
    from sabeel.fund.tests.factories import fund_make

    cast = create_cast()
    fund = fund_make(cast)
    unit = fund["units"]["SY020000"]

    sign_in_with_code(page, live_server, cast["jrg_finance_officer"], then='[data-testid="membership-jrg-finance_officer"]')
    page.goto(f"{live_server.url}/fund/pledges/")
    form = page.locator('[data-testid="pledge-form"]')
    form.locator("select[name=donor]").select_option(str(fund["donor"].pk))
    form.locator("input[name=amount]").fill("5000")
    form.locator("input[name=pledged_on]").fill(DAY)
    form.locator("input[name=sectors][value=power]").check()
    form.locator("input[name=reference]").fill("BROWSER-PLEDGE")
    form.locator("button[type=submit]").click()
    page.wait_for_selector('[data-testid="receipt-form"]')
    page.fill('[data-testid="receipt-form"] input[name=amount]', "2000")
    page.fill('[data-testid="receipt-form"] input[name=received_on]', DAY)
    page.click('[data-testid="receipt-form"] button[type=submit]')
    page.wait_for_selector('[data-testid="pledge-summary"]')
    shot(page, "fund-01-pledge")

    planner_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    planner = planner_context.new_page()
    sign_in_with_code(planner, live_server, cast["jrg_reconstruction_planner"], then='[data-testid="membership-jrg-reconstruction_planner"]')
    planner.goto(f"{live_server.url}/fund/projects/{fund['power'].pk}/")
    planner.locator('[data-testid="commit-form"] select').select_option(index=0)
    planner.fill('[data-testid="commit-form"] input[name=commit-usd]', "1000")
    planner.fill('[data-testid="commit-form"] input[name=commit-on]', DAY)
    planner.click('[data-testid="commit-form"] button[type=submit]')
    planner.wait_for_selector('[data-testid="money"] li')
    shot(planner, "fund-02-committed")
    planner_context.close()

    page.goto(f"{live_server.url}/fund/projects/{fund['power'].pk}/")
    page.locator('[data-testid="disburse-form"] select').select_option(index=0)
    page.fill('[data-testid="disburse-form"] input[name=disburse-usd]', "1000")
    page.fill('[data-testid="disburse-form"] input[name=disburse-on]', DAY)
    page.click('[data-testid="disburse-form"] button[type=submit]')
    page.wait_for_selector('[data-testid="progress-form"]')
    progress = page.locator('[data-testid="progress-form"]')
    progress.locator("input[name=reported_on]").fill(DAY)
    progress.locator("input[name=percent_complete]").fill("100")
    progress.locator("select[name=status]").select_option("completed")
    progress.locator("textarea[name=text]").fill("Substation energised")
    progress.locator("input[name=evidence]").fill("handover-certificate.pdf")
    progress.locator("button[type=submit]").click()
    page.wait_for_selector('[data-testid="project-status"]:has-text("Completed")')
    shot(page, "fund-03-completed")

    page.goto(f"{live_server.url}/conditions/units/{unit.pk}/")
    observed = page.locator('[data-testid="observation-services"]')  # beside the statuses, never one of them
    assert "Power" in observed.inner_text() and fund["power"].code in observed.inner_text()
    shot(page, "fund-04-area-page")

    phone_context = browser.new_context(**PHONE)
    phone = phone_context.new_page()
    sign_in_with_code(phone, live_server, cast["jrg_donor_viewer"], then='[data-testid="membership-jrg-donor_viewer"]')
    phone.goto(f"{live_server.url}/fund/")
    phone.wait_for_selector('[data-testid="fund-totals"]')
    assert phone.evaluate("document.documentElement.dir") == "rtl"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    figures = phone.locator('[data-testid="fund-figures"] > div')
    assert figures.count() == 6 and all(figures.nth(k).is_visible() for k in range(6))  # no sideways scroll to reach one
    shot(phone, "fund-05-donor-phone-ar")
    phone_context.close()
