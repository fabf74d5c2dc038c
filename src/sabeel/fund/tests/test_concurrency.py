"""On PostgreSQL, two planners commit the same pledge's last dollars at once: the pledge's row
lock lets one commitment through and refuses the other, so the pledge is never over-committed.
(SQLite serialises every writer anyway.) PostgreSQL's flush truncates, which the ledger's row
triggers allow."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from sabeel.core.exceptions import ServiceError
from sabeel.fund import services
from sabeel.fund.tests.factories import DAY, fund_make, usd_pledge


@pytest.mark.django_db(transaction=True)
def test_two_commitments_racing_for_the_same_cash_commit_once(cast, committed_db):
    if connection.vendor != "postgresql":
        pytest.skip("a race needs PostgreSQL's row locks")
    fund = fund_make(cast)
    pledge = usd_pledge(fund, 1000)
    services.receipt_record(actor=fund["finance"], pledge=pledge, amount=700, received_on=DAY)
    start, outcomes = threading.Barrier(2), []

    def commit(project: str) -> None:
        start.wait()
        try:
            services.commitment_record(actor=fund["planner"], project=fund[project], pledge=pledge, usd_cents=600_00, committed_on=DAY)
            outcomes.append("committed")
        except ServiceError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commit, args=(name,)) for name in ("water", "power")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["committed", "refused"]
    assert services.available_cents(pledge) == 100_00
