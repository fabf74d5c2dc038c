"""Writes of post-return monitoring: the visit schedule (months after arrival), assignments of
households to monitors, visits with their incidents, and the findings they add to the
area-conditions register (``ObservedFinding``, by the system actor ``monitoring.findings``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor, system
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import can, require
from sabeel.core.signals import households_changed
from sabeel.monitoring.models import (
    DEFAULT_MONTHS,
    Answer,
    Incident,
    MonitoringAssignment,
    ObservedFinding,
    ScheduledVisit,
    Severity,
    Visit,
)
from sabeel.registry.models import Household

FINDINGS_ACTOR = "monitoring.findings"


def _fail(field: str, message: str) -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def visit_months() -> tuple[int, ...]:
    """Months after arrival at which a visit is due (``SABEEL_MONITORING_MONTHS``, default 1, 3, 6)."""
    months = tuple(sorted({int(m) for m in getattr(settings, "SABEEL_MONITORING_MONTHS", DEFAULT_MONTHS)}))
    if not months or months[0] < 1 or months[-1] > 60:
        raise ValueError("SABEEL_MONITORING_MONTHS must be months between 1 and 60")
    return months


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def schedule_make(*, working_group_id: int | None = None) -> int:
    """Schedule the visits of every household that arrived (an arrival confirmation) or returned on
    its own; idempotent (one visit per household and month). Returns the visits added."""
    from sabeel.movements.models import Confirmation, SelfOrganisedReturn

    arrivals: dict[int, dt.date] = {}
    confirmations = Confirmation.objects.filter(kind="arrived").select_related("placement")
    returns = SelfOrganisedReturn.objects.all()
    if working_group_id is not None:
        confirmations = confirmations.filter(placement__plan__working_group_id=working_group_id)
        returns = returns.filter(household__working_group_id=working_group_id)
    for c in confirmations:
        arrivals.setdefault(c.placement.household_id, timezone.localdate(c.at))
    for r in returns:
        arrivals.setdefault(r.household_id, r.returned_on)
    rows = [
        ScheduledVisit(household_id=h, arrived_on=day, months_after=m, due_on=_add_months(day, m))
        for h, day in arrivals.items()
        for m in visit_months()
    ]
    before = ScheduledVisit.objects.count()
    ScheduledVisit.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return ScheduledVisit.objects.count() - before


@transaction.atomic
def assignment_set(*, actor: Actor, household: Household, monitor_id: int) -> MonitoringAssignment:
    """Assign a household to a monitor of its working group (a protection officer decides)."""
    from sabeel.workgroups.models import User

    require(actor, "monitoring.assign", household)
    monitor = User.objects.filter(pk=monitor_id).first()
    if monitor is None or not can(as_actor(monitor), "monitoring.record", household):
        raise _fail("monitor", _("Choose a monitor of this household's working group."))
    row, _created = MonitoringAssignment.objects.get_or_create(household=household, monitor=monitor, is_active=True, defaults={"assigned_by_id": as_actor(actor).user_id})
    audit.record(actor=actor, action="monitoring.assigned", target=household, data={"assignment_id": row.pk, "monitor_id": monitor.pk})
    return row


def is_assigned(actor: Actor, household: Household) -> bool:
    user_id = as_actor(actor).user_id
    return user_id is not None and MonitoringAssignment.objects.filter(household=household, monitor_id=user_id, is_active=True).exists()


FINDING_RULES: tuple[tuple[str, str, str], ...] = (
    # (visit field or answer, threshold, finding)
    ("reached", "monitor_access", "not_reached"),
    ("documents", "documentation", "documents_missing"),
    ("hlp", "hlp", "not_back_home"),
    ("services", "services", "services_missing"),
    ("safety_incident", "safety", "incident"),
    ("re_displaced", "movement", "re_displaced"),
)


def _findings(visit: Visit) -> list[tuple[str, str]]:
    found = []
    for field, threshold, finding in FINDING_RULES:
        value = getattr(visit, field)
        if value is True or value == Answer.NO:
            found.append((threshold, finding))
    return found


@transaction.atomic
def visit_record(
    *,
    actor: Actor,
    household: Household,
    visited_on: dt.date,
    reached: str,
    documents: str = Answer.UNKNOWN,
    hlp: str = Answer.UNKNOWN,
    services: str = Answer.UNKNOWN,
    safety_incident: bool = False,
    re_displaced: bool = False,
    wish_to_go_back: bool = False,
    incidents: Sequence[str] = (),
) -> Visit:
    """A monitor's visit to a household assigned to them; its findings go to the register."""
    require(actor, "monitoring.record", household)
    monitor_id = as_actor(actor).user_id
    if monitor_id is None or not is_assigned(actor, household):
        raise _fail("household", _("This household is not assigned to you."))
    if visited_on > timezone.localdate() + dt.timedelta(days=1):
        raise _fail("visited_on", _("The date of the visit cannot be in the future."))
    for name, value in (("reached", reached), ("documents", documents), ("hlp", hlp), ("services", services)):
        if value not in Answer.values:
            raise _fail(name, _("Choose one of the answers."))
    if any(s not in Severity.values for s in incidents):
        raise _fail("incidents", _("Choose the severity of each incident."))
    if incidents and not safety_incident:
        raise _fail("incidents", _("An incident is recorded with a safety incident."))
    scheduled = (
        ScheduledVisit.objects.select_for_update(of=("self",)).filter(household=household, visit__isnull=True, due_on__lte=visited_on + dt.timedelta(days=14)).order_by("due_on").first()
    )
    visit = Visit.objects.create(
        household=household,
        scheduled=scheduled,
        monitor_id=monitor_id,
        visited_on=visited_on,
        reached=reached,
        documents=documents,
        hlp=hlp,
        services=services,
        safety_incident=safety_incident,
        re_displaced=re_displaced,
        wish_to_go_back=wish_to_go_back,
    )
    for severity in incidents:
        Incident.objects.create(visit=visit, severity=severity)
    audit.record(actor=actor, action="monitoring.visit_recorded", target=household, data={"visit_id": visit.pk, "incidents": len(incidents)})
    households_changed([household.pk])  # the funnel's "monitored" stage
    findings_write(visit=visit)
    return visit


def findings_write(*, visit: Visit) -> list[ObservedFinding]:
    """The visit's findings as dated observed rows for the household's destination, written by the
    system actor; idempotent. Nothing of the threshold statuses is touched."""
    unit_id = visit.household.destination_id
    if unit_id is None:
        return []
    rows = [
        ObservedFinding(admin_unit_id=unit_id, threshold=t, finding=f, as_of=visit.visited_on, visit=visit, actor_id=FINDINGS_ACTOR)
        for t, f in _findings(visit)
    ]
    ObservedFinding.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        audit.record(actor=system(FINDINGS_ACTOR), action="monitoring.findings_written", data={"visit_id": visit.pk, "admin_unit_id": unit_id, "findings": len(rows)})
    return list(ObservedFinding.objects.filter(visit=visit))


@transaction.atomic
def incident_follow_up(*, actor: Actor, incident: Incident) -> Incident:
    require(actor, "monitoring.record", incident.visit.household)
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    if current.followed_up_at is not None:
        raise ServiceError(_("This incident was already followed up."))
    current.followed_up_at, current.followed_up_by_id = timezone.now(), as_actor(actor).user_id
    current.save(update_fields=["followed_up_at", "followed_up_by", "updated_at"])
    audit.record(actor=actor, action="monitoring.incident_followed_up", target=current.visit.household, data={"incident_id": current.pk})
    return current

