"""Run a function in a child process and kill it at a time limit (HiGHS has been seen running past
its own limit). The child is forked, so it sees the parent's arrays without copying them."""

from __future__ import annotations

import multiprocessing as mp
import resource
import traceback
from collections.abc import Callable
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


def _target(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", fn(*args), ""))
    except BaseException as exc:  # reported to the parent, which decides
        conn.send(("failed", None, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"))
    finally:
        conn.close()


class Child:
    """A started child; ``result()`` waits for it until the time limit, then kills it."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], time_limit: float) -> None:
        import time

        self._started = time.monotonic()
        self._limit = time_limit
        ctx = mp.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_target, args=(send, fn, args), daemon=True)
        self._process.start()
        send.close()

    def result(self) -> ChildResult:
        import time

        remaining = max(0.0, self._limit - (time.monotonic() - self._started))
        ready = self._recv.poll(remaining)
        seconds = time.monotonic() - self._started
        if not ready:
            self._process.kill()
            self._process.join()
            self._recv.close()
            return ChildResult("killed", seconds=seconds)
        try:
            status, value, error = self._recv.recv()
        except EOFError:  # the child died without a word (killed from outside, out of memory)
            status, value, error = "failed", None, f"child exited with code {self._process.exitcode}"
        self._process.join()
        self._recv.close()
        return ChildResult(status, value, error, seconds)


def run_with_time_limit(fn: Callable[..., Any], args: tuple[Any, ...], time_limit: float) -> ChildResult:
    """Call ``fn(*args)`` in a forked child; kill it after ``time_limit`` seconds."""
    return Child(fn, args, time_limit).result()


def children_peak_mib() -> float:
    """The largest peak resident memory of any child this process has waited for."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
