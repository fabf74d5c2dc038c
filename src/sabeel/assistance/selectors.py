"""Reads of the assistance app, scoped with ``visible_to`` (``assistance.manage``). Pages and
answers show registration numbers, amounts and keys, never a name: a name leaves only in a payment
file under an agreement (``services.payment_file``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from sabeel.assistance.choices import PaymentStatus
from sabeel.assistance.models import Entitlement, GrantRule, Payment, PaymentList
from sabeel.assistance.services import RUN_KIND, _payable, returns_owed, rule_current
from sabeel.consent.models import ReturnProgramme
from sabeel.core import runs
from sabeel.core.actors import Actor
from sabeel.core.models import Run
from sabeel.core.permissions import get_visible, groups_for, require, visible_to

ACTION = "assistance.manage"
RECONCILE_LIMIT = 500


def programmes(*, actor: Actor) -> QuerySet[ReturnProgramme]:
    require(actor, ACTION)
    return ReturnProgramme.objects.filter(working_group_id__in=groups_for(actor, ACTION)).select_related("working_group").order_by("pk")


def programme_get(*, actor: Actor, pk: int) -> ReturnProgramme:
    require(actor, ACTION)
    return get_visible(actor, ReturnProgramme.objects.select_related("working_group"), ACTION, pk=pk)


def rules_of(*, actor: Actor, programme: ReturnProgramme) -> QuerySet[GrantRule]:
    return visible_to(actor, GrantRule.objects.filter(programme=programme), ACTION).order_by("-version")


def payment_lists(*, actor: Actor, programme: ReturnProgramme | None = None) -> QuerySet[PaymentList]:
    require(actor, ACTION)
    qs = visible_to(actor, PaymentList.objects.all(), ACTION).select_related("run", "programme", "working_group")
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.annotate(payments_count=Count("payments"))


def payment_list_get(*, actor: Actor, pk: int) -> PaymentList:
    require(actor, ACTION)
    return get_visible(actor, PaymentList.objects.select_related("run", "programme", "working_group"), ACTION, pk=pk)


def payments_of(*, actor: Actor, payment_list: PaymentList) -> QuerySet[Payment]:
    return visible_to(actor, Payment.objects.filter(payment_list=payment_list), ACTION).select_related("household", "reissue").order_by("pk")


def payment_get(*, actor: Actor, payment_list: PaymentList, pk: int) -> Payment:
    return get_visible(actor, Payment.objects.filter(payment_list=payment_list), ACTION, pk=pk)


def run_get(*, actor: Actor, pk: int) -> Run:
    require(actor, ACTION)
    return get_visible(actor, runs.runs_of(kind=RUN_KIND), ACTION, pk=pk)


@dataclass(frozen=True)
class Difference:
    kind: str
    registration_number: str
    household_id: int
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reconciliation:
    programme: ReturnProgramme
    rule: GrantRule | None
    counts: dict[str, int]
    differences: list[Difference]
    truncated: bool


def reconciliation(*, actor: Actor, programme: ReturnProgramme) -> Reconciliation:
    """Lists, payments, results and returns side by side, and every difference between them:
    a return owed no entitlement yet, an entitlement due with no payment, a payment with no
    result, a failed or returned payment, a payment whose amount differs from its entitlement,
    a payment whose household's return is no longer on record."""
    require(actor, ACTION, programme)
    rule = rule_current(programme)
    entitlements = Entitlement.objects.filter(programme=programme)
    payments = Payment.objects.filter(programme=programme).select_related("household", "entitlement")
    returns = returns_owed(rule) if rule is not None else []
    returned_ids = {r[0] for r in returns}
    entitled_ids = set(entitlements.values_list("household_id", flat=True))
    from sabeel.registry.models import Household

    numbers = dict(Household.objects.filter(pk__in=returned_ids | entitled_ids).values_list("pk", "registration_number"))
    diffs: list[Difference] = []
    for household_id in sorted(returned_ids - entitled_ids):
        diffs.append(Difference("return_without_entitlement", numbers.get(household_id, ""), household_id))
    for e in _payable(programme.pk).select_related("household").order_by("pk"):
        diffs.append(Difference("entitlement_without_payment", e.household.registration_number, e.household_id, {"instalment": e.instalment, "amount": str(e.amount)}))
    for p in payments.filter(status=PaymentStatus.PENDING).order_by("pk"):
        diffs.append(Difference("payment_without_result", p.household.registration_number, p.household_id, {"key": p.idempotency_key, "list": p.payment_list_id}))
    # a failed or returned payment already re-issued is no longer a difference (its re-issue is)
    for p in payments.filter(status__in=[PaymentStatus.FAILED, PaymentStatus.RETURNED], reissue__isnull=True).order_by("pk"):
        diffs.append(Difference(f"payment_{p.status}", p.household.registration_number, p.household_id, {"key": p.idempotency_key, "list": p.payment_list_id}))
    for p in payments.exclude(Q(amount=F("entitlement__amount")) & Q(currency=F("entitlement__currency"))).order_by("pk"):
        diffs.append(Difference("amount_differs", p.household.registration_number, p.household_id, {"key": p.idempotency_key, "paid": str(p.amount), "owed": str(p.entitlement.amount)}))
    if rule is not None:
        for p in payments.exclude(household_id__in=returned_ids).order_by("pk"):
            diffs.append(Difference("payment_without_return", p.household.registration_number, p.household_id, {"key": p.idempotency_key}))
    by_status = dict(payments.values_list("status").annotate(n=Count("pk")))
    counts = {
        "returns": len(returned_ids),
        "entitlements": entitlements.count(),
        "lists": PaymentList.objects.filter(programme=programme).count(),
        "payments": payments.count(),
        "reissued": payments.filter(reissue_of__isnull=False).count(),
        **{f"payments_{status}": int(by_status.get(status, 0)) for status in PaymentStatus.values},
        "differences": len(diffs),
    }
    return Reconciliation(programme, rule, counts, diffs[:RECONCILE_LIMIT], len(diffs) > RECONCILE_LIMIT)
