"""The public surface, the hand-checked optima and the explanations."""

from __future__ import annotations

import sabeel.engines.portfolio as portfolio
from sabeel.engines.portfolio import (
    Account,
    Capacity,
    Instance,
    Project,
    Reason,
    check,
    greedy,
    propose,
)
from sabeel.engines.portfolio.tests.conftest import BASIC, greedy_trap, place


def reasons(proposal: portfolio.Proposal) -> dict[str, Reason]:
    return {e.project_id: e.reason for e in proposal.explanations}


def test_public_api_is_exactly_all() -> None:
    public = {name for name in dir(portfolio) if not name.startswith("_")} - {"synth", "tests"}
    assert public == set(portfolio.__all__)


def test_optimum_beats_greedy_on_the_hand_checked_trap() -> None:
    instance = greedy_trap()
    proposal = propose(instance)
    assert proposal.returnees_covered == 3_500
    assert proposal.covered_subdistricts == ("Y", "Z")
    assert proposal.status == "optimal" and proposal.bound == 3_500 and proposal.gap == 0
    assert proposal.greedy_returnees == 2_800
    assert greedy(instance).returnees_covered == 2_800
    assert check(instance, proposal) == []
    assert check(instance, greedy(instance)) == []


def test_chosen_project_explains_which_subdistrict_it_completes() -> None:
    proposal = propose(greedy_trap())
    chosen = next(e for e in proposal.explanations if e.project_id == "Y-water")
    assert chosen.reason == Reason.CHOSEN
    assert chosen.subdistrict == "Y" and chosen.returnees == 1_800
    assert "completing its minimum service set" in chosen.text and "100 USD from general" in chosen.text
    assert reasons(proposal)["X-water"] == Reason.BUDGET


def test_earmarked_money_funds_only_its_sector_and_governorate() -> None:
    # 300 USD earmarked for water in Aleppo (SY02); A is in Aleppo, B in Homs (SY04)
    instance = Instance(
        projects=(
            Project("A-water", "water", "A", 100),
            Project("B-water", "water", "B", 100),
            Project("B-health", "health", "B", 100),
        ),
        subdistricts=(place("A", 500, "SY02", frozenset({"health"})), place("B", 900, "SY04")),
        accounts=(Account("water-aleppo", 300, frozenset({"water"}), frozenset({"SY02"})), Account("general", 100)),
        minimum_services=BASIC,
    )
    proposal = propose(instance)
    # B needs 200 USD that only the 100 USD general account may pay: A is the only one reachable
    assert proposal.chosen == ("A-water",)
    assert [(f.account_id, f.amount_usd) for f in proposal.funding] == [("water-aleppo", 100)]
    assert proposal.returnees_covered == 500
    assert check(instance, proposal) == []
    by_id = {e.project_id: e for e in proposal.explanations}
    assert by_id["B-health"].reason == Reason.BUDGET


def test_no_account_may_fund_is_an_earmark_reason() -> None:
    instance = Instance(
        projects=(Project("A-water", "water", "A", 100), Project("A-health", "health", "A", 100)),
        subdistricts=(place("A", 500, "SY04"),),
        accounts=(Account("water-aleppo", 1_000, frozenset({"water"}), frozenset({"SY02"})),),
        minimum_services=BASIC,
    )
    proposal = propose(instance)
    assert proposal.chosen == () and proposal.returnees_covered == 0
    assert reasons(proposal) == {"A-water": Reason.EARMARK, "A-health": Reason.EARMARK}


def test_dependency_is_funded_too_unless_its_service_already_works() -> None:
    projects = (
        Project("A-water", "water", "A", 100),
        Project("A-power", "power", "A", 100),
        Project("A-health", "health", "A", 100, requires=("A-power",)),
    )
    minimum = frozenset({"water", "health"})
    off = Instance(projects, (place("A", 500),), (Account("general", 300),), minimum_services=minimum)
    proposal = propose(off)
    assert proposal.chosen == ("A-health", "A-power", "A-water")
    power = next(e for e in proposal.explanations if e.project_id == "A-power")
    assert power.reason == Reason.CHOSEN and "required by A-health" in power.text
    # too little money for the power the clinic needs: nothing
    assert propose(Instance(projects, (place("A", 500),), (Account("general", 250),), minimum_services=minimum)).chosen == ()
    # power already works in A: the clinic does not need the power project
    on = Instance(projects, (place("A", 500, functional=frozenset({"power"})),), (Account("general", 200),),
                  minimum_services=minimum)
    assert propose(on).chosen == ("A-health", "A-water")


