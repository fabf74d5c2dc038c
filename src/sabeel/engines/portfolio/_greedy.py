"""The baseline: sub-districts in order of returnees per dollar of the cheapest bundle of projects
that completes their minimum service set, each taken when balances, earmarks and capacity allow."""

from __future__ import annotations

from collections import defaultdict

from sabeel.engines.portfolio._flow import class_flows
from sabeel.engines.portfolio._prepare import Prepared


def fundable_alone(prep: Prepared, p: int) -> bool:
    """Some account that may fund the project holds at least its cost (the whole closure's classes
    are checked by the flow; this is the quick test used to skip hopeless candidates)."""
    c = prep.klass[p]
    cost = prep.projects[p].cost_usd
    return sum(prep.instance.accounts[a].balance_usd for a in prep.class_accounts[c]) >= cost


def bundle(prep: Prepared, d: str, chosen: set[int]) -> set[int] | None:
    """The cheapest projects (beyond ``chosen``) completing ``d``, service by service."""
    out: set[int] = set()
    for s in sorted(prep.missing[d]):
        options = prep.candidates[(d, s)]
        if any(p in chosen for p in options):
            continue
        best: tuple[int, str] | None = None
        best_set: frozenset[int] = frozenset()
        for p in options:
            need = prep.closure[p] - chosen
            if not all(fundable_alone(prep, q) for q in need):
                continue
            key = (sum(prep.projects[q].cost_usd for q in need), prep.projects[p].project_id)
            if best is None or key < best:
                best, best_set = key, need
        if best is None:
            return None
        out |= best_set
    return out


class Capacities:
    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        self.limits = {c.implementer: c for c in prep.instance.capacities}
        self.count: dict[str, int] = defaultdict(int)
        self.spent: dict[str, int] = defaultdict(int)

    def fits(self, projects: set[int]) -> bool:
        count: dict[str, int] = defaultdict(int)
        spent: dict[str, int] = defaultdict(int)
        for p in projects:
            project = self.prep.projects[p]
            count[project.implementer] += 1
            spent[project.implementer] += project.cost_usd
        for who, n in count.items():
            cap = self.limits.get(who)
            if cap is None:
                continue
            if cap.max_projects is not None and self.count[who] + n > cap.max_projects:
                return False
            if cap.max_budget_usd is not None and self.spent[who] + spent[who] > cap.max_budget_usd:
                return False
        return True

    def add(self, projects: set[int]) -> None:
        for p in projects:
            project = self.prep.projects[p]
            self.count[project.implementer] += 1
            self.spent[project.implementer] += project.cost_usd


def greedy_choice(prep: Prepared) -> set[int]:
    chosen: set[int] = set()
    ratios = []
    for d in prep.relevant:
        b = bundle(prep, d, set())
        if b is None:
            continue
        cost = sum(prep.projects[p].cost_usd for p in b)
        ratios.append((-prep.subdistricts[d].returnees / max(cost, 1), d))
    ratios.sort()
    caps = Capacities(prep)
    demand: dict[int, int] = defaultdict(int)
    for _, d in ratios:
        b = bundle(prep, d, chosen)
        if b is None or not b:
            continue
        if not caps.fits(b):
            continue
        trial = dict(demand)
        for p in b:
            trial[prep.klass[p]] = trial.get(prep.klass[p], 0) + prep.projects[p].cost_usd
        if class_flows(prep, trial) is None:
            continue
        demand = defaultdict(int, trial)
        caps.add(b)
        chosen |= b
    return chosen


def covered(prep: Prepared, chosen: set[int]) -> list[str]:
    return [
        d
        for d in prep.relevant
        if all(any(p in chosen for p in prep.candidates[(d, s)]) for s in prep.missing[d])
    ]


def tidy(prep: Prepared, chosen: set[int]) -> set[int]:
    """Keep only projects that complete a covered sub-district and what they need."""
    keep: set[int] = set()
    for d in covered(prep, chosen):
        for s in sorted(prep.missing[d]):
            options = [p for p in prep.candidates[(d, s)] if p in chosen and prep.closure[p] <= chosen]
            if not options:
                continue
            best = min(options, key=lambda p: (len(prep.closure[p] - keep), prep.projects[p].project_id))
            keep |= prep.closure[best]
    return keep
