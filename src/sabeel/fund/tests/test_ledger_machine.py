"""The ledger's invariants over random sequences of operations (hypothesis state machine).

The services are driven in random order: pledges (earmarked or not), receipts, commitments,
disbursements, expenditure reports and reversals of any earlier operation. An oracle written
plainly — a few dictionaries of dollars per pledge and project, not the ledger — says whether each
operation must be accepted and what every balance must be afterwards. After every step:

* the trial balance is zero (every transaction balanced);
* no pledge's money sits in a project its earmark does not allow;
* no project is committed more than its cost, and no pledge committed more than it has (cash
  received, plus what is still receivable when the group's policy allows signed pledges);
* every balance equals the oracle's; a reversal puts back exactly the balances the operation changed.

Run with the policy off and on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from sabeel.core.exceptions import ServiceError
from sabeel.fund import ledger, services
from sabeel.fund.models import Account, AccountKind, Entry, Transaction
from sabeel.fund.tests.factories import DAY, fund_make

GOV = {"power": "SY02", "clinic": "SY02", "school": "SY02", "water": "SY04"}
SECTOR = {"power": "power", "clinic": "health", "school": "education", "water": "water"}
COST = {"power": 1000_00, "clinic": 800_00, "school": 700_00, "water": 1500_00}
EARMARKS = [
    {},
    {"sectors": ["water"]},
    {"governorates": ["SY02"]},
    {"sectors": ["health", "power"], "governorates": ["SY02"]},
]


@dataclass
class Oracle:
    """Money in cents, by pledge and by (pledge, project)."""

    against_pledges: bool
    pledged: dict[int, int] = field(default_factory=dict)
    received: dict[int, int] = field(default_factory=dict)
    earmark: dict[int, dict[str, Any]] = field(default_factory=dict)
    committed: dict[tuple[int, str], int] = field(default_factory=dict)
    disbursed: dict[tuple[int, str], int] = field(default_factory=dict)
    spent: dict[tuple[int, str], int] = field(default_factory=dict)

    def copy(self) -> Oracle:
        return Oracle(self.against_pledges, dict(self.pledged), dict(self.received), self.earmark,
                      dict(self.committed), dict(self.disbursed), dict(self.spent))

    def in_projects(self, p: int) -> int:
        return sum(v for book in (self.committed, self.disbursed, self.spent) for (q, _j), v in book.items() if q == p)

    def cash(self, p: int) -> int:
        return self.received[p] - self.in_projects(p)

    def receivable(self, p: int) -> int:
        return self.pledged[p] - self.received[p]

    def allows(self, p: int, project: str) -> bool:
        mark = self.earmark[p]
        return SECTOR[project] in mark.get("sectors", [SECTOR[project]]) and GOV[project] in mark.get("governorates", [GOV[project]])

    def project_total(self, project: str) -> int:
        return sum(v for book in (self.committed, self.disbursed, self.spent) for (_q, j), v in book.items() if j == project)

    def sound(self) -> bool:
        for p in self.pledged:
            if self.pledged[p] < 0 or self.receivable(p) < 0:
                return False
            floor = -self.receivable(p) if self.against_pledges else 0
            if self.cash(p) < floor:
                return False
            held = self.cash(p) + sum(v for (q, _j), v in self.committed.items() if q == p)
            if held < 0:
                return False
        return all(v >= 0 for book in (self.committed, self.disbursed, self.spent) for v in book.values())


def make_machine(cast: Any, against_pledges: bool) -> type[RuleBasedStateMachine]:
    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.fund = fund_make(cast)
            self.oracle = Oracle(against_pledges)
            self.pledges: list[Any] = []
            # each operation, the oracle before it and the oracle right after it
            self.done: list[list[Any]] = []
            self.reversed: set[int] = set()

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def attempt(self, expected: bool, call: Any, **kwargs: Any) -> Any:
            before = self.oracle.copy()
            try:
                with transaction.atomic():
                    done = call(**kwargs)
            except ServiceError:
                event(f"refused: {call.__name__}")
                assert not expected, f"{call.__name__} refused but the oracle allows it: {kwargs}"
                return None
            event(f"done: {call.__name__}")
            assert expected, f"{call.__name__} accepted but the oracle refuses it: {kwargs}"
            txn = done if isinstance(done, Transaction) else done.transaction
            self.done.append([txn, before, None])
            return done

        def settle(self) -> None:
            """The operation just done changed the oracle: remember the oracle right after it."""
            if self.done and self.done[-1][2] is None:
                self.done[-1][2] = self.oracle.copy()

        def pledge(self, i: int) -> Any:
            return self.pledges[i % len(self.pledges)] if self.pledges else None

        @initialize(amount=st.integers(1, 3000), mark=st.integers(0, len(EARMARKS) - 1))
        def first_pledge(self, amount: int, mark: int) -> None:
            self.new_pledge(amount, mark)

        @rule(amount=st.integers(1, 3000), mark=st.integers(0, len(EARMARKS) - 1))
        def new_pledge(self, amount: int, mark: int) -> None:
            pledge = services.pledge_record(actor=self.fund["finance"], donor=self.fund["donor"], amount=amount,
                                            currency="USD", pledged_on=DAY, **EARMARKS[mark])
            self.done.append([Transaction.objects.filter(entries__account__pledge=pledge, kind="pledge").distinct().get(), self.oracle.copy(), None])
            self.pledges.append(pledge)
            self.oracle.pledged[pledge.pk] = amount * 100
            self.oracle.received[pledge.pk] = 0
            self.oracle.earmark[pledge.pk] = EARMARKS[mark]
            self.settle()

        @rule(i=st.integers(0, 9), cents=st.integers(1, 300_000))
        def receive(self, i: int, cents: int) -> None:
            p = self.pledge(i)
            ok = cents <= self.oracle.receivable(p.pk)
            if self.attempt(ok, services.receipt_record, actor=self.fund["finance"], pledge=p, amount=f"{cents / 100:.2f}", received_on=DAY):
                self.oracle.received[p.pk] += cents
                self.settle()

        @rule(i=st.integers(0, 9), project=st.sampled_from(sorted(COST)), cents=st.integers(1, 200_000))
        def commit(self, i: int, project: str, cents: int) -> None:
            p, o = self.pledge(i), self.oracle
            available = o.cash(p.pk) + (o.receivable(p.pk) if against_pledges else 0)
            ok = o.allows(p.pk, project) and cents <= available and cents <= COST[project] - o.project_total(project)
            if self.attempt(ok, services.commitment_record, actor=self.fund["planner"], project=self.fund[project], pledge=p,
                            usd_cents=cents, committed_on=DAY):
                o.committed[(p.pk, project)] = o.committed.get((p.pk, project), 0) + cents
                self.settle()

        @rule(i=st.integers(0, 9), project=st.sampled_from(sorted(COST)), cents=st.integers(1, 200_000))
        def disburse(self, i: int, project: str, cents: int) -> None:
            p, o = self.pledge(i), self.oracle
            held = o.cash(p.pk) + sum(v for (q, _j), v in o.committed.items() if q == p.pk)
            ok = cents <= o.committed.get((p.pk, project), 0) and cents <= held
            if self.attempt(ok, services.disbursement_record, actor=self.fund["finance"], project=self.fund[project], pledge=p,
                            usd_cents=cents, disbursed_on=DAY):
                o.committed[(p.pk, project)] -= cents
                o.disbursed[(p.pk, project)] = o.disbursed.get((p.pk, project), 0) + cents
                self.settle()

        @rule(project=st.sampled_from(sorted(COST)), cents=st.integers(1, 200_000))
        def spend(self, project: str, cents: int) -> None:
            o = self.oracle
            open_ = {q: v for (q, j), v in o.disbursed.items() if j == project and v > 0}
            ok = cents <= sum(open_.values())
            if self.attempt(ok, services.expenditure_record, actor=self.fund["finance"], project=self.fund[project],
                            amount=f"{cents / 100:.2f}", currency="USD", reported_on=DAY):
                left = cents
                for q in sorted(open_):  # oldest pledge first
                    take = min(open_[q], left)
                    o.disbursed[(q, project)] -= take
                    o.spent[(q, project)] = o.spent.get((q, project), 0) + take
                    left -= take
                self.settle()

        @rule(k=st.integers(0, 40))
        def reverse(self, k: int) -> None:
            if not self.done:
                return
            txn, before, after_op = self.done[k % len(self.done)]
            # The oracle undoes the operation: the difference it made, taken away from now.
            after = self.undo(before, after_op)
            ok = txn.pk not in self.reversed and after.sound()
            if self.attempt(ok, services.transaction_reverse, actor=self.fund["finance"], txn=txn, reason="typed twice"):
                self.reversed.add(txn.pk)
                self.oracle = after
                self.done.pop()  # a reversal is not itself reversible

        def undo(self, before: Oracle, after_op: Oracle) -> Oracle:
            """Now minus what the operation changed (the oracle after it minus the oracle before it)."""
            now = self.oracle.copy()
            for name in ("pledged", "received", "committed", "disbursed", "spent"):
                book_now, book_before, book_after = getattr(now, name), getattr(before, name), getattr(after_op, name)
                for key in set(book_after) | set(book_before):
                    delta = book_after.get(key, 0) - book_before.get(key, 0)
                    if delta:
                        book_now[key] = book_now.get(key, 0) - delta
            return now

        @invariant()
        def trial_balance_is_zero(self) -> None:
            assert ledger.trial_balance(self.fund["group"].pk)["total"] == 0
            for txn_id in Transaction.objects.values_list("pk", flat=True):
                assert sum(Entry.objects.filter(transaction_id=txn_id).values_list("amount_cents", flat=True)) == 0

        @invariant()
        def balances_are_the_oracles(self) -> None:
            o = self.oracle
            for p in self.pledges:
                bal = ledger.pledge_balances(p)
                cash = bal.get((AccountKind.CASH, None), 0) + bal.get((AccountKind.EARMARK, None), 0)
                assert bal.get((AccountKind.RECEIVABLE, None), 0) == o.receivable(p.pk)
                assert -bal.get((AccountKind.CONTRIBUTION, None), 0) == o.pledged[p.pk]
                assert cash == o.cash(p.pk)
                for project in COST:
                    pid = self.fund[project].pk
                    assert bal.get((AccountKind.COMMITMENT, pid), 0) == o.committed.get((p.pk, project), 0)
                    assert bal.get((AccountKind.DISBURSED, pid), 0) == o.disbursed.get((p.pk, project), 0)
                    assert bal.get((AccountKind.SPENT, pid), 0) == o.spent.get((p.pk, project), 0)

        @invariant()
        def earmarks_and_limits_hold(self) -> None:
            for acct in Account.objects.filter(project__isnull=False).select_related("pledge", "project"):
                if ledger.balance(acct) != 0:
                    name = next(n for n in COST if self.fund[n].pk == acct.project_id)
                    assert self.oracle.allows(acct.pledge_id, name), "earmarked money outside its earmark"
            for name in COST:
                assert services.project_committed_cents(self.fund[name]) <= COST[name]
            for p in self.pledges:
                floor = -self.oracle.receivable(p.pk) if against_pledges else 0
                assert services.available_cents(p) - (self.oracle.receivable(p.pk) if against_pledges else 0) >= floor

    return LedgerMachine


@pytest.mark.parametrize("against_pledges", [False, True])
def test_the_ledger_keeps_its_invariants_over_any_sequence(cast, against_pledges):
    with override_settings(SABEEL_FUND_COMMIT_AGAINST_PLEDGES=against_pledges):
        run_state_machine_as_test(
            make_machine(cast, against_pledges),
            settings=settings(max_examples=40, stateful_step_count=25, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], database=None),
        )
