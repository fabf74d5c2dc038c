"""Which account pays for what: a max-flow from the (sector, governorate) classes of the chosen
projects to the accounts whose earmarks allow them, then each class's money split over its projects
(any split works: the projects of one class may be funded by the same accounts)."""

from __future__ import annotations

from collections import defaultdict

from ortools.graph.python import max_flow

from sabeel.engines.portfolio._prepare import Prepared
from sabeel.engines.portfolio._types import Funding


def class_flows(prep: Prepared, demand: dict[int, int]) -> dict[tuple[int, int], int] | None:
    """Class -> account amounts covering every class's demand, or None when the balances and
    earmarks cannot."""
    need = sum(demand.values())
    if need == 0:
        return {}
    accounts = prep.instance.accounts
    flow = max_flow.SimpleMaxFlow()
    source, sink = 0, 1
    arcs: list[tuple[int, int, int]] = []  # (arc, class, account)
    cls_nodes = {c: 2 + k for k, c in enumerate(demand)}
    acc_base = 2 + len(cls_nodes)
    used_accounts: set[int] = set()
    for c, amount in demand.items():
        if amount <= 0:
            continue
        flow.add_arc_with_capacity(source, cls_nodes[c], amount)
        for a in prep.class_accounts[c]:
            if accounts[a].balance_usd > 0:
                arcs.append((flow.add_arc_with_capacity(cls_nodes[c], acc_base + a, need), c, a))
                used_accounts.add(a)
    for a in used_accounts:
        flow.add_arc_with_capacity(acc_base + a, sink, accounts[a].balance_usd)
    if flow.solve(source, sink) != flow.OPTIMAL or flow.optimal_flow() < need:
        return None
    out: dict[tuple[int, int], int] = {}
    for arc, c, a in arcs:
        f = flow.flow(arc)
        if f > 0:
            out[(c, a)] = f
    return out


def demand_of(prep: Prepared, chosen: set[int] | list[int]) -> dict[int, int]:
    demand: dict[int, int] = defaultdict(int)
    for p in chosen:
        demand[prep.klass[p]] += prep.projects[p].cost_usd
    return dict(demand)


def assign(prep: Prepared, chosen: list[int]) -> list[Funding] | None:
    """Funding rows for ``chosen`` (sorted by project), or None when they cannot all be funded."""
    flows = class_flows(prep, demand_of(prep, chosen))
    if flows is None:
        return None
    left: dict[int, list[list[int]]] = defaultdict(list)  # class -> [[account, amount left]]
    for (c, a), amount in sorted(flows.items()):
        left[c].append([a, amount])
    rows: list[Funding] = []
    for p in sorted(chosen, key=lambda i: prep.projects[i].project_id):
        project = prep.projects[p]
        cost = project.cost_usd
        pool = left[prep.klass[p]]
        while cost > 0:
            a, amount = pool[0]
            take = min(amount, cost)
            rows.append(Funding(prep.instance.accounts[a].account_id, project.project_id, take))
            cost -= take
            if take == amount:
                pool.pop(0)
            else:
                pool[0][1] = amount - take
    return rows
