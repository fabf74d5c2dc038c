"""propose() and greedy(): prepare, choose, tidy, fund, explain."""

from __future__ import annotations

import math
import time

from sabeel.engines.portfolio._explain import explain
from sabeel.engines.portfolio._flow import assign
from sabeel.engines.portfolio._greedy import covered, greedy_choice, tidy
from sabeel.engines.portfolio._mip import solve
from sabeel.engines.portfolio._prepare import Prepared, prepare
from sabeel.engines.portfolio._types import Instance, PortfolioSettings, Proposal


def _proposal(prep: Prepared, chosen: set[int], status: str, *, bound: int | None, seconds: float,
              greedy_returnees: int | None, notes: tuple[str, ...] = ()) -> Proposal:
    funding = assign(prep, sorted(chosen))
    if funding is None:  # cannot happen for a choice the solver or greedy found feasible
        raise RuntimeError("the chosen projects cannot be funded from the balances")
    done = covered(prep, chosen)
    returnees = sum(prep.subdistricts[d].returnees for d in done)
    gap = None if bound is None else max(0, bound - returnees) / max(bound, 1)
    already = sum(sd.returnees for sd in prep.instance.subdistricts if not prep.missing[sd.pcode])
    if already:
        notes = (*notes, f"{already:,} returnees go to sub-districts whose minimum service set is already functional")
    return Proposal(
        chosen=tuple(sorted(prep.projects[p].project_id for p in chosen)),
        funding=tuple(funding),
        returnees_covered=returnees,
        covered_subdistricts=tuple(sorted(done)),
        explanations=tuple(explain(prep, chosen, funding)),
        status=status,
        bound=bound,
        gap=gap,
        seconds=seconds,
        greedy_returnees=greedy_returnees,
        notes=notes,
    )


def greedy(instance: Instance) -> Proposal:
    """The benefit/cost baseline: sub-districts by returnees per dollar of the cheapest bundle of
    projects completing their minimum service set, each taken while balances, earmarks and
    capacity allow. Raises ValueError on bad input."""
    began = time.monotonic()
    prep = prepare(instance)
    chosen = tidy(prep, greedy_choice(prep))
    value = sum(prep.subdistricts[d].returnees for d in covered(prep, chosen))
    return _proposal(prep, chosen, "greedy", bound=None, seconds=time.monotonic() - began, greedy_returnees=value)


def propose(instance: Instance, settings: PortfolioSettings | None = None) -> Proposal:
    """Choose the projects that let the most intending returnees find the fund's minimum service
    set, within balances and earmarks, dependencies and implementer capacity; fund each from the
    accounts that may pay for it and explain every project. The MIP runs in a child process killed
    at ``settings.time_limit + settings.kill_grace``; the proposal is never worse than the greedy's
    (when the solver fails or is killed, the greedy proposal is returned with that status). Nothing
    is committed: a planner reviews the proposal. Raises ValueError on bad input."""
    settings = settings or PortfolioSettings()
    began = time.monotonic()
    prep = prepare(instance)
    start = tidy(prep, greedy_choice(prep))
    greedy_value = sum(prep.subdistricts[d].returnees for d in covered(prep, start))
    if settings.solver == "greedy":
        return _proposal(prep, start, "greedy", bound=None, seconds=time.monotonic() - began, greedy_returnees=greedy_value)
    if not prep.relevant:
        return _proposal(prep, set(), "optimal", bound=0, seconds=time.monotonic() - began, greedy_returnees=0)
    result = solve(prep, start, time_limit=settings.time_limit, grace=settings.kill_grace,
                   threads=settings.threads, gap=settings.mip_rel_gap)
    bound = None if result.bound is None or not math.isfinite(result.bound) else math.floor(result.bound + 1e-6)
    notes: tuple[str, ...] = ()
    chosen = tidy(prep, result.chosen) if result.chosen else set()
    if chosen and assign(prep, sorted(chosen)) is None:
        notes = ("the solver's choice failed the exact funding check; the greedy proposal is returned",)
        chosen = set()
    value = sum(prep.subdistricts[d].returnees for d in covered(prep, chosen))
    status = result.status
    if value < greedy_value or not chosen:
        if result.status in ("optimal", "feasible"):
            notes = (*notes, "the solver's proposal was not better than the greedy's; the greedy proposal is returned")
        chosen = start
    if bound is not None and status == "feasible" and bound - max(value, greedy_value) <= settings.mip_rel_gap * max(bound, 1):
        status = "optimal"
    return _proposal(prep, chosen, status, bound=bound, seconds=time.monotonic() - began,
                     greedy_returnees=greedy_value, notes=notes)
