"""A movement world for the stories: the built-in crossings open every day with room, a departure
point of the group with routes to its crossings, reception room at Daraa (SY12, the registry's
default destination), and ready families with their movement requests.

Lebanon's point reaches Judaydat Yabus (Masnaa); Jordan's reaches Nasib."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sabeel.consent.tests.factories import ready_family, today
from sabeel.core.actors import system
from sabeel.geo.models import AdminUnit, BorderCrossing
from sabeel.geo.services import crossing_operations_set
from sabeel.movements import services
from sabeel.movements.crossings import crossings_ensure
from sabeel.movements.models import DeparturePoint, Plan
from sabeel.registry.models import Household
from sabeel.workgroups.testing import Cast

CROSSING = {"lb": "sy-judaydat-yabus-border-crossing", "jo": "sy-nasib-border-crossing"}


@dataclass
class World:
    group: str
    point: DeparturePoint
    crossing: BorderCrossing


def world(cast: Cast, group: str = "lb", *, seats: int = 100, vehicle_seats: int = 50, capacity: int = 500, reception: int = 500) -> World:
    from sabeel.registry.tests.factories import gazetteer

    gazetteer()
    crossings = crossings_ensure()
    crossing = crossings[CROSSING[group]]
    crossing_operations_set(actor=system("test"), crossing=crossing, opening_days=range(7), daily_capacity=capacity)
    officer = cast[f"{group}_movement_officer"]
    point = DeparturePoint.objects.filter(working_group=cast.groups[group]).first() or services.departure_point_create(
        actor=officer,
        working_group=cast.groups[group],
        name_en=f"{group.upper()} bus station",
        name_ar="محطة الحافلات",
        seats_per_day=seats,
        medical_seats_per_day=8,
        vehicle_seats=vehicle_seats,
    )
    services.route_set(actor=officer, departure_point=point, crossing=crossing, travel_minutes=90)
    services.reception_capacity_set(
        actor=officer, working_group=cast.groups[group], destination=AdminUnit.objects.get(key="SY12"), persons_per_day=reception
    )
    crossing.refresh_from_db()
    return World(group, point, crossing)


def mover(cast: Cast, w: World, *, earliest: dt.date | None = None, latest: dt.date | None = None, **values: Any) -> Household:
    """A family eligible today (consented 30 days ago, re-confirmed 2 days ago) that asked to leave
    from the world's departure point between ``earliest`` and ``latest`` (today .. +20 days)."""
    household = ready_family(cast, w.group, **values)
    services.movement_request_set(
        actor=cast[f"{w.group}_movement_officer"],
        household=household,
        departure_point=w.point,
        earliest=earliest or today(w.group),
        latest=latest or today(w.group) + dt.timedelta(days=20),
    )
    return household


def planned(cast: Cast, w: World, *, days: int = 14) -> Plan:
    """A draft plan made now (the task runs at once in tests)."""
    run = services.plan_run_start(
        actor=cast[f"{w.group}_movement_officer"], working_group=cast.groups[w.group], start=today(w.group), days=days
    )
    services.plan_run_execute(run_id=run.pk)
    return Plan.objects.get(run=run)


def approved(cast: Cast, w: World, *, days: int = 14) -> Plan:
    return services.plan_approve(actor=cast[f"{w.group}_movement_officer"], plan=planned(cast, w, days=days))
