"""Every plan from random small instances passes the independent checker with zero inversions; the
bound is never below the best plan found by enumeration (which ignores the order of consent)."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabeel.engines.planning import (
    Crossing,
    DeparturePoint,
    Destination,
    Household,
    Instance,
    check,
    greedy_plan,
    plan,
)

from .conftest import MONDAY


@st.composite
def instances(draw: st.DrawFn, max_households: int = 12, max_days: int = 10, max_crossings: int = 3) -> Instance:
    days = draw(st.integers(1, max_days))
    ncross = draw(st.integers(1, max_crossings))
    crossings = tuple(
        Crossing(f"X{c}", draw(st.integers(0, 12)), frozenset(draw(st.sets(st.integers(0, 6), min_size=1))))
        for c in range(ncross)
    )
    departures = []
    for p in range(draw(st.integers(1, 2))):
        reach = draw(st.lists(st.integers(0, ncross - 1), min_size=1, max_size=3, unique=True))
        departures.append(
            DeparturePoint(f"D{p}", draw(st.integers(0, 14)), draw(st.integers(0, 5)), tuple((f"X{c}", 60 + c) for c in reach))
        )
    destinations = tuple(Destination(f"S{s}", draw(st.integers(0, 12))) for s in range(draw(st.integers(1, 2))))
    households = []
    for n in range(draw(st.integers(0, max_households))):
        first = draw(st.integers(-3, days + 1))
        households.append(
            Household(
                id=f"H{n}",
                size=draw(st.integers(1, 6)),
                departure=draw(st.sampled_from(departures)).id,
                destination=draw(st.sampled_from(destinations)).id,
                earliest=MONDAY + dt.timedelta(days=first),
                latest=MONDAY + dt.timedelta(days=first + draw(st.integers(0, days))),
                eligible_from=MONDAY + dt.timedelta(days=draw(st.integers(-5, days))),
                eligible_until=MONDAY + dt.timedelta(days=draw(st.integers(0, days + 5))),
                priority=draw(st.integers(1, 2)),
                needs_medical_vehicle=draw(st.booleans()),
                consented_on=MONDAY - dt.timedelta(days=draw(st.integers(0, 4))),
            )
        )
    return Instance(MONDAY, days, tuple(households), crossings, tuple(departures), destinations)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_plan_passes_the_checker_with_zero_inversions(inst: Instance) -> None:
    p = plan(inst)
    assert check(inst, p) == []
    assert p.stats.inversions == 0
    assert len(p.placements) + len(p.unplaced) == len(inst.households)
    assert p.stats.upper_bound is not None and p.stats.persons_moved <= p.stats.upper_bound + 1e-6
    base = greedy_plan(inst)
    assert check(inst, base) == []


def _best_by_enumeration(inst: Instance) -> int:
    """The most persons any plan can move, whatever the order of consent."""
    crossings = {c.id: c for c in inst.crossings}
    points = {p.id: p for p in inst.departures}
    reception = {s.id: s.reception for s in inst.destinations}
    options = []
    for h in inst.households:
        mine: list[tuple[int, str] | None] = [None]
        for d in range(inst.days):
            date = inst.start + dt.timedelta(days=d)
            if max(h.earliest, h.eligible_from) <= date <= min(h.latest, h.eligible_until):
                mine += [(d, cid) for cid, _ in points[h.departure].crossings if crossings[cid].is_open(date)]
        options.append(mine)
    best = 0
    for choice in itertools.product(*options):
        load: dict[tuple[str, object, int], int] = {}
        for h, o in zip(inst.households, choice, strict=True):
            if o is None:
                continue
            d, cid = o
            for key in (("x", cid, d), ("s", (h.departure, h.needs_medical_vehicle), d), ("r", h.destination, d)):
                load[key] = load.get(key, 0) + h.size
        ok = True
        for (kind, what, _), persons in load.items():
            if kind == "x":
                cap = crossings[what].capacity  # type: ignore[index]
            elif kind == "s":
                point, medical = what  # type: ignore[misc]
                cap = points[point].medical_seats if medical else points[point].seats
            else:
                cap = reception[what]  # type: ignore[index]
            ok = ok and persons <= cap
        if ok:
            best = max(best, sum(h.size for h, o in zip(inst.households, choice, strict=True) if o is not None))
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_households=5, max_days=3, max_crossings=2))
def test_the_weekly_lp_bound_is_never_below_the_best_plan(inst: Instance) -> None:
    p = plan(inst)
    best = _best_by_enumeration(inst)
    assert p.stats.persons_moved <= best
    assert p.stats.upper_bound is not None and p.stats.upper_bound >= best - 1e-6


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_households=16, max_crossings=3))
def test_every_candidate_plan_passes_the_checker_not_only_the_one_kept(inst: Instance) -> None:
    from sabeel.engines.planning._api import _finish
    from sabeel.engines.planning._improve import improve
    from sabeel.engines.planning._place import sweep
    from sabeel.engines.planning._prepare import prepare

    arr = prepare(inst)
    for deadline_first in (False, True):
        swept = sweep(arr, deadline_first=deadline_first)
        once = improve(arr, swept)
        for candidate in (swept, once, improve(arr, once)):
            made, violations = _finish(inst, arr, candidate, "candidate", None, "not run", [], 0.0)
            assert violations == []
            assert made.stats.inversions == 0


def _crowded(seed: int) -> Instance:
    """Departure points of which half reach a second crossing, crossings tighter than the seats."""
    import random

    rng = random.Random(seed)
    crossings = tuple(Crossing(f"X{c}", rng.randint(4, 14), frozenset(rng.sample(range(7), rng.randint(3, 7)))) for c in range(3))
    departures = tuple(
        DeparturePoint(
            f"D{p}",
            rng.randint(8, 20),
            rng.randint(0, 4),
            ((f"X{p % 3}", 60),) + (((f"X{(p + 1) % 3}", 120),) if p % 2 == 0 else ()),
        )
        for p in range(5)
    )
    destinations = tuple(Destination(f"S{s}", rng.randint(5, 15)) for s in range(3))
    households = []
    for n in range(rng.randint(30, 70)):
        first = rng.randint(0, 6)
        households.append(
            Household(
                id=f"H{n}",
                size=rng.randint(1, 6),
                departure=rng.choice(departures).id,
                destination=rng.choice(destinations).id,
                earliest=MONDAY + dt.timedelta(days=first),
                latest=MONDAY + dt.timedelta(days=first + rng.randint(0, 4)),
                eligible_from=MONDAY - dt.timedelta(days=5),
                eligible_until=MONDAY + dt.timedelta(days=rng.randint(3, 20)),
                priority=rng.randint(1, 2),
                needs_medical_vehicle=rng.random() < 0.1,
                consented_on=MONDAY - dt.timedelta(days=rng.randint(0, 10)),
            )
        )
    return Instance(MONDAY, 8, tuple(households), crossings, departures, destinations)


def test_the_crossing_moves_keep_every_plan_valid_on_crowded_instances() -> None:
    from sabeel.engines.planning._api import _finish
    from sabeel.engines.planning._improve import improve
    from sabeel.engines.planning._place import sweep
    from sabeel.engines.planning._prepare import prepare

    repaired = 0
    for seed in range(60):
        inst = _crowded(seed)
        arr = prepare(inst)
        for deadline_first in (False, True):
            swept = sweep(arr, deadline_first=deadline_first)
            better = improve(arr, swept)
            repaired += int((better.day != swept.day).any())
            for candidate in (swept, better):
                _, violations = _finish(inst, arr, candidate, "candidate", None, "not run", [], 0.0)
                assert violations == []
        assert check(inst, plan(inst)) == []
    assert repaired >= 5  # the moves did happen


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_households=4, max_days=2, max_crossings=3))
def test_the_weekly_lp_bound_holds_when_a_point_reaches_three_crossings(inst: Instance) -> None:
    p = plan(inst)
    best = _best_by_enumeration(inst)
    assert p.stats.persons_moved <= best
    assert p.stats.upper_bound is not None and p.stats.upper_bound >= best - 1e-6
