"""The household list page and the household page with a million people in the registry: latency
(p95) through gunicorn (2 workers) to a signed-in session, and the queries each page makes.

The child process (``python bench/registry_pages.py --households N --loads L --out rows.json``)
creates ``sabeel_bench_pages`` on PostgreSQL with the personas and the geography, loads a small
registry first (``BASELINE_HOUSEHOLDS`` households in the Lebanon group, ``registry.bulk``) and
measures the pages there: that is the baseline, the same pages on a small registry. Then it
loads the rest up to ``N`` households and measures again, gunicorn restarted. Each measurement:

* the list page (``/registry/``) as officers use it: the first pages, a few pages further on,
  filtered by status, place of origin (a governorate), current location (a governorate) and a
  specific need, and one deep page; ``L`` loads in all, round robin;
* the household page (``/registry/households/<id>/``) of ``L`` households drawn at random;
* the queries of each kind of page, counted once in the benchmark process with Django's test
  client (``CaptureQueriesContext``), signed in as the same officer.

Latency is timed from request to the last byte of the answer, by an HTTP client signed in through
the two sign-in pages (see ``registry_search``).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry_load import (
    PERSONS_PER_HOUSEHOLD,
    ROOT,
    TARGET_INDIVIDUALS,
    backend_label,
    database_url,
    lebanon,
    pg_admin,
    setup_django,
)
from registry_search import free_port, percentile, signed_in, start_gunicorn, stop_gunicorn

NAME = "registry_pages"
BENCH_DB = "sabeel_bench_pages"
TARGET_P95_MS = 200
BASELINE_HOUSEHOLDS = 500
SCALES = {
    # households in the registry at the end, loads of each page
    "small": (4_300, 100),
    "full": (round(TARGET_INDIVIDUALS / PERSONS_PER_HOUSEHOLD), 400),
}
LIST_VARIANTS = (  # query strings of the list page, as officers use it
    "",
    "?page=2",
    "?page=3",
    "?status=open",
    "?origin=SY04",
    "?location=LB2",
    "?need=SM-CI",
    "?status=open&origin=SY12&page=2",
    "?page=12",
    "?page=200",
)


def run(scale: str) -> list[dict[str, Any]]:
    households, loads = SCALES[scale]
    with tempfile.TemporaryDirectory(prefix="sabeel-bench-") as tmp:
        out = Path(tmp) / "rows.json"
        command = [sys.executable, __file__, "--households", str(households), "--loads", str(loads), "--out", str(out)]
        subprocess.run(command, check=True, cwd=ROOT)
        rows: list[dict[str, Any]] = json.loads(out.read_text())
        return rows


def _query_counts(officer: Any, household_id: int) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sabeel.workgroups.testing import sign_in

    client = sign_in(Client(), officer)
    counts = {}
    for label, path in (
        ("list", "/registry/"),
        ("list, filtered", "/registry/?status=open&origin=SY04&page=2"),
        ("household", f"/registry/households/{household_id}/"),
    ):
        client.get(path)  # warm: sessions, caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        counts[label] = len(queries)
    return counts


def _timings(database: str, session: dict[str, Any], household_ids: list[int], loads: int) -> dict[str, list[float]]:
    """Page loads through gunicorn; ``session`` keeps the port and the signed-in client between runs
    (the session lives in the database, so it outlasts a restart of gunicorn)."""
    rng = random.Random(7)
    server = start_gunicorn(database, session["port"])
    try:
        if "client" not in session:
            session["client"] = signed_in(session["port"], session["username"])
        client = session["client"]
        paths = {
            "list": [f"/registry/{LIST_VARIANTS[i % len(LIST_VARIANTS)]}" for i in range(loads)],
            "household": [f"/registry/households/{rng.choice(household_ids)}/" for _ in range(loads)],
        }
        for path in paths["list"][: len(LIST_VARIANTS)] + paths["household"][:10]:  # warm both workers
            client.request("GET", path)
        times: dict[str, list[float]] = {"list": [], "household": []}
        for kind, kind_paths in paths.items():
            for path in kind_paths:
                started = time.perf_counter()
                status, _headers, body = client.request("GET", path)
                times[kind].append((time.perf_counter() - started) * 1000)
                if status != 200:
                    raise SystemExit(f"{path} answered {status}: {body[:200]!r}")
        return times
    finally:
        stop_gunicorn(server)


def _measure(households: int, loads: int, database: str) -> list[dict[str, Any]]:
    from sabeel.core.actors import system
    from sabeel.core.roles import Role
    from sabeel.registry import bulk
    from sabeel.registry.models import Household, Individual
    from sabeel.workgroups.models import User
    from sabeel.workgroups.testing import persona_username

    group = lebanon()
    username = persona_username("lb", Role.REGISTRATION_OFFICER)
    officer = User.objects.get(username=username)
    loader = system("synth_load")

    bulk.synth_households_load(actor=loader, working_group=group, households=BASELINE_HOUSEHOLDS, seed=5)
    small_ids = list(Household.objects.values_list("pk", flat=True))
    small_counts = _query_counts(officer, small_ids[0])
    session = {"port": free_port(), "username": username}
    small = _timings(database, session, small_ids, loads)

    report = bulk.synth_households_load(
        actor=loader, working_group=group, households=households - BASELINE_HOUSEHOLDS, seed=6, rebuild_indexes=True
    )
    print(f"    loaded {report.summary()}", flush=True)
    ids = list(Household.objects.values_list("pk", flat=True))
    counts = _query_counts(officer, ids[len(ids) // 2])
    large = _timings(database, session, ids, loads)

    people = Individual.objects.count()
    case = f"{backend_label()}, {len(ids):,} households, {people:,} people, gunicorn 2 workers, signed-in session"
    base = f"the same page with {BASELINE_HOUSEHOLDS} households in the registry"
    rows = []
    titles = (("list", "household list page (/registry/, 10 variants: pages, filters)"), ("household", "household page"))
    for kind, title in titles:
        short = "list page" if kind == "list" else "household page"
        p95, base_p95 = percentile(large[kind], 0.95), percentile(small[kind], 0.95)
        rows += [
            {"case": f"{case}: {short}, p95", "metric": f"p95 latency, {title}, {loads} loads (target under {TARGET_P95_MS} ms)",
             "value": round(p95, 1), "unit": "ms", "baseline": base, "baseline_value": round(base_p95, 1), "target": None},
            {"case": f"{case}: {short}, median", "metric": f"median latency, {title}", "value": round(statistics.median(large[kind]), 1),
             "unit": "ms", "baseline": base, "baseline_value": round(statistics.median(small[kind]), 1), "target": None},
            {"case": f"{case}: {short}, share within {TARGET_P95_MS} ms", "metric": f"share of loads within {TARGET_P95_MS} ms, {title} (p95 under {TARGET_P95_MS} ms)",
             "value": round(sum(t <= TARGET_P95_MS for t in large[kind]) / len(large[kind]), 3), "unit": "share",
             "baseline": base, "baseline_value": round(sum(t <= TARGET_P95_MS for t in small[kind]) / len(small[kind]), 3),
             "target": 0.95},
        ]  # fmt: skip
    for label, count in counts.items():
        rows.append({
            "case": f"{case}: {label} page, queries", "metric": f"queries per request, {label} page", "value": count, "unit": "queries",
            "baseline": base, "baseline_value": small_counts[label], "target": None,
        })  # fmt: skip
    slowest = sorted(zip(large["list"], [f"/registry/{v}" for v in LIST_VARIANTS] * loads, strict=False))[-3:]
    print("    slowest list loads: " + ", ".join(f"{path} {ms:.0f} ms" for ms, path in slowest), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, required=True)
    parser.add_argument("--loads", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sabeel-bench-db-") as tmp:
        database = database_url("postgresql", BENCH_DB, tmp)
        setup_django(database)
        try:
            rows = _measure(args.households, args.loads, database)
        finally:
            from django.db import connections

            connections.close_all()
            pg_admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    args.out.write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
