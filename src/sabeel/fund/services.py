"""Writes of the reconstruction fund: keyword-only, atomic, permission first, audited (ids and
amounts only).

Money moves only through the ledger (``fund.ledger``), one balanced transaction per operation:

    pledge       Dr receivable(pledge)            Cr contribution(pledge)
    receipt      Dr cash|earmark(pledge)          Cr receivable(pledge)
    commitment   Dr commitment(project, pledge)   Cr cash|earmark(pledge)
    disbursement Dr disbursed(project, pledge)    Cr commitment(project, pledge)
    expenditure  Dr spent(project, pledge)        Cr disbursed(project, pledge)   (oldest pledge first)
    reversal     every entry of the transaction negated

The rules every operation keeps (``tests/test_ledger_machine.py`` checks them over random
sequences): the ledger balances; a pledge's money is committed only to projects its earmark
allows; a commitment never exceeds what the pledge has available (cash received, plus what is
still receivable when ``SABEEL_FUND_COMMIT_AGAINST_PLEDGES`` is on) nor the project's cost; a
disbursement never exceeds the commitment nor the cash actually held; an expenditure never
exceeds what was disbursed; a reversal negates exactly its transaction and is refused when it
would break one of these rules."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.fund import ledger
from sabeel.fund.models import (
    AccountKind,
    Commitment,
    Disbursement,
    Donor,
    Entry,
    ExchangeRate,
    ExpenditureReport,
    Implementer,
    Pledge,
    PortfolioRun,
    ProgressReport,
    Project,
    ProjectStatus,
    Receipt,
    Sector,
    Transaction,
    TransactionKind,
)
from sabeel.geo.choices import Country
from sabeel.geo.models import AdminUnit
from sabeel.workgroups.models import Organisation, WorkingGroup

MANAGE = "fund.manage"
PLAN = "fund.plan"
CURRENCY = re.compile(r"^[A-Z]{3}$")
TEXT_MAX = 4000
Errors = dict[str, list[str]]


def _fail(message: str, field: str | None = None) -> ServiceError:
    return ServiceError(message, fields={field: [message]} if field else None)


def commit_against_pledges() -> bool:
    return bool(getattr(settings, "SABEEL_FUND_COMMIT_AGAINST_PLEDGES", False))


def _today() -> dt.date:
    return timezone.now().date()


def _not_future(day: dt.date | None, field: str) -> dt.date:
    if day is None:
        raise _fail(_("Give the date."), field)
    if day > _today():
        raise _fail(_("The date cannot be in the future."), field)
    return day


def _decimal(value: Decimal | int | str | float, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise _fail(_("Give an amount as a number."), field) from exc
    if not amount.is_finite() or amount <= 0:
        raise _fail(_("Give an amount greater than zero."), field)
    if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e15"):
        raise _fail(_("Give an amount with at most two decimals and under a thousand trillion."), field)
    return amount


def _positive_cents(value: int, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise _fail(_("Give an amount greater than zero."), field)
    return value


def governorate_of(unit: AdminUnit) -> AdminUnit | None:
    current: AdminUnit | None = unit
    while current is not None and current.level > 1:
        current = current.parent
    return current if current is not None and current.level == 1 else None


# --- reference data: exchange rates, donors, implementers ---------------------------------------


@transaction.atomic
def exchange_rate_record(*, actor: Actor, currency: str, as_of: dt.date, usd_per_unit: Decimal | str, source: str) -> ExchangeRate:
    """Record the US-dollar value of one unit of ``currency`` on a day, with its source."""
    require(actor, MANAGE)
    currency = (currency or "").strip().upper()
    if not CURRENCY.match(currency):
        raise _fail(_("Give the currency as its three-letter ISO 4217 code."), "currency")
    _not_future(as_of, "as_of")
    try:
        rate = Decimal(str(usd_per_unit))
    except InvalidOperation as exc:
        raise _fail(_("Give the rate as a number."), "usd_per_unit") from exc
    if not rate.is_finite() or rate <= 0 or rate >= Decimal("1e9"):
        raise _fail(_("Give a positive rate."), "usd_per_unit")
    if not source.strip():
        raise _fail(_("Say where the rate comes from."), "source")
    if ExchangeRate.objects.filter(currency=currency, as_of=as_of).exists():
        raise _fail(_("A rate for this currency and day is already recorded."), "as_of")
    entry = ExchangeRate.objects.create(currency=currency, as_of=as_of, usd_per_unit=rate.quantize(Decimal("1e-8")), source=source.strip()[:200])
    audit.record(actor=actor, action="fund.rate_recorded", target=entry, data={"currency": currency, "as_of": as_of.isoformat(), "usd_per_unit": str(entry.usd_per_unit)})
    return entry


def rate_on(currency: str, day: dt.date) -> tuple[Decimal, dt.date]:
    """The rate used for ``currency`` on ``day``: the latest recorded on or before it."""
    if currency == "USD":
        return Decimal(1), day
    found = ExchangeRate.objects.filter(currency=currency, as_of__lte=day).order_by("-as_of").first()
    if found is None:
        raise _fail(_("No exchange rate for %(currency)s is recorded on or before this date: record one first.") % {"currency": currency}, "currency")
    return found.usd_per_unit, found.as_of


def _to_cents(amount: Decimal, rate: Decimal) -> int:
    return int((amount * rate * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@transaction.atomic
def donor_record(*, actor: Actor, working_group: WorkingGroup, organisation: Organisation, iati_ref: str = "") -> Donor:
    require(actor, MANAGE, working_group)
    if Donor.objects.filter(working_group=working_group, organisation=organisation).exists():
        raise _fail(_("This organisation is already a donor of the fund."), "organisation")
    donor = Donor.objects.create(working_group=working_group, organisation=organisation, iati_ref=iati_ref.strip()[:100])
    audit.record(actor=actor, action="fund.donor_recorded", target=donor, data={"organisation_id": organisation.pk})
    return donor


@transaction.atomic
def implementer_record(
    *, actor: Actor, working_group: WorkingGroup, organisation: Organisation, max_projects: int | None = None, max_budget_usd: int | None = None
) -> Implementer:
    require(actor, PLAN, working_group)
    if Implementer.objects.filter(working_group=working_group, organisation=organisation).exists():
        raise _fail(_("This organisation is already an implementer of the fund."), "organisation")
    for field, value in (("max_projects", max_projects), ("max_budget_usd", max_budget_usd)):
        if value is not None and value < 0:
            raise _fail(_("A capacity cannot be negative."), field)
    implementer = Implementer.objects.create(
        working_group=working_group, organisation=organisation, max_projects=max_projects, max_budget_usd=max_budget_usd
    )
    audit.record(actor=actor, action="fund.implementer_recorded", target=implementer, data={"organisation_id": organisation.pk})
    return implementer


# --- pledges and receipts ------------------------------------------------------------------------


def _earmarks(sectors: Sequence[str], governorates: Sequence[str]) -> tuple[list[str], list[str]]:
    bad = sorted(set(sectors) - set(Sector.values))
    if bad:
        raise _fail(_("Earmark by the fund's sectors only."), "sectors")
    codes = sorted({g.strip() for g in governorates if g.strip()})
    known = set(AdminUnit.objects.filter(key__in=codes, country=Country.SYRIA, level=1).values_list("key", flat=True))
    if set(codes) - known:
        raise _fail(_("Earmark by Syrian governorates (their p-codes) only."), "governorates")
    return sorted(set(sectors)), codes


@transaction.atomic
def pledge_record(
    *,
    actor: Actor,
    donor: Donor,
    amount: Decimal | int | str,
    currency: str,
    pledged_on: dt.date,
    sectors: Sequence[str] = (),
    governorates: Sequence[str] = (),
    conditions: str = "",
    reference: str = "",
) -> Pledge:
    """Record a signed pledge in its currency (valued in US dollars at the rate of its date) and
    book it: the donor owes the fund the amount."""
    require(actor, MANAGE, donor)
    value = _decimal(amount, "amount")
    currency = (currency or "").strip().upper()
    if not CURRENCY.match(currency):
        raise _fail(_("Give the currency as its three-letter ISO 4217 code."), "currency")
    _not_future(pledged_on, "pledged_on")
    if len(conditions) > TEXT_MAX:
        raise _fail(_("Keep the text under %(max)d characters.") % {"max": TEXT_MAX}, "conditions")
    sector_list, governorate_list = _earmarks(sectors, governorates)
    rate, rate_day = rate_on(currency, pledged_on)
    cents = _to_cents(value, rate)
    if cents <= 0:
        raise _fail(_("The pledge is worth less than a cent."), "amount")
    pledge = Pledge.objects.create(
        working_group_id=donor.working_group_id,
        donor=donor,
        amount=value,
        currency=currency,
        usd_per_unit=rate,
        rate_as_of=rate_day,
        usd_cents=cents,
        pledged_on=pledged_on,
        sectors=sector_list,
        governorates=governorate_list,
        conditions=conditions.strip(),
        reference=reference.strip()[:100],
        recorded_by_id=as_actor(actor).user_id,
    )
    txn = ledger.book(
        actor=actor,
        working_group_id=pledge.working_group_id,
        kind=TransactionKind.PLEDGE,
        booked_on=pledged_on,
        lines=[(ledger.account(pledge, AccountKind.RECEIVABLE), cents), (ledger.account(pledge, AccountKind.CONTRIBUTION), -cents)],
        memo=f"pledge #{pledge.pk}",
    )
    ledger.account(pledge, ledger.funding_kind(pledge))  # the account its cash will sit in
    audit.record(
        actor=actor,
        action="fund.pledge_recorded",
        target=pledge,
        data={"donor_id": donor.pk, "usd_cents": cents, "currency": currency, "transaction_id": txn.pk,
              "sectors": sector_list, "governorates": governorate_list},
    )
    return pledge


def _lock_pledge(pledge: Pledge) -> Pledge:
    return Pledge.objects.select_for_update().get(pk=pledge.pk)


@transaction.atomic
def receipt_record(*, actor: Actor, pledge: Pledge, amount: Decimal | int | str, received_on: dt.date) -> Receipt:
    """Cash received against a pledge, in the pledge's currency at the rate of the day it came in;
    never more than the pledge still owes."""
    require(actor, MANAGE, pledge)
    pledge = _lock_pledge(pledge)
    value = _decimal(amount, "amount")
    _not_future(received_on, "received_on")
    rate, rate_day = rate_on(pledge.currency, received_on)
    cents = _to_cents(value, rate)
    receivable = ledger.balance(ledger.account(pledge, AccountKind.RECEIVABLE))
    if cents <= 0:
        raise _fail(_("The amount is worth less than a cent."), "amount")
    if cents > receivable:
        raise _fail(_("This is more than the pledge still owes (%(owed)s US dollars).") % {"owed": usd(receivable)}, "amount")
    txn = ledger.book(
        actor=actor,
        working_group_id=pledge.working_group_id,
        kind=TransactionKind.RECEIPT,
        booked_on=received_on,
        lines=[(ledger.account(pledge, ledger.funding_kind(pledge)), cents), (ledger.account(pledge, AccountKind.RECEIVABLE), -cents)],
        memo=f"receipt against pledge #{pledge.pk}",
    )
    receipt = Receipt.objects.create(
        working_group_id=pledge.working_group_id, pledge=pledge, amount=value, currency=pledge.currency,
        usd_per_unit=rate, rate_as_of=rate_day, usd_cents=cents, received_on=received_on, transaction=txn,
    )
    audit.record(actor=actor, action="fund.receipt_recorded", target=receipt, data={"pledge_id": pledge.pk, "usd_cents": cents, "transaction_id": txn.pk})
    return receipt


def usd(cents: int) -> str:
    return f"{Decimal(cents) / 100:,.2f}"


def available_cents(pledge: Pledge) -> int:
    """What a pledge can still commit: its cash received and not committed, plus what is still
    receivable when the group commits against signed pledges."""
    bal = ledger.pledge_balances(pledge)
    cash = bal.get((AccountKind.CASH, None), 0) + bal.get((AccountKind.EARMARK, None), 0)
    receivable = bal.get((AccountKind.RECEIVABLE, None), 0)
    return cash + (receivable if commit_against_pledges() else 0)


def held_cents(pledge: Pledge) -> int:
    """Cash of a pledge actually in the fund: received and not yet disbursed."""
    bal = ledger.pledge_balances(pledge)
    return sum(v for (kind, _p), v in bal.items() if kind in (AccountKind.CASH, AccountKind.EARMARK, AccountKind.COMMITMENT))


def project_committed_cents(project: Project) -> int:
    """Net commitments to a project (committed, then disbursed and spent), all pledges."""
    from django.db.models import Sum

    total = Entry.objects.filter(
        account__project=project, account__kind__in=[AccountKind.COMMITMENT, AccountKind.DISBURSED, AccountKind.SPENT]
    ).aggregate(total=Sum("amount_cents"))["total"]
    return int(total or 0)


# --- projects -------------------------------------------------------------------------------------


@transaction.atomic
def project_record(
    *,
    actor: Actor,
    working_group: WorkingGroup,
    code: str,
    title: str,
    sector: str,
    subdistrict: AdminUnit,
    cost_usd: int,
    duration_months: int,
    title_ar: str = "",
    implementer: Implementer | None = None,
    requires: Sequence[Project] = (),
) -> Project:
    """A candidate project in a Syrian sub-district."""
    require(actor, PLAN, working_group)
    errors: Errors = {}
    code = code.strip()
    if not code or len(code) > 32:
        errors["code"] = [_("Give a code of at most 32 characters.")]
    elif Project.objects.filter(working_group=working_group, code=code).exists():
        errors["code"] = [_("Another project has this code.")]
    if not title.strip():
        errors["title"] = [_("Give the project a title.")]
    if sector not in Sector.values:
        errors["sector"] = [_("Choose one of the fund's sectors.")]
    if subdistrict.country != Country.SYRIA or subdistrict.level != 3:
        errors["subdistrict"] = [_("Choose a sub-district in Syria.")]
    if not isinstance(cost_usd, int) or cost_usd <= 0:
        errors["cost_usd"] = [_("Give a cost greater than zero.")]
    if not isinstance(duration_months, int) or not 0 < duration_months <= 240:
        errors["duration_months"] = [_("Give a duration between 1 and 240 months.")]
    if implementer is not None and implementer.working_group_id != working_group.pk:
        errors["implementer"] = [_("Choose an implementer of this fund.")]
    if any(p.working_group_id != working_group.pk for p in requires):
        errors["requires"] = [_("A project depends only on projects of the same fund.")]
    if errors:
        raise ServiceError(_("The project was not recorded."), fields=errors)
    project = Project.objects.create(
        working_group=working_group, code=code, title=title.strip()[:200], title_ar=title_ar.strip()[:200], sector=sector,
        subdistrict=subdistrict, cost_usd=cost_usd, duration_months=duration_months, implementer=implementer,
    )
    if requires:
        project.requires.set(requires)
    audit.record(actor=actor, action="fund.project_recorded", target=project,
                 data={"sector": sector, "admin_unit_id": subdistrict.pk, "cost_usd": cost_usd, "requires": [p.pk for p in requires]})
    return project


@transaction.atomic
def commitment_record(
    *,
    actor: Actor,
    project: Project,
    pledge: Pledge,
    usd_cents: int,
    committed_on: dt.date,
    portfolio_run: PortfolioRun | None = None,
) -> Commitment:
    """Commit money of a pledge to a project: only within the pledge's earmark, never more than
    the pledge has available, never more than the project still needs."""
    require(actor, PLAN, project)
    pledge = _lock_pledge(pledge)
    Project.objects.select_for_update().filter(pk=project.pk).exists()
    _positive_cents(usd_cents, "usd_cents")
    _not_future(committed_on, "committed_on")
    if pledge.working_group_id != project.working_group_id:
        raise _fail(_("The pledge and the project belong to different funds."), "pledge")
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
        raise _fail(_("A completed or cancelled project takes no new commitment."), "project")
    governorate = governorate_of(project.subdistrict)
    if not pledge.may_fund(project.sector, governorate.key if governorate else ""):
        raise _fail(_("This pledge is earmarked for other sectors or governorates: it cannot fund this project."), "pledge")
    available = available_cents(pledge)
    if usd_cents > available:
        raise _fail(_("The pledge has only %(available)s US dollars available to commit.") % {"available": usd(max(available, 0))}, "usd_cents")
    still_needed = project.cost_usd * 100 - project_committed_cents(project)
    if usd_cents > still_needed:
        raise _fail(_("The project needs only %(needed)s US dollars more.") % {"needed": usd(max(still_needed, 0))}, "usd_cents")
    txn = ledger.book(
        actor=actor,
        working_group_id=project.working_group_id,
        kind=TransactionKind.COMMITMENT,
        booked_on=committed_on,
        lines=[(ledger.account(pledge, AccountKind.COMMITMENT, project), usd_cents), (ledger.account(pledge, ledger.funding_kind(pledge)), -usd_cents)],
        memo=f"commitment to project {project.code}",
    )
    commitment = Commitment.objects.create(
        working_group_id=project.working_group_id, project=project, pledge=pledge, usd_cents=usd_cents,
        committed_on=committed_on, portfolio_run=portfolio_run, transaction=txn,
    )
    if project.status == ProjectStatus.CANDIDATE:
        Project.objects.filter(pk=project.pk).update(status=ProjectStatus.APPROVED)
        project.status = ProjectStatus.APPROVED
    audit.record(actor=actor, action="fund.commitment_recorded", target=commitment,
                 data={"project_id": project.pk, "pledge_id": pledge.pk, "usd_cents": usd_cents, "transaction_id": txn.pk,
                       "portfolio_run_id": portfolio_run.pk if portfolio_run else None})
    return commitment


@transaction.atomic
def disbursement_record(*, actor: Actor, project: Project, pledge: Pledge, usd_cents: int, disbursed_on: dt.date) -> Disbursement:
    """Pay a project's implementer out of a pledge's commitment to it, from cash actually held."""
    require(actor, MANAGE, project)
    pledge = _lock_pledge(pledge)
    _positive_cents(usd_cents, "usd_cents")
    _not_future(disbursed_on, "disbursed_on")
    committed = ledger.balance(ledger.account(pledge, AccountKind.COMMITMENT, project))
    if usd_cents > committed:
        raise _fail(_("Only %(committed)s US dollars of this pledge are committed to the project and not yet paid.") % {"committed": usd(committed)}, "usd_cents")
    held = held_cents(pledge)
    if usd_cents > held:
        raise _fail(_("The fund holds only %(held)s US dollars of this pledge: the rest has not been received.") % {"held": usd(max(held, 0))}, "usd_cents")
    txn = ledger.book(
        actor=actor,
        working_group_id=project.working_group_id,
        kind=TransactionKind.DISBURSEMENT,
        booked_on=disbursed_on,
        lines=[(ledger.account(pledge, AccountKind.DISBURSED, project), usd_cents), (ledger.account(pledge, AccountKind.COMMITMENT, project), -usd_cents)],
        memo=f"disbursement to project {project.code}",
    )
    disbursement = Disbursement.objects.create(
        working_group_id=project.working_group_id, project=project, pledge=pledge, usd_cents=usd_cents, disbursed_on=disbursed_on, transaction=txn
    )
    audit.record(actor=actor, action="fund.disbursement_recorded", target=disbursement,
                 data={"project_id": project.pk, "pledge_id": pledge.pk, "usd_cents": usd_cents, "transaction_id": txn.pk})
    return disbursement


@transaction.atomic
def expenditure_record(
    *,
    actor: Actor,
    project: Project,
    amount: Decimal | int | str,
    currency: str,
    reported_on: dt.date,
    text: str = "",
    evidence: str = "",
) -> ExpenditureReport:
    """Expenditure an implementer reported, charged to the money disbursed to the project, oldest
    pledge first; never more than was disbursed and not yet reported."""
    require(actor, MANAGE, project)
    Project.objects.select_for_update().filter(pk=project.pk).exists()
    value = _decimal(amount, "amount")
    currency = (currency or "").strip().upper()
    if not CURRENCY.match(currency):
        raise _fail(_("Give the currency as its three-letter ISO 4217 code."), "currency")
    _not_future(reported_on, "reported_on")
    rate, rate_day = rate_on(currency, reported_on)
    cents = _to_cents(value, rate)
    disbursed = {
        acct.pledge_id: (acct, b)
        for acct in project.accounts.filter(kind=AccountKind.DISBURSED).select_related("pledge").order_by("pledge_id")
        if (b := ledger.balance(acct)) > 0
    }
    open_cents = sum(b for _a, b in disbursed.values())
    if cents <= 0 or cents > open_cents:
        raise _fail(_("Only %(open)s US dollars were disbursed to this project and not yet reported.") % {"open": usd(open_cents)}, "amount")
    lines: list[ledger.Line] = []
    left = cents
    for acct, bal in disbursed.values():
        take = min(bal, left)
        if take <= 0:
            break
        lines += [(ledger.account(acct.pledge, AccountKind.SPENT, project), take), (acct, -take)]
        left -= take
    txn = ledger.book(actor=actor, working_group_id=project.working_group_id, kind=TransactionKind.EXPENDITURE,
                      booked_on=reported_on, lines=lines, memo=f"expenditure on project {project.code}")
    report = ExpenditureReport.objects.create(
        working_group_id=project.working_group_id, project=project, amount=value, currency=currency, usd_per_unit=rate,
        rate_as_of=rate_day, usd_cents=cents, reported_on=reported_on, text=text.strip()[:TEXT_MAX], evidence=evidence.strip()[:500],
        transaction=txn,
    )
    audit.record(actor=actor, action="fund.expenditure_recorded", target=report, data={"project_id": project.pk, "usd_cents": cents, "transaction_id": txn.pk})
    return report


# --- reversal --------------------------------------------------------------------------------------


def _pledge_problem(bal: dict[tuple[str, int | None], int]) -> str | None:
    """Why a pledge's balances (after a reversal) would break a rule, or None."""
    def of(kind: str) -> list[int]:
        return [v for (k, _p), v in bal.items() if k == kind]

    if sum(of(AccountKind.CONTRIBUTION)) > 0:
        return _("the pledge would be negative")
    receivable = sum(of(AccountKind.RECEIVABLE))
    if receivable < 0:
        return _("the donor would have paid more than they pledged")
    if any(v < 0 for v in of(AccountKind.COMMITMENT)):
        return _("money already paid out would lose its commitment")
    if any(v < 0 for v in of(AccountKind.DISBURSED)):
        return _("expenditure already reported would lose its disbursement")
    if any(v < 0 for v in of(AccountKind.SPENT)):
        return _("the project's spending would be negative")
    cash = sum(of(AccountKind.CASH)) + sum(of(AccountKind.EARMARK))
    if cash < (-receivable if commit_against_pledges() else 0):
        return _("money already committed would no longer be covered")
    if cash + sum(of(AccountKind.COMMITMENT)) < 0:
        return _("money already paid out would no longer be covered by cash received")
    return None


