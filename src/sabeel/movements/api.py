"""The movements API (mount at ``/api/movements``): plan runs (start, progress), plans (review,
approve), a vehicle's manifest, check-in, crossing and arrival confirmations, self-organised
returns. Everything needs ``movement.manage`` in the record's working group."""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from sabeel.core.actors import request_actor
from sabeel.core.permissions import get_visible, require
from sabeel.geo.models import AdminUnit, BorderCrossing
from sabeel.movements import selectors, services
from sabeel.registry.models import Individual
from sabeel.workgroups.models import WorkingGroup

router = Router(tags=["movements"])


class RunIn(Schema):
    start: dt.date
    days: int


class RunOut(Schema):
    id: int
    status: str
    done: int
    total: int | None
    counts: dict[str, int]
    plan: int | None


class PlanOut(Schema):
    id: int
    status: str
    start: dt.date
    days: int
    persons_moved: int
    households_moved: int
    households_total: int
    upper_bound: float | None
    gap: float | None
    inversions: int
    comparable_pairs: int
    solver_status: str
    solver_killed: bool


class UnplacedOut(Schema):
    household: int
    registration_number: str
    reason: str
    reason_text: str


class PlanReviewOut(Schema):
    plan: PlanOut
    unplaced: list[UnplacedOut]
    vehicles: list[int]


class PersonOut(Schema):
    id: int
    name_ar: str
    name_lat: str
    sex: str
    birth_year: int | None


class ManifestRowOut(Schema):
    placement: int
    household: int
    registration_number: str
    withdrawn: bool
    check_in: str
    crossed: bool
    arrived: bool
    people: list[PersonOut]


class ManifestOut(Schema):
    vehicle: int
    date: dt.date
    departure_point: str
    crossing: str
    seats: int
    persons: int
    rows: list[ManifestRowOut]


class CheckInIn(Schema):
    status: Literal["present", "absent", "withdrew"]
    individual: int | None = None
    vehicle: int | None = None


class CheckInOut(Schema):
    id: int
    status: str
    persons: int
    vehicle: int | None
    withdrawal: int | None


class ConfirmIn(Schema):
    kind: Literal["crossed", "arrived"]


class ConfirmOut(Schema):
    id: int
    kind: str
    at: dt.datetime


class SelfReturnIn(Schema):
    returned_on: dt.date
    crossing: int | None = None
    destination: int | None = None


class SelfReturnOut(Schema):
    id: int
    household: int
    returned_on: dt.date
    crossing: int | None
    destination: int | None


def _run_out(run) -> RunOut:  # type: ignore[no-untyped-def]
    plan = getattr(run, "movement_plan", None) if hasattr(run, "movement_plan") else None
    return RunOut(id=run.pk, status=run.status, done=run.done, total=run.total, counts=run.counts or {}, plan=plan.pk if plan else None)


@router.post("/groups/{pk}/runs", response={201: RunOut})
def run_start(request: HttpRequest, pk: int, payload: RunIn) -> tuple[int, RunOut]:
    actor = request_actor(request)
    require(actor, "movement.manage")
    group = get_visible(actor, WorkingGroup.objects.all(), "movement.manage", pk=pk)
    run = services.plan_run_start(actor=actor, working_group=group, start=payload.start, days=payload.days)
    run.refresh_from_db()
    return 201, _run_out(run)


@router.get("/runs/{pk}", response=RunOut)
def run_get(request: HttpRequest, pk: int) -> RunOut:
    return _run_out(selectors.run_get(actor=request_actor(request), pk=pk))


@router.get("/plans/{pk}", response=PlanReviewOut)
def plan_get(request: HttpRequest, pk: int) -> PlanReviewOut:
    actor = request_actor(request)
    plan = selectors.plan_get(actor=actor, pk=pk)
    review = selectors.plan_review(actor=actor, plan=plan)
    return PlanReviewOut(
        plan=PlanOut.from_orm(plan),
        unplaced=[
            UnplacedOut(household=u.household_id, registration_number=u.household.registration_number, reason=u.reason, reason_text=text)
            for u, text in review.unplaced
        ],
        vehicles=[v.pk for v in selectors.vehicles_of(actor=actor, plan=plan)],
    )


