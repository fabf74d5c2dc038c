"""Frozen synthetic instances for the planning engine's tests and benchmark.

10 crossings, 30 departure points (a third of them can reach a second crossing), 270 destination
sub-districts, a 90-day horizon. Capacities do not grow with the number of households: about
7,000 persons a day can cross when every crossing is open, so 10,000 and 50,000 households are
under-subscribed and 200,000 and 500,000 over-subscribed (crossings, seats and some reception
points binding). Frozen before any tuning: ``TUNING_SEED`` is the seed the planner was tuned on,
``HELD_BACK_SEED`` is never used for tuning (the benchmark reports it in rows of its own).

That default style turned out too easy (greedy 0.37 % below the bound at 200,000): ``style="tight"``
(see ``_tight``) is a second style, frozen before the planner was tuned on it; the default style's
instances are unchanged, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

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


STYLES = ("default", "tight")


def instance(households: int, *, seed: int = TUNING_SEED, style: str = "default") -> Instance:
    """A reproducible instance with ``households`` households drawn with ``seed`` in ``style``
    (``"default"``, unchanged since it was frozen, or ``"tight"``, see ``_tight``)."""
    if style == "tight":
        return _tight(households, seed)
    if style != "default":
        raise ValueError(f"unknown style {style!r}; one of {STYLES}")
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
    rows = _households(
        rng,
        households,
        (dep_ids, dep_weights),
        (dest_ids, dest_weights),
        consented=(-75, 60),
        earliest=(7, 70),
        window=lambda: rng.choice(_WINDOWS),
        valid=lambda: 60 if rng.random() < 0.1 else 120,
        medical=0.04,
    )
    return Instance(
        start=START,
        days=DAYS,
        households=tuple(rows),
        crossings=tuple(crossings),
        departures=tuple(departures),
        destinations=tuple(destinations),
    )


def _households(
    rng: random.Random,
    households: int,
    departures: tuple[list[str], list[float]],
    destinations: tuple[list[str], list[float]],
    *,
    consented: tuple[int, int],
    earliest: tuple[int, int],
    window: Callable[[], int],
    valid: Callable[[], int],
    medical: float,
) -> list[Household]:
    """The households of either style, drawn in one fixed order of calls on ``rng`` (the styles
    differ in their ranges, how a window and a consent's validity are drawn, and the share of
    medical cases)."""
    rows = []
    for n in range(households):
        given = START + dt.timedelta(days=rng.randint(*consented))
        first = given + dt.timedelta(days=rng.randint(*earliest))
        last = first + dt.timedelta(days=window())
        until = given + dt.timedelta(days=valid())
        rows.append(
            Household(
                id=f"H{n:07d}",
                size=rng.choices(_SIZES, _SIZE_WEIGHTS)[0],
                departure=rng.choices(*departures)[0],
                destination=rng.choices(*destinations)[0],
                earliest=first,
                latest=last,
                eligible_from=given + dt.timedelta(days=14),
                eligible_until=until,
                priority=rng.choices((1, 2, 3), (10, 25, 65))[0],
                needs_medical_vehicle=rng.random() < medical,
                consented_on=given,
            )
        )
    return rows


# --- the tight style ------------------------------------------------------------------------------
_TIGHT_OPEN_DAYS = (6, 5, 4, 4, 3, 3, 3, 2, 2, 1)
_TIGHT_WINDOWS = (2, 4, 6, 9, 13, 20, 30, 45)
_TIGHT_WINDOW_WEIGHTS = (12, 14, 15, 14, 12, 12, 11, 10)
_TIGHT_SCALE = 1.6  # persons a day across the crossings, as a share of PERSONS_A_DAY
_NEAR = 0.2  # share of a point with a choice that its nearest crossing is sized for


def _tight(households: int, seed: int) -> Instance:
    """The tight style: over-subscribed at 200,000 and 500,000 households in a way that makes the
    choices matter, frozen before the planner was tuned on it and calibrated ONLY on the greedy
    baseline's gap to the weekly-LP bound (aiming at the issue's 4-7 %).

    - Crossings open 1 to 6 days a week (a shuffled ``_TIGHT_OPEN_DAYS``), carrying more on the days
      they open; about 11,200 persons a day when all are open (1.6 x ``PERSONS_A_DAY``).
    - A third of the departure points reach only their nearest crossing, a third a second one and a
      third two more (farther: 150-360 and 300-600 minutes against 60-200). The crossings are sized
      for a routing that sends 80 % of the travellers of the points with a choice to their farther
      crossings: nearest-crossing-first crowds out the points that have no choice.
    - Many narrow household windows (2, 4, 6, 9 days for more than half), earliest day 14-40 days
      after consent, consent spread over 120 days, consent expiring 45, 60, 90 or 120 days after it,
      so eligibility windows close inside the horizon.
    - 6 % need a medical vehicle; medical seats are 1-3 % of a point's seats (scarce).
    - Reception: Pareto(1.3) destinations sized at 1.1 x the daily flow in all, some binding.

    Calibration (tuning seed, 200,000 households, 1,023,288 persons): weekly-LP bound 639,325
    persons; greedy first come first served moves 595,897, 6.79 % below the bound. The weekly LP was
    made valid for points reaching three crossings (it had used the first two only) and its windows
    narrowed to days a crossing of the point is open, before this calibration."""
    rng = random.Random(f"tight-{seed}")
    dep_weights = [rng.uniform(0.3, 1.7) for _ in range(DEPARTURES)]
    total = sum(dep_weights)
    dep_share = [w / total for w in dep_weights]
    # every departure point reaches two crossings, a third of them three, at different distances
    # a third of the departure points reach only their nearest crossing, a third a second one and
    # a third two more; the crossings are sized for a routing that sends most of the travellers of
    # the points with a choice to their farther crossings (their nearest is the others' only one)
    reach_of: list[list[int]] = []
    for i in range(DEPARTURES):
        others = [c for c in range(CROSSINGS) if c != i % CROSSINGS]
        rng.shuffle(others)
        reach_of.append([i % CROSSINGS, *others[: (0, 2, 1)[i % 3]]])
    crossing_share = [0.0] * CROSSINGS
    for i, share in enumerate(dep_share):
        for k, c in enumerate(reach_of[i]):
            if len(reach_of[i]) == 1:
                crossing_share[c] += share
            else:
                crossing_share[c] += share * (_NEAR if k == 0 else (1 - _NEAR) / (len(reach_of[i]) - 1))
    open_days = list(_TIGHT_OPEN_DAYS)
    rng.shuffle(open_days)
    daily = PERSONS_A_DAY * _TIGHT_SCALE
    crossings = []
    for c in range(CROSSINGS):
        days = frozenset(rng.sample(range(7), open_days[c]))
        capacity = round(daily * crossing_share[c] * rng.uniform(0.8, 1.2) * 7 / (open_days[c] + 2))
        crossings.append(Crossing(id=f"X{c:02d}", capacity=max(50, capacity), weekdays=days))
    departures = []
    for i in range(DEPARTURES):
        minutes = [rng.randint(60, 200), rng.randint(150, 360), rng.randint(300, 600)]
        reach = tuple((crossings[c].id, minutes[k]) for k, c in enumerate(reach_of[i]))
        seats = round(daily * dep_share[i] * rng.uniform(0.75, 1.15))
        departures.append(
            DeparturePoint(
                id=f"D{i:02d}", seats=seats, medical_seats=max(4, round(seats * rng.uniform(0.01, 0.03))), crossings=reach
            )
        )
    dest_weights = [rng.paretovariate(1.3) for _ in range(DESTINATIONS)]
    total = sum(dest_weights)
    destinations = [
        Destination(id=f"S{j:03d}", reception=max(6, round(daily * 1.1 * w / total * rng.uniform(0.5, 1.3))))
        for j, w in enumerate(dest_weights)
    ]
    dep_ids = [d.id for d in departures]
    dest_ids = [d.id for d in destinations]
    rows = _households(
        rng,
        households,
        (dep_ids, dep_weights),
        (dest_ids, dest_weights),
        consented=(-60, 60),
        earliest=(14, 40),
        window=lambda: rng.choices(_TIGHT_WINDOWS, _TIGHT_WINDOW_WEIGHTS)[0],
        valid=lambda: rng.choices((45, 60, 90, 120), (15, 25, 30, 30))[0],
        medical=0.06,
    )
    return Instance(
        start=START,
        days=DAYS,
        households=tuple(rows),
        crossings=tuple(crossings),
        departures=tuple(departures),
        destinations=tuple(destinations),
    )
