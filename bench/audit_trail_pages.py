"""The auditor's trail on a big trail: the page (``/groups/audit/``) and the read log with each
filter, on PostgreSQL, against what paging by offset and count cost on the same rows.

A child process (``python bench/audit_trail_pages.py --rows N --out file.json``) creates a
database of its own (``sabeel_bench_audit_pages``), migrates it, creates the personas, and fills
``core_auditentry`` and ``core_readentry`` with N rows each by ``generate_series`` (the rows'
MACs are not real: the pages never check them), one row every 30 seconds over the last N × 30 s,
spread over five working groups, eight actions and two hundred actors. Then each case is opened
through the real view, signed in as the Lebanon auditor (``lb_auditor``), and timed at p50/p95.

Baseline, measured in the same run: the same filtered rows counted and their first page read, as
the page did before it paged by key (Django's ``Paginator``: ``count()`` then an offset slice).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

NAME = "audit_trail_pages"
SCALES = {"small": 50_000, "full": 1_000_000}
REPEAT = 15
WITHIN_MS = 200
TARGET_SHARE = 0.95
BENCH_DB = "sabeel_bench_audit_pages"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parents[1]
BASELINE = "count() of the same filtered rows and their first page by offset (how the page paged before it paged by key)"


def run(scale: str) -> list[dict[str, Any]]:
    rows = SCALES[scale]
    with tempfile.TemporaryDirectory(prefix="sabeel-bench-") as tmp:
        out = Path(tmp) / "rows.json"
        print(f"  postgresql: {rows:,} trail rows and {rows:,} read rows …", flush=True)
        subprocess.run([sys.executable, __file__, "--rows", str(rows), "--out", str(out)], check=True, cwd=ROOT)
        result: list[dict[str, Any]] = json.loads(out.read_text())
        return result


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql)


def _setup(rows: int) -> Any:
    _pg_admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    _pg_admin(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = POSTGRES_URL.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "sabeel.config.settings.test"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from sabeel.workgroups.testing import create_cast

    call_command("migrate", verbosity=0)
    cast = create_cast()
    groups = sorted(g.pk for g in cast.groups.values())[:5]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO core_auditentry (seq, at, actor_kind, actor_id, action, target_type, target_id,
                                         working_group_id, data, prev_mac, mac)
            SELECT g, now() - ((%(n)s - g) * interval '30 seconds'),
                   CASE WHEN g %% 50 = 0 THEN 'system' ELSE 'user' END, (g %% 200)::text,
                   (ARRAY['household.created','household.updated','consent.recorded','auth.signed_in',
                          'person.viewed','membership.ended','geo.site_updated','consent.withdrawn'])[1 + g %% 8],
                   CASE WHEN g %% 3 = 0 THEN 'registry.household' ELSE '' END,
                   CASE WHEN g %% 3 = 0 THEN (g %% 50000)::text ELSE '' END,
                   (%(groups)s::bigint[])[1 + (g / 7) %% %(k)s],
                   '{"household_id": 1}'::jsonb, repeat('0', 64), repeat('1', 64)
            FROM generate_series(1, %(n)s) g
            """,
            {"n": rows, "groups": groups, "k": len(groups)},
        )
        cursor.execute(
            """
            INSERT INTO core_readentry (at, actor_kind, actor_id, action, target_type, target_id,
                                        working_group_id, is_list, count, data, mac)
            SELECT now() - ((%(n)s - g) * interval '30 seconds'), 'user', (g %% 200)::text,
                   (ARRAY['registry.households_listed','person.viewed','person.searched'])[1 + g %% 3], '', '',
                   (%(groups)s::bigint[])[1 + (g / 7) %% %(k)s], true, 20, '{"row_ids": [1, 2]}'::jsonb, repeat('1', 64)
            FROM generate_series(1, %(n)s) g
            """,
            {"n": rows, "groups": groups, "k": len(groups)},
        )
        cursor.execute("ANALYZE core_auditentry; ANALYZE core_readentry")
    # The chain's head after the synthetic rows, so that the export's own audit row follows them.
    from sabeel.core import audit
    from sabeel.core.models import AuditHead

    last_mac = "1" * 64
    AuditHead.objects.update_or_create(pk=1, defaults={"seq": rows, "mac": last_mac, "head_mac": audit._head_mac(rows, last_mac)})
    return cast


# The first pass runs on the indexes the migrations make; the second after adding the indexes this
# part proposes for core (AuditEntry and ReadEntry are core's models: core's owner decides).
PASSES = ("", " + proposed core indexes")
PROPOSED_INDEXES = (
    "CREATE INDEX bench_audit_group_at ON core_auditentry (working_group_id, at)",
    "CREATE INDEX bench_audit_group_action ON core_auditentry (working_group_id, action, seq)",
    "CREATE INDEX bench_read_group_at ON core_readentry (working_group_id, at)",
    "CREATE INDEX bench_read_group_action ON core_readentry (working_group_id, action, id)",
    "CREATE INDEX bench_read_target ON core_readentry (target_type, target_id)",
)