@router.post("/plans/{pk}/approve", response=PlanOut)
def plan_approve(request: HttpRequest, pk: int) -> PlanOut:
    actor = request_actor(request)
    plan = services.plan_approve(actor=actor, plan=selectors.plan_get(actor=actor, pk=pk))
    return PlanOut.from_orm(plan)


@router.get("/vehicles/{pk}/manifest", response=ManifestOut)
def manifest(request: HttpRequest, pk: int) -> ManifestOut:
    actor = request_actor(request)
    data = selectors.manifest(actor=actor, vehicle=selectors.vehicle_get(actor=actor, pk=pk))
    v = data.vehicle

    def person(m: Individual) -> PersonOut:
        return PersonOut(
            id=m.pk,
            name_ar=" ".join(p for p in (m.first_name_ar, m.father_name_ar, m.family_name_ar) if p),
            name_lat=" ".join(p for p in (m.first_name_lat, m.father_name_lat, m.family_name_lat) if p),
            sex=m.sex,
            birth_year=m.date_of_birth.year if m.date_of_birth else None,
        )

    return ManifestOut(
        vehicle=v.pk,
        date=v.date,
        departure_point=v.departure_point.local_name,
        crossing=v.crossing.local_name,
        seats=v.seats,
        persons=data.persons,
        rows=[
            ManifestRowOut(
                placement=r.placement.pk,
                household=r.placement.household_id,
                registration_number=r.placement.household.registration_number,
                withdrawn=r.withdrawn,
                check_in=r.check_in,
                crossed=r.crossed,
                arrived=r.arrived,
                people=[person(m) for m in r.members],
            )
            for r in data.rows
        ],
    )


@router.post("/placements/{pk}/check-in", response={201: CheckInOut})
def check_in(request: HttpRequest, pk: int, payload: CheckInIn) -> tuple[int, CheckInOut]:
    actor = request_actor(request)
    placement = selectors.placement_get(actor=actor, pk=pk)
    individual = (
        Individual.objects.filter(pk=payload.individual, household_id=placement.household_id).first() if payload.individual else None
    )
    vehicle = selectors.vehicle_get(actor=actor, pk=payload.vehicle) if payload.vehicle else None
    row = services.check_in(actor=actor, placement=placement, status=payload.status, vehicle=vehicle, individual=individual)
    return 201, CheckInOut(id=row.pk, status=row.status, persons=row.persons, vehicle=row.vehicle_id, withdrawal=row.withdrawal_id)


@router.post("/placements/{pk}/confirm", response={201: ConfirmOut})
def confirm(request: HttpRequest, pk: int, payload: ConfirmIn) -> tuple[int, ConfirmOut]:
    actor = request_actor(request)
    row = services.confirm(actor=actor, placement=selectors.placement_get(actor=actor, pk=pk), kind=payload.kind)
    return 201, ConfirmOut(id=row.pk, kind=row.kind, at=row.at)


@router.post("/households/{pk}/self-organised-return", response={201: SelfReturnOut})
def self_return(request: HttpRequest, pk: int, payload: SelfReturnIn) -> tuple[int, SelfReturnOut]:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk)
    crossing = BorderCrossing.objects.filter(pk=payload.crossing).first() if payload.crossing else None
    destination = AdminUnit.objects.filter(pk=payload.destination).first() if payload.destination else None
    row = services.self_organised_return_record(
        actor=actor, household=household, returned_on=payload.returned_on, crossing=crossing, destination=destination
    )
    return 201, SelfReturnOut(
        id=row.pk, household=household.pk, returned_on=row.returned_on, crossing=row.crossing_id, destination=row.destination_id
    )


class RequestIn(Schema):
    departure_point: int
    earliest: dt.date
    latest: dt.date


class RequestOut(Schema):
    household: int
    departure_point: int
    earliest: dt.date
    latest: dt.date
    priority_tier: int
    needs_medical_vehicle: bool


class FlagsIn(Schema):
    priority_tier: Literal[1, 2, 3]
    needs_medical_vehicle: bool


def _request_out(row) -> RequestOut:  # type: ignore[no-untyped-def]
    return RequestOut(
        household=row.household_id,
        departure_point=row.departure_point_id,
        earliest=row.earliest,
        latest=row.latest,
        priority_tier=row.priority_tier,
        needs_medical_vehicle=row.needs_medical_vehicle,
    )


