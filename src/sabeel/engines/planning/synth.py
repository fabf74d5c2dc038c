"""Frozen synthetic instances for the planning engine's tests and benchmark.

10 crossings, 30 departure points (a third of them can reach a second crossing), 270 destination
sub-districts, a 90-day horizon. Capacities do not grow with the number of households: about
7,000 persons a day can cross when every crossing is open, so 10,000 and 50,000 households are
under-subscribed and 200,000 and 500,000 over-subscribed (crossings, seats and some reception
points binding). Frozen before any tuning: ``TUNING_SEED`` is the seed the planner was tuned on,
``HELD_BACK_SEED`` is never used for tuning (the benchmark reports it in rows of its own).
"""

from __future__ import annotations

import datetime as dt
import random

from sabeel.engines.planning._types import Crossing, DeparturePoint, Destination, Household, Instance

TUNING_SEED = 10
HELD_BACK_SEED = 8_675_309
START = dt.date(2027, 1, 4)  # a Monday
DAYS = 90
CROSSINGS = 10
DEPARTURES = 30
DESTINATIONS = 270
PERSONS_A_DAY = 7_000  # crossing capacity summed over the crossings, on a day all are open
_SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
_SIZE_WEIGHTS = (6, 10, 13, 15, 15, 13, 10, 7, 5, 3, 2, 1)
_OPEN_DAYS = (7, 7, 6, 6, 5, 5, 5, 4, 3, 2)
_WINDOWS = (6, 13, 20, 30, 45, 60)


def instance(households: int, *, seed: int = TUNING_SEED) -> Instance:
    """A reproducible instance with ``households`` households drawn with ``seed``."""
    rng = random.Random(seed)
    dep_weights = [rng.uniform(0.3, 1.7) for _ in range(DEPARTURES)]
    total = sum(dep_weights)
    dep_share = [w / total for w in dep_weights]
    primary = [i % CROSSINGS for i in range(DEPARTURES)]
    crossing_share = [0.0] * CROSSINGS
    for i, share in enumerate(dep_share):
        crossing_share[primary[i]] += share
    open_days = list(_OPEN_DAYS)
    rng.shuffle(open_days)
    crossings = []
    for c in range(CROSSINGS):
        days = frozenset(rng.sample(range(7), open_days[c]))
        # a crossing open fewer days carries more on the days it opens
        capacity = round(PERSONS_A_DAY * crossing_share[c] * rng.uniform(0.8, 1.2) * 7 / (open_days[c] + 2))
        crossings.append(Crossing(id=f"X{c:02d}", capacity=max(50, capacity), weekdays=days))
    departures = []
    for i in range(DEPARTURES):
        reach = [(crossings[primary[i]].id, rng.randint(60, 300))]
        if i % 3 == 0:
            reach.append((crossings[(primary[i] + 1 + rng.randrange(CROSSINGS - 1)) % CROSSINGS].id, rng.randint(180, 480)))
        seats = round(PERSONS_A_DAY * dep_share[i] * rng.uniform(0.8, 1.25))
        departures.append(
            DeparturePoint(
                id=f"D{i:02d}", seats=seats, medical_seats=max(8, round(seats * rng.uniform(0.02, 0.06))), crossings=tuple(reach)
            )
        )
    dest_weights = [rng.paretovariate(1.6) for _ in range(DESTINATIONS)]
    total = sum(dest_weights)
    destinations = [
        Destination(id=f"S{j:03d}", reception=max(8, round(PERSONS_A_DAY * 1.3 * w / total * rng.uniform(0.6, 1.4))))
        for j, w in enumerate(dest_weights)
    ]
    dep_ids = [d.id for d in departures]
    dest_ids = [d.id for d in destinations]
    rows = []
    for n in range(households):
        consented = START + dt.timedelta(days=rng.randint(-75, 60))
        earliest = consented + dt.timedelta(days=rng.randint(7, 70))
        latest = earliest + dt.timedelta(days=rng.choice(_WINDOWS))
        until = consented + dt.timedelta(days=60 if rng.random() < 0.1 else 120)
        rows.append(
            Household(
                id=f"H{n:07d}",
                size=rng.choices(_SIZES, _SIZE_WEIGHTS)[0],
                departure=rng.choices(dep_ids, dep_weights)[0],
                destination=rng.choices(dest_ids, dest_weights)[0],
                earliest=earliest,
                latest=latest,
                eligible_from=consented + dt.timedelta(days=14),
                eligible_until=until,
                priority=rng.choices((1, 2, 3), (10, 25, 65))[0],
                needs_medical_vehicle=rng.random() < 0.04,
                consented_on=consented,
            )
        )
    return Instance(
        start=START,
        days=DAYS,
        households=tuple(rows),
        crossings=tuple(crossings),
        departures=tuple(departures),
        destinations=tuple(destinations),
    )
