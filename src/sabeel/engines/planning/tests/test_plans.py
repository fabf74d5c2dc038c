"""Tiny instances whose best inversion-free plan is known by hand, and the explanation of every
household left out."""

from __future__ import annotations

from sabeel.engines.planning import (
    Crossing,
    DeparturePoint,
    Destination,
    PlanSettings,
    Reason,
    VehicleClass,
    check,
    greedy_plan,
    plan,
)

from .conftest import day, household, instance


def _placed(p):  # type: ignore[no-untyped-def]
    return {x.household_id: x for x in p.placements}


def _reasons(p):  # type: ignore[no-untyped-def]
    return {u.household_id: u.reason for u in p.unplaced}


def test_everyone_travels_on_the_first_day_of_their_window_when_there_is_room():
    inst = instance([household("A", 4, first=2), household("B", 3, first=0), household("C", 5, first=5)])
    p = plan(inst)
    assert {h: x.date for h, x in _placed(p).items()} == {"A": day(2), "B": day(0), "C": day(5)}
    assert p.stats.persons_moved == 12 and p.stats.gap == 0.0
    assert check(inst, p) == []


def test_an_earlier_household_that_is_no_larger_is_never_overtaken():
    # A crossing of 5 a day for two days. B (3) can only go on day 0; A (3, earlier) on either day;
    # C (2) on either. All 8 fit if B went on day 0 and A on day 1, but that would put B ahead of
    # A on a day A could go: the best plan without inversions moves A and C (5 persons) on day 0.
    inst = instance(
        [
            household("A", 3, first=0, last=1, consented=-30),
            household("B", 3, first=0, last=0, consented=-20),
            household("C", 2, first=0, last=1, consented=-10),
        ],
        days=2,
        crossing=5,
    )
    p = plan(inst)
    assert set(_placed(p)) == {"A", "C"}
    assert _reasons(p) == {"B": Reason.CROSSING_FULL}
    assert p.stats.persons_moved == 5
    assert p.stats.inversions == 0 and p.stats.comparable_pairs == 0  # (A, C) on day 0 is no pair: A > C
    assert p.stats.upper_bound is not None and p.stats.upper_bound >= 8 - 1e-6  # the bound ignores the order
    assert check(inst, p) == []


def test_a_larger_earlier_household_may_wait_for_a_smaller_later_one():
    # One day, room for 4: A (5, earlier) cannot go; B (2, later) goes: no inversion, A > B.
    inst = instance([household("A", 5, last=0, consented=-30), household("B", 2, last=0, consented=-10)], days=1, crossing=4)
    p = plan(inst)
    assert set(_placed(p)) == {"B"}
    assert _reasons(p) == {"A": Reason.CROSSING_FULL}
    assert p.stats.inversions == 0 and p.stats.comparable_pairs == 0


def test_a_full_reception_point_stops_only_the_households_going_there():
    inst = instance(
        [household("A", 2, last=0, destination="S1", consented=-30), household("B", 4, last=0, destination="S2", consented=-10)],
        days=1,
        destinations=(Destination("S1", 1), Destination("S2", 50)),
    )
    p = plan(inst)
    assert set(_placed(p)) == {"B"}
    assert _reasons(p) == {"A": Reason.RECEPTION_FULL}
    # A could not have taken B's place (its own reception point was full): no comparable pair
    assert p.stats.comparable_pairs == 0
    assert "1 inversions in 1 comparable pairs" in p.stats.notes[-1]  # the literal reading counts it


def test_medical_cases_travel_only_in_medical_seats():
    inst = instance(
        [household("M", 3, last=0, medical=True), household("N", 2, last=0, medical=True, consented=-10), household("S", 6, last=0)],
        days=1,
        medical_seats=3,
    )
    p = plan(inst)
    placed = _placed(p)
    assert placed["M"].vehicle == VehicleClass.MEDICAL and placed["S"].vehicle == VehicleClass.STANDARD
    assert _reasons(p) == {"N": Reason.MEDICAL_SEATS_FULL}


def test_seats_full_is_named_when_the_departure_point_has_no_seat_left():
    inst = instance([household("A", 4, last=0, consented=-30), household("B", 4, last=0, consented=-10)], days=1, seats=6)
    p = plan(inst)
    assert _reasons(p) == {"B": Reason.SEATS_FULL}


def test_closed_crossings_and_windows_outside_the_horizon_are_explained():
    inst = instance(
        [
            household("weekend", 2, first=5, last=6),  # the crossing opens Monday to Friday
            household("late", 2, first=20, last=30),
            household("lapsed", 2, first=2, last=4, eligible=(-100, 1)),
            household("ok", 2, first=0, last=0),
        ],
        weekdays=frozenset(range(5)),
    )
    p = plan(inst)
    assert _reasons(p) == {
        "weekend": Reason.CROSSING_CLOSED,
        "late": Reason.OUTSIDE_HORIZON,
        "lapsed": Reason.NOT_ELIGIBLE_IN_WINDOW,
    }
    blocked = {u.household_id: dict(u.blocked_days) for u in p.unplaced}
    assert blocked["weekend"] == {Reason.CROSSING_CLOSED: 2}


