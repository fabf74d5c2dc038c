"""The checker catches every kind of violation, and its inversion count agrees with a count of the
pairs one by one."""

from __future__ import annotations

import dataclasses
import itertools

from sabeel.engines.planning import (
    Destination,
    Placement,
    Plan,
    PlanSettings,
    Reason,
    Unplaced,
    VehicleClass,
    check,
    fairness,
    plan,
)

from .conftest import day, household, instance

BASE = [
    household("A", 3, first=0, last=3, consented=-30),
    household("B", 3, first=1, last=3, consented=-20),
    household("M", 2, first=0, last=3, medical=True),
]


def _valid() -> tuple[object, Plan]:
    inst = instance(BASE, days=4, crossing=10)
    return inst, plan(inst, PlanSettings(solve_bound=False))


def _with(p: Plan, placements: list[Placement], unplaced: list[Unplaced] | None = None) -> Plan:
    return dataclasses.replace(p, placements=tuple(placements), unplaced=tuple(unplaced if unplaced is not None else p.unplaced))


def _kinds(inst, p) -> set[str]:  # type: ignore[no-untyped-def]
    return {v.kind for v in check(inst, p)}


def _move(p: Plan, hid: str, **changes: object) -> Plan:
    return _with(p, [dataclasses.replace(x, **changes) if x.household_id == hid else x for x in p.placements])  # type: ignore[arg-type]


def test_the_planners_plan_is_clean():
    inst, p = _valid()
    assert check(inst, p) == []  # type: ignore[arg-type]


def test_each_placement_rule_is_checked():
    inst, p = _valid()
    assert _kinds(inst, _move(p, "A", date=day(9))) >= {"outside_horizon", "window"}
    assert _kinds(inst, _move(p, "B", date=day(0))) == {"window"}
    assert _kinds(inst, _move(p, "A", departure="D9")) >= {"departure", "route"}
    assert _kinds(inst, _move(p, "A", crossing="X9")) == {"route"}
    assert _kinds(inst, _move(p, "M", vehicle=VehicleClass.STANDARD)) == {"vehicle"}
    assert _kinds(inst, _move(p, "A", vehicle=VehicleClass.MEDICAL)) == {"vehicle"}


def test_eligibility_and_closed_crossings_are_checked():
    inst = instance([household("A", 2, first=0, last=6, eligible=(0, 2))], weekdays=frozenset({0, 1, 2, 3, 4}))
    p = plan(inst, PlanSettings(solve_bound=False))
    assert check(inst, p) == []
    assert _kinds(inst, _move(p, "A", date=day(3))) == {"eligibility"}
    assert _kinds(inst, _move(p, "A", date=day(5))) == {"eligibility", "crossing_closed"}


def test_capacities_are_checked():
    inst = instance(BASE, days=4, crossing=4, seats=100, reception=100)
    p = plan(inst, PlanSettings(solve_bound=False))
    both = [Placement("A", day(1), "D1", "X1", VehicleClass.STANDARD), Placement("B", day(1), "D1", "X1", VehicleClass.STANDARD)]
    rest = [x for x in p.placements if x.household_id not in {"A", "B"}]
    assert _kinds(inst, _with(p, rest + both, [])) == {"crossing_capacity"}
    inst = instance(BASE, days=4, crossing=100, seats=5, reception=100)
    assert _kinds(inst, _with(p, rest + both, [])) == {"seat_capacity"}
    inst = instance(BASE, days=4, crossing=100, seats=100, medical_seats=1)
    assert "seat_capacity" in _kinds(inst, p)
    inst = instance(BASE, days=4, destinations=(Destination("S1", 5), Destination("S2", 5)))
    assert _kinds(inst, _with(p, rest + both, [])) == {"reception_capacity"}


def test_every_household_is_placed_once_or_explained_once():
    inst, p = _valid()
    first = p.placements[0]
    assert _kinds(inst, _with(p, [*p.placements, first])) == {"placed_twice"}
    assert _kinds(inst, _with(p, list(p.placements[1:]))) == {"missing"}
    assert _kinds(inst, _with(p, list(p.placements), [Unplaced(first.household_id, Reason.SEATS_FULL)])) == {"placed_and_unplaced"}
    stranger = Placement("Z", day(0), "D1", "X1", VehicleClass.STANDARD)
    assert _kinds(inst, _with(p, [*p.placements, stranger])) == {"unknown_household"}


def test_an_inversion_and_a_false_count_are_caught():
    # A (3, earlier) could go on day 1 where B (3) goes; putting A on day 3 instead is an inversion.
    inst, p = _valid()
    moved = _move(_move(p, "A", date=day(3)), "B", date=day(1))
    kinds = _kinds(inst, moved)
    assert "inversion" in kinds
    assert fairness(inst, moved).inversions == 1  # type: ignore[arg-type]
    lying = dataclasses.replace(p, stats=dataclasses.replace(p.stats, comparable_pairs=p.stats.comparable_pairs + 1))
    assert _kinds(inst, lying) == {"stats"}


def _pairs_one_by_one(inst, p) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    """The definition, pair by pair."""
    placed = {x.household_id: x for x in p.placements}
    rec = {s.id: {day(d): s.reception for d in range(inst.days)} for s in inst.destinations}
    hh = {h.id: h for h in inst.households}
    for x in p.placements:
        rec[hh[x.household_id].destination][x.date] -= hh[x.household_id].size
    inv = cmp = strict_inv = strict_cmp = 0
    for a, b in itertools.permutations(inst.households, 2):
        if b.id not in placed:
            continue
        d = placed[b.id].date
        if not (
            a.consented_on < b.consented_on
            and (a.priority, a.departure, a.needs_medical_vehicle) == (b.priority, b.departure, b.needs_medical_vehicle)
            and a.size <= b.size
            and max(a.earliest, a.eligible_from, inst.start) <= d <= min(a.latest, a.eligible_until, inst.end)
        ):
            continue
        later = a.id not in placed or placed[a.id].date > d
        strict_cmp += 1
        strict_inv += later
        if a.destination == b.destination or rec[a.destination][d] >= a.size:
            cmp += 1
            inv += later
    return inv, cmp, strict_inv, strict_cmp


def test_the_fast_count_agrees_with_the_definition_pair_by_pair():
    hh = [
        household(f"H{i}", 1 + (i * 7) % 5, first=i % 3, last=2 + i % 4, consented=-i % 6, destination=f"S{1 + i % 2}")
        for i in range(14)
    ]
    inst = instance(hh, days=5, crossing=9, reception=6)
    p = plan(inst, PlanSettings(solve_bound=False))
    shuffled = _with(p, [dataclasses.replace(x, date=day((x.date - day(0)).days // 2)) for x in p.placements])
    for candidate in (p, shuffled):
        f = fairness(inst, candidate)
        assert (f.inversions, f.comparable_pairs, f.strict_inversions, f.strict_comparable_pairs) == _pairs_one_by_one(inst, candidate)
