"""Searching a million people: latency and recall of ``POST /api/registry/search`` served by gunicorn
(2 workers) to a signed-in session, against ``icontains`` over the eight name fields.

The child process (``python bench/registry_search.py --households N --queries Q --out rows.json``)
creates ``sabeel_bench_search`` on PostgreSQL, loads ``N`` synthetic households into the Lebanon
working group with ``registry.bulk`` and derives ``Q`` queries from them: the generator's
overlapping list (``engines.synth.iter_overlapping_list``) re-registers part of the first
households with the usual respellings, Arabic spelling variants, typos, swapped and missing name
parts, and each query is the name a second agency wrote down for a person we loaded (first,
father's and family name, or first and family name, or all four parts; in Latin or Arabic script),
with that person as the one intended. Queries whose names were changed come first.

Then it starts ``gunicorn sabeel.config.wsgi`` (2 workers, the test settings, the bench database),
signs the Lebanon registration officer in through the two sign-in pages (password, then the
authenticator code from ``sabeel.core.otp.current_code``) and sends the queries one after another
over HTTP, timing each from request to the last byte of the answer. Recall: the share of queries
whose intended person is on the first page of results.

Baseline: the same queries as ``icontains`` over the eight name fields (every word in some field),
scoped to the officer's group, first 25 by id, timed as ORM queries in the benchmark process (no
HTTP), on a sample of the queries at full scale (each scans the table).

Read auditing is on, as in production: every search writes one row to the read log (the ids it
returned and their number, no chain lock; ``core.audit.record_read``). After the sequential run,
the same queries are sent by 4 clients at once (one session) to show readers do not queue on
the audit chain's lock; then the read rows are counted, sealed into the chain in one batch
(``audit.reads_seal``, timed) and the chain and read log verified. Last, what read auditing costs
a search, measured where the machine's load cancels out: 300 searches in-process with the read-log
row written and left out, interleaved, and the read-log insert timed alone.

The database is ``sabeel_bench_search`` unless ``BENCH_SEARCH_DB`` names another (so that two
people can run benchmarks on one server at once).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
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

NAME = "registry_search"
BENCH_DB = os.environ.get("BENCH_SEARCH_DB", "sabeel_bench_search")
CONCURRENT_CLIENTS = 4
AB_QUERIES = 300  # searches timed in-process with read auditing on and off, interleaved
SEARCH_URL = "/api/registry/search"
TARGET_P95_MS = 150
TARGET_RECALL = 0.95
SCALES = {
    # households loaded, queries sent, baseline queries
    "small": (4_300, 300, 100),
    "full": (round(TARGET_INDIVIDUALS / PERSONS_PER_HOUSEHOLD), 1_000, 60),
}
SEED = 11


# --- the parent ---------------------------------------------------------------------------------


def run(scale: str) -> list[dict[str, Any]]:
    households, queries, baseline = SCALES[scale]
    with tempfile.TemporaryDirectory(prefix="sabeel-bench-") as tmp:
        out = Path(tmp) / "rows.json"
        command = [sys.executable, __file__, "--households", str(households), "--queries", str(queries)]
        command += ["--baseline-queries", str(baseline), "--out", str(out)]
        subprocess.run(command, check=True, cwd=ROOT)
        rows: list[dict[str, Any]] = json.loads(out.read_text())
        return rows


# --- HTTP: gunicorn and a signed-in client (shared with registry_pages) -------------------------


class Client:
    """A tiny HTTP client with a cookie jar (the standard library only)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.headers.items()), data

    def form(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        from urllib.parse import urlencode

        _status, _headers, page = self.request("GET", path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        token = match.group(1).decode() if match else self.cookies.get("csrftoken", "")
        body = urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}{path}"}
        return self.request("POST", path, body, headers)

    def post_json(self, path: str, payload: Any) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.cookies.get("csrftoken", "")}
        status, _headers, data = self.request("POST", path, json.dumps(payload).encode(), headers)
        return status, data


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(database: str, port: int) -> subprocess.Popen[bytes]:
    """``gunicorn sabeel.config.wsgi`` with 2 workers on the bench database (test settings)."""
    env = {**os.environ, "DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": "sabeel.config.settings.test", "PYTHONPATH": "src"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "sabeel.config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start within 60 s")


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def signed_in(port: int, username: str) -> Client:
    """A client signed in through the real pages: password, then the authenticator app's code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sabeel.core.otp import current_code
    from sabeel.workgroups.testing import PASSWORD

    client = Client(port)
    status, headers, _ = client.form("/sign-in/", {"username": username, "password": PASSWORD})
    if status != 302 or "/sign-in/code/" not in headers.get("Location", ""):
        raise SystemExit(f"sign-in step 1 answered {status}")
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    for _attempt in range(3):  # a code already used in this 30 s step is refused: wait for the next
        status, headers, _ = client.form("/sign-in/code/", {"code": current_code(device)})
        if status == 302:
            return client
        time.sleep(31)
    raise SystemExit(f"sign-in step 2 answered {status}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# --- queries ------------------------------------------------------------------------------------


PARTS_LAT = ("first_name_lat", "father_name_lat", "grandfather_name_lat", "family_name_lat")
PARTS_AR = ("first_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar")
# (weight, script, name parts by index) as officers type a name to find one person: the triple name
# (first, father's, family) or all four parts, in either script.
FORMS = (
    (0.40, "lat", (0, 1, 3)),
    (0.30, "ar", (0, 1, 3)),
    (0.15, "lat", (0, 1, 2, 3)),
    (0.15, "ar", (0, 1, 2, 3)),
)
# First and family name only: among a million people such a name is shared by dozens or hundreds,
# so the intended person is on the first page by luck; measured apart, without a target.
SHORT_FORMS = ((0.6, "lat", (0, 3)), (0.4, "ar", (0, 3)))
NAME_CHANGES = ("transliteration", "typo", "arabic_orthography", "swap", "grandfather_missing")


def build_queries(
    group: Any, households: int, first_sequence: int, counts: tuple[int, int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Queries as a second agency wrote the names of people we loaded, with the person intended:
    ``counts[0]`` in the ``FORMS``, then ``counts[1]`` in the ``SHORT_FORMS``."""
    from itertools import islice

    from sabeel.engines.synth import OverlapConfig, iter_overlapping_list
    from sabeel.registry import bulk
    from sabeel.registry.models import Individual
    from sabeel.registry.numbers import registration_number

    config = bulk.synth_config(working_group=group, seed=SEED, households=households)
    source = list(islice(bulk.synth_batch(config), min(households, bulk.PART_HOUSEHOLDS)))
    overlap = OverlapConfig(seed=SEED + 1, duplicate_share=0.5, new_household_ratio=0.0)
    people: dict[str, Any] = {}
    pairs = []
    for twin_household, truth in iter_overlapping_list(source, config=config, overlap=overlap):
        people.update({p.person_id: p for p in twin_household.members})
        pairs += truth.person_pairs
    rng = random.Random(SEED)
    rng.shuffle(pairs)
    changed = [p for p in pairs if any(c.startswith(NAME_CHANGES) for c in p.perturbations)]
    same = [p for p in pairs if not any(c.startswith(NAME_CHANGES) for c in p.perturbations)]
    queries: list[dict[str, Any]] = []
    for pair in changed + same:
        twin = people[pair.right_id]
        forms = FORMS if len(queries) < counts[0] else SHORT_FORMS
        roll, total = rng.random(), 0.0
        script, indexes = forms[-1][1:]
        for weight, form_script, form_indexes in forms:
            total += weight
            if roll <= total:
                script, indexes = form_script, form_indexes
                break
        fields = PARTS_LAT if script == "lat" else PARTS_AR
        words = [getattr(twin, fields[i]) for i in indexes]
        if not all(words):
            continue
        household_index, line = pair.left_id.split("-")
        queries.append({
            "query": " ".join(words), "script": script, "parts": len(indexes),
            "changes": sorted({c.split(":")[0] for c in pair.perturbations if c.startswith(NAME_CHANGES)}),
            "number": registration_number("LB", first_sequence + int(household_index[1:]) - 1), "line": int(line),
        })  # fmt: skip
        if len(queries) == sum(counts):
            break
    members: dict[str, list[int]] = {}
    rows = Individual.objects.filter(household__registration_number__in={q["number"] for q in queries})
    for number, pk in rows.order_by("pk").values_list("household__registration_number", "pk"):
        members.setdefault(number, []).append(pk)
    for query in queries:
        query["intended"] = members[query.pop("number")][query.pop("line") - 1]
    return queries[: counts[0]], queries[counts[0] :]


