"""The intentions API (a Router the lead mounts at ``/api/consent``): a household's answers, the
one that counts first; recording an answer; importing the survey's CSV or Excel export
(multipart); one import's report. Scoped like the pages: a household or import of another
working group answers 404.

An import that finds unmatched or invalid rows writes no answer and answers 400
(``import_refused``) with one message per row and column; the run itself is recorded and can be
read at ``/intentions/imports/{id}``."""

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
from sabeel.consent.models import Answer, DecisionMaker, IntentionImport, ReturnIntention
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
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
    recorded_on: dt.date | None = Field(None, description="The date of the answer; today in the host country when absent")
    preferred_destination: str | None = Field(None, max_length=64, description="Key (p-code) of a Syrian admin unit, any level")
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
    working_group_id: int
    file_name: str
    succeeded: bool
    summary: str
    rows_total: int
    rows_created: int
    rows_already_imported: int
    created_at: dt.datetime
    report: list[ReportEntryOut]


def _import_out(run: IntentionImport) -> ImportOut:
    return ImportOut(
        id=run.pk,
        working_group_id=run.working_group_id,
        file_name=run.file_name,
        succeeded=run.succeeded,
        summary=importer.import_summary(run),
        rows_total=run.rows_total,
        rows_created=run.rows_created,
        rows_already_imported=run.rows_already_imported,
        created_at=run.created_at,
        report=[ReportEntryOut(**row) for row in importer.report_rows(run)],
    )


@router.get("/households/{pk}/intentions", response=list[IntentionOut])
def list_intentions(request: HttpRequest, pk: int) -> list[ReturnIntention]:
    household = household_get(actor=request.user, pk=pk, audit_as="person.viewed")
    return list(intentions.intention_list(actor=request.user, household=household))


@router.post("/households/{pk}/intentions", response={201: IntentionOut})
def record_intention(request: HttpRequest, pk: int, payload: IntentionIn) -> tuple[int, ReturnIntention]:
    household = household_get(actor=request.user, pk=pk, action="person.update", audit_as=None)
    intention = intentions.intention_record(
        actor=request.user,
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
    require(request.user, "person.update")
    groups = list(intentions.import_groups(actor=request.user))
    if wanted is None and len(groups) == 1:
        return groups[0]
    for group in groups:
        if group.pk == wanted:
            return group
    if wanted is None:
        message = _("Say which working group the answers belong to.")
        raise ServiceError(message, fields={"working_group": [message]})
    raise Http404


@router.post("/intentions/import", response=ImportOut)
def import_intentions(
    request: HttpRequest, file: File[UploadedFile], working_group: Form[int | None] = None
) -> ImportOut:
    group = _import_group(request, working_group)
    if file.size is not None and file.size > importer.MAX_BYTES:
        message = importer.problem_message({"problem": "file_too_large"})
        raise ServiceError(message, fields={"file": [message]})
    run = importer.intention_import(actor=request.user, working_group=group, file_name=file.name or "", content=file.read())
    if not run.succeeded:
        fields: dict[str, list[str]] = {}
        for row in importer.report_rows(run):
            if row["blocking"]:
                key = f"rows.{row['row']}.{row['column']}" if row["row"] else "file"
                fields.setdefault(key, []).append(row["message"])
        summary = _("%(summary)s (import %(id)s)") % {"summary": importer.import_summary(run), "id": run.pk}
        raise ServiceError(summary, fields=fields, code="import_refused")
    return _import_out(run)


@router.get("/intentions/imports/{pk}", response=ImportOut)
def get_import(request: HttpRequest, pk: int) -> ImportOut:
    return _import_out(intentions.intention_import_get(actor=request.user, pk=pk))
