"""The portfolio optimiser's adapter: the fund's balances and earmarks, candidate projects,
dependencies, implementer capacity, intending returnees by destination (aggregate counts from the
registry's latest return intentions) and services already functional (the fund's observations in
the conditions register) become an ``engines.portfolio.Instance``; the ``Proposal`` is stored on a
``PortfolioRun`` for a planner to review. Nothing is committed until the planner approves."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit, runs
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.models import Run, RunStatus
from sabeel.core.permissions import require
from sabeel.engines import portfolio as engine
from sabeel.fund import services
from sabeel.fund.completion import functional_services, minimum_services
from sabeel.fund.models import Implementer, Pledge, PortfolioRun, Project, ProjectStatus
from sabeel.geo.models import AdminUnit
from sabeel.workgroups.models import WorkingGroup

RUN_KIND = "fund.portfolio"


def intending_returnees_by_subdistrict() -> dict[int, int]:
    """Sub-district id → people in households whose latest answer is "intends to return within
    12 months" to a destination in that sub-district. Counts only: no household is named."""
    from sabeel.consent.models import ReturnIntention
    from sabeel.registry.models import Household, Individual

    latest = ReturnIntention.objects.filter(household=OuterRef("pk")).order_by("-recorded_on", "-id")
    households = (
        Household.objects.annotate(intends=Subquery(latest.values("intends_within_12_months")[:1]),
                                   intended_destination=Subquery(latest.values("preferred_destination_id")[:1]))
        .filter(intends="yes", intended_destination__isnull=False)
        .values_list("pk", "intended_destination")
    )
    by_household = dict(households)
    if not by_household:
        return {}
    people = dict(
        Individual.objects.filter(household_id__in=list(by_household)).values("household_id").annotate(n=Count("pk")).values_list("household_id", "n")
    )
    units = {u.pk: u for u in AdminUnit.objects.filter(pk__in=set(by_household.values()), level=3)}
    out: dict[int, int] = defaultdict(int)
    for household_id, unit_id in by_household.items():
        if unit_id in units:  # a destination named only at governorate or district level is not placed
            out[unit_id] += people.get(household_id, 0)
    return dict(out)


def instance_build(working_group: WorkingGroup) -> tuple[engine.Instance, dict[str, Any]]:
    """The engine's instance for a group's fund, and a summary for the run record."""
    candidates = list(
        Project.objects.filter(working_group=working_group, status=ProjectStatus.CANDIDATE)
        .select_related("subdistrict__parent__parent", "implementer").prefetch_related("requires")
    )
    ids = {p.pk for p in candidates}
    unit_ids = {p.subdistrict_id for p in candidates}
    functional = functional_services(list(unit_ids))
    returnees = intending_returnees_by_subdistrict()
    governorates = {}
    for p in candidates:
        gov = services.governorate_of(p.subdistrict)
        governorates[p.subdistrict_id] = gov.key if gov else ""
    projects = []
    for p in candidates:
        requires = tuple(sorted(str(q.pk) for q in p.requires.all() if q.pk in ids))
        projects.append(engine.Project(project_id=str(p.pk), sector=p.sector, subdistrict=p.subdistrict.key,
                                       cost_usd=int(p.cost_usd), implementer=str(p.implementer_id or ""), requires=requires))
    subdistricts = tuple(
        engine.SubDistrict(pcode=unit.key, governorate=governorates[unit.pk], returnees=returnees.get(unit.pk, 0),
                           functional=frozenset(functional.get(unit.pk, set())))
        for unit in AdminUnit.objects.filter(pk__in=unit_ids)
    )
    accounts = []
    for pledge in Pledge.objects.filter(working_group=working_group).order_by("pk"):
        dollars = services.available_cents(pledge) // 100
        if dollars > 0:
            accounts.append(engine.Account(account_id=str(pledge.pk), balance_usd=dollars,
                                           sectors=frozenset(pledge.sectors), governorates=frozenset(pledge.governorates)))
    capacities = []
    for imp in Implementer.objects.filter(working_group=working_group):
        busy = Project.objects.filter(implementer=imp, status__in=[ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS])
        load = sum(busy.values_list("cost_usd", flat=True))
        capacities.append(engine.Capacity(
            implementer=str(imp.pk),
            max_projects=None if imp.max_projects is None else max(imp.max_projects - busy.count(), 0),
            max_budget_usd=None if imp.max_budget_usd is None else max(imp.max_budget_usd - load, 0),
        ))
    instance = engine.Instance(projects=tuple(projects), subdistricts=subdistricts, accounts=tuple(accounts),
                               capacities=tuple(capacities), minimum_services=frozenset(minimum_services()))
    summary = {"candidates": len(projects), "subdistricts": len(subdistricts), "accounts": len(accounts),
               "available_usd": sum(a.balance_usd for a in accounts), "returnees": sum(s.returnees for s in subdistricts)}
    return instance, summary