def hit_ids(payload: Any) -> list[int]:
    """Individual ids in a search answer, whatever the envelope (a list, or results/hits/items)."""
    if isinstance(payload, dict):
        for key in ("results", "hits", "items", "people"):
            if isinstance(payload.get(key), list):
                payload = payload[key]
                break
    if not isinstance(payload, list):
        return []
    ids = []
    for item in payload:
        if isinstance(item, dict):
            value = item.get("individual_id", item.get("id"))
            if isinstance(value, int):
                ids.append(value)
    return ids


def icontains(user: Any, query: str) -> list[int]:
    from django.db.models import Q

    from sabeel.core.permissions import visible_to
    from sabeel.registry.fieldgroups import NAME_FIELDS
    from sabeel.registry.models import Individual

    people = visible_to(user, Individual.objects.all(), "person.search")
    for word in query.split():
        clause = Q()
        for name in NAME_FIELDS:
            clause |= Q(**{f"{name}__icontains": word})
        people = people.filter(clause)
    return list(people.order_by("pk").values_list("pk", flat=True)[:25])


# --- the child ----------------------------------------------------------------------------------


def _measure(households: int, count: int, baseline_count: int, database: str) -> list[dict[str, Any]]:
    from sabeel.core.actors import system
    from sabeel.core.roles import Role
    from sabeel.registry import bulk
    from sabeel.workgroups.models import User
    from sabeel.workgroups.testing import persona_username

    group = lebanon()
    report = bulk.synth_households_load(
        actor=system("synth_load"), working_group=group, households=households, seed=SEED, rebuild_indexes=True
    )
    print(f"    loaded {report.summary()}", flush=True)
    queries, short = build_queries(group, households, int(report.first_number[3:11]), (count, count // 5))
    username = persona_username("lb", Role.REGISTRATION_OFFICER)
    officer = User.objects.get(username=username)

    port = free_port()
    server = start_gunicorn(database, port)
    try:
        client = signed_in(port, username)
        for query in queries[:20]:  # both workers warm (imports, caches, connections)
            client.post_json(SEARCH_URL, {"query": query["query"]})
        times = []
        for query in queries + short:
            started = time.perf_counter()
            status, body = client.post_json(SEARCH_URL, {"query": query["query"]})
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{SEARCH_URL} answered {status}: {body[:300]!r}")
            query["found"] = query["intended"] in hit_ids(json.loads(body))
        concurrent_times = _concurrent(client, port, queries)
    finally:
        stop_gunicorn(server)
    times, short_times = times[: len(queries)], times[len(queries) :]
    audit_rows = _seal_and_verify(expected=len(queries) + len(short) + 20 + len(concurrent_times))
    audit_rows += _audit_cost(officer, queries[:AB_QUERIES])
    found = sum(q["found"] for q in queries)
    _print_misses(queries + short)

    sample = queries[:: max(1, len(queries) // baseline_count)][:baseline_count]
    short_sample = short[: max(1, baseline_count // 3)]
    short_base = sum(q["intended"] in icontains(officer, q["query"]) for q in short_sample)
    base_times, base_found = [], 0
    icontains(officer, sample[0]["query"])  # warm
    for query in sample:
        started = time.perf_counter()
        ids = icontains(officer, query["query"])
        base_times.append((time.perf_counter() - started) * 1000)
        base_found += query["intended"] in ids

    changed = sum(1 for q in queries if q["changes"])
    case = (
        f"{backend_label()}, {report.individuals:,} people ({report.households:,} households) in the searched group, "
        f"{len(queries):,} queries ({changed:,} with respelled, mistyped, swapped or missing name parts), "
        "gunicorn 2 workers, signed-in session"
    )
    base = f"icontains over the 8 name fields, ORM query timed in-process without HTTP, {len(sample)} of the queries"
    median, p95 = statistics.median(times), percentile(times, 0.95)
    return [
        {"case": f"{case}: p95 latency", "metric": f"p95 latency of POST {SEARCH_URL} (target under {TARGET_P95_MS} ms)",
         "value": round(p95, 1), "unit": "ms", "baseline": base, "baseline_value": round(percentile(base_times, 0.95), 1),
         "target": None},
        {"case": f"{case}: median latency", "metric": f"median latency of POST {SEARCH_URL}", "value": round(median, 1), "unit": "ms",
         "baseline": base, "baseline_value": round(statistics.median(base_times), 1), "target": None},
        {"case": f"{case}: share within {TARGET_P95_MS} ms", "metric": f"share of searches answered within {TARGET_P95_MS} ms (p95 under {TARGET_P95_MS} ms)",
         "value": round(sum(t <= TARGET_P95_MS for t in times) / len(times), 3), "unit": "share", "baseline": base,
         "baseline_value": round(sum(t <= TARGET_P95_MS for t in base_times) / len(base_times), 3), "target": 0.95},
        {"case": f"{case}: recall on the first page", "metric": "recall: intended person on the first page of results", "value": round(found / len(queries), 3),
         "unit": "share", "baseline": base, "baseline_value": round(base_found / len(sample), 3), "target": TARGET_RECALL},
        {"case": f"{backend_label()}, the same registry, {len(short)} queries of first and family name only: recall on the first page",
         "metric": f"recall, first and family name only (not identifying among a million: no target; p95 {percentile(short_times, 0.95):.0f} ms)",
         "value": round(sum(q["found"] for q in short) / len(short), 3), "unit": "share",
         "baseline": f"icontains as above, {len(short_sample)} of these queries", "baseline_value": round(short_base / len(short_sample), 3),
         "target": None},
        {"case": f"{case}, {CONCURRENT_CLIENTS} clients at once, read auditing on: p95 latency",
         "metric": f"p95 latency of POST {SEARCH_URL} with {CONCURRENT_CLIENTS} concurrent clients (2 workers, 2 cores)",
         "value": round(percentile(concurrent_times, 0.95), 1), "unit": "ms",
         "baseline": "the same queries sent one after another (row 1)", "baseline_value": round(p95, 1), "target": None},
        *audit_rows,
    ]  # fmt: skip


def _concurrent(signed: Client, port: int, queries: list[dict[str, Any]]) -> list[float]:
    """The queries shared among ``CONCURRENT_CLIENTS`` clients of the same session, sent at once."""
    import threading

    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def send(share: list[dict[str, Any]]) -> None:
        client = Client(port)
        client.cookies = dict(signed.cookies)
        for query in share:
            started = time.perf_counter()
            status, body = client.post_json(SEARCH_URL, {"query": query["query"]})
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times.append(elapsed)
                if status != 200:
                    errors.append(f"{status}: {body[:200]!r}")

    threads = [threading.Thread(target=send, args=(queries[i::CONCURRENT_CLIENTS],)) for i in range(CONCURRENT_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{SEARCH_URL} answered {errors[0]}")
    return times


def _audit_cost(officer: Any, queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What read auditing costs a search, free of the machine's load: the same searches run
    in-process (``registry.search.person_search``, no HTTP) with the read-log row written and with
    it left out, alternating which comes first; and the read-log insert timed on its own."""
    from sabeel.core import audit
    from sabeel.registry.search import person_search

    real = audit.record_search

    def left_out(**_kwargs: Any) -> None:
        return None

    on: list[float] = []
    off: list[float] = []
    try:
        for i, query in enumerate(queries):
            for audited in (True, False) if i % 2 == 0 else (False, True):
                audit.record_search = real if audited else left_out  # type: ignore[assignment]
                started = time.perf_counter()
                person_search(actor=officer, query=query["query"])
                (on if audited else off).append((time.perf_counter() - started) * 1000)
    finally:
        audit.record_search = real  # type: ignore[assignment]
    inserts = []
    for i in range(1000):
        started = time.perf_counter()
        audit.record_read(actor=officer, action="bench.read", ids=range(i, i + 25), is_list=True)
        inserts.append((time.perf_counter() - started) * 1000)
    print(f"    in-process search p95 {percentile(on, 0.95):.1f} ms audited, {percentile(off, 0.95):.1f} ms not; "
          f"read-log insert p95 {percentile(inserts, 0.95):.2f} ms", flush=True)
    return [
        {"case": f"{backend_label()}, {len(queries)} of the searches in-process (no HTTP), read auditing on vs off, interleaved",
         "metric": "p95 latency of person_search with its read-log row", "value": round(percentile(on, 0.95), 1), "unit": "ms",
         "baseline": "the same searches with the read-log row left out, in the same loop", "baseline_value": round(percentile(off, 0.95), 1),
         "target": None},
        {"case": f"{backend_label()}, 1,000 read-log rows of 25 ids each",
         "metric": "p95 time to write one read-log row (an insert with its MAC, no chain lock)", "value": round(percentile(inserts, 0.95), 2),
         "unit": "ms", "baseline": "median of the same inserts", "baseline_value": round(statistics.median(inserts), 2), "target": None},
    ]  # fmt: skip


def _seal_and_verify(*, expected: int) -> list[dict[str, Any]]:
    """Count the read rows the searches wrote, seal them into the chain in one batch, verify."""
    from sabeel.core import audit
    from sabeel.core.models import ReadEntry

    written = ReadEntry.objects.filter(action="person.searched").count()
    started = time.perf_counter()
    seal = audit.reads_seal(grace_seconds=0)
    seal_ms = (time.perf_counter() - started) * 1000
    result = audit.verify()
    if not result.ok or seal is None:
        raise SystemExit(f"audit verify failed after the searches: {result.reason}")
    print(f"    {written} read rows, sealed in {seal_ms:.0f} ms; verify: {result.checked} chain rows, {result.reads_checked} reads", flush=True)
    return [
        {"case": f"{backend_label()}, read log after the run: {written:,} searches audited",
         "metric": "read-log rows written, one per search request (ids and count, no chain lock)",
         "value": written, "unit": "rows", "baseline": "search requests sent", "baseline_value": expected, "target": expected},
        {"case": f"{backend_label()}, sealing {seal.data['read_count']:,} reads into the chain in one batch",
         "metric": "time to seal the batch (one chain row, the chain lock held once)", "value": round(seal_ms, 1), "unit": "ms",
         "baseline": "time of the whole search run divided by its requests is in rows 1-2", "baseline_value": None, "target": None},
    ]  # fmt: skip


def _print_misses(queries: list[dict[str, Any]]) -> None:
    """Recall by form and by kind of change, and some missed queries, for whoever tunes the search."""
    from collections import Counter

    total: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for query in queries:
        for label in [f"{query['script']} {query['parts']} parts", *(query["changes"] or ["unchanged"])]:
            total[label] += 1
            found[label] += query["found"]
    print("    recall by form and change: " + ", ".join(f"{k} {found[k]}/{total[k]}" for k in sorted(total)), flush=True)
    missed = [q["query"] for q in queries if not q["found"] and q["parts"] > 2][:12]
    print(f"    some missed: {missed}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, required=True)
    parser.add_argument("--queries", type=int, required=True)
    parser.add_argument("--baseline-queries", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sabeel-bench-db-") as tmp:
        database = database_url("postgresql", BENCH_DB, tmp)
        setup_django(database)
        try:
            rows = _measure(args.households, args.queries, args.baseline_queries, database)
        finally:
            from django.db import connections

            connections.close_all()
            pg_admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    args.out.write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
