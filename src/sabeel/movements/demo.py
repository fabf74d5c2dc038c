"""Demo data for movements (``make demo``): the built-in crossings with demo opening days and
capacities, a departure point or two per host-country group with their routes, reception room at
the destinations, households made eligible through consents recorded by the group's protection
officer (dated 30 days ago, so that cooling-off has passed, and re-confirmed 2 days ago), their
movement requests (a few flagged by the protection officer), and a plan starting today, made and
approved by the group's movement officer, with its manifests. Works without the reference files.

Idempotent: a group that has a departure point already is left alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from sabeel.core import runs
from sabeel.core.actors import Actor, as_actor
from sabeel.geo.models import AdminUnit
from sabeel.geo.services import crossing_operations_set
from sabeel.movements import services
from sabeel.movements.crossings import crossings_ensure
from sabeel.movements.models import DeparturePoint, Plan
from sabeel.registry.choices import HouseholdStatus, MemberStatus
from sabeel.registry.models import Household, Individual
from sabeel.workgroups.models import WorkingGroup

# (key, opening weekdays with 0 = Monday, persons a day): illustrative, not facts.
OPERATIONS = {
    "sy-judaydat-yabus-border-crossing": (range(6), 400),
    "sy-al-abbudiyah-border-crossing": ((0, 2, 4), 200),
    "sy-ash-shaykh-jabir-border-crossing": ((1, 3), 150),
    "sy-riblah-border-crossing": (range(5), 200),
    "sy-nasib-border-crossing": (range(7), 500),
    "sy-dara-border-crossing": ((1, 3, 6), 150),
}
# group → (English, Arabic, seats a day, medical seats a day, crossing keys)
POINTS = {
    "lb": [
        ("Bekaa departure point (demo)", "نقطة انطلاق البقاع (تجريبي)", 120, 8, ("sy-judaydat-yabus-border-crossing", "sy-riblah-border-crossing")),
        ("Akkar departure point (demo)", "نقطة انطلاق عكار (تجريبي)", 60, 8, ("sy-al-abbudiyah-border-crossing", "sy-ash-shaykh-jabir-border-crossing")),
    ],
    "jo": [
        ("Mafraq departure point (demo)", "نقطة انطلاق المفرق (تجريبي)", 120, 8, ("sy-nasib-border-crossing", "sy-dara-border-crossing")),
    ],
}
HOUSEHOLDS_PER_GROUP = 30
RECEPTION_PER_DAY = 40
HOSTILITIES = "SY07"  # flagged for active hostilities in the demo conditions: not planned here


def _adults(household: Household) -> list[Individual]:
    return [
        m for m in household.members.all() if m.status == MemberStatus.ACTIVE and m.relationship in ("head", "spouse")
    ]


def _candidates(group: WorkingGroup) -> list[Household]:
    """Demo households of two adults (head and spouse) and children under 15, nobody with a
    specific need, with a destination outside the area flagged for hostilities."""
    chosen = []
    child_born_after = dt.date.today().replace(day=1) - dt.timedelta(days=365 * 15)  # noqa: DTZ011 - a demo date
    for household in (
        Household.objects.filter(working_group=group, status=HouseholdStatus.OPEN, destination__isnull=False)
        .exclude(destination__key__startswith=HOSTILITIES)
        .prefetch_related("members")
        .order_by("pk")[:400]
    ):
        members = [m for m in household.members.all() if m.status == MemberStatus.ACTIVE]
        adults = _adults(household)
        # everyone else a child for years to come (an adult child would need a consent of their own)
        children = [m for m in members if m not in adults]
        young = all(m.date_of_birth is not None and m.date_of_birth > child_born_after for m in children)
        if len(adults) == 2 and young and len(members) <= 7 and not any(m.specific_needs for m in members):
            chosen.append(household)
        if len(chosen) >= HOUSEHOLDS_PER_GROUP:
            break
    return chosen


def _consented(officer: Actor, household: Household, today: dt.date) -> None:
    """Counselled and consented 30 days ago, re-confirmed 2 days ago; the consent is dated as if
    recorded on its day (demo history), so the cooling-off is over."""
    from sabeel.conditions.services import information_package_current
    from sabeel.consent import services as consent
    from sabeel.consent.models import ReturnConsent

    adults = _adults(household)
    if household.destination is None:  # _candidates keeps households with a destination only
        return
    package = information_package_current(destination=household.destination, language="ar")
    given = today - dt.timedelta(days=30)
    consent.counselling_record(
        actor=officer, household=household, held_on=given, language="ar", attendees=adults, information_package=package
    )
    zone = ZoneInfo(household.working_group.time_zone or "UTC")
    for person in adults:
        row = consent.consent_record(
            actor=officer, individual=person, given_on=given, free=True, informed=True, express=True, information_package=package
        )
        ReturnConsent.objects.filter(pk=row.pk).update(created_at=dt.datetime.combine(given, dt.time(12), tzinfo=zone))
        consent.reconfirmation_record(actor=officer, individual=person, on=today - dt.timedelta(days=2))


def _programme_in_force(group: WorkingGroup, since: dt.date) -> None:
    """The demo programme has been in force for a while, so the demo consents can be dated back."""
    from sabeel.consent.models import ReturnProgramme
    from sabeel.consent.services import programme_update
    from sabeel.core.actors import system

    programme = ReturnProgramme.objects.filter(working_group=group, is_active=True).first()
    if programme is not None and programme.starts_on > since:
        programme_update(actor=system("demo_load"), programme=programme, changes={"starts_on": since})


def demo_movements_load(*, users: Mapping[str, Any]) -> str:
    """``users``: the cast's users by username (``lb_movement_officer``, ``lb_protection_officer``…)."""
    from sabeel.core.actors import system

    lines = []
    crossings = crossings_ensure()
    for key, (days, capacity) in OPERATIONS.items():
        crossing = crossings.get(key)
        if crossing is not None and crossing.opening_days is None:
            crossing_operations_set(actor=system("demo_load"), crossing=crossing, opening_days=list(days), daily_capacity=capacity)
    lines.append(f"Movements: {len(crossings)} built-in crossings with demo opening days and capacities.")
    for code, points in POINTS.items():
        group = WorkingGroup.objects.filter(code=code).first()
        mover = users.get(f"{code}_movement_officer")
        protector = users.get(f"{code}_protection_officer")
        if group is None or mover is None or protector is None:
            continue
        if DeparturePoint.objects.filter(working_group=group).exists():
            lines.append(f"Movements, {group.name}: already loaded.")
            continue
        officer, protection = as_actor(mover), as_actor(protector)
        today = services.group_today(group)
        _programme_in_force(group, today - dt.timedelta(days=60))
        with transaction.atomic():
            made = []
            for name_en, name_ar, seats, medical, keys in points:
                point = services.departure_point_create(
                    actor=officer, working_group=group, name_en=name_en, name_ar=name_ar,
                    seats_per_day=seats, medical_seats_per_day=medical, vehicle_seats=30, medical_vehicle_seats=8,
                )  # fmt: skip
                for minutes, key in zip((90, 150), keys, strict=False):
                    if key in crossings:
                        services.route_set(actor=officer, departure_point=point, crossing=crossings[key], travel_minutes=minutes)
                made.append(point)
            households = _candidates(group)
            for unit in AdminUnit.objects.filter(pk__in={h.destination_id for h in households}):
                services.reception_capacity_set(actor=officer, working_group=group, destination=unit, persons_per_day=RECEPTION_PER_DAY)
            for i, household in enumerate(households):
                _consented(protection, household, today)
                services.movement_request_set(
                    actor=officer, household=household, departure_point=made[i % len(made)],
                    earliest=today + dt.timedelta(days=0 if i < 6 else i % 9), latest=today + dt.timedelta(days=28),
                )  # fmt: skip
                if i % 10 == 3:
                    services.movement_flags_set(actor=protection, household=household, priority_tier=1, needs_medical_vehicle=i % 20 == 3)
        run = runs.run_create(
            actor=officer, kind=services.RUN_KIND, working_group_id=group.pk,
            params={"start": today.isoformat(), "days": 30, "time_limit": 20.0},
        )  # fmt: skip
        services.plan_run_execute(run_id=run.pk)
        plan = Plan.objects.filter(run=run).first()
        if plan is None:
            lines.append(f"Movements, {group.name}: the demo plan run did not finish.")
            continue
        plan = services.plan_approve(actor=officer, plan=plan)
        lines.append(
            f"Movements, {group.name}: {len(made)} departure points, {len(households)} households made eligible, "
            f"plan {plan.pk} approved: {plan.households_moved} households ({plan.persons_moved} persons) placed, "
            f"{plan.vehicles.count()} vehicles with manifests."
        )
    return "\n".join(lines)
