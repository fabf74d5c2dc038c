"""Migration 0002 keeps the history: every finding of the old ``ObservedFinding`` table becomes an
observed entry of the register citing its visit, none twice (one already written is kept as is)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from sabeel.assistance.tests.factories import returned
from sabeel.conditions.models import AreaObservation
from sabeel.monitoring import services

BEFORE = [("monitoring", "0001_initial")]
AFTER = [("monitoring", "0002_findings_to_area_observations")]


@pytest.mark.usefixtures("committed_db")
def test_old_findings_become_observed_entries_citing_their_visit(cast):
    household = returned(cast)
    services.assignment_set(actor=cast["lb_protection_officer"], household=household, monitor_id=cast["lb_monitor"].pk)
    visit = services.visit_record(actor=cast["lb_monitor"], household=household, visited_on=timezone.localdate(), reached="yes", hlp="no")
    assert AreaObservation.objects.filter(cites_id=str(visit.pk)).count() == 1  # written by today's service
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("monitoring", "ObservedFinding")
    common = {"admin_unit_id": household.destination_id, "as_of": visit.visited_on, "visit_id": visit.pk, "actor_id": "monitoring.findings"}
    old.objects.create(threshold="hlp", finding="not_back_home", **common)  # the same finding: not copied twice
    old.objects.create(threshold="services", finding="services_missing", **common)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    rows = AreaObservation.objects.filter(cites_type="monitoring.visit", cites_id=str(visit.pk))
    assert sorted(rows.values_list("threshold", "text_en", "system_actor")) == [
        ("hlp", "Not back in their home", "monitoring.findings"),
        ("services", "Basic services not found", "monitoring.findings"),
    ]
    assert all(f"Monitoring visit {visit.pk}" in source for source in rows.values_list("source", flat=True))
