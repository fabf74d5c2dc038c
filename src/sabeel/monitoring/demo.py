"""Post-return monitoring for the demo: in each host group, families who returned on their own one
to seven months ago (most of them to the same destination), their visits scheduled, assigned to
the group's monitor, and visited, with findings. So the monitor has visits due and households to
open, the area page of their destination shows observed entries citing the visits, the findings
page has counts above the threshold (and hidden ones) and the funnel's "monitored" stage has
households. Loaded once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from sabeel.core.actors import as_actor
from sabeel.core.exceptions import ServiceError

GROUPS = ("lb", "jo")
FAMILIES = 12  # per group: 8 to the most common destination, 4 elsewhere
# Answers of each visit, in turn (the first eight go to one destination: five "displaced again"
# there give the findings page a figure every role may read).
ANSWERS: tuple[dict[str, Any], ...] = (
    {"reached": "yes", "re_displaced": True, "services": "no"},
    {"reached": "yes", "re_displaced": True, "hlp": "no"},
    {"reached": "yes", "re_displaced": True, "documents": "no"},
    {"reached": "partly", "re_displaced": True, "wish_to_go_back": True},
    {"reached": "yes", "re_displaced": True, "safety_incident": True, "incidents": ["high"]},
    {"reached": "yes", "documents": "yes", "hlp": "yes", "services": "yes"},
    {"reached": "no"},
    {"reached": "yes", "services": "partly", "hlp": "no"},
    {"reached": "yes", "safety_incident": True, "incidents": ["medium"]},
    {"reached": "yes", "services": "no"},
)
RETURNED_DAYS_AGO = (40, 70, 100, 130, 160, 200)


def _candidates(group: Any) -> list[Any]:
    from sabeel.registry.choices import HouseholdStatus
    from sabeel.registry.models import Household

    households = (
        Household.objects.filter(working_group=group, status=HouseholdStatus.OPEN, destination__isnull=False)
        .filter(movement_placements__isnull=True, self_organised_returns__isnull=True, monitoring_assignments__isnull=True)
        .order_by("pk")
    )
    pool = list(households[:400])
    top = Counter(h.destination_id for h in pool).most_common(1)
    if not top:
        return []
    main = [h for h in pool if h.destination_id == top[0][0]][:8]
    others = [h for h in pool if h.destination_id != top[0][0]][: FAMILIES - len(main)]
    return main + others


def demo_monitoring_load(*, users: Mapping[str, Any]) -> str:
    from sabeel.monitoring import services
    from sabeel.monitoring.models import MonitoringAssignment
    from sabeel.movements.services import self_organised_return_record
    from sabeel.workgroups.models import WorkingGroup

    lines = []
    today = timezone.localdate()
    for code in GROUPS:
        group = WorkingGroup.objects.filter(code=code).first()
        people = [users.get(f"{code}_{role}") for role in ("movement_officer", "protection_officer")]
        monitor_user = users.get(f"{code}_monitor")
        if group is None or monitor_user is None or any(user is None for user in people):
            lines.append(f"Monitoring ({code}): no group or personas; skipped.")
            continue
        mover, protection = (as_actor(user) for user in people)
        monitor = as_actor(monitor_user)
        if MonitoringAssignment.objects.filter(household__working_group=group, household__self_organised_returns__isnull=False).exists():
            lines.append(f"Monitoring ({code}): already loaded.")
            continue
        families = _candidates(group)
        for n, household in enumerate(families):
            returned_on = today - dt.timedelta(days=RETURNED_DAYS_AGO[n % len(RETURNED_DAYS_AGO)])
            self_organised_return_record(actor=mover, household=household, returned_on=returned_on)
        added = services.schedule_make(working_group_id=group.pk)
        visited = 0
        for n, household in enumerate(families):
            services.assignment_set(actor=protection, household=household, monitor_id=monitor_user.pk)
            if n >= len(ANSWERS):
                continue  # assigned, visits due: the monitor's list has something to do
            returned_on = today - dt.timedelta(days=RETURNED_DAYS_AGO[n % len(RETURNED_DAYS_AGO)])
            answers = dict(ANSWERS[n])
            try:
                services.visit_record(actor=monitor, household=household, visited_on=min(today, returned_on + dt.timedelta(days=32)), **answers)
            except ServiceError:
                continue
            visited += 1
        lines.append(f"Monitoring ({code}): {len(families)} families returned on their own, {added} visits scheduled, {visited} recorded with their findings.")
    return "\n".join(lines)
