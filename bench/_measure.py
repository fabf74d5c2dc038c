"""What the benchmarks that run their sides in child processes share: a result row, and the
child's peak resident memory (VmHWM, which ``reset_peak`` sets back to the current size, so that
generating the data is not counted)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any


def row(case: str, metric: str, value: Any, unit: str, baseline: str | None, baseline_value: Any, target: Any) -> dict[str, Any]:
    """One result row, with exactly the keys of ``run.ROW_KEYS``."""
    return {"case": case, "metric": metric, "value": value, "unit": unit, "baseline": baseline,
            "baseline_value": baseline_value, "target": target}  # fmt: skip


def reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_mib(*, children: bool = False) -> float:
    """This process's peak resident memory in MiB; with ``children``, the larger of it and the
    largest child's that has been waited for (a solver run in a child process)."""
    import resource

    own = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            own = int(line.split()[1]) / 1024
            break
    else:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if children:
        own = max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return round(own, 1)


def run_child(script: str, args: list[str], out: Path, label: str) -> dict[str, Any]:
    """Run ``script`` (a benchmark module run as a child process, one side of a measurement) with
    ``args`` and ``--out out``, in the project's root, and return the JSON it wrote there; prints
    ``label`` before and the result's plain values after."""
    import json
    import subprocess
    import sys

    print(f"  {label} …", flush=True)
    subprocess.run([sys.executable, script, *args, "--out", str(out)], check=True, cwd=Path(__file__).resolve().parents[1])
    result: dict[str, Any] = json.loads(out.read_text())
    print(f"    {json.dumps({k: v for k, v in result.items() if not isinstance(v, dict | list)})}", flush=True)
    return result
