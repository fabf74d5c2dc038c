"""Hypothesis: on random small instances every proposal keeps balances, earmarks, dependencies and
capacity (the independent checker), is never worse than greedy, and matches a brute-force optimum."""

from __future__ import annotations

from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabeel.engines.portfolio import (
    Account,
    Capacity,
    Instance,
    Project,
    Proposal,
    SubDistrict,
    check,
    greedy,
    propose,
)
from sabeel.engines.portfolio._flow import class_flows, demand_of
from sabeel.engines.portfolio._prepare import prepare

SECTORS = ("water", "power", "health", "roads")
MINIMUM = frozenset({"water", "power", "health"})
GOVS = ("SY01", "SY02")
PLACES = ("A", "B", "C")


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    sds = tuple(
        SubDistrict(pcode, draw(st.sampled_from(GOVS)), draw(st.integers(0, 1_000)),
                    frozenset(draw(st.sets(st.sampled_from(sorted(MINIMUM)), max_size=2))))
        for pcode in PLACES
    )
    n = draw(st.integers(1, 9))
    projects: list[Project] = []
    for k in range(n):
        requires: tuple[str, ...] = ()
        wants_dependency: bool = draw(st.booleans())
        if projects and wants_dependency:
            requires = (draw(st.sampled_from([p.project_id for p in projects])),)  # earlier only: no cycle
        projects.append(Project(f"P{k}", draw(st.sampled_from(SECTORS)), draw(st.sampled_from(PLACES)),
                                draw(st.integers(0, 100)), draw(st.sampled_from(("i1", "i2"))), requires))
    accounts = [Account("general", draw(st.integers(0, 250)))]
    for k in range(draw(st.integers(0, 2))):
        accounts.append(Account(f"E{k}", draw(st.integers(0, 200)),
                                frozenset(draw(st.sets(st.sampled_from(SECTORS), max_size=2))),
                                frozenset(draw(st.sets(st.sampled_from(GOVS), max_size=1)))))
    capacities: tuple[Capacity, ...] = ()
    if draw(st.booleans()):
        capacities = (Capacity("i1", max_projects=draw(st.integers(0, 3)),
                               max_budget_usd=draw(st.none() | st.integers(0, 200))),)
    return Instance(tuple(projects), sds, tuple(accounts), capacities, MINIMUM)


def brute_force(instance: Instance) -> int:
    prep = prepare(instance)
    ids = {p.project_id: p for p in instance.projects}
    sds = {sd.pcode: sd for sd in instance.subdistricts}
    best = 0
    n = len(instance.projects)
    for size in range(n + 1):
        for subset in combinations(range(n), size):
            chosen = {instance.projects[i].project_id for i in subset}
            if any(d not in chosen and ids[d].sector not in sds[ids[d].subdistrict].functional
                   for p in chosen for d in ids[p].requires):
                continue
            if class_flows(prep, demand_of(prep, list(subset))) is None:
                continue
            ok = True
            for cap in instance.capacities:
                mine = [ids[p] for p in chosen if ids[p].implementer == cap.implementer]
                if cap.max_projects is not None and len(mine) > cap.max_projects:
                    ok = False
                if cap.max_budget_usd is not None and sum(p.cost_usd for p in mine) > cap.max_budget_usd:
                    ok = False
            if not ok:
                continue
            value = 0
            for sd in instance.subdistricts:
                have = set(sd.functional) | {ids[p].sector for p in chosen if ids[p].subdistrict == sd.pcode}
                if not sd.functional >= MINIMUM and have >= MINIMUM:
                    value += sd.returnees
            best = max(best, value)
    return best


def keeps_the_rules(instance: Instance, proposal: Proposal) -> None:
    assert check(instance, proposal) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_proposal_keeps_every_rule_is_never_worse_than_greedy_and_optimal(instance: Instance) -> None:
    proposal = propose(instance)
    baseline = greedy(instance)
    keeps_the_rules(instance, proposal)
    keeps_the_rules(instance, baseline)
    assert proposal.returnees_covered >= baseline.returnees_covered
    assert proposal.status == "optimal"
    assert proposal.returnees_covered == brute_force(instance)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_greedy_keeps_every_rule(instance: Instance) -> None:
    keeps_the_rules(instance, greedy(instance))
