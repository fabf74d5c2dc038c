"""Run records for long work: a run is queued by the officer who starts it, worked by a task that
reports its progress, and ends succeeded, failed or cancelled; a failing task fails its run instead
of taking the worker down, and any page can show the run with a bar that polls while it works."""

from __future__ import annotations

import logging

import pytest
from django.template.loader import render_to_string

from sabeel.core import actors, runs
from sabeel.core.models import Run, RunStatus

pytestmark = pytest.mark.django_db

KIND = "tests.export"


def queued(cast, **kwargs) -> Run:
    defaults = {"actor": cast["lb_registration_officer"], "kind": KIND, "working_group_id": cast.groups["lb"].pk}
    return runs.run_create(**{**defaults, **kwargs})


def test_a_run_is_queued_with_who_started_it_and_for_which_group(cast):
    officer = cast["lb_registration_officer"]
    run = queued(cast, params={"format": "csv"}, payload=b"a;b\n1;2\n")
    assert (run.status, run.kind, run.working_group_id) == (RunStatus.QUEUED, KIND, cast.groups["lb"].pk)
    assert (run.actor_kind, run.actor_id, run.started_by) == ("user", str(officer.pk), officer)
    assert bytes(Run.objects.get(pk=run.pk).payload) == b"a;b\n1;2\n"
    assert runs.run_actor(run).user == officer
    assert run.percent is None and not run.is_finished


def test_a_system_job_can_start_a_run_and_is_named_as_its_actor(cast):
    run = runs.run_create(actor=actors.system("nightly_export"), kind=KIND)
    assert (run.actor_kind, run.actor_id, run.started_by) == ("system", "nightly_export", None)
    assert runs.run_actor(run).id == "nightly_export"


def test_the_work_reports_progress_then_finishes_and_the_input_is_dropped(cast):
    run = queued(cast, payload=b"the upload")

    def work(run: Run) -> None:
        for done in (40, 80):
            assert runs.run_progress(run=run, done=done, total=100, counts={"created": done})
            assert Run.objects.get(pk=run.pk).percent == done
        runs.run_finish(run=run, counts={"created": 100})

    finished = runs.run_execute(run_id=run.pk, work=work)
    assert finished is not None and finished.status == RunStatus.SUCCEEDED
    assert (finished.done, finished.total, finished.percent, finished.counts) == (100, 100, 100, {"created": 100})
    assert finished.started_at <= finished.finished_at
    assert Run.objects.get(pk=run.pk).payload is None  # the upload is not kept once the run has finished


def test_a_finished_run_is_not_worked_again(cast):
    run = queued(cast)
    runs.run_execute(run_id=run.pk, work=lambda r: runs.run_finish(run=r))
    calls = []
    assert runs.run_execute(run_id=run.pk, work=calls.append) is None
    assert calls == []


def test_work_that_raises_fails_its_run_and_the_exception_does_not_reach_the_worker(cast, caplog):
    run = queued(cast)

    def work(run: Run) -> None:
        runs.run_progress(run=run, done=1, total=3)
        raise ValueError("could not read 'Mohamad El Hariri'")

    with caplog.at_level(logging.ERROR, logger="sabeel.core.runs"):
        failed = runs.run_execute(run_id=run.pk, work=work)
    assert failed is not None and (failed.status, failed.failure) == (RunStatus.FAILED, "internal_error")
    assert failed.done == 1 and failed.finished_at is not None
    assert "ValueError" in caplog.text and "Hariri" not in caplog.text  # the log names the run, never a file's content


def test_work_that_returns_without_closing_its_run_succeeded(cast):
    run = queued(cast)
    assert runs.run_execute(run_id=run.pk, work=lambda r: None).status == RunStatus.SUCCEEDED


def test_work_that_fails_its_run_itself_keeps_its_own_reason(cast):
    run = queued(cast)
    done = runs.run_execute(
        run_id=run.pk, work=lambda r: runs.run_fail(run=r, failure="file_refused", report=[{"row": None}])
    )
    assert (done.status, done.failure, done.errors) == (RunStatus.FAILED, "file_refused", [{"row": None}])


