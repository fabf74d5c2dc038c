"""A 20,000-row survey import on PostgreSQL: its wall time, the longest time it holds the audit
chain's lock, and what it does to a consent withdrawal made by someone else at the same time.

The child process (``python bench/intention_import.py --rows N --out rows.json``) creates
``sabeel_bench_runs`` on PostgreSQL, loads ``N`` synthetic households into the Lebanon working
group (``registry.bulk``) and writes a KoboToolbox CSV export with one answer per household. Then,
in this order, in one process with one connection per thread:

1. idle: the Lebanon protection officer records withdrawals (``consent_withdraw``, by phone) one
   after another, 50 ms apart, each timed from call to commit: the baseline latency;
2. the import: the file is queued on a run and worked by ``intention_import_run`` (what the
   worker does: read, check every row, write in batches of 500, one audit row) in one thread
   while the withdrawals go on in another; timed from start to the run's end;
3. the old way, for comparison: the same number of answers (other submission ids) written in one
   transaction with one audit row per answer, as the import did before runs, again beside the
   withdrawals.

The audit lock's hold time is measured on every connection: a wrapper around the connection's
queries notes when ``pg_advisory_xact_lock`` returns and an on-commit hook the moment the
transaction ends; the longest such span is "the longest time the lock is held at a time".
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import multiprocessing as mp
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry_load import ROOT, backend_label, database_url, lebanon, pg_admin, setup_django

NAME = "intention_import"
BENCH_DB = "sabeel_bench_runs"
SCALES = {"small": 2_000, "full": 20_000}
TARGET_LOCK_MS = 1000  # "must not hold the audit lock for more than a second at a time"
WITHDRAWAL_PAUSE_S = 0.05
IDLE_WITHDRAWALS = 60


def run(scale: str) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="sabeel-bench-") as tmp:
        out = Path(tmp) / "rows.json"
        rows = SCALES[scale]
        print(f"  postgresql: import of {rows:,} rows …", flush=True)
        subprocess.run([sys.executable, __file__, "--rows", str(rows), "--out", str(out)], check=True, cwd=ROOT)
        result: list[dict[str, Any]] = json.loads(out.read_text())
        return result


# --- measuring ------------------------------------------------------------------------------------


class LockClock:
    """Installed on a connection with ``execute_wrapper``: how long each transaction held the
    audit chain's advisory lock (from the lock's grant to the commit)."""

    def __init__(self) -> None:
        self.holds: list[float] = []
        self._lock = threading.Lock()
        self._held = threading.local()  # this connection's transaction holds the lock already

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        result = execute(sql, params, many, context)
        if "pg_advisory_xact_lock" in sql and not getattr(self._held, "since", None):
            # The first grant in a transaction: the lock is held from here to the commit (later
            # audit rows of the same transaction take it again at no cost).
            self._held.since = time.perf_counter()
            context["connection"].on_commit(self._done)
        return result

    def _done(self) -> None:
        since, self._held.since = self._held.since, None
        with self._lock:
            self.holds.append(time.perf_counter() - since)

    def longest_ms(self) -> float:
        return max(self.holds, default=0.0) * 1000


class Withdrawals(threading.Thread):
    """Withdrawals one after another until told to stop (or ``count`` are made), each timed."""

    def __init__(self, people: list[Any], clock: LockClock, *, count: int | None = None) -> None:
        super().__init__(daemon=True)
        self.people, self.clock, self.count = people, clock, count
        self.latencies: list[float] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        from django.db import connection

        from sabeel.consent.services import consent_withdraw
        from sabeel.workgroups.testing import create_cast

        try:
            officer = create_cast()["lb_protection_officer"]
            with connection.execute_wrapper(self.clock):
                while not self.stop.is_set() and (self.count is None or len(self.latencies) < self.count):
                    person = self.people.pop()
                    started = time.perf_counter()
                    consent_withdraw(actor=officer, individual=person, channel="phone")
                    self.latencies.append(time.perf_counter() - started)
                    time.sleep(WITHDRAWAL_PAUSE_S)
        except BaseException as exc:
            self.error = exc
        finally:
            connection.close()


def _work_process(work: Any, go: Any, results: Any) -> None:
    from django.db import connection

    clock = LockClock()
    try:
        with connection.execute_wrapper(clock):
            go.wait()
            started = time.perf_counter()
            work()
            results.put((time.perf_counter() - started, clock.holds, ""))
    except BaseException as exc:
        results.put((0.0, [], repr(exc)))
    finally:
        connection.close()


def _beside_withdrawals(work: Any, people: list[Any]) -> tuple[float, LockClock, Withdrawals]:
    """Run ``work()`` in a process of its own (as the task worker is) while withdrawals go on in
    this one; (seconds, its lock clock, the withdrawals)."""
    from django.db import connections

    connections.close_all()  # the forked worker opens its own connection
    ctx = mp.get_context("fork")
    go, results = ctx.Event(), ctx.Queue()
    process = ctx.Process(target=_work_process, args=(work, go, results))
    process.start()
    withdrawals = Withdrawals(people, LockClock())
    withdrawals.start()
    time.sleep(0.5)  # the withdrawals are under way before the import starts
    go.set()
    seconds, holds, error = results.get(timeout=3600)
    process.join()
    withdrawals.stop.set()
    withdrawals.join()
    if error or withdrawals.error:
        raise SystemExit(f"failed: {error or withdrawals.error!r}")
    clock = LockClock()
    clock.holds = holds
    return seconds, clock, withdrawals


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) >= 2 else values[0]


# --- the file and the two ways of importing it --------------------------------------------------


def survey_csv(numbers: list[str], prefix: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["start", "end", "consent", "group_hh/asylum_country", "group_ab12cd/intends_return_12m",
                     "group_ab12cd/needs", "group_hh/registration_number", "meta/instanceID", "_uuid"])  # fmt: skip
    for i, number in enumerate(numbers):
        uuid = f"{prefix}-{i:08d}"
        intends = ("yes", "no", "dk")[i % 3]
        writer.writerow(["2025-01-15T10:02:00.000+02:00", "2025-01-15T10:20:30.000+02:00", "OK", "LBN", intends,
                         "shelter documents", number, f"uuid:{uuid}", uuid])  # fmt: skip
    return out.getvalue().encode("utf-8-sig")


def import_as_a_run(content: bytes, officer: Any) -> Any:
    from sabeel.consent.intention_import import KIND, intention_import_run
    from sabeel.core import runs

    group = lebanon()
    run = runs.run_create(
        actor=officer,
        kind=KIND,
        working_group_id=group.pk,
        params={"file_name": "bench.csv"},
        payload=content,
    )
    return intention_import_run(run_id=run.pk)


def import_the_old_way(households: list[Any], officer: Any) -> None:
    """As before runs: every answer written in one transaction, one audit row per answer."""
    import datetime as dt

    from django.db import transaction

    from sabeel.consent.models import ReturnIntention
    from sabeel.core import audit

    with transaction.atomic():
        answer = {"recorded_on": dt.date(2025, 1, 15), "source": "survey_import", "hopes_to_return": "yes"}
        answer |= {"intends_within_12_months": "yes", "obstacles": ["shelter"], "recorded_by": officer}
        intentions = ReturnIntention.objects.bulk_create(
            [ReturnIntention(household=h, submission_id=f"old-{i:08d}", **answer) for i, h in enumerate(households)]
        )
        for intention in intentions:
            audit.record(
                actor=officer,
                action="intention.recorded",
                target=intention,
                working_group_id=intention.household.working_group_id,
                data={"household_id": intention.household_id, "intention_id": intention.pk},
            )


# --- the child ------------------------------------------------------------------------------------


def _measure(rows: int) -> list[dict[str, Any]]:
    from sabeel.consent.intention_import import BATCH_SIZE, KIND
    from sabeel.core.actors import system
    from sabeel.core.models import AuditEntry, Run
    from sabeel.registry import bulk
    from sabeel.registry.models import Household, Individual
    from sabeel.workgroups.testing import create_cast

    group = lebanon()
    bulk.synth_households_load(actor=system("synth_load"), working_group=group, households=rows, seed=7)
    households = list(
        Household.objects.filter(working_group=group).select_related("working_group").order_by("pk")[:rows]
    )
    numbers = [h.registration_number for h in households]
    adults = list(
        Individual.objects.filter(household__working_group=group, relationship__in=["head", "spouse"]).order_by("-pk")[
            :3000
        ]
    )
    label = backend_label()
    officer = create_cast()["lb_registration_officer"]

    idle = Withdrawals(adults, LockClock(), count=IDLE_WITHDRAWALS)
    idle.start()
    idle.join()
    if idle.error:
        raise SystemExit(f"withdrawals failed: {idle.error!r}")

    content = survey_csv(numbers, "bench")
    seconds, clock, during = _beside_withdrawals(lambda: import_as_a_run(content, officer), adults)
    run = Run.objects.get(kind=KIND)
    if run.status != "succeeded" or run.counts["created"] != rows:
        raise SystemExit(f"the import did not succeed: {(run.status, run.failure, run.counts)}")
    import_audit_rows = AuditEntry.objects.filter(target_type="core.run").count()

    old_seconds, old_clock, during_old = _beside_withdrawals(lambda: import_the_old_way(households, officer), adults)

    idle_p95, idle_max = _p95(idle.latencies) * 1000, max(idle.latencies) * 1000
    case = f"{label}: survey import of {rows:,} rows (KoboToolbox CSV, {len(content) / 1e6:.1f} MB) as a background run"
    old = f"the same {rows:,} answers written the old way, in one transaction with one audit row per answer"
    note = f"; the run wrote {import_audit_rows} audit row for {rows:,} answers written in batches of {BATCH_SIZE}"
    return [
        {
            "case": f"{case}, wall time",
            "metric": "seconds from the run's start to its end (read, check every row, write, audit)" + note,
            "value": round(seconds, 2),
            "unit": "s",
            "baseline": old,
            "baseline_value": round(old_seconds, 2),
            "target": None,
        },
        {
            "case": f"{case}, audit lock",
            "metric": "longest time the audit chain's advisory lock is held at a time by the import, grant to commit"
            f" (target under {TARGET_LOCK_MS} ms)",
            "value": round(clock.longest_ms(), 1),
            "unit": "ms",
            "baseline": old,
            "baseline_value": round(old_clock.longest_ms(), 1),
            "target": None,
        },
        {
            "case": f"{case}, audit lock within {TARGET_LOCK_MS} ms",
            "metric": f"share of the import's transactions that held the audit lock, held under {TARGET_LOCK_MS} ms"
            f" ({len(clock.holds)} such transaction(s))",
            "value": round(sum(h * 1000 < TARGET_LOCK_MS for h in clock.holds) / max(len(clock.holds), 1), 3),
            "unit": "share",
            "baseline": old,
            "baseline_value": round(
                sum(h * 1000 < TARGET_LOCK_MS for h in old_clock.holds) / max(len(old_clock.holds), 1), 3
            ),
            "target": 1.0,
        },
        {
            "case": f"{case}, concurrent withdrawal p95",
            "metric": f"p95 latency of consent_withdraw (service call to commit) during the import, {len(during.latencies)} withdrawals",
            "value": round(_p95(during.latencies) * 1000, 1),
            "unit": "ms",
            "baseline": f"the same withdrawals with no import running, {len(idle.latencies)} withdrawals (same run)",
            "baseline_value": round(idle_p95, 1),
            "target": None,
        },
        {
            "case": f"{case}, concurrent withdrawal max",
            "metric": f"slowest consent_withdraw during the import, {len(during.latencies)} withdrawals",
            "value": round(max(during.latencies) * 1000, 1),
            "unit": "ms",
            "baseline": f"the same withdrawals with no import running, {len(idle.latencies)} withdrawals (same run)",
            "baseline_value": round(idle_max, 1),
            "target": None,
        },
        {
            "case": f"{label}: {old}, concurrent withdrawal max",
            "metric": f"slowest consent_withdraw during the old-way import, {len(during_old.latencies)} withdrawals: what the runs fixed",
            "value": round(max(during_old.latencies) * 1000, 1),
            "unit": "ms",
            "baseline": f"the same withdrawals with no import running, {len(idle.latencies)} withdrawals (same run)",
            "baseline_value": round(idle_max, 1),
            "target": None,
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sabeel-bench-db-") as tmp:
        setup_django(database_url("postgresql", BENCH_DB, tmp))
        try:
            rows = _measure(args.rows)
        finally:
            from django.db import connections

            connections.close_all()
            pg_admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    args.out.write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
