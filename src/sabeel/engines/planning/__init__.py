"""Movement planning: which eligible household travels on which day, from which departure point,
through which crossing, in which class of vehicle; or why it could not be placed.

Pure Python (numpy, HiGHS through ``highspy``); never imports Django or the Sabeel apps.

    plan = plan(instance)                    # the planner: zero first-come-first-served inversions
    base = greedy_plan(instance)             # the baseline: by tier, first come first served
    violations = check(instance, plan)       # the independent checker: [] for every plan returned
    fair = fairness(instance, plan)          # inversions and comparable pairs

How: the instance becomes arrays (``_prepare``). The weekly LP relaxation (``_lp``: households
grouped by departure point, vehicle class, destination and first and last week; each capacity
summed over the days it can be used) bounds from above the persons any plan can move; the bound is
taken from HiGHS's interior-point duals made feasible, so it is valid without crossover. It runs in
a forked child (``_subprocess``), first without the reception rows (seconds even at 500,000
households), then whole, and is killed at the time limit, keeping the first bound. Meanwhile the
day sweep (``_place``) places households on real days, tier by tier, in order of consent, barring
for the day every larger later household of the same tier, departure point and vehicle class once
one could not go for want of a seat or crossing room, so no inversion can arise; it is tried in
two orders across departure points (earliest consent, earliest deadline). The closure sweep
(``_closure``) is a third candidate: each day, households whose window closes first go first, each
together with every household of its line it must not overtake (consented earlier, no larger, in
its window, with room at its reception point), guided to crossings by the weekly flows of the LP
without reception rows (the child's first result, seconds); then the day is filled in order of
consent. The repair
(``_improve``) then moves households of departure points that reach two crossings to their other
crossing the same day to make room for one left out, when that puts it ahead of no
earlier-consented household that could have gone. ``_check`` verifies every constraint and counts
the inversions with code of its own; the plan moving the most persons that it passes is returned,
never one it rejects.

Choices: seats are two pools per departure point and day, ordinary and medical-fit (a vehicle
class, not a vehicle: packing families into vehicles is the manifests' work); an inversion asks
that A could have travelled in B's place (same vehicle class, room at A's own reception point),
and the issue's literal reading, which does not ask about reception, is counted beside it.

Tests: ``.venv/bin/python -m pytest src/sabeel/engines/planning -q``. Measured by
``bench/movement_planning.py``.
"""

from sabeel.engines.planning._api import InfeasiblePlanError, explain, greedy_plan, plan
from sabeel.engines.planning._check import check, fairness
from sabeel.engines.planning._subprocess import ChildResult, run_with_time_limit
from sabeel.engines.planning._types import (
    Crossing,
    DeparturePoint,
    Destination,
    Fairness,
    Household,
    Instance,
    Placement,
    Plan,
    PlanSettings,
    PlanStats,
    Reason,
    SolverStatus,
    Unplaced,
    VehicleClass,
    Violation,
)

__all__ = [
    "ChildResult",
    "Crossing",
    "DeparturePoint",
    "Destination",
    "Fairness",
    "Household",
    "InfeasiblePlanError",
    "Instance",
    "Placement",
    "Plan",
    "PlanSettings",
    "PlanStats",
    "Reason",
    "SolverStatus",
    "Unplaced",
    "VehicleClass",
    "Violation",
    "check",
    "explain",
    "fairness",
    "greedy_plan",
    "plan",
    "run_with_time_limit",
]
