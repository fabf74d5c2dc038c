"""The assistance API (mount at ``/api/assistance``): a programme's grant rules (list, add a
version), payment runs (start, progress), a payment list with its payments, the provider's results
and the reconciliation. Everything needs ``assistance.manage`` in the programme's working group;
answers carry registration numbers and keys, never a name."""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from sabeel.assistance import selectors, services
from sabeel.assistance.models import GrantRule
from sabeel.core.actors import request_actor

router = Router(tags=["assistance"])


class RuleIn(Schema):
    currency: str = Field(..., max_length=3)
    per_family: Decimal = Decimal(0)
    per_person: Decimal = Decimal(0)
    max_persons: int | None = None
    top_ups: dict[str, Decimal] = {}
    cap: Decimal | None = None
    instalments: int = 1
    trigger: str = "arrival"
    include_self_organised: bool = False
    presumed_return_months: int | None = None


class RuleOut(Schema):
    id: int
    version: int
    trigger: str
    include_self_organised: bool
    currency: str
    per_family: Decimal
    per_person: Decimal
    max_persons: int | None
    top_ups: dict[str, Any]
    cap: Decimal | None
    instalments: int
    presumed_return_months: int | None
    created_at: dt.datetime


class RunOut(Schema):
    id: int
    status: str
    done: int
    total: int | None
    counts: dict[str, int]
    payment_list: int | None


class PaymentOut(Schema):
    id: int
    registration_number: str
    idempotency_key: str
    amount: Decimal
    currency: str
    instalment: int
    rule_version: int
    status: str


class ListOut(Schema):
    id: int
    run: int
    programme: int
    payments: list[PaymentOut]


class ResultIn(Schema):
    idempotency_key: str = Field(..., max_length=80)
    result: str = Field(..., max_length=10)
    reference: str = Field("", max_length=64)
    date: dt.date | None = None


class ResultsIn(Schema):
    rows: list[ResultIn] = Field(..., max_length=services.MAX_RESULT_ROWS)


class ResultsOut(Schema):
    counts: dict[str, int]
    problems: list[dict[str, Any]]


class DifferenceOut(Schema):
    kind: str
    registration_number: str
    detail: dict[str, Any]


class ReconciliationOut(Schema):
    programme: int
    rule_version: int | None
    counts: dict[str, int]
    differences: list[DifferenceOut]
    truncated: bool


def _rule_out(rule: GrantRule) -> RuleOut:
    return RuleOut.from_orm(rule)


@router.get("/programmes/{pk}/rules", response=list[RuleOut])
def rules_list(request: HttpRequest, pk: int) -> list[RuleOut]:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk)
    return [_rule_out(r) for r in selectors.rules_of(actor=actor, programme=programme)]


@router.post("/programmes/{pk}/rules", response={201: RuleOut})
def rule_create(request: HttpRequest, pk: int, payload: RuleIn) -> tuple[int, RuleOut]:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk)
    values = payload.dict()
    rule = services.grant_rule_create(actor=actor, programme=programme, **values)
    return 201, _rule_out(rule)


def _run_out(run) -> RunOut:  # type: ignore[no-untyped-def]
    plist = getattr(run, "payment_list", None)
    return RunOut(id=run.pk, status=run.status, done=run.done, total=run.total, counts=run.counts or {}, payment_list=plist.pk if plist else None)


@router.post("/programmes/{pk}/payment-runs", response={201: RunOut})
def run_start(request: HttpRequest, pk: int) -> tuple[int, RunOut]:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk)
    run = services.payment_run_start(actor=actor, programme=programme)
    run.refresh_from_db()
    return 201, _run_out(run)


@router.get("/payment-runs/{pk}", response=RunOut)
def run_get(request: HttpRequest, pk: int) -> RunOut:
    return _run_out(selectors.run_get(actor=request_actor(request), pk=pk))


@router.get("/payment-lists/{pk}", response=ListOut)
def list_get(request: HttpRequest, pk: int) -> ListOut:
    actor = request_actor(request)
    plist = selectors.payment_list_get(actor=actor, pk=pk)
    payments = [
        PaymentOut(
            id=p.pk,
            registration_number=p.household.registration_number,
            idempotency_key=p.idempotency_key,
            amount=p.amount,
            currency=p.currency,
            instalment=p.instalment,
            rule_version=p.rule_version,
            status=p.status,
        )
        for p in selectors.payments_of(actor=actor, payment_list=plist)[:5000]
    ]
    return ListOut(id=plist.pk, run=plist.run_id, programme=plist.programme_id, payments=payments)


