"""The double-entry ledger: accounts, balanced transactions, balances derived from entries.

Nothing here checks a permission or writes an audit row: ``fund.services`` does, and is the only
caller. Amounts are US cents; a positive entry is a debit, a negative one a credit. The accounts
that hold money (receivable, cash or earmark, commitment, disbursed, spent) carry debit balances;
a pledge's contribution account carries the matching credit balance."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Sum

from sabeel.core.actors import Actor, as_actor
from sabeel.fund.models import Account, AccountKind, Entry, Pledge, Project, Transaction, TransactionKind

Line = tuple[Account, int]


def funding_kind(pledge: Pledge) -> str:
    """Where a pledge's received money sits: fund cash, or its earmark sub-account."""
    return AccountKind.EARMARK if pledge.earmarked else AccountKind.CASH


def account(pledge: Pledge, kind: str, project: Project | None = None) -> Account:
    found, _ = Account.objects.get_or_create(
        kind=kind, pledge=pledge, project=project, defaults={"working_group_id": pledge.working_group_id}
    )
    return found


def balance(acct: Account | None) -> int:
    if acct is None or acct.pk is None:
        return 0
    return int(Entry.objects.filter(account=acct).aggregate(total=Sum("amount_cents"))["total"] or 0)


def balances(accounts: Iterable[int] | None = None, *, working_group_id: int | None = None) -> dict[int, int]:
    """Account id → balance (cents), for the given accounts or a whole group's."""
    entries = Entry.objects.all()
    if accounts is not None:
        entries = entries.filter(account_id__in=list(accounts))
    if working_group_id is not None:
        entries = entries.filter(account__working_group_id=working_group_id)
    return {row["account_id"]: int(row["total"]) for row in entries.values("account_id").annotate(total=Sum("amount_cents"))}


def pledge_balances(pledge: Pledge) -> dict[tuple[str, int | None], int]:
    """(kind, project id) → balance of every account of a pledge."""
    out: dict[tuple[str, int | None], int] = defaultdict(int)
    rows = Entry.objects.filter(account__pledge=pledge).values("account__kind", "account__project_id").annotate(total=Sum("amount_cents"))
    for row in rows:
        out[(row["account__kind"], row["account__project_id"])] += int(row["total"])
    return dict(out)


def book(
    *,
    actor: Actor,
    working_group_id: int,
    kind: str,
    booked_on: dt.date,
    lines: list[Line],
    memo: str = "",
    reverses: Transaction | None = None,
) -> Transaction:
    """Write one balanced transaction. Raises ValueError (a programming error, never the user's)
    when the lines do not sum to zero or name another group's account."""
    merged: dict[int, tuple[Account, int]] = {}
    for acct, cents in lines:
        if acct.working_group_id != working_group_id:
            raise ValueError("an entry names another working group's account")
        prev = merged.get(acct.pk, (acct, 0))[1]
        merged[acct.pk] = (acct, prev + int(cents))
    entries = [(a, c) for a, c in merged.values() if c != 0]
    if sum(c for _, c in entries) != 0 or not entries:
        raise ValueError("a ledger transaction must balance and move money")
    if kind == TransactionKind.REVERSAL and reverses is None:
        raise ValueError("a reversal names the transaction it reverses")
    txn = Transaction.objects.create(
        working_group_id=working_group_id,
        kind=kind,
        booked_on=booked_on,
        memo=memo[:300],
        reverses=reverses,
        recorded_by_id=as_actor(actor).user_id,
    )
    Entry.objects.bulk_create([Entry(transaction=txn, account=a, amount_cents=c) for a, c in entries])
    return txn


def trial_balance(working_group_id: int) -> dict[str, int]:
    """The total of every kind of account in a group, and ``total`` (always zero)."""
    rows = (
        Entry.objects.filter(account__working_group_id=working_group_id)
        .values("account__kind")
        .annotate(total=Sum("amount_cents"))
    )
    out = {str(kind): 0 for kind in AccountKind.values}
    for row in rows:
        out[row["account__kind"]] = int(row["total"])
    out["total"] = sum(out[k] for k in AccountKind.values)
    return out