@transaction.atomic
def portfolio_run_start(*, actor: Actor, working_group: WorkingGroup) -> PortfolioRun:
    """Queue a run of the optimiser over the group's fund (a background task)."""
    require(actor, services.PLAN, working_group)
    run = runs.run_create(actor=actor, kind=RUN_KIND, working_group_id=working_group.pk, total=1)
    record = PortfolioRun.objects.create(working_group=working_group, run=run, minimum_services=minimum_services())
    audit.record(actor=actor, action="fund.portfolio_run_started", target=record, data={"run_id": run.pk})
    from sabeel.fund.tasks import portfolio_run_task

    transaction.on_commit(lambda: portfolio_run_task.enqueue(run_id=run.pk))
    return record


def _proposal_json(proposal: engine.Proposal) -> dict[str, Any]:
    data = dataclasses.asdict(proposal)
    data["explanations"] = [{**e, "reason": str(e["reason"])} for e in data["explanations"]]
    return data


def portfolio_run_execute(*, run_id: int) -> Run | None:
    """The task's work: build the instance, solve in a child process with a hard time limit,
    store the proposal."""

    def work(run: Run) -> None:
        record = PortfolioRun.objects.select_related("working_group").get(run=run)
        instance, summary = instance_build(record.working_group)
        limit = float(getattr(settings, "SABEEL_FUND_PORTFOLIO_TIME_LIMIT", 30.0))
        proposal = engine.propose(instance, engine.PortfolioSettings(time_limit=limit))
        with transaction.atomic():
            PortfolioRun.objects.filter(pk=record.pk).update(summary=summary, proposal=_proposal_json(proposal))
            runs.run_finish(run=run, counts={"chosen": len(proposal.chosen), "returnees_covered": proposal.returnees_covered})

    return runs.run_execute(run_id=run_id, work=work)


@transaction.atomic
def portfolio_run_approve(*, actor: Actor, portfolio_run: PortfolioRun, project_ids: list[int] | None = None) -> list[Any]:
    """A planner approves the proposal (all its projects, or those named): each funding line
    becomes a commitment, checked again against today's balances and earmarks. All or nothing."""
    require(actor, services.PLAN, portfolio_run)
    record = PortfolioRun.objects.select_for_update().select_related("run").get(pk=portfolio_run.pk)
    if record.run.status != RunStatus.SUCCEEDED or not record.proposal:
        raise ServiceError(_("This run has no proposal to approve."))
    if record.approved_at is not None:
        raise ServiceError(_("This proposal was already approved."))
    chosen = [int(p) for p in record.proposal["chosen"]]
    selected = chosen if project_ids is None else [p for p in chosen if p in set(project_ids)]
    if not selected:
        raise ServiceError(_("Choose at least one project of the proposal."), fields={"project_ids": [_("Choose at least one project of the proposal.")]})
    today = timezone.now().date()
    made = []
    projects = {p.pk: p for p in Project.objects.filter(pk__in=selected, working_group_id=record.working_group_id)}
    for line in record.proposal["funding"]:
        pid = int(line["project_id"])
        if pid not in projects:
            continue
        pledge = Pledge.objects.get(pk=int(line["account_id"]), working_group_id=record.working_group_id)
        made.append(services.commitment_record(actor=actor, project=projects[pid], pledge=pledge,
                                               usd_cents=int(line["amount_usd"]) * 100, committed_on=today, portfolio_run=record))
    PortfolioRun.objects.filter(pk=record.pk).update(approved_at=timezone.now(), approved_by_id=as_actor(actor).user_id)
    audit.record(actor=actor, action="fund.portfolio_approved", target=record, data={"projects": selected, "commitments": [c.pk for c in made]})
    return made


