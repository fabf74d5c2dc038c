"""Reads of post-return monitoring. A monitor sees the visits due for the households assigned to
them only; findings by area are counts (never a name), with cells under the threshold hidden for
anyone outside the working group."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import QuerySet

from sabeel.core.actors import Actor, as_actor
from sabeel.core.permissions import groups_for, require, visible_to
from sabeel.monitoring.models import ObservedFinding, ScheduledVisit

SMALL_CELL = 5


def visits_due(*, actor: Actor) -> QuerySet[ScheduledVisit]:
    require(actor, "monitoring.record")
    user_id = as_actor(actor).user_id
    qs = visible_to(actor, ScheduledVisit.objects.filter(visit__isnull=True), "monitoring.record")
    return qs.filter(household__monitoring_assignments__monitor_id=user_id, household__monitoring_assignments__is_active=True).select_related("household").distinct().order_by("due_on", "pk")


def findings_by_area(*, actor: Actor) -> list[dict[str, Any]]:
    """Findings counted per area and kind. Inside the working group (monitors, protection
    officers) the counts of its own households are exact; for everyone else every count from 1 to
    ``SMALL_CELL - 1`` is hidden (``None``)."""
    require(actor, "aggregate.view")
    own = groups_for(actor, "monitoring.record") | groups_for(actor, "deregistration.presume")
    rows = ObservedFinding.objects.values_list("admin_unit_id", "admin_unit__name_en", "admin_unit__name_ar", "finding")
    if own:
        rows = rows.filter(visit__household__working_group_id__in=own)
    counts: Counter[tuple[int, str, str, str]] = Counter()
    for unit_id, name_en, name_ar, finding in rows:
        counts[(unit_id, name_en or name_ar, name_ar or name_en, finding)] += 1
    out = []
    for (unit_id, name_en, name_ar, finding), n in sorted(counts.items()):
        shown = n if own or n >= SMALL_CELL else None
        out.append({"admin_unit": unit_id, "name_en": name_en, "name_ar": name_ar, "finding": finding, "count": shown})
    return out