def _create_proposed_indexes() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in PROPOSED_INDEXES:
            cursor.execute(statement)
        cursor.execute("ANALYZE core_auditentry; ANALYZE core_readentry")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _measure(rows: int) -> list[dict[str, Any]]:
    cast = _setup(rows)
    from django.test import Client

    from sabeel.workgroups import selectors
    from sabeel.workgroups.testing import sign_in

    auditor = cast["lb_auditor"]
    client = sign_in(Client(), auditor)
    today = dt.datetime.now(dt.UTC).date()
    user_in_lb = next(s for s in selectors.audit_actor_choices(actor=auditor))
    days_back = min(300, rows * 30 // 86400 - 2)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("trail, no filter", {}),
        ("trail, one action", {"action": "consent.withdrawn"}),
        ("trail, one staff actor", {"actor": f"user:{user_in_lb.user_id}"}),
        ("trail, one target", {"target_type": "registry.household", "target_id": "1236"}),
        ("trail, last 7 days", {"date_from": (today - dt.timedelta(days=7)).isoformat(), "date_to": today.isoformat()}),
        ("trail, one day long ago", {"date_from": (today - dt.timedelta(days=days_back)).isoformat(), "date_to": (today - dt.timedelta(days=days_back)).isoformat()}),
        ("trail, an action with no row", {"action": "audit.exported"}),
        ("read log, no filter", {"log": "reads"}),
        ("read log, one action", {"log": "reads", "action": "person.searched"}),
        ("read log, one day long ago", {"log": "reads", "date_from": (today - dt.timedelta(days=days_back)).isoformat(), "date_to": (today - dt.timedelta(days=days_back)).isoformat()}),
    ]
    results: list[dict[str, Any]] = []
    for label in PASSES:
        if label:
            _create_proposed_indexes()
        results += _pass(label, rows, cases, client, auditor)
    results += _export(rows, client)
    return results


def _export(rows: int, client: Any) -> list[dict[str, Any]]:
    """The whole trail of the auditor's group as CSV, streamed: time to the first bytes and to
    the last, and rows per second."""
    started = time.perf_counter()
    response = client.get("/groups/audit/export.csv")
    chunks = iter(response.streaming_content)
    first = next(chunks)
    first_ms = (time.perf_counter() - started) * 1000
    size = len(first) + sum(len(chunk) for chunk in chunks)
    total_s = time.perf_counter() - started
    exported = _last_export_rows()
    print(f"    export: {exported:,} rows, {size / 1e6:.1f} MB, first bytes {first_ms:.0f} ms, all {total_s:.1f} s", flush=True)
    case = f"PostgreSQL, {rows:,} trail rows: the auditor's group's whole trail as CSV ({exported:,} rows, {size / 1e6:.1f} MB)"
    return [
        {
            "case": case,
            "metric": f"rows per second, streamed (first bytes after {first_ms:.0f} ms, all after {total_s:.1f} s)",
            "value": round(exported / total_s),
            "unit": "rows/s",
            "baseline": "none",
            "baseline_value": None,
            "target": None,
        }
    ]


def _last_export_rows() -> int:
    from sabeel.core.models import AuditEntry

    row = AuditEntry.objects.filter(action="audit.exported").order_by("-seq").first()
    return int(row.data["row_count"]) if row is not None else 0


def _pass(label: str, rows: int, cases: list[tuple[str, dict[str, Any]]], client: Any, auditor: Any) -> list[dict[str, Any]]:
    from django.test import RequestFactory

    from sabeel.workgroups import forms, selectors, views

    results: list[dict[str, Any]] = []
    every_load: list[float] = []
    for name, params in cases:
        page_times: list[float] = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            response = client.get("/groups/audit/", params)
            page_times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        every_load += page_times
        # The queries alone: the keyed window the page runs, against the old Paginator's count()
        # and offset page on the same filtered rows.
        form = forms.AuditFilterForm(params or None, staff=selectors.audit_actor_choices(actor=auditor), groups=list(selectors.audit_groups(actor=auditor)))
        filters = form.filters()
        reads = params.get("log") == "reads"
        request = RequestFactory().get("/groups/audit/", params)
        keyed_times: list[float] = []
        base_times: list[float] = []
        for _ in range(REPEAT):
            entries = (selectors.read_entries if reads else selectors.audit_entries)(actor=auditor)
            started = time.perf_counter()
            views._window(request, selectors._filtered(entries, filters), "id" if reads else "seq")
            keyed_times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            filtered = selectors._filtered(entries, filters)
            filtered.count()
            list(filtered[:50])
            base_times.append((time.perf_counter() - started) * 1000)
        case = f"PostgreSQL, {rows:,} trail + {rows:,} read rows{label}: {name}"
        results.append(
            {
                "case": case,
                "metric": f"p95 latency of the page over {REPEAT} loads through the view, rendering included (p50 {statistics.median(page_times):.1f} ms)",
                "value": round(_p(page_times, 0.95), 1),
                "unit": "ms",
                "baseline": "none",
                "baseline_value": None,
                "target": None,
            }
        )
        results.append(
            {
                "case": case + " (queries)",
                "metric": f"p95 of the page's queries (the window by key, filtered), {REPEAT} runs",
                "value": round(_p(keyed_times, 0.95), 1),
                "unit": "ms",
                "baseline": BASELINE,
                "baseline_value": round(_p(base_times, 0.95), 1),
                "target": None,
            }
        )
        print(f"    {label or 'as migrated'} {name}: page p95 {results[-2]['value']} ms; queries {results[-1]['value']} ms (count+offset {results[-1]['baseline_value']} ms)", flush=True)
    results.append(
        {
            "case": f"PostgreSQL, {rows:,} trail + {rows:,} read rows{label}: every case",
            "metric": f"share of the {len(every_load)} page loads within {WITHIN_MS} ms",
            "value": round(sum(1 for t in every_load if t <= WITHIN_MS) / len(every_load), 3),
            "unit": "share",
            "baseline": "none (the share is the figure)",
            "baseline_value": None,
            "target": TARGET_SHARE,
        }
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    try:
        rows = _measure(args.rows)
    finally:
        from django.db import connections

        connections.close_all()
        _pg_admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    Path(args.out).write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