@router.post("/payment-lists/{pk}/results", response=ResultsOut)
def results_record(request: HttpRequest, pk: int, payload: ResultsIn) -> ResultsOut:
    actor = request_actor(request)
    plist = selectors.payment_list_get(actor=actor, pk=pk)
    rows = [{k: ("" if v is None else str(v)) for k, v in r.dict().items()} for r in payload.rows]
    outcome = services.results_record(actor=actor, payment_list=plist, rows=rows)
    return ResultsOut(**outcome)


class ReissueOut(Schema):
    id: int
    attempt: int
    reissue_of: int
    idempotency_key: str
    status: str


@router.post("/payment-lists/{pk}/payments/{payment}/reissue", response={201: ReissueOut})
def payment_reissue(request: HttpRequest, pk: int, payment: int) -> tuple[int, ReissueOut]:
    """Re-issue a failed or returned payment of the list as its next attempt (400 otherwise)."""
    actor = request_actor(request)
    plist = selectors.payment_list_get(actor=actor, pk=pk)
    again = services.payment_reissue(actor=actor, payment=selectors.payment_get(actor=actor, payment_list=plist, pk=payment))
    return 201, ReissueOut(id=again.pk, attempt=again.attempt, reissue_of=again.reissue_of_id or 0, idempotency_key=again.idempotency_key, status=again.status)


@router.get("/programmes/{pk}/reconciliation", response=ReconciliationOut)
def reconciliation(request: HttpRequest, pk: int) -> ReconciliationOut:
    actor = request_actor(request)
    rec = selectors.reconciliation(actor=actor, programme=selectors.programme_get(actor=actor, pk=pk))
    return ReconciliationOut(
        programme=rec.programme.pk,
        rule_version=rec.rule.version if rec.rule else None,
        counts=rec.counts,
        differences=[DifferenceOut(kind=d.kind, registration_number=d.registration_number, detail=d.detail) for d in rec.differences],
        truncated=rec.truncated,
    )


class VerifiedIn(Schema):
    confirmation_id: int


class DeregistrationOut(Schema):
    id: int
    from_state: str
    to_state: str
    reason: str
    evidence: dict[str, Any]
    actor_kind: str
    actor_id: str
    at: dt.datetime


class HouseholdStateOut(Schema):
    id: int
    registration_number: str
    status: str
    deregistration: str
    transitions: list[DeregistrationOut]


def _state(household) -> HouseholdStateOut:  # type: ignore[no-untyped-def]
    household.refresh_from_db()
    return HouseholdStateOut(
        id=household.pk,
        registration_number=household.registration_number,
        status=household.status,
        deregistration=household.deregistration,
        transitions=[DeregistrationOut.from_orm(r) for r in household.deregistrations.order_by("pk")],
    )


def _household(request: HttpRequest, pk: int, action: str):  # type: ignore[no-untyped-def]
    from sabeel.core.permissions import get_visible, require
    from sabeel.registry.models import Household

    actor = request_actor(request)
    require(actor, action)
    return actor, get_visible(actor, Household.objects.all(), action, pk=pk)


@router.get("/households/{pk}/deregistration", response=HouseholdStateOut)
def deregistration_get(request: HttpRequest, pk: int) -> HouseholdStateOut:
    _actor, household = _household(request, pk, "person.view")
    return _state(household)


@router.post("/households/{pk}/verified-return", response=HouseholdStateOut)
def verified_return(request: HttpRequest, pk: int, payload: VerifiedIn) -> HouseholdStateOut:
    from sabeel.registry.services import household_verified_return

    actor, household = _household(request, pk, "person.update")
    return _state(household_verified_return(actor=actor, household=household, confirmation_id=payload.confirmation_id))


@router.post("/households/{pk}/presumed-return", response=HouseholdStateOut)
def presumed_return(request: HttpRequest, pk: int) -> HouseholdStateOut:
    actor, household = _household(request, pk, "deregistration.presume")
    return _state(services.presumed_return_confirm(actor=actor, household=household))