def _reversal_problem(entries: list[Entry]) -> str | None:
    for pledge_id in sorted({e.account.pledge_id for e in entries}):
        bal = ledger.pledge_balances(Pledge(pk=pledge_id))
        for e in entries:
            if e.account.pledge_id == pledge_id:
                key = (e.account.kind, e.account.project_id)
                bal[key] = bal.get(key, 0) - e.amount_cents
        problem = _pledge_problem(bal)
        if problem:
            return problem
    return None


@transaction.atomic
def transaction_reverse(*, actor: Actor, txn: Transaction, reason: str) -> Transaction:
    """Undo a transaction by a new one with every entry negated: the balances it touched return
    exactly to what they would be without it. Refused for a reversal, a transaction reversed
    already, or when the undo would break a rule (money committed or paid out after it)."""
    require(actor, MANAGE, txn)
    reason = reason.strip()
    if not reason:
        raise _fail(_("Say why the transaction is reversed."), "reason")
    locked = Transaction.objects.select_for_update().get(pk=txn.pk)
    if locked.kind == TransactionKind.REVERSAL:
        raise _fail(_("A reversal cannot itself be reversed: record the operation again."))
    if Transaction.objects.filter(reverses=locked).exists():
        raise _fail(_("This transaction has already been reversed."))
    entries = list(locked.entries.select_related("account"))
    for pledge_id in sorted({e.account.pledge_id for e in entries}):
        Pledge.objects.select_for_update().filter(pk=pledge_id).exists()
    problem = _reversal_problem(entries)
    if problem:
        raise _fail(_("The transaction cannot be reversed: %(problem)s. Reverse the later operations first.") % {"problem": problem})
    reversal = ledger.book(
        actor=actor,
        working_group_id=locked.working_group_id,
        kind=TransactionKind.REVERSAL,
        booked_on=_today(),
        lines=[(e.account, -e.amount_cents) for e in entries],
        memo=reason[:300],
        reverses=locked,
    )
    audit.record(actor=actor, action="fund.transaction_reversed", target=reversal, data={"reverses_id": locked.pk, "kind": locked.kind})
    return reversal


