"""A monitor visits a family three months after it came home: the visit is the one scheduled,
its findings go to the area's register as observed rows citing the visit, and the protection
officer's statuses and the active-hostilities flag stay as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.test import Client, override_settings
from django.utils import timezone

from sabeel.assistance.tests.factories import returned
from sabeel.conditions.models import AreaCondition, AreaObservation
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.monitoring import selectors, services
from sabeel.monitoring.models import Incident, ScheduledVisit
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _assigned(cast, group="lb"):
    household = returned(cast, group)
    services.assignment_set(actor=cast[f"{group}_protection_officer"], household=household, monitor_id=cast[f"{group}_monitor"].pk)
    return household


def test_visits_are_scheduled_at_1_3_and_6_months_once(cast):
    household = returned(cast)
    assert services.schedule_make() == 3
    assert services.schedule_make() == 0
    arrived = ScheduledVisit.objects.filter(household=household).first().arrived_on
    assert [(v.months_after, v.due_on) for v in ScheduledVisit.objects.filter(household=household)] == [
        (m, services._add_months(arrived, m)) for m in (1, 3, 6)
    ]
    with override_settings(SABEEL_MONITORING_MONTHS=(2, 12)):
        other = returned(cast)
        services.schedule_make()
        assert list(ScheduledVisit.objects.filter(household=other).values_list("months_after", flat=True)) == [2, 12]


def test_only_an_assigned_monitor_records_a_visit(cast):
    household = returned(cast)
    with pytest.raises(Http404):  # not assigned: to the monitor it is as if it did not exist
        services.visit_record(actor=cast["lb_monitor"], household=household, visited_on=TODAY(), reached="yes")
    with pytest.raises((NotPermitted, Http404)):
        services.assignment_set(actor=cast["lb_monitor"], household=household, monitor_id=cast["lb_monitor"].pk)
    with pytest.raises(ServiceError):  # a registration officer is not a monitor
        services.assignment_set(actor=cast["lb_protection_officer"], household=household, monitor_id=cast["lb_registration_officer"].pk)
    with pytest.raises((NotPermitted, Http404)):
        services.visit_record(actor=cast["jo_monitor"], household=household, visited_on=TODAY(), reached="yes")


def test_findings_are_observed_rows_beside_the_statuses(cast):
    household = _assigned(cast)
    services.schedule_make()
    protection = AreaCondition.objects.create(
        admin_unit_id=household.destination_id, threshold="safety", status="met", active_hostilities=True, source="Protection cluster", as_of=TODAY()
    )
    due = selectors.visits_due(actor=cast["lb_monitor"])
    assert [v.household_id for v in due] == [household.pk] * 3
    assert selectors.visits_due(actor=cast["jo_monitor"]).count() == 0
    visit = services.visit_record(
        actor=cast["lb_monitor"],
        household=household,
        visited_on=TODAY(),
        reached="yes",
        hlp="no",
        safety_incident=True,
        incidents=["high"],
    )
    assert Incident.objects.get(visit=visit).severity == "high"
    findings = set(AreaObservation.objects.filter(cites_type="monitoring.visit", cites_id=str(visit.pk)).values_list("threshold", "text_en", "system_actor", "admin_unit_id"))
    assert findings == {
        ("hlp", "Not back in their home", "monitoring.findings", household.destination_id),
        ("safety", "Safety incident since return", "monitoring.findings", household.destination_id),
    }
    protection.refresh_from_db()
    assert (protection.status, protection.active_hostilities) == ("met", True)
    assert AreaCondition.objects.count() == 1
    row = AuditEntry.objects.get(action="monitoring.findings_written")
    assert row.actor_kind == "system" and row.data["visit_id"] == visit.pk
    first = household.members.first()
    assert first.first_name_ar not in str(row.data)
    services.findings_write(visit=visit)  # idempotent
    assert AreaObservation.objects.filter(cites_id=str(visit.pk)).count() == 2


def test_bad_answers_are_refused(cast):
    household = _assigned(cast)
    for values in ({"reached": "maybe"}, {"reached": "yes", "incidents": ["severe"], "safety_incident": True}, {"reached": "yes", "incidents": ["low"]}):
        with pytest.raises(ServiceError):
            services.visit_record(actor=cast["lb_monitor"], household=household, visited_on=TODAY(), **values)
    with pytest.raises(ServiceError):
        services.visit_record(actor=cast["lb_monitor"], household=household, visited_on=TODAY() + dt.timedelta(days=5), reached="yes")


def test_findings_by_area_exact_inside_suppressed_outside(cast):
    for _ in range(2):
        household = _assigned(cast)
        services.visit_record(actor=cast["lb_monitor"], household=household, visited_on=TODAY(), reached="yes", re_displaced=True)
    inside = selectors.findings_by_area(actor=cast["lb_monitor"])
    assert [r.count for r in inside if r.finding == "re_displaced"] == [2]
    outside = selectors.findings_by_area(actor=cast["lb_donor_viewer"])
    assert [r.count for r in outside if r.finding == "re_displaced"] == [None]
    assert selectors.findings_by_area(actor=cast["jo_monitor"]) == []


def test_api_from_assignment_to_visit(cast):
    household = returned(cast)
    services.schedule_make()
    protection = sign_in(Client(), cast["lb_protection_officer"])
    assert protection.post(f"/api/monitoring/households/{household.pk}/assignments", {"monitor_id": cast["lb_monitor"].pk}, content_type="application/json").status_code == 201
    monitor = sign_in(Client(), cast["lb_monitor"])
    due = monitor.get("/api/monitoring/visits-due").json()
    assert {d["registration_number"] for d in due} == {household.registration_number}
    answer = monitor.post(
        f"/api/monitoring/households/{household.pk}/visits",
        {"visited_on": TODAY().isoformat(), "reached": "yes", "services": "no"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    assert answer.json()["findings"][0]["finding"] == "services_missing"
    assert monitor.get("/api/monitoring/findings").json()[0]["count"] == 1


def test_the_phone_form_records_a_visit(cast):
    household = _assigned(cast)
    services.schedule_make()
    monitor = sign_in(Client(), cast["lb_monitor"])
    page = monitor.get("/monitoring/").content.decode()
    assert household.registration_number in page
    assert monitor.get(f"/monitoring/households/{household.pk}/visit/").status_code == 200
    bad = monitor.post(f"/monitoring/households/{household.pk}/visit/", {"visited_on": TODAY().isoformat(), "reached": "yes", "incident_severity": "high"})
    assert bad.status_code == 400
    answer = monitor.post(
        f"/monitoring/households/{household.pk}/visit/",
        {"visited_on": TODAY().isoformat(), "reached": "yes", "documents": "no", "hlp": "yes", "services": "yes", "safety_incident": "on", "incident_severity": "medium"},
    )
    assert answer.status_code == 302
    assert set(AreaObservation.objects.values_list("text_en", flat=True)) == {"Civil documents missing", "Safety incident since return"}
    other = returned(cast)
    assert monitor.post(f"/monitoring/households/{other.pk}/visit/", {"visited_on": TODAY().isoformat(), "reached": "yes"}).status_code == 404


def test_a_finding_appears_on_the_areas_conditions_page(cast):
    household = _assigned(cast)
    visit = services.visit_record(actor=cast["lb_monitor"], household=household, visited_on=TODAY(), reached="yes", re_displaced=True)
    page = sign_in(Client(), cast["lb_registration_officer"]).get(f"/conditions/units/{household.destination_id}/").content.decode()
    assert 'data-testid="observations"' in page and 'data-testid="cites-visit"' in page
    assert f"visit {visit.pk}" in page and "Displaced again" in page
    assert household.members.first().first_name_ar not in page
