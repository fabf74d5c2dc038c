"""Permission expectations for the monitoring API (merged by core/tests/test_route_matrix.py)."""

from __future__ import annotations

from typing import Any

from sabeel.core.testing_routes import Scoped
from sabeel.workgroups.testing import Cast


def _household_pk(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.registry.tests.factories import household_make

    return {"pk": household_make(cast, group).pk}


def _assigned_pk(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.monitoring.services import assignment_set
    from sabeel.registry.tests.factories import household_make

    household = household_make(cast, group)
    assignment_set(actor=cast[f"{group}_protection_officer"], household=household, monitor_id=cast[f"{group}_monitor"].pk)
    return {"pk": household.pk}


PAGES: dict[str, Any] = {
    "monitoring:index": Scoped("monitoring.record", "monitor", "registration_officer", group_scoped=False),
    # Every staff role holds aggregate.view: figures, small cells hidden outside the group (test_findings.py).
    "monitoring:findings": Scoped("aggregate.view", "coordinator", None, group_scoped=False),
    "monitoring:visit_record": Scoped("monitoring.record", "monitor", "registration_officer", kwargs=_assigned_pk),
}
API = {
    # The list holds only the monitor's assigned households (none here): the marker is not needed.
    ("get", "/api/monitoring/visits-due"): Scoped("monitoring.record", "monitor", "registration_officer", group_scoped=False),
    # The household is assigned to Lebanon's monitor (one not assigned answers 404: test_narrowing.py).
    ("post", "/api/monitoring/households/{pk}/visits"): Scoped(
        "monitoring.record", "monitor", "registration_officer", kwargs=_assigned_pk, data={"visited_on": "2026-01-01", "reached": "yes"}, ok=201
    ),
    # The body names no monitor of the group: refused (400) after the permission.
    ("post", "/api/monitoring/households/{pk}/assignments"): Scoped(
        "monitoring.assign", "protection_officer", "monitor", kwargs=_household_pk, data={"monitor_id": 0}, ok=400
    ),
    # No monitor is named (0): nothing ends, after the permission.
    ("post", "/api/monitoring/households/{pk}/assignments/end"): Scoped(
        "monitoring.assign", "protection_officer", "monitor", kwargs=_assigned_pk, data={"monitor_id": 0}
    ),
    ("get", "/api/monitoring/findings"): Scoped("aggregate.view", "monitor", None, group_scoped=False),
}