def test_dependency_that_cannot_be_funded_is_the_reason() -> None:
    instance = Instance(
        projects=(
            Project("A-water", "water", "A", 100),
            Project("A-roads", "roads", "A", 100),
            Project("A-health", "health", "A", 100, requires=("A-roads",)),
        ),
        subdistricts=(place("A", 500),),
        accounts=(Account("no-roads", 1_000, frozenset({"water", "health"})),),
        minimum_services=BASIC,
    )
    proposal = propose(instance)
    assert proposal.chosen == ()
    assert reasons(proposal)["A-health"] == Reason.DEPENDENCY
    assert reasons(proposal)["A-roads"] == Reason.NO_GAIN  # roads are not in the minimum set


def test_implementer_capacity_limits_the_choice() -> None:
    instance = Instance(
        projects=(
            Project("A-water", "water", "A", 100, "ngo"),
            Project("A-health", "health", "A", 100, "ngo"),
            Project("B-water", "water", "B", 100, "ngo"),
            Project("B-health", "health", "B", 100, "other"),
        ),
        subdistricts=(place("A", 500), place("B", 400)),
        accounts=(Account("general", 10_000),),
        capacities=(Capacity("ngo", max_projects=2),),
        minimum_services=BASIC,
    )
    proposal = propose(instance)
    assert proposal.covered_subdistricts == ("A",)
    assert reasons(proposal)["B-water"] == Reason.CAPACITY
    assert check(instance, proposal) == []
    budget_cap = Instance(instance.projects, instance.subdistricts, instance.accounts,
                          (Capacity("ngo", max_budget_usd=150),), BASIC)
    assert propose(budget_cap).covered_subdistricts == ("B",)  # 150 USD: one of ngo's projects


def test_no_gain_reasons() -> None:
    instance = Instance(
        projects=(
            Project("A-water", "water", "A", 100),
            Project("A-water-2", "water", "A", 150),
            Project("A-health", "health", "A", 100),
            Project("A-roads", "roads", "A", 100),
            Project("B-water", "water", "B", 100),  # nobody returns to B
            Project("C-water", "water", "C", 100),  # C has no health project
            Project("D-health", "health", "D", 100),  # health already works in D
        ),
        subdistricts=(place("A", 500), place("B", 0), place("C", 700),
                      place("D", 300, functional=frozenset({"health", "water"}))),
        accounts=(Account("general", 10_000),),
        minimum_services=BASIC,
    )
    proposal = propose(instance)
    assert proposal.chosen == ("A-health", "A-water")
    texts = {e.project_id: e.text for e in proposal.explanations}
    assert reasons(proposal)["A-water-2"] == Reason.NO_GAIN and "A-water already makes water functional" in texts["A-water-2"]
    assert "not in the fund's minimum service set" in texts["A-roads"]
    assert "no intending returnees" in texts["B-water"]
    assert "no candidate project for health" in texts["C-water"]
    assert "already functional" in texts["D-health"]
    assert any("300 returnees" in note for note in proposal.notes)


def test_checker_finds_broken_rules() -> None:
    from dataclasses import replace

    from sabeel.engines.portfolio import Funding

    instance = greedy_trap()
    good = propose(instance)
    overspent = replace(good, funding=(*good.funding, Funding("general", "X-water", 50)),
                        chosen=(*good.chosen, "X-water"))
    problems = check(instance, overspent)
    assert any("more than its balance" in p for p in problems)
    assert any("explanation of X-water" in p for p in problems)
    unpaid = replace(good, funding=good.funding[1:])
    assert any("is funded 0 USD" in p for p in check(instance, unpaid))
    inflated = replace(good, returnees_covered=9_999)
    assert any("claims 9999" in p for p in check(instance, inflated))
