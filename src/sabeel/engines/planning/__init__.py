"""Movement planning: which eligible household travels on which day, from which departure point,
through which crossing, in which class of vehicle; or why it could not be placed.

Pure Python (numpy, HiGHS through ``highspy``); never imports Django or the Sabeel apps.

    plan = plan(instance)                    # the planner: zero first-come-first-served inversions
    base = greedy_plan(instance)             # the baseline: by tier, first come first served
    violations = check(instance, plan)       # the independent checker: [] for every plan returned
    fair = fairness(instance, plan)          # inversions and comparable pairs

How: the instance becomes arrays (``_prepare``); the weekly LP relaxation (``_lp``: households
grouped by departure point, vehicle class, destination and first and last week; each capacity
summed over the days it can be used) gives a valid upper bound on the persons any plan can move
(from a repaired dual solution). It runs in a forked child killed at the time limit
(``_subprocess``) while the day sweep (``_place``) places households on real days, tier by tier,
in order of consent, barring for the day every larger later household of the same tier, departure
point and vehicle class once one could not go for want of a seat or crossing room, so that no
inversion can arise. ``_check`` verifies every constraint and counts the
inversions with code of its own; a plan it rejects is never returned.

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
