"""The import's report in words: one message per entry (row, column, reason; never a cell's value)
and a one-sentence summary of the run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sabeel.consent.intention_import._fields import (
    ASYLUM_COUNTRIES,
    BLOCKING,
    MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_UNCOMPRESSED,
    NEEDS_AS_OBSTACLES,
    SUBMISSION_ID_MAX,
    Kind,
    field_of_column,
)
from sabeel.consent.intentions import ReturnObstacle, ReturnReason
from sabeel.consent.models import DecisionMaker
from sabeel.core.runs import Run, RunStatus

PROBLEM_MESSAGES: dict[str, Promise] = {
    "file_too_large": gettext_lazy("The file is larger than %(max)s MB."),
    "file_empty": gettext_lazy("The file has no header row or no rows of answers."),
    "file_unreadable": gettext_lazy("The file could not be read as CSV or Excel (.xlsx)."),
    "xls_not_supported": gettext_lazy("Old Excel files (.xls) are not read; export the answers as .xlsx or CSV."),
    "encoding": gettext_lazy("The CSV file is not in UTF-8; export it again in UTF-8."),
    "too_many_rows": gettext_lazy("The file has more than %(max)s rows; import it in parts."),
    "too_many_columns": gettext_lazy("The file has more than %(max)s columns; export only the survey's questions."),
    "too_many_cells": gettext_lazy("The file has more than %(max)s cells; import it in parts."),
    "xlsx_too_large": gettext_lazy(
        "The Excel file would be too large once unpacked (more than %(max)s MB, or unusually compressed); export it as CSV or in parts."
    ),
    "column_missing": gettext_lazy("This column is missing."),
    "column_ambiguous": gettext_lazy("Several columns have this name once group names are removed."),
    "no_date_column": gettext_lazy(
        "No date column (end, start, _submission_time or SubmissionDate): the answers are dated the day of the import."
    ),
    "submission_id_missing": gettext_lazy("No submission id."),
    "submission_id_too_long": gettext_lazy("The submission id is longer than %(max)s characters."),
    "registration_number_missing": gettext_lazy("No registration number."),
    "registration_number_invalid": gettext_lazy(
        "Not a valid Sabeel registration number (such as LB-00123456-6): check the digits."
    ),
    "household_not_found": gettext_lazy(
        "This row matches no household of your working group: check the registration number and the submission id."
    ),
    "household_closed": gettext_lazy("The household's file is closed; reopen it first."),
    "answer_missing": gettext_lazy("No answer."),
    "answer_invalid": gettext_lazy("Not one of the survey's answers: %(allowed)s."),
    "choice_invalid": gettext_lazy("Holds a value that is not one of the survey's choices: %(allowed)s."),
    "place_unknown": gettext_lazy("Not the p-code of a Syrian admin unit loaded in Sabeel."),
    "place_mismatch": gettext_lazy("This sub-district is not in the governorate given."),
    "place_generalised": gettext_lazy(
        "The sub-district is not loaded in Sabeel; the destination is recorded as %(unit)s."
    ),
    "date_invalid": gettext_lazy("Not a date and time as the survey exports them."),
    "date_out_of_range": gettext_lazy("The date is in the future or too far in the past."),
    "asylum_country_other": gettext_lazy("The country of asylum is not your working group's host country."),
    "consent_declined": gettext_lazy("The person did not agree to answer; nothing is recorded."),
    "already_imported": gettext_lazy("Already imported."),
    "duplicate_row": gettext_lazy("The same submission as row %(other_row)s; imported once."),
    "duplicate_conflict": gettext_lazy("The same submission id as row %(other_row)s, with different answers."),
}


def _allowed(problem: str, column: str) -> str:
    key = field_of_column(column)
    if key in ("intends", "hopes", "go_and_see"):
        return "yes, no, dk"
    if key == "decision_maker":
        return ", ".join(DecisionMaker.values)
    if key == "asylum_country":
        return ", ".join(ASYLUM_COUNTRIES)
    if key == "needs":
        return ", ".join(NEEDS_AS_OBSTACLES)
    if key == "reasons":
        return ", ".join(ReturnReason.values)
    if key == "obstacles":
        return ", ".join(ReturnObstacle.values)
    return ""


def problem_message(entry: Mapping[str, Any]) -> str:
    """A report entry in words, in the active language."""
    template = PROBLEM_MESSAGES.get(str(entry.get("problem")))
    if template is None:
        return str(entry.get("problem", ""))
    column = str(entry.get("column") or "")
    params = {
        "max": {
            "file_too_large": MAX_BYTES // (1024 * 1024),
            "too_many_rows": MAX_ROWS,
            "too_many_columns": MAX_COLUMNS,
            "too_many_cells": MAX_CELLS,
            "xlsx_too_large": MAX_XLSX_UNCOMPRESSED // (1024 * 1024),
        }.get(str(entry.get("problem")), SUBMISSION_ID_MAX),
        "other_row": entry.get("other_row", ""),
        "unit": entry.get("unit", ""),
        "allowed": _allowed(str(entry.get("problem")), column),
    }
    return str(template) % params


KIND_LABELS: dict[str, Promise] = {
    Kind.INVALID: gettext_lazy("Invalid"),
    Kind.UNMATCHED: gettext_lazy("Unmatched"),
    Kind.ALREADY_IMPORTED: gettext_lazy("Already imported"),
    Kind.DUPLICATE: gettext_lazy("Duplicate"),
    Kind.SKIPPED: gettext_lazy("Skipped"),
    Kind.NOTE: gettext_lazy("Note"),
}


def report_rows(run: Run) -> list[dict[str, Any]]:
    """The run's report for a page or the API: row, column, kind, whether it blocked the import,
    and the reason in words (the active language)."""
    return [
        {
            "row": entry.get("row"),
            "column": entry.get("column") or "",
            "kind": entry.get("kind"),
            "kind_label": str(KIND_LABELS.get(str(entry.get("kind")), entry.get("kind"))),
            "blocking": entry.get("kind") in BLOCKING,
            "problem": entry.get("problem"),
            "message": problem_message(entry),
        }
        for entry in run.errors
    ]


def import_summary(run: Run) -> str:
    """What the run did (or is doing), in one sentence a person understands."""
    counts = run.counts or {}
    created = int(counts.get("created", 0))
    if run.status == RunStatus.QUEUED:
        return _("The file is waiting to be imported.")
    if run.status == RunStatus.RUNNING:
        return _("Importing the file…")
    if run.status == RunStatus.CANCELLED or (run.status == RunStatus.FAILED and run.failure == "internal_error"):
        return ngettext(
            "The import stopped before the end: %(count)d new answer was imported. Import the same file again to finish; nothing is imported twice.",
            "The import stopped before the end: %(count)d new answers were imported. Import the same file again to finish; nothing is imported twice.",
            created,
        ) % {"count": created}
    if run.status == RunStatus.FAILED:
        if run.failure == "not_permitted":
            return _(
                "Nothing was imported: the officer who started the import may no longer change this working group's files."
            )
        if run.failure == "rows_refused":
            rows = int(counts.get("refused", 0))
            return ngettext(
                "Nothing was imported: %(count)d row is unmatched or invalid. Correct it and import the whole file again.",
                "Nothing was imported: %(count)d rows are unmatched or invalid. Correct them and import the whole file again.",
                rows,
            ) % {"count": rows}
        return _("Nothing was imported: the file could not be read as a survey export.")
    if created == 0:
        return _("Nothing new: every answer in this file was already imported.")
    return ngettext(
        "%(count)d new answer imported; %(already)d already imported.",
        "%(count)d new answers imported; %(already)d already imported.",
        created,
    ) % {"count": created, "already": int(counts.get("already_imported", 0))}
