"""The solver runs in a child process that is killed at the time limit."""

from __future__ import annotations

import os
import time
from multiprocessing.connection import Connection
from typing import Any

import pytest

from sabeel.engines.portfolio import PortfolioSettings, _mip, check, propose
from sabeel.engines.portfolio.tests.conftest import greedy_trap


def _hang(conn: Connection, args: tuple[Any, ...]) -> None:
    conn.send(("pid", os.getpid(), ""))
    time.sleep(600)


def test_child_past_its_limit_is_killed() -> None:
    pids: list[int] = []

    def spy(conn: Connection, args: tuple[Any, ...]) -> None:
        _hang(conn, args)

    status, value, _ = _mip.run_child(spy, (), 0.5)
    # the child answered (its pid) before hanging: the parent takes that as its result
    assert status == "pid"
    pids.append(value)
    status, _, error = _mip.run_child(lambda conn, args: time.sleep(600), (), 0.3)
    assert status == "killed" and "0.3" in error


def test_hung_solver_gives_the_greedy_proposal_with_status_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(*args: Any) -> dict[str, Any]:
        time.sleep(600)
        return {}

    monkeypatch.setattr(_mip, "_solve", hang)
    instance = greedy_trap()
    proposal = propose(instance, PortfolioSettings(time_limit=0.2, kill_grace=0.3))
    assert proposal.status == "timeout"
    assert proposal.returnees_covered == proposal.greedy_returnees == 2_800
    assert proposal.bound is None and proposal.gap is None
    assert check(instance, proposal) == []


def test_crashing_solver_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: Any) -> dict[str, Any]:
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(_mip, "_solve", crash)
    proposal = propose(greedy_trap())
    assert proposal.status.startswith("failed: RuntimeError: solver exploded")
    assert proposal.returnees_covered == 2_800
