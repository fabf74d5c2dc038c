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

All or nothing: if any row is invalid or unmatched, no answer is written; the run is recorded
(``IntentionImport``) with a report of row numbers, columns and reasons, never a cell's value.
Idempotent on the submission id: a re-import creates nothing new and says "already imported".
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sabeel.consent.intention_import._fields import BLOCKING, FILE_NAME_MAX, MAX_BYTES, MAX_ROWS, Kind, entry
from sabeel.consent.intention_import._read import Unreadable, map_columns, read_table
from sabeel.consent.intention_import._report import import_summary, problem_message, report_rows
from sabeel.consent.intention_import._rows import Row, check_rows, mark_duplicates, parse_row
from sabeel.consent.models import IntentionImport, IntentionSource, ReturnIntention
from sabeel.core import audit
from sabeel.core.actors import as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.registry.models import Household
from sabeel.workgroups.models import WorkingGroup

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "Kind",
    "import_summary",
    "intention_import",
    "problem_message",
    "report_rows",
]


Report = list[dict[str, Any]]


def _examine(content: bytes, working_group: WorkingGroup) -> tuple[Report, int, list[tuple[Row, Household]]]:
    """The report, the number of rows and the rows ready to be written."""
    try:
        table = read_table(content)
    except Unreadable as exc:
        return [entry(None, "", Kind.INVALID, exc.problem)], 0, []
    columns, report = map_columns(table.headers)
    if _blocked(report):
        return report, len(table.rows), []
    rows = [parse_row(number, cells, columns, working_group.host_country) for number, cells in table.rows]
    mark_duplicates(rows)
    ready = check_rows(rows, working_group)
    for row in rows:
        report.extend(row.problems)
    return report, len(table.rows), ready


def _blocked(report: Report) -> bool:
    return any(e["kind"] in BLOCKING for e in report)


@transaction.atomic
def intention_import(*, actor: Any, working_group: WorkingGroup, file_name: str, content: bytes) -> IntentionImport:
    """Import the survey export ``content`` (CSV or .xlsx bytes) for the households of
    ``working_group``; returns the recorded run (``succeeded``, counts and report). Nothing is
    written but the run when any row is unmatched or invalid."""
    require(actor, "person.update", working_group)
    if not working_group.host_country:
        raise ServiceError(_("Answers are imported into a host-country working group."))
    user = as_actor(actor).user
    if user is None:
        raise ServiceError(_("An import is made by a signed-in officer."))
    # One import at a time per group: a file imported twice at once still creates each answer once.
    list(WorkingGroup.objects.select_for_update().filter(pk=working_group.pk).values_list("pk"))
    report, rows_total, ready = _examine(content, working_group)
    succeeded = not _blocked(report)
    intentions: list[ReturnIntention] = []
    if succeeded:
        intentions = ReturnIntention.objects.bulk_create(
            [
                ReturnIntention(source=IntentionSource.SURVEY_IMPORT, submission_id=row.submission_id, recorded_by=user, **row.values)
                for row, _household in ready
            ]
        )
    run = IntentionImport.objects.create(
        working_group=working_group,
        file_name=PurePath((file_name or "").replace("\\", "/")).name[:FILE_NAME_MAX] or "upload",
        file_digest=hashlib.sha256(content).hexdigest(),
        imported_by=user,
        succeeded=succeeded,
        rows_total=rows_total,
        rows_created=len(intentions),
        rows_already_imported=sum(1 for e in report if e["kind"] == Kind.ALREADY_IMPORTED),
        report=report,
    )
    _audit(actor, run, intentions)
    return run


def _audit(actor: Any, run: IntentionImport, intentions: Sequence[ReturnIntention]) -> None:
    for intention in intentions:
        audit.record(
            actor=actor,
            action="intention.recorded",
            target=intention,
            working_group_id=run.working_group_id,
            data={"household_id": intention.household_id, "intention_id": intention.pk, "intention_import_id": run.pk},
        )
    audit.record(
        actor=actor,
        action="intention.imported" if run.succeeded else "intention.import_refused",
        target=run,
        data={
            "intention_import_id": run.pk,
            "rows_total": run.rows_total,
            "created_count": run.rows_created,
            "already_imported_count": run.rows_already_imported,
            "problem_count": sum(1 for e in run.report if e.get("kind") in BLOCKING),
        },
    )
