"""Reads of the fund, scoped by working group and, for donor viewers, by their organisation: a
donor viewer sees their own donor record and pledges, the projects their pledges funded with
progress and evidence, the ledger entries of their pledges, and the fund-level totals. Nothing
here reads a person's record: the fund holds none."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, Sum

from sabeel.core.actors import Actor
from sabeel.core.permissions import get_visible, groups_for, memberships, visible_to
from sabeel.core.roles import Role
from sabeel.fund import ledger
from sabeel.fund.models import (
    VIEW_ACTION,
    Commitment,
    Disbursement,
    Donor,
    Entry,
    ExpenditureReport,
    Pledge,
    PortfolioRun,
    Project,
    ProjectStatus,
    Transaction,
)
from sabeel.workgroups.models import Membership, WorkingGroup

M = TypeVar("M", bound=models.Model)


def full_groups(actor: Actor) -> set[int]:
    """Groups in which the actor sees the whole fund (a fund role other than donor viewer)."""
    return {g for g, role in memberships(actor) if role != Role.DONOR_VIEWER} & groups_for(actor, VIEW_ACTION)


def donor_organisations(actor: Actor) -> dict[int, set[int]]:
    """Group → the organisations whose donor rows the actor sees as a donor viewer there."""
    user_id = actor.user_id
    if user_id is None:
        return {}
    out: dict[int, set[int]] = {}
    for group_id, org_id in Membership.objects.current().filter(user_id=user_id, role=Role.DONOR_VIEWER).values_list("working_group_id", "organisation_id"):
        out.setdefault(group_id, set()).add(org_id)
    return out


def _scoped(actor: Actor, queryset: models.QuerySet[M], org_path: str, group_path: str = "working_group_id") -> models.QuerySet[M]:
    queryset = visible_to(actor, queryset, VIEW_ACTION)
    from sabeel.core.models import ActorKind

    if actor.kind == ActorKind.SYSTEM:
        return queryset
    q = Q(**{f"{group_path}__in": full_groups(actor)})
    for group_id, orgs in donor_organisations(actor).items():
        q |= Q(**{group_path: group_id, f"{org_path}__in": orgs})
    return queryset.filter(q).distinct()


def fund_groups(*, actor: Actor) -> models.QuerySet[WorkingGroup]:
    return WorkingGroup.objects.filter(pk__in=groups_for(actor, VIEW_ACTION)).order_by("code")


def donors(*, actor: Actor) -> models.QuerySet[Donor]:
    return _scoped(actor, Donor.objects.select_related("organisation", "working_group"), "organisation").order_by("organisation__name")


def pledges(*, actor: Actor) -> models.QuerySet[Pledge]:
    return _scoped(actor, Pledge.objects.select_related("donor__organisation"), "donor__organisation").order_by("-pledged_on", "-pk")


def pledge_get(*, actor: Actor, pk: int) -> Pledge:
    return get_visible(actor, pledges(actor=actor), VIEW_ACTION, pk=pk)


def projects(*, actor: Actor) -> models.QuerySet[Project]:
    """Every project for the fund's staff; for a donor viewer, the projects their pledges funded."""
    return _scoped(actor, Project.objects.select_related("subdistrict", "implementer__organisation"), "commitments__pledge__donor__organisation").order_by("code")


def project_get(*, actor: Actor, pk: int) -> Project:
    return get_visible(actor, projects(actor=actor), VIEW_ACTION, pk=pk)


def project_money(*, actor: Actor, project: Project) -> dict[str, Any]:
    """The project's commitments, disbursements and expenditure (a donor viewer: their pledges'
    share of commitments and disbursements; expenditure reports are the project's)."""
    commitments = _scoped(actor, Commitment.objects.filter(project=project).select_related("pledge__donor__organisation", "transaction"), "pledge__donor__organisation")
    disbursements = _scoped(actor, Disbursement.objects.filter(project=project).select_related("pledge__donor__organisation", "transaction"), "pledge__donor__organisation")
    expenditures = visible_to(actor, ExpenditureReport.objects.filter(project=project), VIEW_ACTION)
    return {"commitments": list(commitments), "disbursements": list(disbursements), "expenditures": list(expenditures),
            "progress": list(project.progress_reports.order_by("-reported_on", "-pk"))}


def entries(*, actor: Actor) -> models.QuerySet[Entry]:
    return _scoped(actor, Entry.objects.select_related("transaction", "account__pledge__donor__organisation", "account__project"),
                   "account__pledge__donor__organisation", group_path="transaction__working_group_id").order_by("-transaction_id", "pk")


def transaction_get(*, actor: Actor, pk: int) -> Transaction:
    return get_visible(actor, Transaction.objects.filter(working_group_id__in=full_groups(actor)), VIEW_ACTION, pk=pk)


def totals(*, actor: Actor) -> list[dict[str, Any]]:
    """Fund-level totals per group the actor sees (every fund role, donor viewers included)."""
    out = []
    for group in fund_groups(actor=actor):
        balance = ledger.trial_balance(group.pk)
        out.append({
            "group": group,
            "pledged": -balance["contribution"],
            "receivable": balance["receivable"],
            "cash": balance["cash"] + balance["earmark"],
            "committed": balance["commitment"],
            "disbursed": balance["disbursed"],
            "spent": balance["spent"],
            "total": balance["total"],
            "projects": [(ProjectStatus(row["status"]).label, row["n"]) for row in
                         Project.objects.filter(working_group=group).values("status").annotate(n=models.Count("pk")).order_by("status")],
        })
    return out


def trial_balance(*, actor: Actor, working_group: WorkingGroup) -> dict[str, int]:
    return ledger.trial_balance(working_group.pk)


def pledge_summary(pledge: Pledge) -> dict[str, int]:
    bal = ledger.pledge_balances(pledge)

    def total(kind: str) -> int:
        return sum(v for (k, _p), v in bal.items() if k == kind)

    return {"pledged": -total("contribution"), "receivable": total("receivable"), "cash": total("cash") + total("earmark"),
            "committed": total("commitment"), "disbursed": total("disbursed"), "spent": total("spent")}


def portfolio_runs(*, actor: Actor) -> models.QuerySet[PortfolioRun]:
    return visible_to(actor, PortfolioRun.objects.select_related("run").filter(working_group_id__in=full_groups(actor)), VIEW_ACTION).order_by("-pk")


def portfolio_run_get(*, actor: Actor, pk: int) -> PortfolioRun:
    return get_visible(actor, portfolio_runs(actor=actor), VIEW_ACTION, pk=pk)


def spent_by_project(group_ids: set[int]) -> dict[int, int]:
    rows = Entry.objects.filter(account__working_group_id__in=group_ids, account__kind="spent").values("account__project_id").annotate(t=Sum("amount_cents"))
    return {r["account__project_id"]: int(r["t"]) for r in rows}
