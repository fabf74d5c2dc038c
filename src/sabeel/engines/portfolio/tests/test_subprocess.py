"""The solver runs in a child process that is killed at the time limit."""

from __future__ import annotations

import os
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest

from sabeel.engines.portfolio import PortfolioSettings, _mip, check, propose
from sabeel.engines.portfolio.tests.conftest import greedy_trap


def _hang(conn: Connection, args: tuple[Any, ...]) -> None:
    Path(args[0]).write_text(str(os.getpid()))
    time.sleep(600)


def test_child_past_its_limit_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    status, value, error = _mip.run_child(_hang, (str(pid_file),), 0.5)
    assert (status, value) == ("killed", None) and "0.5" in error
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)  # gone, and reaped


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
