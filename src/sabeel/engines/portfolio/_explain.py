"""One explanation per project: why it is in the proposal, or the first reason it is not."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sabeel.engines.portfolio._greedy import covered
from sabeel.engines.portfolio._prepare import Prepared
from sabeel.engines.portfolio._types import Capacity, Explanation, Funding, Reason


def _services(names: frozenset[str] | set[str]) -> str:
    return ", ".join(sorted(names))


def explain(prep: Prepared, chosen: set[int], funding: list[Funding]) -> list[Explanation]:
    inst = prep.instance
    done = set(covered(prep, chosen))
    needed_by: dict[int, int] = {}
    for p in sorted(chosen):
        for q in prep.closure[p]:
            if q != p:
                needed_by.setdefault(q, p)
    spent: dict[str, int] = defaultdict(int)
    for row in funding:
        spent[row.account_id] += row.amount_usd
    left = {a.account_id: a.balance_usd - spent[a.account_id] for a in inst.accounts}
    limits = {c.implementer: c for c in inst.capacities}
    count: dict[str, int] = defaultdict(int)
    budget: dict[str, int] = defaultdict(int)
    for p in chosen:
        count[prep.projects[p].implementer] += 1
        budget[prep.projects[p].implementer] += prep.projects[p].cost_usd
    by_project: dict[str, list[Funding]] = defaultdict(list)
    for row in funding:
        by_project[row.project_id].append(row)

    def eligible_total(q: int) -> int:
        return sum(inst.accounts[a].balance_usd for a in prep.class_accounts[prep.klass[q]])

    def eligible_left(q: int) -> int:
        return sum(left[inst.accounts[a].account_id] for a in prep.class_accounts[prep.klass[q]])

    out: list[Explanation] = []
    for i, project in enumerate(prep.projects):
        pid, d, s = project.project_id, project.subdistrict, project.sector
        sd = prep.subdistricts[d]
        if i in chosen:
            paid = "; ".join(f"{r.amount_usd:,} USD from {r.account_id}" for r in by_project[pid]) or "no cost"
            if s in prep.missing[d] and d in done:
                text = (f"makes {s} functional in {d}, completing its minimum service set "
                        f"({_services(inst.minimum_services)}) for {sd.returnees:,} returnees; funded by {paid}")
                out.append(Explanation(pid, Reason.CHOSEN, text, d, sd.returnees))
            else:
                user = needed_by.get(i)
                target = prep.projects[user].subdistrict if user is not None else d
                returnees = prep.subdistricts[target].returnees
                text = (f"required by {prep.projects[user].project_id if user is not None else '?'}, "
                        f"which helps complete {target} for {returnees:,} returnees; funded by {paid}")
                out.append(Explanation(pid, Reason.CHOSEN, text, target, returnees))
            continue
        out.append(_not_chosen(prep, i, chosen, done, limits, count, budget, eligible_total, eligible_left))
    return out


def _not_chosen(
    prep: Prepared,
    i: int,
    chosen: set[int],
    done: set[str],
    limits: dict[str, Capacity],
    count: dict[str, int],
    budget: dict[str, int],
    eligible_total: Callable[[int], int],
    eligible_left: Callable[[int], int],
) -> Explanation:
    project = prep.projects[i]
    pid, d, s = project.project_id, project.subdistrict, project.sector
    sd = prep.subdistricts[d]
    minimum = prep.instance.minimum_services
    if s not in minimum:
        return Explanation(pid, Reason.NO_GAIN, f"no gain: {s} is not in the fund's minimum service set", d)
    if s in sd.functional:
        return Explanation(pid, Reason.NO_GAIN, f"no gain: {s} is already functional in {d}", d)
    if sd.returnees == 0:
        return Explanation(pid, Reason.NO_GAIN, f"no gain: no intending returnees name {d} as destination", d)
    lacking = sorted(x for x in prep.missing[d] if not prep.candidates.get((d, x)))
    if lacking:
        return Explanation(pid, Reason.NO_GAIN,
                           f"no gain: {d} cannot be completed, no candidate project for {', '.join(lacking)}", d)
    if d in done:
        other = next(p for p in prep.candidates[(d, s)] if p in chosen)
        return Explanation(pid, Reason.NO_GAIN,
                           f"no gain: {prep.projects[other].project_id} already makes {s} functional in {d}", d)
    gov = prep.governorate(i)
    if eligible_total(i) < project.cost_usd:
        return Explanation(pid, Reason.EARMARK,
                           f"earmark: the accounts that may fund {s} in {gov} hold {eligible_total(i):,} USD, "
                           f"less than its cost of {project.cost_usd:,} USD", d, sd.returnees)
    for q in sorted(prep.closure[i] - {i}):
        if q not in chosen and eligible_total(q) < prep.projects[q].cost_usd:
            return Explanation(pid, Reason.DEPENDENCY,
                               f"dependency: requires {prep.projects[q].project_id}, which no account's earmark "
                               f"and balance can fund", d, sd.returnees)
    for q in sorted(prep.closure[i] - chosen):
        who = prep.projects[q].implementer
        cap = limits.get(who)
        if cap is None:
            continue
        if cap.max_projects is not None and count[who] + 1 > cap.max_projects:
            return Explanation(pid, Reason.CAPACITY,
                               f"capacity: implementer {who} already has {count[who]} projects "
                               f"(its limit is {cap.max_projects})", d, sd.returnees)
        if cap.max_budget_usd is not None and budget[who] + prep.projects[q].cost_usd > cap.max_budget_usd:
            return Explanation(pid, Reason.CAPACITY,
                               f"capacity: implementer {who} already carries {budget[who]:,} USD "
                               f"(its limit is {cap.max_budget_usd:,} USD)", d, sd.returnees)
    need = set(prep.closure[i] - chosen)
    for x in prep.missing[d]:
        if x != s and not any(p in chosen for p in prep.candidates[(d, x)]):
            cheapest = min(prep.candidates[(d, x)], key=lambda p: sum(prep.projects[q].cost_usd for q in prep.closure[p] - chosen))
            need |= prep.closure[cheapest] - chosen
    further = sum(prep.projects[q].cost_usd for q in need)
    left = eligible_left(i)
    if left < project.cost_usd:
        why = f"the money left that may fund {s} in {gov} is {left:,} USD, less than its cost of {project.cost_usd:,} USD"
    else:
        why = (f"completing {d} for {sd.returnees:,} returnees needs {further:,} USD of projects in all; "
               "the balances cover more returnees spent elsewhere")
    return Explanation(pid, Reason.BUDGET, f"budget: {why}", d, sd.returnees)
