"""Validation and the indexes every part shares: who may fund what, which projects can matter."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sabeel.engines.portfolio._types import Instance, Project, SubDistrict


@dataclass
class Prepared:
    instance: Instance
    projects: list[Project]
    index: dict[str, int]
    subdistricts: dict[str, SubDistrict]
    missing: dict[str, frozenset[str]]  # sub-district -> minimum services not yet functional
    requires: list[list[int]]  # effective dependencies (the required service not already functional)
    klass: list[int]  # project -> (sector, governorate) class
    classes: list[tuple[str, str]]
    class_accounts: list[list[int]]  # class -> accounts that may fund it
    candidates: dict[tuple[str, str], list[int]]  # (sub-district, missing service) -> projects
    relevant: list[str]  # sub-districts with returnees, services missing, each missing one with a candidate
    useful: set[int]  # projects that can add returnees, and what they need
    closure: list[frozenset[int]]  # project -> itself and everything it needs, transitively

    def governorate(self, p: int) -> str:
        return self.subdistricts[self.projects[p].subdistrict].governorate


def _fail(message: str) -> None:
    raise ValueError(message)


def _once(kind: str, ids: Iterable[str], twice: str = "is listed twice") -> set[str]:
    """The ids, each once; ValueError naming the first one given twice."""
    seen: set[str] = set()
    for key in ids:
        if key in seen:
            _fail(f"{kind} {key!r} {twice}")
        seen.add(key)
    return seen


def validate(instance: Instance) -> None:
    """Raise ValueError on input the optimiser must not guess about."""
    subdistricts = _once("sub-district", (sd.pcode for sd in instance.subdistricts))
    for sd in instance.subdistricts:
        if sd.returnees < 0:
            _fail(f"sub-district {sd.pcode!r} has a negative number of returnees ({sd.returnees})")
    _once("project", (p.project_id for p in instance.projects))
    for project in instance.projects:
        if project.cost_usd < 0:
            _fail(f"project {project.project_id!r} has a negative cost ({project.cost_usd} USD)")
        if project.subdistrict not in subdistricts:
            _fail(f"project {project.project_id!r} is in an unknown sub-district {project.subdistrict!r}")
    by_id = {p.project_id: p for p in instance.projects}
    for project in instance.projects:
        for dep in project.requires:
            if dep not in by_id:
                _fail(f"project {project.project_id!r} requires an unknown project {dep!r}")
    _check_cycles(by_id)
    _once("account", (a.account_id for a in instance.accounts))
    for account in instance.accounts:
        if account.balance_usd < 0:
            _fail(f"account {account.account_id!r} has a negative balance ({account.balance_usd} USD)")
    _once("implementer", (c.implementer for c in instance.capacities), "has two capacities")
    for cap in instance.capacities:
        if (cap.max_projects is not None and cap.max_projects < 0) or (
            cap.max_budget_usd is not None and cap.max_budget_usd < 0
        ):
            _fail(f"implementer {cap.implementer!r} has a negative capacity")


def _check_cycles(by_id: dict[str, Project]) -> None:
    state: dict[str, int] = {}  # 1: on the path, 2: done
    for start in by_id:
        if start in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            deps = by_id[node].requires
            if i < len(deps):
                stack.append((node, i + 1))
                nxt = deps[i]
                if state.get(nxt) == 1:
                    cycle = [*path[path.index(nxt) :], nxt]
                    _fail(f"dependency cycle: {' -> '.join(cycle)}")
                if nxt not in state:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()


def prepare(instance: Instance) -> Prepared:
    validate(instance)
    projects = list(instance.projects)
    index = {p.project_id: i for i, p in enumerate(projects)}
    sds = {sd.pcode: sd for sd in instance.subdistricts}
    minimum = instance.minimum_services
    missing = {pcode: frozenset(minimum - sd.functional) for pcode, sd in sds.items()}
    requires = [
        [index[d] for d in p.requires if projects[index[d]].sector not in sds[projects[index[d]].subdistrict].functional]
        for p in projects
    ]
    class_of: dict[tuple[str, str], int] = {}
    klass = []
    for p in projects:
        key = (p.sector, sds[p.subdistrict].governorate)
        klass.append(class_of.setdefault(key, len(class_of)))
    classes = list(class_of)
    class_accounts = [
        [a for a, acc in enumerate(instance.accounts) if acc.may_fund(sector, gov)] for sector, gov in classes
    ]
    candidates: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, p in enumerate(projects):
        if p.sector in missing[p.subdistrict]:
            candidates[(p.subdistrict, p.sector)].append(i)
    relevant = [
        pcode
        for pcode, sd in sds.items()
        if sd.returnees > 0 and missing[pcode] and all(candidates.get((pcode, s)) for s in missing[pcode])
    ]
    closure: list[frozenset[int]] = [frozenset()] * len(projects)
    done = [False] * len(projects)

    def close(i: int) -> frozenset[int]:
        # iterative post-order: the graph is acyclic (validated)
        stack = [(i, False)]
        while stack:
            node, expanded = stack.pop()
            if done[node]:
                continue
            if expanded:
                acc = {node}
                for q in requires[node]:
                    acc |= closure[q]
                closure[node] = frozenset(acc)
                done[node] = True
            else:
                stack.append((node, True))
                stack.extend((q, False) for q in requires[node] if not done[q])
        return closure[i]

    useful: set[int] = set()
    for pcode in relevant:
        for s in missing[pcode]:
            for i in candidates[(pcode, s)]:
                useful |= close(i)
    for i in range(len(projects)):
        close(i)
    return Prepared(
        instance=instance,
        projects=projects,
        index=index,
        subdistricts=sds,
        missing=missing,
        requires=requires,
        klass=klass,
        classes=classes,
        class_accounts=class_accounts,
        candidates=dict(candidates),
        relevant=relevant,
        useful=useful,
        closure=closure,
    )
