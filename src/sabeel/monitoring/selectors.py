"""Reads of post-return monitoring. A monitor sees the visits due for the households assigned to
them only; findings by sub-district are counts of households (never a name): exact for the
working group's own people (members with a person-level role in every group counted), and with
every count from 1 to the reports' threshold − 1 hidden for anyone else (coordinators, donor
viewers, auditors, the other aggregate roles), as elsewhere in reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet

from sabeel.core.actors import Actor, as_actor
from sabeel.core.permissions import groups_for, memberships, require, visible_to
from sabeel.core.roles import POLICY, Scope
from sabeel.monitoring.models import FINDING_LABELS, Answer, ScheduledVisit, Visit

__all__ = ["FindingCell", "findings_by_area", "findings_inside", "monitored_households", "visits_due"]

# A visit counts as completed when the monitor reached the household (fully or partly).
COMPLETED = Q(reached__in=(Answer.YES, Answer.PARTLY))


def visits_due(*, actor: Actor) -> QuerySet[ScheduledVisit]:
    require(actor, "monitoring.record")
    user_id = as_actor(actor).user_id
    qs = visible_to(actor, ScheduledVisit.objects.filter(visit__isnull=True), "monitoring.record")
    return qs.filter(household__monitoring_assignments__monitor_id=user_id, household__monitoring_assignments__is_active=True).select_related("household").distinct().order_by("due_on", "pk")


def monitored_households(ids: Iterable[int]) -> dict[int, dt.date]:
    """Household id → the day of its first completed monitoring visit (the monitor reached the
    household, fully or partly), for the households of ``ids`` that had one. For the funnel's
    "monitored" stage; no permission check (the snapshot counts, it shows no row)."""
    wanted = list({int(i) for i in ids})
    rows = Visit.objects.filter(COMPLETED, household_id__in=wanted).values("household_id").annotate(first=Min("visited_on"))
    return {row["household_id"]: row["first"] for row in rows}


# (finding, the visit answers that make it), as ``services.FINDING_RULES`` derives them.
_FINDING_FILTERS: dict[str, Q] = {
    "not_reached": Q(reached=Answer.NO),
    "documents_missing": Q(documents=Answer.NO),
    "not_back_home": Q(hlp=Answer.NO),
    "services_missing": Q(services=Answer.NO),
    "incident": Q(safety_incident=True),
    "re_displaced": Q(re_displaced=True),
}


@dataclass(frozen=True)
class FindingCell:
    """Households of one area with one finding: ``count`` is None when hidden (1 to threshold−1)."""

    admin_unit: int
    key: str
    name_en: str
    name_ar: str
    level: int
    finding: str
    finding_label: str
    count: int | None

    @property
    def suppressed(self) -> bool:
        return self.count is None


def _inside(actor: Actor, groups: set[int]) -> bool:
    """Inside the working group: a person-level role in every group counted, no aggregate role
    in any (a donor viewer inside a group still reads protected figures)."""
    person: set[int] = set()
    for group_id, role in memberships(actor):
        if group_id not in groups:
            continue
        if POLICY[role].scope is Scope.AGGREGATE:
            return False
        person.add(group_id)
    return bool(groups) and person == groups


def findings_inside(*, actor: Actor) -> bool:
    """Does the actor read exact findings (inside the working group of every group counted)?"""
    return _inside(actor, groups_for(actor, "aggregate.view"))


def findings_by_area(*, actor: Actor) -> list[FindingCell]:
    """Households with each finding, per destination sub-district (or the unit recorded, when the
    destination was recorded above that level), from every visit. Inside the working group
    (``_inside``): its own households, exact. Anyone else with ``aggregate.view``: every group's
    households, each count from 1 to the reports' threshold − 1 hidden. Only these cells are
    published (no totals), so no hidden count can be recovered from the others."""
    from sabeel.reports.selectors import threshold  # lazily: reports reads monitoring too

    require(actor, "aggregate.view")
    groups = groups_for(actor, "aggregate.view")
    inside = _inside(actor, groups)
    visits = Visit.objects.filter(household__destination__isnull=False)
    if inside:
        visits = visits.filter(household__working_group_id__in=groups)
    counts = {name: Count("household", distinct=True, filter=condition) for name, condition in _FINDING_FILTERS.items()}
    rows = visits.values(
        "household__destination_id",
        "household__destination__key",
        "household__destination__name_en",
        "household__destination__name_ar",
        "household__destination__level",
    ).annotate(**counts).order_by("household__destination__key")
    limit = threshold()
    cells = []
    for row in rows:
        for finding in _FINDING_FILTERS:
            n = row[finding]
            if not n:
                continue
            shown = n if inside or n >= limit else None
            cells.append(
                FindingCell(
                    admin_unit=row["household__destination_id"],
                    key=row["household__destination__key"],
                    name_en=row["household__destination__name_en"] or row["household__destination__name_ar"],
                    name_ar=row["household__destination__name_ar"] or row["household__destination__name_en"],
                    level=row["household__destination__level"],
                    finding=finding,
                    finding_label=str(FINDING_LABELS[finding]),
                    count=shown,
                )
            )
    return cells
