"""The fund API (mount at ``/api/fund``): fund-level totals, pledges, projects (donor viewers:
their own), and the money operations (``fund.manage``; commitments ``fund.plan``)."""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from sabeel.core.actors import request_actor
from sabeel.core.exceptions import NotPermitted
from sabeel.core.permissions import get_visible, require
from sabeel.fund import selectors, services
from sabeel.fund.models import VIEW_ACTION, Donor, Pledge, Transaction

router = Router(tags=["fund"])


class TotalsOut(Schema):
    working_group_id: int
    working_group: str
    pledged_cents: int
    receivable_cents: int
    cash_cents: int
    committed_cents: int
    disbursed_cents: int
    spent_cents: int
    trial_balance_cents: int


class PledgeOut(Schema):
    id: int
    donor_id: int
    organisation: str
    pledged_on: dt.date
    amount: Decimal
    currency: str
    usd_per_unit: Decimal
    rate_as_of: dt.date
    usd_cents: int
    sectors: list[str]
    governorates: list[str]
    conditions: str
    reference: str


class ProjectOut(Schema):
    id: int
    code: str
    title: str
    sector: str
    dac_code: str
    subdistrict: str
    cost_usd: int
    duration_months: int
    status: str
    completed_on: dt.date | None


class PledgeIn(Schema):
    amount: Decimal = Field(..., gt=0)
    currency: str = Field(..., min_length=3, max_length=3)
    pledged_on: dt.date
    sectors: list[str] = []
    governorates: list[str] = []
    conditions: str = Field("", max_length=4000)
    reference: str = Field("", max_length=100)


class ReceiptIn(Schema):
    amount: Decimal = Field(..., gt=0)
    received_on: dt.date


class MoneyIn(Schema):
    usd_cents: int = Field(..., gt=0)
    on: dt.date


class ExpenditureIn(Schema):
    amount: Decimal = Field(..., gt=0)
    currency: str = Field("USD", min_length=3, max_length=3)
    reported_on: dt.date
    text: str = Field("", max_length=4000)
    evidence: str = Field("", max_length=500)


class ProgressIn(Schema):
    reported_on: dt.date
    percent_complete: int = Field(..., ge=0, le=100)
    status: str
    text: str = Field(..., min_length=1, max_length=4000)
    evidence: str = Field("", max_length=500)


class ReversalIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


class DoneOut(Schema):
    id: int
    transaction_id: int


def _project_out(p) -> ProjectOut:  # type: ignore[no-untyped-def]
    return ProjectOut(id=p.pk, code=p.code, title=p.title, sector=p.sector, dac_code=p.dac_code, subdistrict=p.subdistrict.key,
                      cost_usd=p.cost_usd, duration_months=p.duration_months, status=p.status, completed_on=p.completed_on)


@router.get("/totals", response=list[TotalsOut])
def totals(request: HttpRequest) -> list[TotalsOut]:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    return [TotalsOut(working_group_id=t["group"].pk, working_group=t["group"].name, pledged_cents=t["pledged"], receivable_cents=t["receivable"], cash_cents=t["cash"],
                      committed_cents=t["committed"], disbursed_cents=t["disbursed"], spent_cents=t["spent"], trial_balance_cents=t["total"])
            for t in selectors.totals(actor=actor)]


@router.get("/pledges", response=list[PledgeOut])
def pledges(request: HttpRequest) -> list[PledgeOut]:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    return [PledgeOut(id=p.pk, donor_id=p.donor_id, organisation=p.donor.organisation.name, pledged_on=p.pledged_on, amount=p.amount,
                      currency=p.currency, usd_per_unit=p.usd_per_unit, rate_as_of=p.rate_as_of, usd_cents=p.usd_cents,
                      sectors=p.sectors, governorates=p.governorates, conditions=p.conditions, reference=p.reference)
            for p in selectors.pledges(actor=actor)[:500]]


@router.get("/projects", response=list[ProjectOut])
def projects(request: HttpRequest) -> list[ProjectOut]:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    return [_project_out(p) for p in selectors.projects(actor=actor)[:500]]


@router.get("/projects/{pk}", response=ProjectOut)
def project(request: HttpRequest, pk: int) -> ProjectOut:
    actor = request_actor(request)
    require(actor, VIEW_ACTION)
    return _project_out(selectors.project_get(actor=actor, pk=pk))


@router.post("/donors/{pk}/pledges", response={201: DoneOut})
def pledge_record(request: HttpRequest, pk: int, payload: PledgeIn) -> tuple[int, DoneOut]:
    actor = request_actor(request)
    require(actor, services.MANAGE)
    donor = get_visible(actor, Donor.objects.all(), services.MANAGE, pk=pk)
    pledge = services.pledge_record(actor=actor, donor=donor, amount=payload.amount, currency=payload.currency, pledged_on=payload.pledged_on,
                                    sectors=payload.sectors, governorates=payload.governorates, conditions=payload.conditions, reference=payload.reference)
    txn = Transaction.objects.filter(kind="pledge", entries__account__pledge=pledge).distinct().get()
    return 201, DoneOut(id=pledge.pk, transaction_id=txn.pk)


@router.post("/pledges/{pk}/receipts", response={201: DoneOut})
def receipt_record(request: HttpRequest, pk: int, payload: ReceiptIn) -> tuple[int, DoneOut]:
    actor = request_actor(request)
    require(actor, services.MANAGE)
    pledge = get_visible(actor, Pledge.objects.all(), services.MANAGE, pk=pk)
    receipt = services.receipt_record(actor=actor, pledge=pledge, amount=payload.amount, received_on=payload.received_on)
    return 201, DoneOut(id=receipt.pk, transaction_id=receipt.transaction_id)


