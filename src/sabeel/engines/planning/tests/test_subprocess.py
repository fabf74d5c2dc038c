"""The solver's child process is killed at its time limit, and a plan still comes back (without a
bound) when it is."""

from __future__ import annotations

import os
import time

from sabeel.engines.planning import PlanSettings, check, plan, run_with_time_limit

from .conftest import household, instance


def _sleep_and_report(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _fail() -> None:
    raise ValueError("no solution")


def test_a_child_past_its_time_limit_is_killed():
    result = run_with_time_limit(_sleep_and_report, (60.0,), 0.5)
    assert result.status == "killed"
    assert result.value is None


def test_a_child_within_its_time_limit_hands_back_its_value():
    result = run_with_time_limit(_sleep_and_report, (0.0,), 30.0)
    assert result.status == "ok"
    assert result.value != os.getpid()  # it ran in another process


def test_a_failing_child_reports_its_error():
    result = run_with_time_limit(_fail, (), 30.0)
    assert result.status == "failed" and "ValueError: no solution" in result.error


def _build_a_solver() -> bool:
    import highspy

    highspy.Highs()  # HiGHS prints its banner here, before any option can be set
    return True


def test_the_solvers_banner_stays_out_of_the_parents_output(capfd):
    result = run_with_time_limit(_build_a_solver, (), 30.0)
    assert result.status == "ok" and result.value is True
    assert "HiGHS" not in capfd.readouterr().out


def test_a_plan_whose_solver_is_killed_is_still_checked_and_has_no_bound():
    inst = instance([household(f"H{i}", 1 + i % 4, consented=-i) for i in range(30)], crossing=20)
    p = plan(inst, PlanSettings(time_limit=0.0))
    assert p.stats.solver_status.startswith("killed at the time limit")
    assert p.stats.upper_bound is None and p.stats.gap is None
    assert check(inst, p) == []
    assert p.stats.persons_moved > 0


def _first_then_sleep():  # type: ignore[no-untyped-def]
    yield "coarse"
    time.sleep(60)
    yield "fine"


def test_a_killed_generator_hands_back_the_last_result_it_sent():
    result = run_with_time_limit(_first_then_sleep, (), 1.0)
    assert result.status == "killed"
    assert result.value == "coarse"


def test_the_solver_child_is_killed_when_the_planner_itself_fails(monkeypatch):
    import pytest

    from sabeel.engines.planning import _api
    from sabeel.engines.planning._subprocess import Child

    started: list[Child] = []
    real_init = Child.__init__

    def spy(self, fn, args, time_limit):  # type: ignore[no-untyped-def]
        real_init(self, _sleep_and_report, (60.0,), time_limit)
        started.append(self)

    monkeypatch.setattr(Child, "__init__", spy)
    monkeypatch.setattr(_api, "_candidates", lambda arr, flows: (_ for _ in ()).throw(MemoryError("sweep")))
    with pytest.raises(MemoryError):
        plan(instance([household("A", 2)]), PlanSettings(time_limit=60.0))
    assert len(started) == 1 and not started[0]._process.is_alive()


def test_the_child_is_killed_at_its_limit_even_while_the_planner_is_busy():
    from sabeel.engines.planning._subprocess import Child

    child = Child(_sleep_and_report, (60.0,), 0.5)
    time.sleep(2.0)  # the planner's own work, longer than the child's limit
    assert not child._process.is_alive()
    result = child.result()
    assert result.status == "killed" and result.seconds >= 2.0
