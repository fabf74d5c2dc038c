"""After the crossing, in a browser: the movement officer confirms a family's arrival at the bus
page; the finance officer starts a payment run (the arrival makes an entitlement and puts it on a
payment list), imports the provider's result (paid); the registration officer closes the file as
a verified return citing that arrival; a monitor, on a phone, records the first visit (the family
was displaced again), and the finding appears on the destination's conditions page as an observed
entry citing the visit, beside the statuses. Screenshots: ``tests/artifacts/after-crossing-*.png``."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.browser.conftest import shot, sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "locale": "en-GB"}


def _as(browser: Any, live_server: Any, user: Any, **context: Any) -> Any:
    page = browser.new_context(**(context or DESKTOP)).new_page()
    page.set_default_timeout(20_000)
    sign_in_with_code(page, live_server, user, then="body")
    return page


def test_from_an_arrival_to_a_payment_a_verified_return_and_a_monitoring_finding(browser, live_server, committed_db, tmp_path):
    from sabeel.assistance.models import Entitlement, Payment
    from sabeel.assistance.tests.factories import programme_with_rule
    from sabeel.conditions.models import AreaObservation
    from sabeel.consent.tests.factories import today
    from sabeel.monitoring import services as monitoring
    from sabeel.monitoring.models import Visit
    from sabeel.movements import services as movements
    from sabeel.movements.choices import CheckInStatus, ConfirmationKind
    from sabeel.movements.models import Confirmation, Placement
    from sabeel.movements.tests.factories import approved, mover, world
    from sabeel.registry.models import Household
    from sabeel.workgroups.testing import create_cast

    cast = create_cast()
    w = world(cast)
    family = mover(cast, w)
    plan = approved(cast, w)
    placement = Placement.objects.get(plan=plan, household=family)
    officer = cast["lb_movement_officer"]
    movements.check_in(actor=officer, placement=placement, status=CheckInStatus.PRESENT)
    movements.confirm(actor=officer, placement=placement, kind=ConfirmationKind.CROSSED)
    programme, _rule = programme_with_rule(cast)

    # the arrival, confirmed at the bus page (phone width)
    mover_page = _as(browser, live_server, officer, **PHONE)
    mover_page.goto(live_server.url + reverse("movements:check_in_list", kwargs={"pk": w.point.pk}))
    card = f"[data-testid=household-{family.registration_number}]"
    mover_page.click(f"{card} [data-testid=confirm]")
    mover_page.wait_for_selector(f"{card} :text('Arrived')")
    shot(mover_page, "after-crossing-01-arrived")
    mover_page.context.close()
    arrival = Confirmation.objects.get(placement=placement, kind=ConfirmationKind.ARRIVED)

    # the grant: a payment run makes the entitlement and its payment list; the provider's result
    finance = _as(browser, live_server, cast["lb_finance_officer"])
    finance.goto(live_server.url + reverse("assistance:index"))
    finance.click(f"[data-testid=programme-{programme.pk}] [data-testid=run-start]")
    finance.wait_for_selector("[data-testid=payments]")
    entitlement = Entitlement.objects.get(household=family)
    payment = Payment.objects.get(entitlement=entitlement)
    finance.wait_for_selector(f"[data-testid=payment-{payment.pk}]")
    results = tmp_path / "results.csv"
    results.write_text(f"idempotency_key,result,reference\n{payment.idempotency_key},paid,PROVIDER-1\n", encoding="utf-8")
    finance.set_input_files("input[name=file]", str(results))
    finance.click("form[enctype='multipart/form-data'] button[type=submit]")
    outcome = finance.inner_text("[data-testid=results-outcome]")
    assert "Results recorded: 1" in outcome, outcome
    assert "Paid" in finance.inner_text(f"[data-testid=payment-{payment.pk}]")
    shot(finance, "after-crossing-02-paid")
    finance.context.close()
    payment.refresh_from_db()
    assert payment.status == "paid"

    # deregistration as a verified return, citing the arrival
    registrar = _as(browser, live_server, cast["lb_registration_officer"])
    registrar.goto(live_server.url + reverse("registry:household_detail", kwargs={"pk": family.pk}))
    registrar.click("[data-testid=deregistration-link]")
    registrar.check(f"[data-testid=arrival-{arrival.pk}]")
    registrar.click("[data-testid=verified-submit]")
    registrar.wait_for_selector("[data-testid=status]:has-text('verified return')")
    shot(registrar, "after-crossing-03-verified-return")
    family.refresh_from_db()
    assert family.deregistration == "verified" and family.status == "closed"
    assert family.deregistrations.get(to_state="verified").evidence.get("confirmation_id") == arrival.pk

    # the first monitoring visit, on a phone, by the monitor the protection officer assigned
    monitoring.schedule_make()
    monitoring.assignment_set(actor=cast["lb_protection_officer"], household=family, monitor_id=cast["lb_monitor"].pk)
    monitor = _as(browser, live_server, cast["lb_monitor"], **PHONE)
    monitor.goto(live_server.url + reverse("monitoring:index"))
    monitor.click(f"[data-testid=visits-due] a:has-text('{family.registration_number}')")
    monitor.fill("input[name=visited_on]", today().isoformat())
    monitor.check("input[name=reached][value=yes]")
    monitor.check("input[name=re_displaced]")
    width = monitor.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the visit form scrolls sideways at phone width ({width} px)"
    shot(monitor, "after-crossing-04-visit-phone")
    monitor.click("form.stacked button[type=submit]")
    try:
        monitor.wait_for_selector("[data-testid=visits-due]")
    finally:
        shot(monitor, "after-crossing-05-visit-recorded")
    visit = Visit.objects.get(household=family)
    assert visit.re_displaced and visit.monitor_id == cast["lb_monitor"].pk

    # the finding on the destination's conditions page: observed, citing the visit, never a name
    destination = Household.objects.get(pk=family.pk).destination_id
    monitor.context.close()
    reader = registrar  # signed in once: an authenticator code is not taken twice
    reader.goto(f"{live_server.url}/conditions/units/{destination}/")
    shot(reader, "after-crossing-06-area-conditions")
    observed = reader.inner_text("[data-testid=observations]")
    assert f"visit {visit.pk}" in observed and "Displaced again" in observed
    assert family.members.first().first_name_ar not in reader.content()
    assert AreaObservation.objects.filter(cites_type="monitoring.visit", cites_id=str(visit.pk)).exists()
    reader.context.close()
