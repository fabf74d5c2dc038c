"""What monitors find reaches the area's register as observed entries citing the visit, beside the
protection officer's statuses (never replacing one, never clearing the active-hostilities flag),
and the next families are counselled with it. Counts by sub-district are exact inside the working
group and hidden under the threshold outside it. The funnel's "monitored" stage reads the first
completed visit of each household."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from sabeel.assistance.tests.factories import returned
from sabeel.conditions.models import AreaCondition, AreaObservation
from sabeel.conditions.selectors import current_conditions, hostilities_status
from sabeel.conditions.services import area_condition_record, information_package_current
from sabeel.consent import services as consent
from sabeel.consent.tests.factories import family
from sabeel.geo.models import AdminUnit
from sabeel.monitoring import selectors, services
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _visited(cast, group="lb", **answers):
    household = returned(cast, group)
    services.assignment_set(actor=cast[f"{group}_protection_officer"], household=household, monitor_id=cast[f"{group}_monitor"].pk)
    visit = services.visit_record(actor=cast[f"{group}_monitor"], household=household, visited_on=TODAY(), **{"reached": "yes", **answers})
    return household, visit


def test_a_finding_never_replaces_the_status_a_protection_officer_recorded(cast):
    household = returned(cast)
    unit = AdminUnit.objects.get(pk=household.destination_id)
    recorded = area_condition_record(
        actor=cast["lb_protection_officer"], admin_unit=unit, threshold="hlp", status="met", source="HLP working group", as_of=TODAY() - dt.timedelta(days=3),
        text_en="Most homes can be reclaimed", text_ar="يمكن استرداد معظم المنازل",
    )  # fmt: skip
    services.assignment_set(actor=cast["lb_protection_officer"], household=household, monitor_id=cast["lb_monitor"].pk)
    visit = services.visit_record(actor=cast["lb_monitor"], household=household, visited_on=TODAY(), reached="yes", hlp="no")
    hlp = next(c for c in current_conditions(unit) if c.threshold == "hlp")
    assert hlp.entry == recorded and hlp.status == "met"  # newer, yet not a status
    assert list(AreaCondition.objects.values_list("pk", flat=True)) == [recorded.pk]
    observed = AreaObservation.objects.get(cites_type="monitoring.visit", cites_id=str(visit.pk))
    assert (observed.threshold, observed.observed_on, observed.system_actor) == ("hlp", visit.visited_on, "monitoring.findings")
    assert f"Monitoring visit {visit.pk}" in observed.source


def test_a_safety_finding_never_clears_the_active_hostilities_flag(cast):
    household = returned(cast)
    unit = AdminUnit.objects.get(pk=household.destination_id)
    area_condition_record(
        actor=cast["lb_protection_officer"], admin_unit=unit, threshold="safety", status="not_met", active_hostilities=True,
        source="Protection cluster", as_of=TODAY() - dt.timedelta(days=10), text_en="Shelling reported", text_ar="أُبلغ عن قصف",
    )  # fmt: skip
    since = hostilities_status(unit).since
    services.assignment_set(actor=cast["lb_protection_officer"], household=household, monitor_id=cast["lb_monitor"].pk)
    # The family was reached, safe, nothing happened: still no reason to lift the flag.
    services.visit_record(actor=cast["lb_monitor"], household=household, visited_on=TODAY(), reached="yes", documents="yes", hlp="yes", services="yes")
    services.visit_record(actor=cast["lb_monitor"], household=household, visited_on=TODAY(), reached="yes", safety_incident=True, incidents=["low"])
    status = hostilities_status(unit)
    assert status.flagged and status.since == since
    assert AreaObservation.objects.filter(threshold="safety", cites_type="monitoring.visit").count() == 1


def test_counselling_shows_the_next_family_what_monitors_found(cast):
    household, visit = _visited(cast, services="no")
    next_family = family(cast)  # same destination, not yet counselled
    assert next_family.destination_id == household.destination_id
    session = consent.counselling_record(actor=cast["lb_protection_officer"], household=next_family, held_on=TODAY(), language="en")
    observed = session.information_package.content["observed"]
    assert [(o["threshold"], o["text"], o["cites"]) for o in observed] == [("services", "Basic services not found", {"type": "monitoring.visit", "id": str(visit.pk)})]
    assert household.members.first().first_name_ar not in str(session.information_package.content)
    arabic = information_package_current(destination=next_family.destination, language="ar")
    assert arabic.content["observed"][0]["source"] == observed[0]["source"]
    page = sign_in(Client(), cast["lb_protection_officer"]).get(f"/conditions/units/{household.destination_id}/package/en/").content.decode()
    assert 'data-testid="package-observed"' in page and f"Monitoring visit {visit.pk}" in page
    api = sign_in(Client(), cast["lb_registration_officer"]).get(f"/api/conditions/units/{household.destination_id}/current").json()
    assert [(o["threshold"], o["cites_type"], o["cites_id"], o["system_actor"]) for o in api["observed"]] == [
        ("services", "monitoring.visit", str(visit.pk), "monitoring.findings")
    ]
    assert api["observed"][0]["admin_unit"]["id"] == household.destination_id


def test_findings_by_area_exact_inside_the_group_and_suppressed_outside(cast):
    for _ in range(5):
        household, _visit = _visited(cast, re_displaced=True)
    _visited(cast, services="no")
    key = AdminUnit.objects.get(pk=household.destination_id).key

    def counts(persona):
        return {c.finding: c.count for c in selectors.findings_by_area(actor=cast[persona]) if c.key == key}

    for inside in ("lb_protection_officer", "lb_monitor", "lb_registration_officer"):
        assert counts(inside) == {"re_displaced": 5, "services_missing": 1}, inside
        assert selectors.findings_inside(actor=cast[inside])
    for outside in ("lb_coordinator", "lb_donor_viewer", "lb_auditor", "jrg_reconstruction_planner"):
        assert counts(outside) == {"re_displaced": 5, "services_missing": None}, outside
        assert not selectors.findings_inside(actor=cast[outside])
    assert counts("jo_protection_officer") == {}  # inside its own group: Jordan's households only
    page = sign_in(Client(), cast["lb_donor_viewer"]).get("/monitoring/findings/").content.decode()
    assert 'data-testid="suppressed-cell"' in page and 'data-testid="findings-suppressed-note"' in page
    exact = sign_in(Client(), cast["lb_protection_officer"]).get("/monitoring/findings/").content.decode()
    assert 'data-testid="suppressed-cell"' not in exact
    api = sign_in(Client(), cast["lb_coordinator"]).get("/api/monitoring/findings").json()
    assert {(row["finding"], row["count"]) for row in api} == {("re_displaced", 5), ("services_missing", None)}
    assert Client().get("/api/monitoring/findings").status_code == 401


def test_monitored_households_are_those_with_a_completed_visit(cast):
    reached, visit = _visited(cast)
    not_reached, _ = _visited(cast, reached="no")
    never = returned(cast)
    services.visit_record(actor=cast["lb_monitor"], household=reached, visited_on=TODAY() - dt.timedelta(days=2), reached="partly")
    found = selectors.monitored_households([reached.pk, not_reached.pk, never.pk])
    assert found == {reached.pk: visit.visited_on - dt.timedelta(days=2)}
