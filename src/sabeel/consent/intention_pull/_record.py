"""Recording one page of pulled submissions, with the file import's row mapping and checks
(``consent.intention_import``): new submissions become answers (version 1), an edit of a recorded
submission appends a version and updates the answer, an instance already recorded is counted, and
a submission that fails a check goes to the dead-letter list with its reasons. Runs inside the
caller's transaction, which holds the working group's row locked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Max
from django.utils import timezone

from sabeel.consent.intention_import._fields import BLOCKING, Kind, entry, field_of_column
from sabeel.consent.intention_import._read import map_columns
from sabeel.consent.intention_import._rows import Row, check_rows, parse_row
from sabeel.consent.intention_pull._servers import Submission
from sabeel.consent.models import (
    DeadLetter,
    DeadLetterStatus,
    IntentionSource,
    PullSource,
    ReturnIntention,
    SubmissionVersion,
)
from sabeel.registry.models import Household
from sabeel.workgroups.models import WorkingGroup

ANSWER_FIELDS = (
    "recorded_on",
    "hopes_to_return",
    "intends_within_12_months",
    "preferred_destination",
    "reasons",
    "obstacles",
    "go_and_see_interest",
    "decision_maker",
)


@dataclass
class PageResult:
    fetched: int = 0
    created: int = 0
    updated: int = 0
    already: int = 0
    skipped: int = 0
    dead_letters: int = 0
    resolved: int = 0
    household_ids: set[int] = field(default_factory=set)
    report: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: PageResult) -> None:
        for name in ("fetched", "created", "updated", "already", "skipped", "dead_letters", "resolved"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.household_ids |= other.household_ids
        self.report.extend(other.report)

    def counts(self) -> dict[str, int]:
        return {
            "fetched": self.fetched,
            "created": self.created,
            "updated": self.updated,
            "already_imported": self.already,
            "skipped": self.skipped,
            "dead_letters": self.dead_letters,
            "resolved": self.resolved,
        }


def snapshot(values: Mapping[str, Any]) -> dict[str, Any]:
    """An answer's values as JSON (codes, a date and a p-code; nothing that names a person)."""
    destination = values.get("preferred_destination")
    day = values.get("recorded_on")
    return {
        "recorded_on": day.isoformat() if isinstance(day, dt.date) else None,
        "hopes_to_return": values.get("hopes_to_return", ""),
        "intends_within_12_months": values.get("intends_within_12_months", ""),
        "preferred_destination": getattr(destination, "key", None),
        "reasons": list(values.get("reasons") or []),
        "obstacles": list(values.get("obstacles") or []),
        "go_and_see_interest": bool(values.get("go_and_see_interest")),
        "decision_maker": values.get("decision_maker", ""),
    }


def _mapped_answers(submission: Submission) -> dict[str, str]:
    # What a dead letter keeps: the questions the import reads, nothing else of the submission.
    return {path: text for path, text in submission.fields.items() if field_of_column(path) is not None}


def _parse(number: int, submission: Submission, host_country: str | None) -> Row:
    headers = list(submission.fields)
    cells = [submission.fields[h] for h in headers]
    columns, problems = map_columns(headers)
    row = parse_row(number, cells, columns, host_country)
    # A question the server left out is "answer_missing" on the row already; an ambiguous name
    # is still a problem of this submission.
    row.problems[:0] = [p for p in problems if p["kind"] in BLOCKING and p["problem"] != "column_missing"]
    return row


def _dead_letter(result: PageResult, source: PullSource, group: WorkingGroup, submission: Submission, row: Row) -> None:
    reasons = [{"column": p["column"], "problem": p["problem"]} for p in row.problems if p["kind"] in BLOCKING]
    now = timezone.now()
    letter, created = DeadLetter.objects.get_or_create(
        source=source,
        submission_id=submission.key,
        instance_id=submission.instance_id,
        defaults={
            "working_group": group,
            "reasons": reasons,
            "answers": _mapped_answers(submission),
            "last_tried_at": now,
        },
    )
    if not created:
        DeadLetter.objects.filter(pk=letter.pk).update(
            reasons=reasons,
            answers=_mapped_answers(submission),
            status=DeadLetterStatus.OPEN,
            attempts=F("attempts") + 1,
            last_tried_at=now,
            updated_at=now,
        )
    result.dead_letters += 1
    result.report.extend(
        {"submission": submission.key, "column": r["column"], "kind": str(Kind.INVALID), "problem": r["problem"]}
        for r in reasons
    )


def _resolve(result: PageResult, source: PullSource, key: str) -> None:
    result.resolved += DeadLetter.objects.filter(source=source, submission_id=key, status=DeadLetterStatus.OPEN).update(
        status=DeadLetterStatus.RESOLVED, updated_at=timezone.now()
    )


