"""Paid once, whatever happens (PostgreSQL only: SQLite serialises every writer, and its test
database lives in memory where no second process can reach it).

* Two finance officers press "start a payment run" at the same moment: two runs, one payment per
  entitlement between them; a retried request afterwards pays nobody.
* A payment run killed with kill -9 half-way (in a child process) and enqueued again resumes:
  every entitlement paid, none twice, none lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.test import Client

from sabeel.assistance import services
from sabeel.assistance.models import Entitlement, Payment, PaymentList
from sabeel.assistance.tests.factories import programme_with_rule, returned
from sabeel.core.models import Run, RunStatus
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(clients: list[Client], url: str) -> list[int]:
    """POST ``url`` from every client at the same moment (one thread each, a barrier); the status
    codes in the order they came back."""
    start, outcomes = threading.Barrier(len(clients)), []

    def press(client: Client) -> None:
        start.wait()
        try:
            outcomes.append(client.post(url).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes

def _postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def _assert_paid_once(expected_households: int) -> None:
    assert Entitlement.objects.count() == expected_households
    assert Payment.objects.count() == expected_households
    assert not Payment.objects.values("entitlement").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert Payment.objects.values("idempotency_key").distinct().count() == expected_households


def test_two_officers_start_payment_runs_at_once_and_nobody_is_paid_twice(cast, committed_db, monkeypatch):
    _postgres()
    monkeypatch.setattr(services, "BATCH", 3)
    programme, _rule = programme_with_rule(cast)
    for _ in range(12):
        returned(cast)
    clients = [sign_in(Client(), cast["lb_finance_officer"]) for _ in range(2)]
    outcomes = _at_once(clients, f"/api/assistance/programmes/{programme.pk}/payment-runs")
    assert outcomes == [201, 201]
    assert set(Run.objects.filter(kind=services.RUN_KIND).values_list("status", flat=True)) == {RunStatus.SUCCEEDED}
    _assert_paid_once(12)
    # the request retried later: a third list, empty
    retry = clients[0].post(f"/api/assistance/programmes/{programme.pk}/payment-runs")
    assert retry.status_code == 201
    assert PaymentList.objects.get(run_id=retry.json()["id"]).payments.count() == 0
    _assert_paid_once(12)


CHILD = textwrap.dedent(
    """
    import os, sys, time
    import django
    django.setup()
    from sabeel.assistance import services
    services.BATCH = 4
    def pause():
        with open(sys.argv[2], "a") as f:
            f.write("batch\\n")
        time.sleep(0.4)
    services._after_batch = pause
    services.payment_run_execute(run_id=int(sys.argv[1]))
    """
)


def test_a_payment_run_killed_half_way_is_resumed_with_nothing_paid_twice_or_lost(cast, committed_db, monkeypatch, tmp_path: Path):
    _postgres()
    monkeypatch.setattr(services, "_enqueue", lambda run_id: None)  # the child process is the worker
    programme, _rule = programme_with_rule(cast)
    households = 24
    for _ in range(households):
        returned(cast)
    run = services.payment_run_start(actor=cast["lb_finance_officer"], programme=programme)
    settings_dict = connection.settings_dict
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    if settings_dict.get("PASSWORD"):
        url = url.replace("@", f":{settings_dict['PASSWORD']}@", 1)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "sabeel.config.settings.test", "PYTHONPATH": str(Path(services.__file__).resolve().parents[2])}
    flag = tmp_path / "batches"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(run.pk), str(flag)], env=env)  # noqa: S603
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and Payment.objects.count() < 8:
            assert child.poll() is None, "the child finished before it could be killed"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    paid_before = Payment.objects.count()
    run.refresh_from_db()
    assert child.returncode == -signal.SIGKILL
    assert run.status == RunStatus.RUNNING  # killed: nobody closed it
    assert 0 < paid_before < households
    # the worker enqueues it again: it resumes
    services.payment_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    _assert_paid_once(households)
    assert PaymentList.objects.get(run=run).payments.count() == households
    # and once more, for good measure: a finished run does nothing, a new run pays nobody
    services.payment_run_execute(run_id=run.pk)
    _assert_paid_once(households)


def test_two_officers_reissue_the_same_failed_payment_at_once_and_one_attempt_is_made(cast, committed_db):
    _postgres()
    programme, _rule = programme_with_rule(cast)
    returned(cast)
    run = services.payment_run_start(actor=cast["lb_finance_officer"], programme=programme)
    services.payment_run_execute(run_id=run.pk)
    plist = PaymentList.objects.get(run_id=run.pk)
    payment = plist.payments.get()
    services.results_record(actor=cast["lb_finance_officer"], payment_list=plist, rows=[{"idempotency_key": payment.idempotency_key, "result": "failed"}])
    clients = [sign_in(Client(), cast["lb_finance_officer"]) for _ in range(2)]
    _at_once(clients, f"/assistance/lists/{plist.pk}/payments/{payment.pk}/reissue/")
    attempts = list(Payment.objects.filter(entitlement_id=payment.entitlement_id).order_by("attempt").values_list("attempt", "status"))
    assert attempts == [(1, "failed"), (2, "pending")]