@router.put("/households/{pk}/request", response=RequestOut)
def request_set(request: HttpRequest, pk: int, payload: RequestIn) -> RequestOut:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk)
    point = get_visible(actor, selectors.departure_points(actor=actor), pk=payload.departure_point)
    row = services.movement_request_set(
        actor=actor, household=household, departure_point=point, earliest=payload.earliest, latest=payload.latest
    )
    return _request_out(row)


@router.put("/households/{pk}/flags", response=RequestOut)
def flags_set(request: HttpRequest, pk: int, payload: FlagsIn) -> RequestOut:
    actor = request_actor(request)
    household = selectors.household_for_flags(actor=actor, pk=pk)
    row = services.movement_flags_set(
        actor=actor, household=household, priority_tier=payload.priority_tier, needs_medical_vehicle=payload.needs_medical_vehicle
    )
    return _request_out(row)


class ClosureIn(Schema):
    date: dt.date
    reason: str


class ClosureOut(Schema):
    id: int
    crossing: int
    date: dt.date
    reason: str


@router.post("/crossings/{pk}/closures", response={201: ClosureOut})
def crossing_closure(request: HttpRequest, pk: int, payload: ClosureIn) -> tuple[int, ClosureOut]:
    """A day the crossing is closed although its weekday is an opening day (``geo.edit``)."""
    actor = request_actor(request)
    require(actor, "geo.edit")
    crossing = get_object_or_404(BorderCrossing, pk=pk)
    row = services.crossing_closure_record(actor=actor, crossing=crossing, date=payload.date, reason=payload.reason)
    return 201, ClosureOut(id=row.pk, crossing=crossing.pk, date=row.date, reason=row.reason)


class DeparturePointIn(Schema):
    name_en: str = ""
    name_ar: str = ""
    seats_per_day: int
    medical_seats_per_day: int = 0
    vehicle_seats: int = 50
    medical_vehicle_seats: int = 8


class DeparturePointOut(Schema):
    id: int
    name_en: str
    name_ar: str
    seats_per_day: int
    medical_seats_per_day: int
    vehicle_seats: int
    medical_vehicle_seats: int


class RouteIn(Schema):
    crossing: int
    travel_minutes: int


class ReceptionIn(Schema):
    destination: int
    persons_per_day: int


class ReceptionOut(Schema):
    destination: int
    persons_per_day: int


@router.post("/groups/{pk}/departure-points", response={201: DeparturePointOut})
def departure_point_create(request: HttpRequest, pk: int, payload: DeparturePointIn) -> tuple[int, DeparturePointOut]:
    actor = request_actor(request)
    require(actor, "movement.manage")
    group = get_visible(actor, WorkingGroup.objects.all(), "movement.manage", pk=pk)
    point = services.departure_point_create(actor=actor, working_group=group, **payload.dict())
    return 201, DeparturePointOut.from_orm(point)


@router.put("/departure-points/{pk}/routes", response=list[RouteIn])
def route_set(request: HttpRequest, pk: int, payload: RouteIn) -> list[RouteIn]:
    actor = request_actor(request)
    point = selectors.point_get(actor=actor, pk=pk)
    crossing = get_object_or_404(BorderCrossing, pk=payload.crossing)
    services.route_set(actor=actor, departure_point=point, crossing=crossing, travel_minutes=payload.travel_minutes)
    return [RouteIn(crossing=r.crossing_id, travel_minutes=r.travel_minutes) for r in point.routes.order_by("pk")]


@router.put("/groups/{pk}/reception", response=ReceptionOut)
def reception_set(request: HttpRequest, pk: int, payload: ReceptionIn) -> ReceptionOut:
    actor = request_actor(request)
    require(actor, "movement.manage")
    group = get_visible(actor, WorkingGroup.objects.all(), "movement.manage", pk=pk)
    destination = get_object_or_404(AdminUnit, pk=payload.destination, country="SY")
    row = services.reception_capacity_set(actor=actor, working_group=group, destination=destination, persons_per_day=payload.persons_per_day)
    return ReceptionOut(destination=row.destination_id, persons_per_day=row.persons_per_day)
