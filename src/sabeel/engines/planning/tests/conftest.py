"""Tiny instances written by hand for the planning engine's tests (no database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sabeel.engines.planning import Crossing, DeparturePoint, Destination, Household, Instance

MONDAY = dt.date(2027, 1, 4)


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


def household(
    hid: str,
    size: int,
    *,
    first: int = 0,
    last: int = 6,
    consented: int = -30,
    departure: str = "D1",
    destination: str = "S1",
    priority: int = 3,
    medical: bool = False,
    eligible: tuple[int, int] = (-100, 100),
) -> Household:
    return Household(
        id=hid,
        size=size,
        departure=departure,
        destination=destination,
        earliest=day(first),
        latest=day(last),
        eligible_from=day(eligible[0]),
        eligible_until=day(eligible[1]),
        priority=priority,
        needs_medical_vehicle=medical,
        consented_on=day(consented),
    )


def instance(
    households: Iterable[Household],
    *,
    days: int = 7,
    crossing: int = 100,
    seats: int = 100,
    medical_seats: int = 10,
    reception: int = 100,
    weekdays: frozenset[int] = frozenset(range(7)),
    crossings: tuple[Crossing, ...] | None = None,
    departures: tuple[DeparturePoint, ...] | None = None,
    destinations: tuple[Destination, ...] | None = None,
) -> Instance:
    return Instance(
        start=MONDAY,
        days=days,
        households=tuple(households),
        crossings=crossings or (Crossing("X1", crossing, weekdays),),
        departures=departures or (DeparturePoint("D1", seats, medical_seats, (("X1", 60),)),),
        destinations=destinations or (Destination("S1", reception), Destination("S2", reception)),
    )
