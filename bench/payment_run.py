"""A return-grant payment run on PostgreSQL: ``N`` entitlements put on a payment list by the real
service and task (``payment_run_start``, whose task runs ``payment_run_execute`` on commit: batches
of 500, each its own transaction, ``bulk_create`` that ignores what the unique constraints refuse)
against a row-by-row ORM baseline, and the kill -9 / re-run check at the same scale.

One child process (``python bench/payment_run.py --entitlements N --out rows.json``) works in a
database of its own (``sabeel_bench_payment``) with the personas and the geography loaded:

* setup (not timed): ``N`` synthetic households loaded by ``registry.bulk`` into the Lebanon
  working group, Lebanon's programme with a grant rule (100 USD per family, 50 per person, one
  instalment), and one entitlement per household written with ``bulk_create`` (source: arrival);
* baseline: for each entitlement, oldest first, the checks the run makes (no payment yet for it,
  its turn has come: the first instalment or the one before paid) and one ``Payment`` created and
  saved, each in its own transaction (autocommit), on a payment list of its own run; then the
  payments are emptied;
* the service: ``payment_run_start`` by Lebanon's finance officer (the task runs immediately on
  commit, the test settings' ``ImmediateBackend``), timed from the call to its return, and checked:
  one payment per entitlement;
* kill -9: the payments are emptied, a run is queued without its task, a grandchild process runs
  its task (``payment_run_execute``) and is killed with SIGKILL once half the entitlements are on
  the list; the run is re-run (``payment_run_execute`` again, as the worker would) and the
  payments are counted per entitlement: paid exactly once (yes/no), duplicates, lost.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import row

NAME = "payment_run"
ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "sabeel_bench_payment"
SCALES = {"small": 10_000, "full": 100_000}

CHILD = """
import sys
import django
django.setup()
from sabeel.assistance import services
services.payment_run_execute(run_id=int(sys.argv[1]))
"""


def run(scale: str) -> list[dict[str, Any]]:
    entitlements = SCALES[scale]
    with tempfile.TemporaryDirectory(prefix="sabeel-bench-") as tmp:
        out = Path(tmp) / "rows.json"
        print(f"  postgresql: a payment run over {entitlements:,} entitlements …", flush=True)
        subprocess.run([sys.executable, __file__, "--entitlements", str(entitlements), "--out", str(out)], check=True, cwd=ROOT)
        rows: list[dict[str, Any]] = json.loads(out.read_text())
    return rows


# --- the child ----------------------------------------------------------------------------------


def _setup(entitlements: int) -> tuple[Any, Any, Any]:
    """The households, the programme and its rule, one entitlement per household."""
    from registry_load import lebanon

    from sabeel.assistance import services
    from sabeel.assistance.choices import EntitlementSource
    from sabeel.assistance.models import Entitlement
    from sabeel.consent.tests.factories import programme_make
    from sabeel.core.actors import system
    from sabeel.registry import bulk
    from sabeel.registry.models import Household
    from sabeel.workgroups.testing import create_cast

    cast = create_cast()
    group = lebanon()
    started = time.perf_counter()
    bulk.synth_households_load(actor=system("bench"), working_group=group, households=entitlements, seed=17, rebuild_indexes=True)
    programme = programme_make(cast, "lb")
    rule = services.grant_rule_create(actor=cast["lb_finance_officer"], programme=programme, currency="USD", per_family="100", per_person="50")
    batch: list[Entitlement] = []
    for household_id in Household.objects.filter(working_group=group).order_by("pk").values_list("pk", flat=True)[:entitlements]:
        batch.append(
            Entitlement(
                household_id=household_id, programme=programme, rule=rule, rule_version=rule.version, instalment=1, amount="250.00",
                currency="USD", persons=3, breakdown={"whole": "250.00"}, source=EntitlementSource.ARRIVAL, source_id=household_id,
            )
        )
        if len(batch) == 5000:
            Entitlement.objects.bulk_create(batch)
            batch = []
    Entitlement.objects.bulk_create(batch)
    _analyze()
    print(f"    setup: {Entitlement.objects.count():,} entitlements in {time.perf_counter() - started:.0f} s", flush=True)
    return cast, programme, rule


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _empty_payments() -> None:
    from django.db import connection

    from sabeel.assistance.models import Payment, PaymentResult

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {PaymentResult._meta.db_table}, {Payment._meta.db_table}")
    _analyze()


def _baseline(cast: Any, programme: Any, rule: Any) -> tuple[float, int]:
    """Row by row: the same checks, one payment created and saved per entitlement."""
    from sabeel.assistance import services
    from sabeel.assistance.choices import PaymentStatus
    from sabeel.assistance.models import Entitlement, Payment, PaymentList
    from sabeel.core import runs

    run = runs.run_create(actor=cast["lb_finance_officer"], kind="bench.payment_baseline", working_group_id=programme.working_group_id)
    plist = PaymentList.objects.create(run=run, working_group_id=programme.working_group_id, programme=programme)
    started = time.perf_counter()
    made = 0
    for e in Entitlement.objects.filter(programme=programme).order_by("pk").iterator(chunk_size=2000):
        if Payment.objects.filter(entitlement_id=e.pk).exists():
            continue
        if e.instalment > 1 and not Payment.objects.filter(
            household_id=e.household_id, programme_id=e.programme_id, rule_version=e.rule_version, instalment=e.instalment - 1, status=PaymentStatus.PAID
        ).exists():
            continue
        Payment(
            payment_list=plist, entitlement_id=e.pk, household_id=e.household_id, programme_id=e.programme_id, rule_version=e.rule_version,
            instalment=e.instalment, idempotency_key=services.idempotency_key(e), amount=e.amount, currency=e.currency,
        ).save()
        made += 1
    return time.perf_counter() - started, made


def _counts(programme: Any) -> dict[str, int]:
    from django.db.models import Count

    from sabeel.assistance.models import Entitlement

    per = Entitlement.objects.filter(programme=programme).annotate(n=Count("payments")).values_list("n", flat=True)
    counts = {"entitlements": 0, "once": 0, "lost": 0, "duplicates": 0}
    for n in per.iterator(chunk_size=5000):
        counts["entitlements"] += 1
        counts["once" if n == 1 else "lost" if n == 0 else "duplicates"] += 1
    return counts


def _service(cast: Any, programme: Any) -> tuple[float, Any]:
    from sabeel.assistance import services

    started = time.perf_counter()
    run = services.payment_run_start(actor=cast["lb_finance_officer"], programme=programme)  # the task runs on commit
    seconds = time.perf_counter() - started
    run.refresh_from_db()
    return seconds, run


def _kill_and_rerun(cast: Any, programme: Any, entitlements: int) -> dict[str, Any]:
    from django.db import connection

    from sabeel.assistance import services
    from sabeel.assistance.models import Payment
    from sabeel.core.models import Run

    enqueue = services._enqueue
    services._enqueue = lambda run_id: None  # the grandchild process is the worker
    try:
        run = services.payment_run_start(actor=cast["lb_finance_officer"], programme=programme)
    finally:
        services._enqueue = enqueue
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DJANGO_SETTINGS_MODULE": "sabeel.config.settings.test"}
    env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    half = entitlements // 2
    worker = subprocess.Popen([sys.executable, "-c", CHILD, str(run.pk)], env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline and Payment.objects.count() < half:
            if worker.poll() is not None:
                raise SystemExit("the payment run finished before it could be killed; use more entitlements")
            time.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    connection.close()
    at_kill = Payment.objects.count()
    status_after_kill = Run.objects.get(pk=run.pk).status
    started = time.perf_counter()
    services.payment_run_execute(run_id=run.pk)  # re-run: the worker enqueues it again
    resume_seconds = time.perf_counter() - started
    counts = _counts(programme)
    return {
        "killed_with": "SIGKILL" if worker.returncode == -signal.SIGKILL else str(worker.returncode),
        "at_kill": at_kill,
        "status_after_kill": status_after_kill,
        "status_after_rerun": Run.objects.get(pk=run.pk).status,
        "resume_seconds": resume_seconds,
        **counts,
    }


def _measure(entitlements: int) -> list[dict[str, Any]]:
    from registry_load import backend_label

    from sabeel.assistance.models import Payment

    label = backend_label()
    cast, programme, _rule = _setup(entitlements)
    baseline_seconds, baseline_made = _baseline(cast, programme, _rule)
    print(f"    baseline: {baseline_made:,} payments in {baseline_seconds:.1f} s", flush=True)
    assert baseline_made == entitlements, baseline_made
    _empty_payments()
    seconds, run = _service(cast, programme)
    made = Payment.objects.filter(payment_list__run=run).count()
    counts = _counts(programme)
    print(f"    service: {made:,} payments in {seconds:.1f} s, run {run.status}, {counts}", flush=True)
    assert made == entitlements and counts["once"] == entitlements, (made, counts)
    _empty_payments()
    kill = _kill_and_rerun(cast, programme, entitlements)
    print(f"    kill -9: {kill}", flush=True)
    case = f"{label}: payment run over {entitlements:,} entitlements"
    baseline = (
        f"row by row with the ORM: per entitlement the run's checks (no payment yet, its turn has come) "
        f"and one Payment created and saved in its own transaction, {baseline_made:,} payments"
    )
    once = "yes" if kill["once"] == entitlements and kill["duplicates"] == 0 and kill["lost"] == 0 else "no"
    kill_case = (
        f"{case}, its task killed with {kill['killed_with']} at {kill['at_kill']:,} payments (run left {kill['status_after_kill']}), "
        f"then re-run ({kill['status_after_rerun']} in {kill['resume_seconds']:.1f} s)"
    )
    return [
        row(f"{case}, wall time", "wall time of payment_run_start with its task (batches of 500, bulk_create ignoring conflicts)",
            round(seconds, 2), "s", baseline, round(baseline_seconds, 2), None),
        row(f"{case}, payments per second", "payments put on the list per second", round(made / seconds, 1), "payments/s",
            baseline, round(baseline_made / baseline_seconds, 1), None),
        row(f"{case}, speed-up", "baseline wall time / service wall time", round(baseline_seconds / seconds, 2), "x", None, None, None),
        row(f"{kill_case}: every entitlement paid exactly once", "paid exactly once (yes/no)", once, "", None, None, "yes"),
        row(f"{kill_case}: duplicates", "entitlements with more than one payment (must be 0)", kill["duplicates"], "entitlements", None, None, None),
        row(f"{kill_case}: lost", "entitlements with no payment (must be 0)", kill["lost"], "entitlements", None, None, None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entitlements", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    from registry_load import postgres_database

    with postgres_database(BENCH_DB):
        rows = _measure(args.entitlements)
    args.out.write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
