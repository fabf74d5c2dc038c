"""Run records for long work done in the background: an import, a linkage run, a plan, a payment
run, an export. One record per run (``core.models.Run``): who started it, for which working group,
its status, its progress (done of total), its counts and a bounded row-by-row report; a page shows
it with ``templates/core/_run_progress.html``, a bar that refreshes itself while the run works.

The life of a run: a service checks the permission and the input, ``run_create`` stores it
(``queued``) and the service enqueues a thin task on commit; the task calls ``run_execute`` with
the work to do, which marks the run ``running``, calls the work and, if the work raises, marks
the run ``failed`` instead of letting the exception reach the worker, so the worker goes on with
the next task. The work reports with ``run_progress`` (in its own short transactions) and ends
with ``run_finish`` (``succeeded``) or ``run_fail`` (``failed``). ``run_cancel`` asks a run to stop;
the work sees it when ``run_progress`` answers ``False``.

These functions check no permission (the app's service does) and write no audit row (the app's
service writes one for the run, naming what it did). Core imports no app: the working group is
an id, the kind a string such as ``"consent.intention_import"``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.db.models.functions import Now
from django.utils import timezone

from sabeel.core.actors import Actor, as_actor
from sabeel.core.models import RUN_FINISHED, ActorKind, Run, RunStatus

__all__ = [
    "MAX_REPORT_ENTRIES",
    "Run",
    "RunStatus",
    "run_actor",
    "run_cancel",
    "run_create",
    "run_execute",
    "run_fail",
    "run_finish",
    "run_progress",
    "run_start",
    "runs_of",
]

logger = logging.getLogger(__name__)

# The report a run keeps is bounded: a hostile file with a problem on every one of 20,000 rows
# must not make a 20,000-entry JSON document that every page showing the run loads.
MAX_REPORT_ENTRIES = 1000


def _report(run: Run, entries: Iterable[Mapping[str, Any]]) -> None:
    room = MAX_REPORT_ENTRIES - len(run.errors)
    new = [dict(e) for e in entries]
    run.errors = [*run.errors, *new[: max(room, 0)]]
    run.errors_dropped += max(len(new) - max(room, 0), 0)


def run_create(
    *,
    actor: Actor,
    kind: str,
    working_group_id: int | None = None,
    total: int | None = None,
    params: Mapping[str, Any] | None = None,
    payload: bytes | None = None,
) -> Run:
    """A queued run of ``kind`` started by ``actor`` for a working group; ``payload`` holds the
    input the worker reads (an upload's bytes), ``params`` its settings (ids and names of options
    only, never a person's data)."""
    who: Actor = as_actor(actor)
    return Run.objects.create(
        kind=kind,
        working_group_id=working_group_id,
        actor_kind=str(who.kind),
        actor_id=str(who.id),
        started_by_id=who.user_id,
        total=total,
        params=dict(params or {}),
        payload=payload,
    )


def run_actor(run: Run) -> Actor:
    """The actor who started the run, for the audit rows and the permission checks of its work."""
    if run.actor_kind == ActorKind.USER and run.started_by is not None:
        return as_actor(run.started_by)
    return Actor(kind=ActorKind(run.actor_kind), id=run.actor_id)


@transaction.atomic
def run_start(*, run_id: int, total: int | None = None) -> Run | None:
    """Mark a queued run running and return it; ``None`` when there is nothing to do (the run is
    finished or was cancelled). A run found already running is returned as is: its task was
    enqueued again after a worker stopped in the middle, and the work resumes it."""
    run = Run.objects.select_for_update(of=("self",)).select_related("started_by").filter(pk=run_id).first()
    if run is None or run.status in RUN_FINISHED:
        return None
    if run.status == RunStatus.QUEUED:
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
    if total is not None:
        run.total = total
    run.save(update_fields=["status", "started_at", "total", "updated_at"])
    return run


def run_progress(
    *,
    run: Run,
    done: int | None = None,
    total: int | None = None,
    counts: Mapping[str, int] | None = None,
    report: Iterable[Mapping[str, Any]] = (),
) -> bool:
    """Record how far the run is (``done`` of ``total``, the counts so far, more report entries),
    in the caller's transaction so that progress and the work it describes commit together.
    Returns ``False`` when the run was cancelled meanwhile: the work stops at that point."""
    if total is not None:
        run.total = total
    if done is not None:
        run.done = done if run.total is None else min(done, run.total)
    if counts is not None:
        run.counts = dict(counts)
    _report(run, report)
    # Written even when the run was cancelled: the work being reported is committed with it.
    Run.objects.filter(pk=run.pk).update(
        total=run.total,
        done=run.done,
        counts=run.counts,
        errors=run.errors,
        errors_dropped=run.errors_dropped,
        updated_at=Now(),
    )
    return not Run.objects.filter(pk=run.pk, status=RunStatus.CANCELLED).exists()


def _close(
    run: Run,
    status: RunStatus,
    *,
    failure: str = "",
    counts: Mapping[str, int] | None,
    report: Iterable[Mapping[str, Any]],
) -> Run:
    run.status = status
    run.failure = failure[:64]
    run.finished_at = timezone.now()
    run.payload = None  # the upload holds personal data: kept only while the run needs it
    if counts is not None:
        run.counts = dict(counts)
    if status == RunStatus.SUCCEEDED and run.total is not None:
        run.done = run.total
    _report(run, report)
    run.save(
        update_fields=[
            "status",
            "failure",
            "finished_at",
            "payload",
            "counts",
            "done",
            "errors",
            "errors_dropped",
            "updated_at",
        ]
    )
    return run


def run_finish(*, run: Run, counts: Mapping[str, int] | None = None, report: Iterable[Mapping[str, Any]] = ()) -> Run:
    """The run did its work: ``succeeded``, with its final counts and report."""
    return _close(run, RunStatus.SUCCEEDED, counts=counts, report=report)


def run_fail(
    *, run: Run, failure: str, counts: Mapping[str, int] | None = None, report: Iterable[Mapping[str, Any]] = ()
) -> Run:
    """The run could not do its work: ``failed``, with a short code the app puts in words
    (``"file_unreadable"``, ``"rows_refused"``, ``"internal_error"``), what it counted and why."""
    return _close(run, RunStatus.FAILED, failure=failure, counts=counts, report=report)


@transaction.atomic
def run_cancel(*, run_id: int) -> bool:
    """Ask a run to stop. A queued run never starts; a running one stops at its next progress
    report, keeping what it committed before. ``False`` when the run had already finished."""
    updated = (
        Run.objects.filter(pk=run_id)
        .exclude(status__in=RUN_FINISHED)
        .update(status=RunStatus.CANCELLED, finished_at=Now(), payload=None, updated_at=Now())
    )
    return bool(updated)


def run_execute(*, run_id: int, work: Callable[[Run], None]) -> Run | None:
    """Start the run and do ``work(run)``. An exception from the work fails the run (the log line
    names the run id and the exception's class only: a message may quote a cell of a file) and is
    not raised again, so the worker goes on with its next task."""
    run = run_start(run_id=run_id)
    if run is None:
        return None
    try:
        work(run)
    except Exception as exc:
        logger.error("run %s (%s) failed: %s", run_id, run.kind, type(exc).__name__)
        failed = True
    else:
        failed = False
    try:
        with transaction.atomic():
            fresh = Run.objects.select_for_update(of=("self",)).select_related("started_by").get(pk=run_id)
            if fresh.status == RunStatus.RUNNING:
                # Work that raised fails its run; work that returned without closing it succeeded.
                if failed:
                    run_fail(run=fresh, failure="internal_error")
                else:
                    run_finish(run=fresh)
    except Exception as exc:
        # The database itself failed: the run stays "running" (its task can be enqueued again to
        # resume it) and the worker still goes on.
        logger.error("run %s (%s) could not be closed: %s", run_id, run.kind, type(exc).__name__)
        return None
    return fresh


def runs_of(*, kind: str, working_group_ids: Iterable[int] | None = None) -> models.QuerySet[Run]:
    """The runs of ``kind``, newest first (for an app's selector to scope with ``visible_to``)."""
    runs = Run.objects.filter(kind=kind).defer("payload").select_related("started_by").order_by("-created_at", "-id")
    if working_group_ids is not None:
        runs = runs.filter(working_group_id__in=list(working_group_ids))
    return runs
