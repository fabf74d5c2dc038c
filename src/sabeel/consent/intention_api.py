"""The intentions API (a Router the lead mounts at ``/api/consent``): a household's answers, the
one that counts first; recording an answer; importing the survey's CSV or Excel export
(multipart); one import's progress and report. Scoped like the pages: a household or import of
another working group answers 404.

An import runs in the background: ``POST /intentions/import`` checks the file's size and kind
(an .xlsx too large once unpacked included) and answers 202 with the queued run, or 400
(``file_refused``, field ``file``) without queueing anything. ``GET /intentions/imports/{id}``
answers the run's status and progress while it works (poll it), then its counts and its report;
a file with unmatched or invalid rows ends ``failed`` (``failure: rows_refused``) with one entry
per row and column, and no answer is written."""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from sabeel.consent import intention_import as importer
from sabeel.consent import intentions
from sabeel.consent.intentions import ReturnObstacle, ReturnReason
from sabeel.consent.models import Answer, DecisionMaker, ReturnIntention
from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.core.runs import Run, RunStatus
from sabeel.registry.selectors import household_get

router = Router(tags=["intentions"])


class UnitRef(Schema):
    id: int
    key: str
    level: int
    name_en: str
    name_ar: str


class IntentionOut(Schema):
    id: int
    household_id: int
    recorded_on: dt.date
    source: str
    submission_id: str | None
    hopes_to_return: str
    intends_within_12_months: str
    preferred_destination: UnitRef | None
    reasons: list[str]
    obstacles: list[str]
    go_and_see_interest: bool
    decision_maker: str
    created_at: dt.datetime


class IntentionIn(Schema):
    hopes_to_return: Answer
    intends_within_12_months: Answer
    recorded_on: dt.date | None = Field(
        None, description="The date of the answer; today in the host country when absent"
    )
    preferred_destination: str | None = Field(
        None, max_length=64, description="Key (p-code) of a Syrian admin unit, any level"
    )
    reasons: list[ReturnReason] = []
    obstacles: list[ReturnObstacle] = []
    go_and_see_interest: bool = False
    decision_maker: DecisionMaker | None = None


class ReportEntryOut(Schema):
    row: int | None = Field(None, description="Row in the file (the header is row 1); null for the whole file")
    column: str
    kind: str = Field(..., description="invalid, unmatched, already_imported, duplicate, skipped or note")
    blocking: bool
    problem: str
    message: str


class ImportOut(Schema):
    id: int
    working_group_id: int | None
    file_name: str
    status: str = Field(..., description="queued, running, succeeded, failed or cancelled")
    failure: str = Field(
        ...,
        description="Why a failed run failed: file_refused, rows_refused, not_permitted or internal_error; empty otherwise",
    )
    succeeded: bool
    finished: bool
    summary: str
    done: int = Field(..., description="Rows dealt with so far")
    total: int | None = Field(None, description="Rows in the file, once read")
    rows_total: int
    rows_created: int
    rows_already_imported: int
    rows_refused: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    report: list[ReportEntryOut]
    report_entries_left_out: int


def _import_out(run: Run) -> ImportOut:
    counts = run.counts or {}
    return ImportOut(
        id=run.pk,
        working_group_id=run.working_group_id,
        file_name=str(run.params.get("file_name", "")),
        status=run.status,
        failure=run.failure,
        succeeded=run.status == RunStatus.SUCCEEDED,
        finished=run.is_finished,
        summary=importer.import_summary(run),
        done=run.done,
        total=run.total,
        rows_total=int(counts.get("rows_total", 0)),
        rows_created=int(counts.get("created", 0)),
        rows_already_imported=int(counts.get("already_imported", 0)),
        rows_refused=int(counts.get("refused", 0)),
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        report=[ReportEntryOut(**row) for row in importer.report_rows(run)],
        report_entries_left_out=run.errors_dropped,
    )


@router.get("/households/{pk}/intentions", response=list[IntentionOut])
def list_intentions(request: HttpRequest, pk: int) -> list[ReturnIntention]:
    actor = request_actor(request)
    household = household_get(actor=actor, pk=pk, audit_as="person.viewed")
    return list(intentions.intention_list(actor=actor, household=household))


@router.post("/households/{pk}/intentions", response={201: IntentionOut})
def record_intention(request: HttpRequest, pk: int, payload: IntentionIn) -> tuple[int, ReturnIntention]:
    actor = request_actor(request)
    household = household_get(actor=actor, pk=pk, action="person.update", audit_as=None)
    intention = intentions.intention_record(
        actor=actor,
        household=household,
        hopes_to_return=str(payload.hopes_to_return.value),
        intends_within_12_months=str(payload.intends_within_12_months.value),
        recorded_on=payload.recorded_on,
        preferred_destination=payload.preferred_destination,
        reasons=[str(r.value) for r in payload.reasons],
        obstacles=[str(o.value) for o in payload.obstacles],
        go_and_see_interest=payload.go_and_see_interest,
        decision_maker=str(payload.decision_maker.value) if payload.decision_maker else "",
    )
    return 201, intention


def _import_group(request: HttpRequest, wanted: int | None) -> Any:
    actor = request_actor(request)
    require(actor, "person.update")
    groups = list(intentions.import_groups(actor=actor))
    if wanted is None and len(groups) == 1:
        return groups[0]
    for group in groups:
        if group.pk == wanted:
            return group
    if wanted is None:
        message = _("Say which working group the answers belong to.")
        raise ServiceError(message, fields={"working_group": [message]})
    raise Http404


@router.post("/intentions/import", response={202: ImportOut})
def import_intentions(
    request: HttpRequest, file: File[UploadedFile], working_group: Form[int | None] = None
) -> tuple[int, ImportOut]:
    actor = request_actor(request)
    group = _import_group(request, working_group)
    if file.size is not None and file.size > importer.MAX_BYTES:
        message = importer.problem_message({"problem": "file_too_large"})
        raise ServiceError(message, fields={"file": [message]}, code="file_refused")
    run = importer.intention_import_start(
        actor=actor, working_group=group, file_name=file.name or "", content=file.read()
    )
    return 202, _import_out(run)


@router.get("/intentions/imports/{pk}", response=ImportOut)
def get_import(request: HttpRequest, pk: int) -> ImportOut:
    actor = request_actor(request)
    return _import_out(intentions.intention_import_get(actor=actor, pk=pk))