def _project_and_pledge(request: HttpRequest, pk: int, pledge_id: int, action: str):  # type: ignore[no-untyped-def]
    from sabeel.fund.models import Project

    actor = request_actor(request)
    require(actor, action)
    project = get_visible(actor, Project.objects.select_related("subdistrict__parent__parent"), action, pk=pk)
    pledge = get_visible(actor, Pledge.objects.all(), action, pk=pledge_id)
    return actor, project, pledge


@router.post("/projects/{pk}/pledges/{pledge_pk}/commitments", response={201: DoneOut})
def commitment_record(request: HttpRequest, pk: int, pledge_pk: int, payload: MoneyIn) -> tuple[int, DoneOut]:
    actor, project, pledge = _project_and_pledge(request, pk, pledge_pk, services.PLAN)
    done = services.commitment_record(actor=actor, project=project, pledge=pledge, usd_cents=payload.usd_cents, committed_on=payload.on)
    return 201, DoneOut(id=done.pk, transaction_id=done.transaction_id)


@router.post("/projects/{pk}/pledges/{pledge_pk}/disbursements", response={201: DoneOut})
def disbursement_record(request: HttpRequest, pk: int, pledge_pk: int, payload: MoneyIn) -> tuple[int, DoneOut]:
    actor, project, pledge = _project_and_pledge(request, pk, pledge_pk, services.MANAGE)
    done = services.disbursement_record(actor=actor, project=project, pledge=pledge, usd_cents=payload.usd_cents, disbursed_on=payload.on)
    return 201, DoneOut(id=done.pk, transaction_id=done.transaction_id)


@router.post("/projects/{pk}/expenditures", response={201: DoneOut})
def expenditure_record(request: HttpRequest, pk: int, payload: ExpenditureIn) -> tuple[int, DoneOut]:
    from sabeel.fund.models import Project

    actor = request_actor(request)
    require(actor, services.MANAGE)
    project = get_visible(actor, Project.objects.all(), services.MANAGE, pk=pk)
    done = services.expenditure_record(actor=actor, project=project, **payload.dict())
    return 201, DoneOut(id=done.pk, transaction_id=done.transaction_id)


@router.post("/transactions/{pk}/reversal", response={201: DoneOut})
def reverse(request: HttpRequest, pk: int, payload: ReversalIn) -> tuple[int, DoneOut]:
    actor = request_actor(request)
    require(actor, services.MANAGE)
    txn = get_visible(actor, Transaction.objects.all(), services.MANAGE, pk=pk)
    done = services.transaction_reverse(actor=actor, txn=txn, reason=payload.reason)
    return 201, DoneOut(id=done.pk, transaction_id=done.pk)


@router.post("/projects/{pk}/progress", response={201: DoneOut})
def progress_record(request: HttpRequest, pk: int, payload: ProgressIn) -> tuple[int, DoneOut]:
    """A dated progress report with its evidence; "completed" observes the service in the area
    conditions register. ``transaction_id`` is 0: a report moves no money."""
    from sabeel.fund.models import Project

    actor = request_actor(request)
    require(actor, services.MANAGE)
    project = get_visible(actor, Project.objects.all(), services.MANAGE, pk=pk)
    report = services.progress_record(actor=actor, project=project, **payload.dict())
    return 201, DoneOut(id=report.pk, transaction_id=0)


class PortfolioRunOut(Schema):
    id: int
    status: str
    minimum_services: list[str]
    summary: dict[str, Any]
    proposal: dict[str, Any] | None
    approved_at: dt.datetime | None


class ApprovalIn(Schema):
    project_ids: list[int] | None = None


def _run_out(record) -> PortfolioRunOut:  # type: ignore[no-untyped-def]
    return PortfolioRunOut(id=record.pk, status=record.run.status, minimum_services=record.minimum_services, summary=record.summary,
                           proposal=record.proposal, approved_at=record.approved_at)


@router.post("/portfolio-runs", response={201: PortfolioRunOut})
def portfolio_run_start(request: HttpRequest) -> tuple[int, PortfolioRunOut]:
    """Queue a run of the optimiser over the planner's fund (a background task)."""
    from sabeel.core.permissions import groups_for
    from sabeel.fund import portfolio
    from sabeel.workgroups.models import WorkingGroup

    actor = request_actor(request)
    require(actor, services.PLAN)
    group = WorkingGroup.objects.filter(pk__in=groups_for(actor, services.PLAN)).order_by("pk").first()
    if group is None:  # require() above makes this unreachable
        raise NotPermitted
    record = portfolio.portfolio_run_start(actor=actor, working_group=group)
    return 201, _run_out(record)


@router.get("/portfolio-runs/{pk}", response=PortfolioRunOut)
def portfolio_run(request: HttpRequest, pk: int) -> PortfolioRunOut:
    actor = request_actor(request)
    require(actor, services.PLAN)
    return _run_out(selectors.portfolio_run_get(actor=actor, pk=pk))


@router.post("/portfolio-runs/{pk}/approval", response={201: list[DoneOut]})
def portfolio_run_approve(request: HttpRequest, pk: int, payload: ApprovalIn) -> tuple[int, list[DoneOut]]:
    """Approve the proposal (all its projects, or those named): each funding line becomes a commitment."""
    from sabeel.fund import portfolio

    actor = request_actor(request)
    require(actor, services.PLAN)
    record = selectors.portfolio_run_get(actor=actor, pk=pk)
    made = portfolio.portfolio_run_approve(actor=actor, portfolio_run=record, project_ids=payload.project_ids)
    return 201, [DoneOut(id=c.pk, transaction_id=c.transaction_id) for c in made]