def test_a_departure_point_with_two_crossings_uses_the_second_when_the_nearest_is_full():
    inst = instance(
        [household("A", 4, last=0, consented=-30), household("B", 4, last=0, consented=-10)],
        days=1,
        crossings=(Crossing("X1", 5), Crossing("X2", 5)),
        departures=(DeparturePoint("D1", 20, 5, (("X2", 200), ("X1", 60))),),
    )
    p = plan(inst)
    assert {h: x.crossing for h, x in _placed(p).items()} == {"A": "X1", "B": "X2"}


def test_the_higher_priority_tier_goes_first_even_when_it_consented_later():
    inst = instance(
        [household("early", 3, last=0, consented=-30, priority=3), household("urgent", 3, last=0, consented=-1, priority=1)],
        days=1,
        crossing=3,
    )
    p = plan(inst)
    assert set(_placed(p)) == {"urgent"}


def test_unknown_departure_points_and_destinations_are_explained_not_placed():
    inst = instance([household("A", 2, departure="nowhere"), household("B", 2, destination="S9")])
    p = plan(inst)
    assert _reasons(p) == {"A": Reason.UNKNOWN_DEPARTURE, "B": Reason.UNKNOWN_DESTINATION}
    assert check(inst, p) == []


def test_the_greedy_baseline_passes_the_checker_and_reports_the_bound_it_is_given():
    inst = instance([household("A", 3, last=1, consented=-30), household("B", 3, last=0), household("C", 2, last=1)], days=2, crossing=5)
    base = greedy_plan(inst, bound=8.0)
    assert check(inst, base) == []
    assert base.stats.persons_moved == 5 and base.stats.gap == (8.0 - 5) / 8.0


def test_without_the_solver_the_plan_has_no_bound():
    inst = instance([household("A", 3)])
    p = plan(inst, PlanSettings(solve_bound=False))
    assert p.stats.upper_bound is None and p.stats.gap is None and p.stats.solver_status == "not run"
    assert check(inst, p) == []


def test_a_household_moves_to_its_other_crossing_to_make_room_for_one_that_has_no_other():
    # Crossings of 5. D1 reaches X1 (nearest) and X2; D2 reaches X1 only. A (D1, 4, earlier) takes
    # X1 first, so B (D2, 4) finds X1 full; the repair moves A to X2 the same day and B goes: 8.
    inst = instance(
        [household("A", 4, last=0, consented=-30, departure="D1"), household("B", 4, last=0, consented=-10, departure="D2")],
        days=1,
        crossings=(Crossing("X1", 5), Crossing("X2", 5)),
        departures=(DeparturePoint("D1", 20, 5, (("X1", 60), ("X2", 200))), DeparturePoint("D2", 20, 5, (("X1", 60),))),
    )
    p = plan(inst)
    assert {h: x.crossing for h, x in _placed(p).items()} == {"A": "X2", "B": "X1"}
    assert p.stats.persons_moved == 8 and "crossing moves" in p.stats.method
    assert greedy_plan(inst).stats.persons_moved == 4
    assert check(inst, p) == []


def test_moves_chain_through_a_third_crossing_when_the_second_is_full():
    # Crossings of 5. A (D1: X1, X2) takes X1, C (D2: X2, X3) takes X2; B (D3: X1 only) finds X1
    # full and X2 cannot take A. The repair moves C on to X3, A to X2, and B goes on X1: 12.
    inst = instance(
        [
            household("A", 4, last=0, consented=-30, departure="D1"),
            household("C", 4, last=0, consented=-20, departure="D2"),
            household("B", 4, last=0, consented=-10, departure="D3"),
        ],
        days=1,
        crossings=(Crossing("X1", 5), Crossing("X2", 5), Crossing("X3", 5)),
        departures=(
            DeparturePoint("D1", 20, 5, (("X1", 60), ("X2", 200))),
            DeparturePoint("D2", 20, 5, (("X2", 60), ("X3", 200))),
            DeparturePoint("D3", 20, 5, (("X1", 60),)),
        ),
    )
    p = plan(inst)
    assert {h: x.crossing for h, x in _placed(p).items()} == {"A": "X2", "B": "X1", "C": "X3"}
    assert p.stats.persons_moved == 12
    assert greedy_plan(inst).stats.persons_moved == 8
    assert check(inst, p) == []
