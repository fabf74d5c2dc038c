"""Audited writes per second with concurrent writers, with and without the hash chain, and the
speed of ``audit.verify()``.

Each backend is measured in its own child process (Django can be set up once per process, and
the database is chosen by DATABASE_URL at set-up): ``python bench/audit_throughput.py --backend
postgresql|sqlite --writes N --writers W --out file.json``. The child creates a database of its
own (``sabeel_bench_audit`` on PostgreSQL, a file in a temporary directory for SQLite), migrates
it, then forks W writer processes, each with its own connection:

* chained: ``audit.record()`` in a transaction — advisory lock (PostgreSQL) or IMMEDIATE
  transaction (SQLite), head read, HMAC, insert, head update;
* baseline: the same row inserted through the ORM in a transaction into an unchained twin table
  (same columns and indexes, sequence-generated ``seq``, no lock, no MAC, no head).

Afterwards ``verify()`` must find every row, gap-free, and is timed against reading the same rows
without checking them. The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

NAME = "audit_throughput"
WRITERS = 8
TARGET_WRITES_PER_S = 200  # with the chain, PostgreSQL, 8 writers
SCALES = {
    # writes with 8 writers on PostgreSQL; SQLite and the single-writer cases do fewer
    "small": {"postgresql": 2_000, "sqlite": 500},
    "full": {"postgresql": 20_000, "sqlite": 4_000},
}
BENCH_DB = "sabeel_bench_audit"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parents[1]
BASELINE = "the same row inserted in a transaction into an unchained twin table (sequence seq; no lock, MAC or head)"


# --- the parent: one child process per backend ---------------------------------------------------


def run(scale: str) -> list[dict[str, Any]]:
    writes = SCALES[scale]
    rows: list[dict[str, Any]] = []
    for backend in ("postgresql", "sqlite"):
        for writers in (WRITERS, 1):
            n = writes[backend] if writers == WRITERS else max(writes[backend] // 4, 100)
            rows += _child(backend=backend, writes=n, writers=writers, time_verify=writers == WRITERS)
    return rows


def _child(*, backend: str, writes: int, writers: int, time_verify: bool) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="sabeel-bench-") as tmp:
        out = Path(tmp) / "rows.json"
        command = [sys.executable, __file__, "--backend", backend, "--writes", str(writes), "--writers", str(writers)]
        command += ["--out", str(out)] + (["--verify"] if time_verify else [])
        print(f"  {backend}: {writes:,} writes, {writers} writer(s) …", flush=True)
        subprocess.run(command, check=True, cwd=ROOT)
        rows: list[dict[str, Any]] = json.loads(out.read_text())
        return rows


# --- the child: one backend --------------------------------------------------------------------


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql)


def _database_url(backend: str, tmp: str) -> str:
    if backend == "postgresql":
        _pg_admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        _pg_admin(f"CREATE DATABASE {BENCH_DB}")
        return POSTGRES_URL.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    return f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"


def _setup_django(database_url: str) -> None:
    # Bench scripts may set the environment before Django reads it (sabeel.config.env).
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "sabeel.config.settings.test"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _twin_model() -> Any:
    from django.db import connection, models

    from sabeel.core.models import ActorKind

    class BenchAuditTwin(models.Model):
        seq = models.BigAutoField(primary_key=True)
        at = models.DateTimeField()
        actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
        actor_id = models.CharField(max_length=64, blank=True)
        action = models.CharField(max_length=64)
        target_type = models.CharField(max_length=64, blank=True)
        target_id = models.CharField(max_length=64, blank=True)
        working_group_id = models.BigIntegerField(null=True, blank=True)
        data = models.JSONField(default=dict, blank=True)
        prev_mac = models.CharField(max_length=64)
        mac = models.CharField(max_length=64)

        class Meta:
            app_label = "core"
            db_table = "bench_auditentry_twin"
            indexes = [
                models.Index(fields=["working_group_id", "seq"], name="bench_twin_group"),
                models.Index(fields=["target_type", "target_id"], name="bench_twin_target"),
                models.Index(fields=["actor_kind", "actor_id"], name="bench_twin_actor"),
            ]

        def __str__(self) -> str:
            return f"#{self.seq}"

    with connection.schema_editor() as editor:
        editor.create_model(BenchAuditTwin)
    return BenchAuditTwin


def _writer(kind: str, worker: int, count: int, twin: Any, barrier: Any, results: Any) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from sabeel.core import audit
    from sabeel.core.actors import system

    actor = system(f"bench-writer-{worker}")
    try:
        connection.ensure_connection()
        barrier.wait()
        started = time.perf_counter()
        for i in range(count):
            data = {"item_id": i, "result_count": i % 50}
            with transaction.atomic():
                if kind == "chained":
                    audit.record(actor=actor, action="bench.written", data=data, working_group_id=1 + worker % 3)
                else:
                    twin.objects.create(
                        at=timezone.now(),
                        actor_kind=actor.kind,
                        actor_id=actor.id,
                        action="bench.written",
                        working_group_id=1 + worker % 3,
                        data=data,
                        prev_mac=audit.GENESIS,
                        mac=audit.GENESIS,
                    )
        results.put((worker, started, time.perf_counter(), ""))
    except Exception as exc:  # reported by the parent
        results.put((worker, 0.0, 0.0, repr(exc)))
    finally:
        connection.close()


def _writes_per_second(kind: str, writes: int, writers: int, twin: Any) -> float:
    from django.db import connections

    connections.close_all()  # each forked writer opens its own connection
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(writers)
    results = ctx.Queue()
    shares = [writes // writers + (1 if w < writes % writers else 0) for w in range(writers)]
    procs = [ctx.Process(target=_writer, args=(kind, w, shares[w], twin, barrier, results)) for w in range(writers)]
    for proc in procs:
        proc.start()
    reports = [results.get(timeout=3600) for _ in procs]
    for proc in procs:
        proc.join()
    errors = [error for *_, error in reports if error]
    if errors:
        raise SystemExit(f"{kind} writers failed: {errors[:3]}")
    elapsed = max(r[2] for r in reports) - min(r[1] for r in reports)
    return writes / elapsed


def _best_rate(fn: Any, rows: int, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return rows / best


def _measure(backend: str, writes: int, writers: int, time_verify: bool) -> list[dict[str, Any]]:
    from django.db import connection

    from sabeel.core import audit
    from sabeel.core.models import AuditEntry

    twin = _twin_model()
    baseline = _writes_per_second("baseline", writes, writers, twin)
    chained = _writes_per_second("chained", writes, writers, twin)

    result = audit.verify()
    seqs = list(AuditEntry.objects.values_list("seq", flat=True))
    if not result.ok or result.checked != writes or seqs != list(range(1, writes + 1)):
        raise SystemExit(f"the chain written by {writers} writers does not hold: {result}")

    if backend == "postgresql":
        version = connection.cursor().connection.info.server_version
        label = f"PostgreSQL {version // 10000}.{version % 10000}"
    else:
        import sqlite3

        label = f"SQLite {sqlite3.sqlite_version} file (WAL, IMMEDIATE)"
    writers_label = f"{writers} writer process{'es' if writers > 1 else ''}"
    rows = [
        {
            "case": f"{label}, {writers_label}, {writes:,} writes",
            "metric": "audited writes per second (advisory lock or IMMEDIATE transaction, head row, HMAC)",
            "value": round(chained, 1),
            "unit": "writes/s",
            "baseline": BASELINE,
            "baseline_value": round(baseline, 1),
            "target": TARGET_WRITES_PER_S if backend == "postgresql" and writers == WRITERS else None,
        }
    ]
    if time_verify:

        def read_only() -> None:
            for _row in AuditEntry.objects.order_by("seq").values_list().iterator(chunk_size=5000):
                pass

        rows.append(
            {
                "case": f"{label}, verify() over {writes:,} rows",
                "metric": "rows checked per second by audit.verify()",
                "value": round(_best_rate(audit.verify, writes), 1),
                "unit": "rows/s",
                "baseline": "reading the same rows through the ORM without checking them",
                "baseline_value": round(_best_rate(read_only, writes), 1),
                "target": None,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), required=True)
    parser.add_argument("--writes", type=int, required=True)
    parser.add_argument("--writers", type=int, default=WRITERS)
    parser.add_argument("--verify", action="store_true", help="also time verify()")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sabeel-bench-db-") as tmp:
        _setup_django(_database_url(args.backend, tmp))
        try:
            rows = _measure(args.backend, args.writes, args.writers, args.verify)
        finally:
            from django.db import connections

            connections.close_all()
            if args.backend == "postgresql":
                _pg_admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    args.out.write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