# --- progress and completion --------------------------------------------------------------------


@transaction.atomic
def progress_record(
    *,
    actor: Actor,
    project: Project,
    reported_on: dt.date,
    percent_complete: int,
    status: str,
    text: str,
    evidence: str = "",
) -> ProgressReport:
    """A dated progress report with its evidence; the project takes the reported status. A
    project reported completed writes an "observed" service entry for its sub-district
    (``fund.completion``)."""
    require(actor, MANAGE, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    errors: Errors = {}
    if status not in (ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
        errors["status"] = [_("Report the project in progress, completed or cancelled.")]
    if not isinstance(percent_complete, int) or not 0 <= percent_complete <= 100:
        errors["percent_complete"] = [_("Give a percentage from 0 to 100.")]
    if not text.strip() or len(text) > TEXT_MAX:
        errors["text"] = [_("Say what was done (under %(max)d characters).") % {"max": TEXT_MAX}]
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
        errors["status"] = [_("This project is closed: it takes no more reports.")]
    elif project.status == ProjectStatus.CANDIDATE and status != ProjectStatus.CANCELLED:
        errors["status"] = [_("Nothing is committed to this project yet.")]
    if status == ProjectStatus.COMPLETED and percent_complete != 100:
        errors["percent_complete"] = [_("A completed project is complete to a hundred percent.")]
    if errors:
        raise ServiceError(_("The progress report was not recorded."), fields=errors)
    _not_future(reported_on, "reported_on")
    report = ProgressReport.objects.create(
        working_group_id=project.working_group_id, project=project, reported_on=reported_on, percent_complete=percent_complete,
        status=status, text=text.strip(), evidence=evidence.strip()[:500], recorded_by_id=as_actor(actor).user_id,
    )
    project.status = status
    project.completed_on = reported_on if status == ProjectStatus.COMPLETED else None
    project.save(update_fields=["status", "completed_on", "updated_at"])
    audit.record(actor=actor, action="fund.progress_recorded", target=report, data={"project_id": project.pk, "status": status, "percent_complete": percent_complete})
    if status == ProjectStatus.COMPLETED:
        from sabeel.fund.completion import project_completed

        project_completed(project=project)
    return report