def _versions_of(intentions: Iterable[ReturnIntention]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    rows = SubmissionVersion.objects.filter(intention__in=[i.pk for i in intentions]).values_list(
        "intention_id", "instance_id"
    )
    for intention_id, instance_id in rows:
        found.setdefault(intention_id, set()).add(instance_id)
    return found


def _edit(
    result: PageResult,
    *,
    intention: ReturnIntention,
    household: Household,
    row: Row,
    submission: Submission,
    source: PullSource,
    run_id: int | None,
) -> None:
    versions = SubmissionVersion.objects.filter(intention=intention)
    if not versions.exists():
        # Recorded from a file or before versions were kept: its values become version 1.
        SubmissionVersion.objects.create(
            household=household,
            intention=intention,
            version=1,
            instance_id=intention.submission_id or submission.key,
            values=snapshot({name: getattr(intention, name) for name in ANSWER_FIELDS}),
        )
    last = versions.aggregate(last=Max("version"))["last"] or 0
    SubmissionVersion.objects.create(
        household=household,
        intention=intention,
        version=last + 1,
        instance_id=submission.instance_id,
        submitted_at=submission.submitted_at,
        values=snapshot(row.values),
        source=source,
        run_id=run_id,
    )
    for name in ANSWER_FIELDS:
        setattr(intention, name, row.values[name])
    intention.save(update_fields=[*ANSWER_FIELDS, "updated_at"])
    result.updated += 1


def record_submissions(
    submissions: Sequence[Submission],
    *,
    group: WorkingGroup,
    source: PullSource,
    run_id: int | None,
    user: Any,
) -> PageResult:
    """Record one page (the caller holds the group's row locked, in its transaction)."""
    result = PageResult(fetched=len(submissions))
    latest: dict[str, Submission] = {}
    for submission in submissions:
        if submission.rejected:
            result.skipped += 1  # a reviewer refused it on the server: not an answer to record
        elif submission.key:
            latest[submission.key] = submission  # the same submission twice on a page: the last one
        else:
            result.report.append(
                {"submission": "", "column": "_uuid", "kind": str(Kind.INVALID), "problem": "submission_id_missing"}
            )
    existing = {
        i.submission_id: i
        for i in ReturnIntention.objects.filter(submission_id__in=list(latest)).select_related("household")
    }
    versions = _versions_of(existing.values())
    parsed: list[tuple[Row, Submission, ReturnIntention | None]] = []
    for number, submission in enumerate(latest.values(), start=1):
        intention = existing.get(submission.key)
        edit = None
        if intention is not None and intention.household.working_group_id == group.pk:
            known = versions.get(intention.pk) or {intention.submission_id or ""}
            if submission.instance_id in known:
                result.already += 1
                continue
            edit = intention
        row = _parse(number, submission, group.host_country)
        if edit is not None and row.submission_id:
            # Checked like a new answer (the submission id is recorded: the import's check would
            # call it "already imported"), then written as the next version.
            row.submission_id = ""
        parsed.append((row, submission, edit))
    ready = {id(row): household for row, household in check_rows([r for r, _s, _e in parsed], group)}
    new: list[tuple[Submission, ReturnIntention, dict[str, Any]]] = []
    for row, submission, edit in parsed:
        if row.skip:
            result.skipped += 1
            continue
        household = ready.get(id(row))
        if household is not None and edit is not None and household.pk != edit.household_id:
            row.problem(row.number_column, Kind.INVALID, "household_changed")
            household = None
        if household is None:
            if not any(p["kind"] in BLOCKING for p in row.problems):
                row.problems.append(entry(row.number, "", Kind.INVALID, "household_not_found"))
            _dead_letter(result, source, group, submission, row)
            continue
        result.household_ids.add(household.pk)
        if edit is not None:
            _edit(
                result,
                intention=edit,
                household=household,
                row=row,
                submission=submission,
                source=source,
                run_id=run_id,
            )
        else:
            intention = ReturnIntention(
                source=IntentionSource.SURVEY_PULL, submission_id=submission.key, recorded_by=user, **row.values
            )
            new.append((submission, intention, row.values))
        _resolve(result, source, submission.key)
    if new:
        ReturnIntention.objects.bulk_create([intention for _s, intention, _v in new])
        SubmissionVersion.objects.bulk_create(
            [
                SubmissionVersion(
                    household_id=intention.household_id,
                    intention=intention,
                    version=1,
                    instance_id=submission.instance_id,
                    submitted_at=submission.submitted_at,
                    values=snapshot(values),
                    source=source,
                    run_id=run_id,
                )
                for submission, intention, values in new
            ]
        )
        result.created += len(new)
    return result