def test_the_report_is_bounded_and_counts_what_it_left_out(cast):
    run = queued(cast)
    run = runs.run_start(run_id=run.pk)
    runs.run_progress(run=run, report=[{"row": n} for n in range(runs.MAX_REPORT_ENTRIES - 10)])
    runs.run_fail(run=run, failure="rows_refused", report=[{"row": n} for n in range(25)])
    stored = Run.objects.get(pk=run.pk)
    assert len(stored.errors) == runs.MAX_REPORT_ENTRIES and stored.errors_dropped == 15


def test_a_cancelled_run_stops_at_its_next_progress_report_keeping_what_it_did(cast):
    run = queued(cast)
    seen = []

    def work(run: Run) -> None:
        for done in range(1, 6):
            if done == 3:
                assert runs.run_cancel(run_id=run.pk)
            if not runs.run_progress(run=run, done=done, total=5, counts={"created": done}):
                seen.append(done)
                return

    stopped = runs.run_execute(run_id=run.pk, work=work)
    assert seen == [3] and stopped.status == RunStatus.CANCELLED
    assert (stopped.done, stopped.counts) == (3, {"created": 3})
    assert not runs.run_cancel(run_id=run.pk)  # a finished run cannot be cancelled again


def test_a_run_cancelled_while_queued_never_starts(cast):
    run = queued(cast)
    assert runs.run_cancel(run_id=run.pk)
    assert runs.run_execute(run_id=run.pk, work=lambda r: pytest.fail("a cancelled run was worked")) is None


def test_a_run_found_running_is_resumed_when_its_task_comes_again(cast):
    run = queued(cast)
    runs.run_start(run_id=run.pk)  # the worker stopped after this
    resumed = runs.run_execute(run_id=run.pk, work=lambda r: runs.run_finish(run=r))
    assert resumed.status == RunStatus.SUCCEEDED


def test_runs_of_a_kind_are_listed_newest_first_without_their_input(cast):
    first, second = queued(cast, payload=b"x"), queued(cast)
    queued(cast, kind="tests.other")
    listed = list(runs.runs_of(kind=KIND))
    assert [r.pk for r in listed] == [second.pk, first.pk]
    assert "payload" in listed[0].get_deferred_fields()


# --- the progress fragment ------------------------------------------------------------------------


def fragment(run: Run) -> str:
    return render_to_string("core/_run_progress.html", {"run": run, "poll_url": "/poll/", "poll_target": "#panel", "zone": "Asia/Beirut"})


def test_the_progress_bar_polls_every_two_seconds_while_the_run_works(cast):
    run = runs.run_start(run_id=queued(cast).pk, total=200)
    runs.run_progress(run=run, done=50)
    html = fragment(Run.objects.get(pk=run.pk))
    assert 'hx-get="/poll/"' in html and 'hx-trigger="every 2s"' in html and 'hx-target="#panel"' in html
    assert 'value="25"' in html and "50 of 200 done" in html and 'data-status="running"' in html


def test_the_progress_bar_stops_polling_once_the_run_has_finished(cast):
    run = runs.run_start(run_id=queued(cast).pk, total=10)
    runs.run_finish(run=run)
    html = fragment(Run.objects.get(pk=run.pk))
    assert "hx-trigger" not in html and "hx-get" not in html
    assert 'value="100"' in html and "Succeeded" in html
    assert html.count("(Beirut time)") == 2  # started and finished, day first, in the group's zone


def test_a_queued_run_of_unknown_size_shows_a_bar_without_a_value(cast):
    html = fragment(queued(cast))
    assert '<progress max="100" aria-labelledby' in html and "Queued" in html and 'hx-trigger="every 2s"' in html


def test_a_worker_goes_on_even_when_the_failed_run_cannot_be_recorded(cast, monkeypatch, caplog):
    run = queued(cast)

    def database_gone(**kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(runs, "run_fail", database_gone)
    with caplog.at_level(logging.ERROR, logger="sabeel.core.runs"):
        assert runs.run_execute(run_id=run.pk, work=lambda r: 1 / 0) is None
    assert "could not be closed" in caplog.text
    assert Run.objects.get(pk=run.pk).status == RunStatus.RUNNING  # its task can be enqueued again
