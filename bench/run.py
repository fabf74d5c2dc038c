"""Run Sabeel's benchmarks and write ``bench/results/<name>.json``.

    .venv/bin/python bench/run.py                                  # every benchmark, full scale
    .venv/bin/python bench/run.py --only audit_throughput --scale small
    .venv/bin/python bench/run.py --list

A benchmark is a module ``bench/<file>.py`` (files starting with ``_`` are helpers, not
benchmarks) that exposes ``NAME: str`` and ``run(scale: str) -> list[dict]``, one dict per
measured case with exactly the keys of ``ROW_KEYS``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
SCALES = ("small", "full")
ROW_KEYS = ("case", "metric", "value", "unit", "baseline", "baseline_value", "target")
# The PostgreSQL server the benchmarks use (each creates and drops its own database there).
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def discover() -> dict[str, ModuleType]:
    """Every benchmark module in bench/, by its NAME."""
    found: dict[str, ModuleType] = {}
    for path in sorted(BENCH_DIR.glob("*.py")):
        if path.name == "run.py" or path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"sabeel_bench_{path.stem}", path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        name = getattr(module, "NAME", None)
        if not isinstance(name, str) or not callable(getattr(module, "run", None)):
            raise SystemExit(f"{path.name}: a benchmark module needs NAME (str) and run(scale) -> list[dict]")
        if name in found:
            raise SystemExit(f"{path.name}: benchmark name {name!r} is used twice")
        found[name] = module
    return found


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def postgresql_version() -> str | None:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else None
    except Exception:  # no server: the field stays empty
        return None


def machine() -> dict[str, Any]:
    meminfo = {
        line.split(":")[0]: line.split(":")[1].strip() for line in _read("/proc/meminfo").splitlines() if ":" in line
    }
    mem_kib = int(meminfo.get("MemTotal", "0 kB").split()[0])
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or platform.machine(),
    )
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": postgresql_version(),
    }


def _checked_rows(name: str, rows: Any) -> list[dict[str, Any]]:
    if not isinstance(rows, list) or not rows:
        raise SystemExit(f"{name}: run() returned no rows")
    checked = []
    for row in rows:
        if not isinstance(row, dict) or set(row) != set(ROW_KEYS):
            raise SystemExit(f"{name}: every row needs exactly the keys {ROW_KEYS}, got {row!r}")
        checked.append({key: row[key] for key in ROW_KEYS})
    return checked


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    return "-" if value is None else str(value)


def summary(rows: list[dict[str, Any]]) -> str:
    lines = []
    for row in rows:
        ratio = ""
        if row["baseline_value"]:
            ratio = f"  ({row['value'] / row['baseline_value']:.2f}x baseline {_fmt(row['baseline_value'])})"
        target = ""
        if row["target"] is not None:
            target = "  target {} {}".format(_fmt(row["target"]), "met" if row["value"] >= row["target"] else "MISSED")
        lines.append(f"  {row['case']}: {_fmt(row['value'])} {row['unit']}{ratio}{target}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only this benchmark (repeatable)")
    parser.add_argument("--scale", choices=SCALES, default="full")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)

    benchmarks = discover()
    if args.list:
        print("\n".join(benchmarks))
        return 0
    unknown = sorted(set(args.only or []) - set(benchmarks))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(benchmarks)}")
    chosen = [name for name in benchmarks if not args.only or name in args.only]

    host = machine()
    RESULTS_DIR.mkdir(exist_ok=True)
    for name in chosen:
        print(f"{name} ({args.scale}) …", flush=True)
        started = time.perf_counter()
        rows = _checked_rows(name, benchmarks[name].run(args.scale))
        result = {
            "benchmark": name,
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": host,
            "rows": rows,
        }
        out = RESULTS_DIR / f"{name}.json"
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(summary(rows))
        print(f"  → {out.relative_to(BENCH_DIR.parent)} ({time.perf_counter() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
