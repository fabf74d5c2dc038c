"""The planner: the weekly LP (the bound) in a child process killed at its time limit,
the day sweep in this one, the independent checker on every plan, the explanation of every
household left out."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable

import numpy as np

from sabeel.engines.planning._check import check, fairness
from sabeel.engines.planning._closure import closure_sweep
from sabeel.engines.planning._improve import improve
from sabeel.engines.planning._lp import LpResult, weekly_bounds
from sabeel.engines.planning._place import Assignment, greedy, sweep
from sabeel.engines.planning._prepare import Arrays, prepare
from sabeel.engines.planning._subprocess import Child
from sabeel.engines.planning._types import (
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


class InfeasiblePlanError(RuntimeError):
    """Raised instead of returning a plan the checker rejects (never expected)."""


def plan(instance: Instance, settings: PlanSettings | None = None) -> Plan:
    """Place as many persons as possible, tier by tier, with zero first-come-first-served inversions.

    The weekly LP (the upper bound: first without the reception limits, then with them) runs in a
    forked child with one HiGHS thread while the day sweeps run here, in two orders across
    departure points (earliest consent first, earliest deadline first), each followed by the
    crossing-move repair (``_improve``); the plan moving the most persons that the checker passes
    is kept. A child past ``settings.time_limit`` is killed: the bound is then the first LP's, or
    none. The checker verifies the plan before it is returned."""
    settings = settings or PlanSettings()
    started = time.monotonic()
    arr = prepare(instance)
    child = Child(weekly_bounds, (arr, 1, True), settings.time_limit) if settings.solve_bound else None

    def flows() -> np.ndarray | None:
        coarse = child.first() if child is not None else None
        return coarse.flows if isinstance(coarse, LpResult) else None

    try:
        candidates = _candidates(arr, flows)
    except BaseException:
        if child is not None:
            child.kill()
        raise
    notes: list[str] = []
    lp: LpResult | None = None
    status = SolverStatus.NOT_RUN
    solver: tuple[float, float | None] | None = None
    if child is not None:
        result = child.result()
        solver = (result.seconds, result.memory_mib)
        lp = result.value
        if result.status == "ok":
            status = SolverStatus.OPTIMAL
        elif result.status == "killed" and lp is not None:
            status = f"{SolverStatus.PARTIAL}; the full LP was {SolverStatus.KILLED} ({settings.time_limit:g} s)"
        elif result.status == "killed":
            status = f"{SolverStatus.KILLED} ({settings.time_limit:g} s)"
        else:
            status = f"{SolverStatus.FAILED}{result.error.splitlines()[0] if result.error else 'unknown'}"
            if lp is not None:
                status += SolverStatus.PARTIAL_BOUND
        grown = "" if result.memory_mib is None else f", its child grew by {result.memory_mib:.0f} MiB"
        notes.append(f"weekly LP: {status} in {result.seconds:.1f} s{grown}")
    rejected = []
    for _, method, assignment in candidates:
        made, violations = _finish(instance, arr, assignment, method, lp, status, notes, started, solver=solver)
        if not violations:
            return made
        rejected.append(f"{method}: " + "; ".join(v.detail for v in violations[:3]))
    raise InfeasiblePlanError(" | ".join(rejected))


def _candidates(arr: Arrays, flows: Callable[[], np.ndarray | None]) -> list[tuple[int, str, Assignment]]:
    candidates = []
    made: list[tuple[str, Assignment]] = []
    for deadline_first in (False, True):
        order = "earliest deadline first across departure points" if deadline_first else "earliest consent first"
        made.append((f"day sweep, {order}", sweep(arr, deadline_first=deadline_first)))
    # the weekly LP without reception rows is done by now (seconds): its flows guide the closures
    guide = flows()
    guided = "guided by the weekly LP's flows" if guide is not None else "without the LP's flows"
    made.append((f"closure sweep (deadline first with every household it must not overtake), {guided}", closure_sweep(arr, guide)))
    for method, swept in made:
        candidates.append((_persons(arr, swept), method, swept))
        repaired = swept
        for _ in range(3):
            better = improve(arr, repaired)
            if _persons(arr, better) <= _persons(arr, repaired):
                break
            repaired = better
        if repaired is not swept:
            candidates.append((_persons(arr, repaired), f"{method}, then crossing moves", repaired))
    # the most persons first; the checker has the last word
    candidates.sort(key=lambda c: -c[0])
    return candidates


def greedy_plan(instance: Instance, *, bound: float | None = None) -> Plan:
    """The baseline: by priority tier, then first come first served, each household on its earliest
    day with room (nearest crossing first). ``bound`` (from a ``plan`` of the same instance) fills
    the gap."""
    started = time.monotonic()
    arr = prepare(instance)
    made, violations = _finish(instance, arr, greedy(arr), "greedy first come first served", None, SolverStatus.NOT_RUN, [], started, bound)
    if violations:
        raise InfeasiblePlanError("; ".join(v.detail for v in violations[:5]))
    return made


def _persons(arr: Arrays, a: Assignment) -> int:
    return int(arr.size[a.day >= 0].sum())


def _finish(
    instance: Instance,
    arr: Arrays,
    a: Assignment,
    method: str,
    lp: LpResult | None,
    status: str,
    notes: list[str],
    started: float,
    bound: float | None = None,
    solver: tuple[float, float | None] | None = None,
) -> tuple[Plan, list[Violation]]:
    placements = []
    dates = [instance.start + dt.timedelta(days=d) for d in range(arr.days)]
    for i in np.flatnonzero(a.day >= 0).tolist():
        placements.append(
            Placement(
                household_id=arr.ids[i],
                date=dates[int(a.day[i])],
                departure=arr.dep_ids[int(arr.dep[i])],
                crossing=arr.crossing_ids[int(a.crossing[i])],
                vehicle=VehicleClass.MEDICAL if arr.medical[i] else VehicleClass.STANDARD,
            )
        )
    unplaced = explain(arr, a)
    moved = _persons(arr, a)
    if lp is not None:
        bound = lp.bound
    if bound is None and arr.n == 0:
        bound = 0.0  # nobody to move: the bound needs no solver (which a loaded machine may time out)
    draft = Plan(
        placements=tuple(placements),
        unplaced=unplaced,
        stats=PlanStats(
            method=method,
            persons_moved=moved,
            households_moved=len(placements),
            persons_total=int(arr.size.sum()),
            households_total=arr.n,
            upper_bound=bound,
            gap=None if not bound else (bound - moved) / bound,
            inversions=0,
            comparable_pairs=0,
            seconds=0.0,
            solver_status=status,
            notes=tuple(notes),
            solver_seconds=solver[0] if solver else None,
            solver_memory_mib=solver[1] if solver else None,
        ),
    )
    fair = fairness(instance, draft)
    stats = draft.stats
    final = Plan(
        placements=draft.placements,
        unplaced=draft.unplaced,
        stats=PlanStats(
            **{
                **{f: getattr(stats, f) for f in stats.__slots__},
                "inversions": fair.inversions,
                "comparable_pairs": fair.comparable_pairs,
                "notes": (
                    *stats.notes,
                    f"literal reading (A's reception point not asked): {fair.strict_inversions} inversions "
                    f"in {fair.strict_comparable_pairs} comparable pairs; of the literal-only ones, "
                    f"{fair.literal_explained} explained by A's full reception point, {fair.literal_unexplained} not",
                ),
                "seconds": time.monotonic() - started,
            }
        ),
    )
    return final, check(instance, final)


def explain(arr: Arrays, a: Assignment) -> tuple[Unplaced, ...]:
    """For each household not placed, the constraint that stopped it on each day of its window, at
    the final state of the plan; the reason is the most frequent one."""
    book = a.ledger
    out = []
    for i in np.flatnonzero(a.day < 0).tolist():
        empty = arr.empty_reason[i]
        if empty is not None:
            out.append(Unplaced(arr.ids[i], empty))
            continue
        s = int(arr.size[i])
        p = int(arr.dep[i])
        medical = bool(arr.medical[i])
        seat = book.seats[p * 2 + medical]
        rec = book.reception[int(arr.dest[i])]
        reach = arr.dep_crossings[p]
        counts: Counter[Reason] = Counter()
        for d in range(int(arr.lo[i]), int(arr.hi[i]) + 1):
            open_ = [c for c in reach if book.cross[c][d] >= 0]
            if not open_:
                counts[Reason.CROSSING_CLOSED] += 1
            elif all(book.cross[c][d] < s for c in open_):
                counts[Reason.CROSSING_FULL] += 1
            elif seat[d] < s:
                counts[Reason.MEDICAL_SEATS_FULL if medical else Reason.SEATS_FULL] += 1
            elif rec[d] < s:
                counts[Reason.RECEPTION_FULL] += 1
            else:
                counts[Reason.FIRST_COME_FIRST_SERVED] += 1
        order = list(Reason)
        reason = max(counts, key=lambda r: (counts[r], -order.index(r)))
        out.append(Unplaced(arr.ids[i], reason, tuple(sorted(counts.items(), key=lambda kv: order.index(kv[0])))))
    return tuple(out)
