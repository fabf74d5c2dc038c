"""An independent check of a proposal against its instance (used by the tests and the benchmark)."""

from __future__ import annotations

from collections import defaultdict

from sabeel.engines.portfolio._types import Instance, Proposal, Reason


def check(instance: Instance, proposal: Proposal) -> list[str]:
    """Every rule the proposal breaks, in words; an empty list when it keeps them all: balances,
    earmarks, dependencies, implementer capacity, full funding of each chosen project, the returnees
    it claims to cover, and one explanation per project."""
    problems: list[str] = []
    projects = {p.project_id: p for p in instance.projects}
    sds = {sd.pcode: sd for sd in instance.subdistricts}
    accounts = {a.account_id: a for a in instance.accounts}
    chosen = set(proposal.chosen)
    if len(chosen) != len(proposal.chosen):
        problems.append("a project is chosen twice")
    for pid in sorted(chosen - set(projects)):
        problems.append(f"unknown project {pid} chosen")
    chosen &= set(projects)
    paid: dict[str, int] = defaultdict(int)
    spent: dict[str, int] = defaultdict(int)
    for row in proposal.funding:
        account = accounts.get(row.account_id)
        project = projects.get(row.project_id)
        if account is None or project is None:
            problems.append(f"funding row for unknown account or project: {row}")
            continue
        if row.project_id not in chosen:
            problems.append(f"{row.account_id} funds {row.project_id}, which is not chosen")
        if row.amount_usd <= 0:
            problems.append(f"{row.account_id} funds {row.project_id} with {row.amount_usd} USD")
        if not account.may_fund(project.sector, sds[project.subdistrict].governorate):
            problems.append(f"{row.account_id} is earmarked away from {row.project_id} ({project.sector} in "
                            f"{sds[project.subdistrict].governorate})")
        paid[row.project_id] += row.amount_usd
        spent[row.account_id] += row.amount_usd
    for pid in sorted(chosen):
        if paid[pid] != projects[pid].cost_usd:
            problems.append(f"{pid} costs {projects[pid].cost_usd} USD but is funded {paid[pid]} USD")
    for aid, amount in sorted(spent.items()):
        if amount > accounts[aid].balance_usd:
            problems.append(f"{aid} commits {amount} USD, more than its balance {accounts[aid].balance_usd} USD")
    for pid in sorted(chosen):
        for dep in projects[pid].requires:
            q = projects[dep]
            if dep not in chosen and q.sector not in sds[q.subdistrict].functional:
                problems.append(f"{pid} requires {dep}, which is neither chosen nor already functional")
    count: dict[str, int] = defaultdict(int)
    budget: dict[str, int] = defaultdict(int)
    for pid in chosen:
        count[projects[pid].implementer] += 1
        budget[projects[pid].implementer] += projects[pid].cost_usd
    for cap in instance.capacities:
        if cap.max_projects is not None and count[cap.implementer] > cap.max_projects:
            problems.append(f"{cap.implementer} has {count[cap.implementer]} projects, over {cap.max_projects}")
        if cap.max_budget_usd is not None and budget[cap.implementer] > cap.max_budget_usd:
            problems.append(f"{cap.implementer} carries {budget[cap.implementer]} USD, over {cap.max_budget_usd}")
    functional: dict[str, set[str]] = {pcode: set(sd.functional) for pcode, sd in sds.items()}
    for pid in chosen:
        functional[projects[pid].subdistrict].add(projects[pid].sector)
    became = sorted(
        pcode for pcode, sd in sds.items()
        if not instance.minimum_services <= sd.functional and instance.minimum_services <= functional[pcode]
        and sd.returnees > 0
    )
    returnees = sum(sds[p].returnees for p in became)
    if returnees != proposal.returnees_covered:
        problems.append(f"the proposal claims {proposal.returnees_covered} returnees covered; it covers {returnees}")
    if sorted(proposal.covered_subdistricts) != became:
        problems.append("the covered sub-districts claimed differ from those the chosen projects complete")
    explained = [e.project_id for e in proposal.explanations]
    if sorted(explained) != sorted(projects):
        problems.append("there is not exactly one explanation per project")
    for e in proposal.explanations:
        if (e.reason == Reason.CHOSEN) != (e.project_id in chosen):
            problems.append(f"the explanation of {e.project_id} ({e.reason}) contradicts the choice")
    return problems
