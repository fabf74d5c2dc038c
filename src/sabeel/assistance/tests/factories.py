"""Returns for the grant stories, written straight as movement rows (the planner's own tests
cover how they are made): a household that boarded (check-in present) and, if asked, arrived."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from sabeel.assistance import services
from sabeel.assistance.models import GrantRule
from sabeel.consent.models import ReturnProgramme
from sabeel.consent.tests.factories import programme_make, today
from sabeel.core import runs
from sabeel.core.actors import system
from sabeel.movements.choices import CheckInStatus, ConfirmationKind, PlanStatus, VehicleClass
from sabeel.movements.models import CheckIn, Confirmation, Placement, Plan, SelfOrganisedReturn, Vehicle
from sabeel.movements.tests.factories import World, world
from sabeel.registry.models import Household
from sabeel.registry.tests.factories import household_make
from sabeel.workgroups.testing import Cast


def programme_with_rule(cast: Cast, group: str = "lb", **rule: Any) -> tuple[ReturnProgramme, GrantRule]:
    programme = programme_make(cast, group)
    values: dict[str, Any] = {"currency": "USD", "per_family": "100", "per_person": "50", **rule}
    return programme, services.grant_rule_create(actor=cast[f"{group}_finance_officer"], programme=programme, **values)


def _plan(cast: Cast, w: World) -> tuple[Plan, Vehicle]:
    group = cast.groups[w.group]
    plan = Plan.objects.filter(working_group=group, status=PlanStatus.APPROVED).first()
    if plan is None:
        run = runs.run_create(actor=system("test"), kind="movements.plan", working_group_id=group.pk)
        plan = Plan.objects.create(
            working_group=group, run=run, status=PlanStatus.APPROVED, start=today(w.group), days=7, approved_at=timezone.now()
        )
    vehicle = Vehicle.objects.filter(plan=plan).first() or Vehicle.objects.create(
        plan=plan, departure_point=w.point, crossing=w.crossing, date=today(w.group), vehicle_class=VehicleClass.STANDARD, number=1, seats=10_000
    )
    return plan, vehicle


def returned(cast: Cast, group: str = "lb", *, arrived: bool = True, household: Household | None = None, **values: Any) -> Household:
    """A household of ``group`` that boarded today and, when ``arrived``, reached its reception."""
    w = world(cast, group)
    plan, vehicle = _plan(cast, w)
    household = household or household_make(cast, group, **values)
    members = list(household.members.values_list("pk", flat=True))
    placement = Placement.objects.create(
        plan=plan,
        household=household,
        date=today(group),
        departure_point=w.point,
        crossing=w.crossing,
        vehicle_class=VehicleClass.STANDARD,
        persons=len(members),
        member_ids=members,
        vehicle=vehicle,
    )
    CheckIn.objects.create(placement=placement, status=CheckInStatus.PRESENT, vehicle=vehicle, persons=len(members))
    if arrived:
        Confirmation.objects.create(placement=placement, kind=ConfirmationKind.CROSSED, at=timezone.now())
        Confirmation.objects.create(placement=placement, kind=ConfirmationKind.ARRIVED, at=timezone.now())
    return household


def self_returned(cast: Cast, group: str = "lb", **values: Any) -> Household:
    household = household_make(cast, group, **values)
    SelfOrganisedReturn.objects.create(household=household, returned_on=today(group) - dt.timedelta(days=3))
    return household
