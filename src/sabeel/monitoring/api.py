"""The monitoring API (mount at ``/api/monitoring``): the visits due to the signed-in monitor,
recording a visit, assigning a household to a monitor, and findings by sub-district."""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from sabeel.core.actors import request_actor
from sabeel.core.permissions import get_visible, require
from sabeel.monitoring import selectors, services
from sabeel.registry.models import Household

router = Router(tags=["monitoring"])


class DueOut(Schema):
    id: int
    household: int
    registration_number: str
    months_after: int
    due_on: dt.date


class VisitIn(Schema):
    visited_on: dt.date
    reached: str
    documents: str = "unknown"
    hlp: str = "unknown"
    services: str = "unknown"
    safety_incident: bool = False
    re_displaced: bool = False
    wish_to_go_back: bool = False
    incidents: list[str] = Field([], max_length=20)


class VisitOut(Schema):
    id: int
    scheduled: int | None
    findings: list[dict[str, Any]]


class AssignIn(Schema):
    monitor_id: int


class AssignOut(Schema):
    id: int
    household: int
    monitor: int


def _household(request: HttpRequest, pk: int, action: str):  # type: ignore[no-untyped-def]
    actor = request_actor(request)
    require(actor, action)
    return actor, get_visible(actor, Household.objects.all(), action, pk=pk)


@router.get("/visits-due", response=list[DueOut])
def visits_due(request: HttpRequest) -> list[DueOut]:
    return [
        DueOut(id=v.pk, household=v.household_id, registration_number=v.household.registration_number, months_after=v.months_after, due_on=v.due_on)
        for v in selectors.visits_due(actor=request_actor(request))[:500]
    ]


@router.post("/households/{pk}/visits", response={201: VisitOut})
def visit_record(request: HttpRequest, pk: int, payload: VisitIn) -> tuple[int, VisitOut]:
    actor, household = _household(request, pk, "monitoring.record")
    visit = services.visit_record(actor=actor, household=household, **payload.dict())
    findings = [{"threshold": t, "finding": f, "observed_on": visit.visited_on.isoformat()} for t, f in services.visit_findings(visit)]
    return 201, VisitOut(id=visit.pk, scheduled=visit.scheduled_id, findings=findings)


@router.post("/households/{pk}/assignments", response={201: AssignOut})
def assign(request: HttpRequest, pk: int, payload: AssignIn) -> tuple[int, AssignOut]:
    actor, household = _household(request, pk, "monitoring.assign")
    row = services.assignment_set(actor=actor, household=household, monitor_id=payload.monitor_id)
    return 201, AssignOut(id=row.pk, household=row.household_id, monitor=row.monitor_id)


class FindingOut(Schema):
    admin_unit: int
    key: str
    name_en: str
    name_ar: str
    level: int
    finding: str
    finding_label: str
    count: int | None = Field(description="households; null when hidden (a small cell outside the working group)")


class EndedOut(Schema):
    ended: int


@router.post("/households/{pk}/assignments/end", response=EndedOut)
def assignment_end(request: HttpRequest, pk: int, payload: AssignIn) -> EndedOut:
    actor, household = _household(request, pk, "monitoring.assign")
    return EndedOut(ended=services.assignment_end(actor=actor, household=household, monitor_id=payload.monitor_id))


@router.get("/findings", response=list[FindingOut])
def findings(request: HttpRequest) -> list[FindingOut]:
    return [FindingOut(**vars(cell)) for cell in selectors.findings_by_area(actor=request_actor(request))]
