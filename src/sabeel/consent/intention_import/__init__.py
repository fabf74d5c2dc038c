"""Import return intentions from the survey's export (``../shared/standards/xlsform``), as CSV or
Excel (.xlsx), from KoboToolbox or ODK.

Columns are read by question name once group prefixes are removed (``group/field`` and Kobo's
``group_xxx/field`` at any depth; ODK's ``group-field`` as a fallback). The submission id is taken
from ``meta/instanceID``, ``_uuid`` or ``KEY``, whichever is present (``uuid:`` is dropped, so the
same submission exported by Kobo and by ODK has the same id). The household is matched by the
Sabeel registration number column (``registration_number``; Eastern Arabic digits and missing
dashes are read) among the households of the importing officer's working group only; a number of
another group is reported as unmatched, like a number that does not exist.

Questions read: ``consent`` (a submission without it is skipped, nothing is recorded),
``asylum_country``, ``intends_return_12m`` (required), ``origin_adm1`` / ``origin_adm3`` (the
preferred destination, the sub-district where it is loaded), ``needs`` (recorded as obstacles),
and where the form has them ``hopes_to_return``, ``reasons``, ``obstacles``, ``go_and_see`` and
``decision_maker``; the answer's date comes from ``end``, ``start``, ``_submission_time`` or
``SubmissionDate``. The example form does not ask whether the household hopes to return one day:
without that column the answer is "yes" when the household intends to return within 12 months and
"does not know yet" otherwise.

An import is a background run (``core.runs``, kind ``consent.intention_import``):
``intention_import_start`` checks the permission and the limits that need no parsing (size, old
Excel, an .xlsx too large once unpacked), stores the upload on a queued run and enqueues
``consent.tasks.intention_import_task`` on commit; the worker calls ``intention_import_run``, which
reads the file (rows, columns and cells limited while reading), checks every row, then writes.
The run keeps the counts and the row-by-row report (row numbers, columns and reasons, never a
cell's value); the upload is dropped from the run once it has finished.

All or nothing, as far as the file's content goes: if any row is invalid or unmatched, no answer
is written and the run fails with the report. A file that passes is written in batches of
``BATCH_SIZE`` answers, each batch its own short transaction (the working group's row locked, the
submission ids checked again), so that a 20,000-row file never holds a lock others wait for
longer than one batch. The price: an import stopped in the middle (the worker killed, a database
error, a cancellation) keeps the batches it committed. That is safe because the import is
idempotent on the submission id: importing the same file again (or enqueueing the same run
again) writes only what is missing and counts the rest as already imported.

One audit row per run, not one per answer: ``consent.intentions_imported`` (or
``consent.intentions_import_refused`` / ``consent.intentions_import_stopped``) with the run id and
the counts, written last, in the run's closing transaction. A row whose submission id was recorded
in another working group is reported as unmatched, like any row of a household that is not in the
importing group, so that an import reveals nothing about another group.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sabeel.consent.intention_import._fields import (
    BLOCKING,
    COLUMN_NAMES,
    FILE_NAME_MAX,
    MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_UNCOMPRESSED,
    Kind,
    entry,
)
from sabeel.consent.intention_import._read import Unreadable, file_problem, map_columns, read_table
from sabeel.consent.intention_import._report import import_summary, problem_message, report_rows
from sabeel.consent.intention_import._rows import Row, check_rows, mark_duplicates, parse_row, submissions_recorded
from sabeel.consent.intentions import IMPORT_RUN_KIND
from sabeel.consent.models import IntentionSource, ReturnIntention
from sabeel.core import audit, runs
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import NotPermitted, NotSignedIn, ServiceError
from sabeel.core.permissions import require
from sabeel.core.runs import Run
from sabeel.core.signals import households_changed
from sabeel.registry.models import Household
from sabeel.workgroups.models import WorkingGroup

__all__ = [
    "BATCH_SIZE",
    "KIND",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_XLSX_UNCOMPRESSED",
    "Kind",
    "file_problem",
    "import_summary",
    "intention_import_run",
    "intention_import_start",
    "problem_message",
    "report_rows",
]

KIND = IMPORT_RUN_KIND
BATCH_SIZE = 500

Report = list[dict[str, Any]]


def _blocked(report: Report) -> bool:
    return any(e["kind"] in BLOCKING for e in report)


def intention_import_start(*, actor: Actor, working_group: WorkingGroup, file_name: str, content: bytes) -> Run:
    """Queue the import of the survey export ``content`` (CSV or .xlsx bytes) for the households
    of ``working_group`` and return its run. A file refused before parsing raises ``ServiceError``
    (field ``file``) and queues nothing."""
    require(actor, "person.update", working_group)
    if not working_group.host_country:
        raise ServiceError(_("Answers are imported into a host-country working group."))
    if as_actor(actor).user is None:
        raise ServiceError(_("An import is made by a signed-in officer."))
    problem = file_problem(content)
    if problem:
        message = problem_message({"problem": problem})
        raise ServiceError(message, fields={"file": [message]}, code="file_refused")
    from sabeel.consent.tasks import intention_import_task

    with transaction.atomic():
        run = runs.run_create(
            actor=actor,
            kind=KIND,
            working_group_id=working_group.pk,
            params={
                "file_name": PurePath((file_name or "").replace("\\", "/")).name[:FILE_NAME_MAX] or "upload",
                "file_digest": hashlib.sha256(content).hexdigest(),
            },
            payload=content,
        )
        transaction.on_commit(lambda: intention_import_task.enqueue(run_id=run.pk))
    return run


def intention_import_run(*, run_id: int) -> Run | None:
    """The worker's side: read, check and write the run's file; never raises (a failure is the
    run's status)."""
    return runs.run_execute(run_id=run_id, work=_work)


def _counts(rows_total: int, report: Report, *, created: int = 0) -> dict[str, int]:
    return {
        "rows_total": rows_total,
        "created": created,
        "already_imported": sum(1 for e in report if e["kind"] == Kind.ALREADY_IMPORTED),
        "refused": len({e["row"] for e in report if e["kind"] in BLOCKING}),
        "skipped": sum(1 for e in report if e["kind"] == Kind.SKIPPED),
        "duplicates": sum(1 for e in report if e["kind"] == Kind.DUPLICATE),
    }


def _work(run: Run) -> None:
    actor = runs.run_actor(run)
    group = WorkingGroup.objects.filter(pk=run.working_group_id or 0).first()
    try:
        if group is None:
            raise NotPermitted
        require(actor, "person.update", group)
    except (NotPermitted, NotSignedIn):
        _close(run, actor, failure="not_permitted", counts=_counts(0, []))
        return
    try:
        table = read_table(bytes(run.payload or b""))
    except Unreadable as exc:
        _close(
            run,
            actor,
            failure="file_refused",
            counts=_counts(0, []),
            report=[entry(None, "", Kind.INVALID, exc.problem)],
        )
        return
    rows_total = len(table.rows)
    # A run resumed after its worker stopped reads the file again: its report starts afresh, and
    # what the first attempt wrote counts as already imported.
    run.errors, run.errors_dropped = [], 0
    runs.run_progress(run=run, done=0, total=rows_total)
    columns, report = map_columns(table.headers)
    if _blocked(report):
        _close(run, actor, failure="rows_refused", counts=_counts(rows_total, report), report=report)
        return
    rows = [parse_row(number, cells, columns, group.host_country) for number, cells in table.rows]
    mark_duplicates(rows)
    ready = check_rows(rows, group)
    for row in rows:
        report.extend(row.problems)
    if _blocked(report):
        _close(run, actor, failure="rows_refused", counts=_counts(rows_total, report), report=report)
        return
    # The checking phase's report goes on the run now; entries found while writing follow it.
    runs.run_progress(run=run, done=rows_total - len(ready), counts=_counts(rows_total, report), report=report)
    _write(run, actor, group, ready, report, rows_total)


def _write(
    run: Run, actor: Actor, group: WorkingGroup, ready: list[tuple[Row, Household]], report: Report, rows_total: int
) -> None:
    user_id = as_actor(actor).user_id
    created = 0
    done = rows_total - len(ready)  # rows that need no writing are dealt with already
    try:
        for start in range(0, len(ready), BATCH_SIZE):
            batch = ready[start : start + BATCH_SIZE]
            with transaction.atomic():
                # One writer per group at a time: the same file imported twice at once still
                # creates each answer once.
                list(WorkingGroup.objects.select_for_update().filter(pk=group.pk).values_list("pk"))
                recorded = submissions_recorded([row.submission_id for row, _household in batch])
                new = [(row, household) for row, household in batch if row.submission_id not in recorded]
                late = [row for row, _household in batch if row.submission_id in recorded]
                # Recorded since the file was checked (another import): the same answers as then.
                late_report = [
                    entry(row.number, COLUMN_NAMES["submission_id"], Kind.ALREADY_IMPORTED, "already_imported")
                    if recorded[row.submission_id] == group.pk
                    else entry(row.number, row.number_column, Kind.UNMATCHED, "household_not_found")
                    for row in late
                ]
                ReturnIntention.objects.bulk_create(
                    [
                        ReturnIntention(
                            source=IntentionSource.SURVEY_IMPORT,
                            submission_id=row.submission_id,
                            recorded_by_id=user_id,
                            **row.values,
                        )
                        for row, _household in new
                    ]
                )
                households_changed(household.pk for _row, household in new)  # funnel snapshot, on commit
                created += len(new)
                report.extend(late_report)
                done += len(batch)
                going_on = runs.run_progress(
                    run=run, done=done, counts=_counts(rows_total, report, created=created), report=late_report
                )
            if not going_on:
                _close(
                    run, actor, failure="cancelled", counts=_counts(rows_total, report, created=created), cancelled=True
                )
                return
    except Exception:
        # Batches already committed stay: their audit row is written before the run fails (if
        # the database can still be written to; the original error is the one raised).
        with contextlib.suppress(Exception):
            _close(run, actor, failure="internal_error", counts=_counts(rows_total, report, created=created))
        raise
    _close(run, actor, counts=_counts(rows_total, report, created=created))


def _close(
    run: Run,
    actor: Actor,
    *,
    failure: str = "",
    counts: dict[str, int],
    report: Sequence[dict[str, Any]] = (),
    cancelled: bool = False,
) -> None:
    with transaction.atomic():
        if cancelled:
            action = "consent.intentions_import_stopped"
        elif failure == "internal_error":
            runs.run_fail(run=run, failure=failure, counts=counts, report=report)
            action = "consent.intentions_import_stopped"
        elif failure:
            runs.run_fail(run=run, failure=failure, counts=counts, report=report)
            action = "consent.intentions_import_refused"
        else:
            runs.run_finish(run=run, counts=counts, report=report)
            action = "consent.intentions_imported"
        audit.record(
            actor=actor,
            action=action,
            target=run,
            working_group_id=run.working_group_id,
            data={
                "run_id": run.pk,
                "file_digest": run.params.get("file_digest", ""),
                "rows_count": counts["rows_total"],
                "created_count": counts["created"],
                "already_imported_count": counts["already_imported"],
                "refused_count": counts["refused"],
            },
        )
