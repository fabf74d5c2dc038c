"""Run a function in a child process and kill it at a time limit (HiGHS has been seen running past
its own limit). The child is forked, so it sees the parent's arrays without copying them."""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any


@dataclass(frozen=True, slots=True)
class ChildResult:
    """What a child handed back: its status, value or error, and how long it ran."""

    status: str  # "ok", "killed", "failed"
    value: Any = None
    error: str = ""
    seconds: float = 0.0
    # how far the child's resident memory grew above what it shared with the parent at the fork
    # (its peak, VmHWM, less its resident set when it started); None when unknown
    memory_mib: float | None = None


def _status_kib(field: str, path: str = "/proc/self/status") -> int | None:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _target(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    # HiGHS prints its banner on stdout when a solver object is built, before output_flag can be
    # set: the child's stdout goes nowhere, so it stays out of `make demo` and the worker's log
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    try:
        with open("/proc/self/clear_refs", "w") as f:  # start the peak (VmHWM) from here
            f.write("5")
    except OSError:
        pass
    at_start = _status_kib("VmRSS")

    def grown() -> float | None:
        peak = _status_kib("VmHWM")
        return None if peak is None or at_start is None else max(0, peak - at_start) / 1024

    try:
        value = fn(*args)
        if isinstance(value, Iterator):  # a generator hands over each result as it comes
            last = None
            for last in value:
                conn.send(("partial", last, "", grown()))
            value = last
        conn.send(("ok", value, "", grown()))
    except BaseException as exc:  # reported to the parent, which decides
        conn.send(("failed", None, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}", grown()))
    finally:
        conn.close()


class Child:
    """A started child, killed by a timer at its time limit even while this process is busy with
    other work; ``result()`` waits for it (at most until then)."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], time_limit: float) -> None:
        self._started = time.monotonic()
        self._limit = time_limit
        self._base_kib = _status_kib("VmRSS")  # what the child shares with us at the fork
        self._peak_mib: float | None = None
        self._expired = False
        self._lock = threading.Lock()
        self._pending: tuple[str, Any, str, float | None] | None = None  # a message ``first()`` read
        ctx = mp.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_target, args=(send, fn, args), daemon=True)
        self._process.start()
        send.close()
        self._timer = threading.Timer(time_limit, self._expire)
        self._timer.daemon = True
        self._timer.start()
        if time_limit <= 0:  # no time at all: killed now, not when the timer's thread gets its turn
            self._expire()

    def _expire(self) -> None:
        with self._lock:
            if self._expired or not self._process.is_alive():
                return
            peak = _status_kib("VmHWM", f"/proc/{self._process.pid}/status")
            if peak is not None and self._base_kib is not None:
                self._peak_mib = max(0, peak - self._base_kib) / 1024
            self._expired = True
            self._process.kill()

    def kill(self) -> None:
        """End the child now (the parent failed and will not wait for it)."""
        self._timer.cancel()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._recv.close()

    def first(self) -> Any:
        """Wait (at most until the time limit) for the first result a generator's child sends and
        return it, or None; ``result()`` still gives the last one."""
        if self._pending is None and not self._recv.closed:
            # past the limit (the child killed meanwhile), a result it sent before is still read
            remaining = 0.0 if self._expired else max(0.0, self._limit - (time.monotonic() - self._started))
            if self._recv.poll(remaining):
                try:
                    self._pending = self._recv.recv()
                except EOFError:
                    return None
        if self._pending is not None and self._pending[0] in ("partial", "ok"):
            return self._pending[1]
        return None

    def result(self) -> ChildResult:
        """Wait until the child is done or killed; a killed generator's child hands back the last
        result it sent (status "killed", value not None)."""
        value: Any = None
        grown: float | None = None
        if self._pending is not None and self._pending[0] == "partial":
            value = self._pending[1]
        pending, self._pending = (self._pending if self._pending is not None and self._pending[0] != "partial" else None), None
        while True:
            if pending is not None:
                status, sent, error, grown = pending
                pending = None
                ready = True
            else:
                remaining = max(0.0, self._limit - (time.monotonic() - self._started))
                ready = self._recv.poll(remaining)
                if ready:
                    try:
                        status, sent, error, grown = self._recv.recv()
                    except EOFError:  # killed by the timer, or died without a word
                        status, sent, error = ("killed" if self._expired else "failed"), value, (
                            "" if self._expired else f"child exited with code {self._process.exitcode}"
                        )
            if ready:
                if status == "partial":
                    value = sent
                    continue
            else:
                self._expire()
                status, sent, error = "killed", value, ""
            self._timer.cancel()
            self._process.join()
            self._recv.close()
            if self._expired and status != "ok":  # an answer read before the kill stands
                status = "killed"
                grown = max(grown or 0.0, self._peak_mib or 0.0)
            return ChildResult(status, sent if status == "ok" else value, error, time.monotonic() - self._started, grown)


def run_with_time_limit(fn: Callable[..., Any], args: tuple[Any, ...], time_limit: float) -> ChildResult:
    """Call ``fn(*args)`` in a forked child; kill it after ``time_limit`` seconds."""
    return Child(fn, args, time_limit).result()
