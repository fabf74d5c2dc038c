"""Batch duplicate runs: the whole registry of one working group against itself, or an uploaded
list against it, in the background.

``registry_run_start`` and ``list_run_start`` check ``identity.run`` in the group (and, for a list,
the file's size, kind and columns, so that a list without name columns is refused at once with a
clear message), create the run (a ``core.Run`` record plus its ``LinkageRun``) and enqueue
``identity.tasks.linkage_run_task`` on commit. The worker (``linkage_run_execute``) checks the
permission again, reads an uploaded list into ``ListRecord`` rows (every row kept or reported),
streams the registry's records (``identity.records``) into the linkage engine
(``engines.linkage.deduplicate`` or ``link``) and stores the pairs at or above the floor as
``CandidatePair`` rows (``likely`` at or above the threshold, else ``uncertain``). A pair of two
registered people decided "same" or "different" in an earlier run of the group keeps that decision
(it is not asked again); "unsure" is asked again. One run at a time per group (``active_run``);
``run_stop`` stops a queued or running one, which then stores no pair.

The engine reports its stages through ``on_progress``; the run record is written at most once a
``PROGRESS_EVERY`` seconds (and at every new stage), each write its own short transaction, so the
progress bar moves and no lock is held while the engine works. Pairs are written in batches.
One audit row when a run is started and one when it ends or is stopped (ids and counts, never a name); the
error a failed run keeps is a code and a fixed message, never a cell of the file.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sabeel.core import audit, runs
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import NotPermitted, NotSignedIn, ServiceError
from sabeel.core.models import RUN_FINISHED
from sabeel.core.permissions import can, require
from sabeel.core.runs import Run, RunStatus
from sabeel.engines import linkage
from sabeel.identity import records
from sabeel.identity.models import Band, CandidatePair, Decision, LinkageRun, ListRecord, RunKind
from sabeel.workgroups.models import WorkingGroup

__all__ = [
    "PAIR_BATCH",
    "PROGRESS_EVERY",
    "RUN_KIND",
    "STAGES",
    "active_run",
    "failure_message",
    "linkage_run_execute",
    "list_problem_message",
    "list_run_start",
    "may_run",
    "model_to_reuse",
    "registry_run_start",
    "run_stop",
    "stage_label",
    "train_min",
]

logger = logging.getLogger(__name__)

RUN_KIND = "identity.linkage"
# Below this many records a run does not train its own model (EM needs thousands of records with
# duplicates among them): it predicts with the model of the latest run that trained on at least
# as many, of its own group if there is one, else of any group (a model holds probabilities and
# the comparisons' labels, no person's data). Setting ``IDENTITY_TRAIN_MIN``.
TRAIN_MIN = 2000
PROGRESS_EVERY = 1.0  # seconds between two writes of the progress (a new stage is written at once)
PAIR_BATCH = 1000
MIN_RECORDS = 2

# The engine's stages (``engines.linkage``) and the platform's own, in words.
STAGES: dict[str, Any] = {
    "queued": gettext_lazy("Waiting for a worker"),
    "reading list": gettext_lazy("Reading the list"),
    "reading registry": gettext_lazy("Reading the registry"),
    "features": gettext_lazy("Preparing the names"),
    "prior": gettext_lazy("Training: how often two records match"),
    "u probabilities": gettext_lazy("Training: chance agreements"),
    "m probabilities (names)": gettext_lazy("Training: names"),
    "m probabilities (dates)": gettext_lazy("Training: dates of birth"),
    "pairs": gettext_lazy("Comparing records"),
    "clusters": gettext_lazy("Grouping records"),
    "done": gettext_lazy("Comparison done"),
    "saving pairs": gettext_lazy("Saving the pairs"),
    "finished": gettext_lazy("Finished"),
}

_FAILURES: dict[str, Any] = {
    "not_permitted": gettext_lazy("You may no longer run duplicate checks in this working group: nothing was compared."),
    "too_few_records": gettext_lazy(
        "There are too few people to train a model on (a few thousand are needed) and no earlier run's model to use: nothing was compared."
    ),
    "list_unreadable": gettext_lazy("The list could not be read: nothing was compared."),
    "no_rows": gettext_lazy("No row of the list has a name: nothing was compared."),
    "engine_error": gettext_lazy("The comparison failed; the team has been told. Nothing was saved."),
    "internal_error": gettext_lazy("The run failed; the team has been told. Nothing was saved."),
}

_LIST_PROBLEMS: dict[str, Any] = {
    "file_too_large": gettext_lazy("The file is too large (at most 10 MB)."),
    "xls_not_supported": gettext_lazy("Old Excel files (.xls) are not read: save the list as .xlsx or CSV."),
    "xlsx_too_large": gettext_lazy("The Excel file is too large once unpacked."),
    "file_unreadable": gettext_lazy("The file could not be read as CSV or Excel (.xlsx)."),
    "encoding": gettext_lazy("The CSV file is not in UTF-8: save it as UTF-8 CSV."),
    "file_empty": gettext_lazy("The file has no rows under its header."),
    "too_many_columns": gettext_lazy("The file has too many columns."),
    "too_many_rows": gettext_lazy("The list has too many rows (at most 100,000): split it."),
    "names_missing": gettext_lazy(
        "The list needs a first-name column and a family-name column, in Arabic, Latin or both "
        "(first_name_ar, first_name_lat or first_name; family_name_ar, family_name_lat or family_name)."
    ),
    "column_repeated": gettext_lazy("A column appears twice: %(column)s."),
    "no_named_rows": gettext_lazy("No row of the list has a first name or a family name: there is nothing to compare."),
    "no_name": gettext_lazy("This row has neither a first name nor a family name: it was not compared."),
    "date_unreadable": gettext_lazy("The date of birth could not be read (use 1985-03-21, 21/03/1985, 1985-03 or 1985): compared without it."),
    "sex_unreadable": gettext_lazy("The sex could not be read (use M or F): compared without it."),
    "size_unreadable": gettext_lazy("The household size could not be read: compared without it."),
}


def stage_label(stage: str) -> str:
    return str(STAGES.get(stage, stage))


def failure_message(code: str) -> str:
    return str(_FAILURES.get(code, _FAILURES["internal_error"]))


def list_problem_message(code: str) -> str:
    """The words for a list problem code (``column_repeated:<header>`` names the column)."""
    base, _sep, column = code.partition(":")
    message = str(_LIST_PROBLEMS[base]) if base in _LIST_PROBLEMS else records.problem_message(base)
    return message % {"column": column} if column else message


def train_min() -> int:
    return int(getattr(django_settings, "IDENTITY_TRAIN_MIN", TRAIN_MIN))


def model_to_reuse(working_group_id: int, *, own_only: bool = False) -> tuple[LinkageRun | None, linkage.TrainedModel | None]:
    """The latest model trained on at least ``train_min()`` records: the group's own first
    (``own_only``: only the group's own)."""
    trained = (
        LinkageRun.objects.filter(run__status=RunStatus.SUCCEEDED, records_total__gte=train_min())
        .exclude(model_settings={})
        .order_by("-created_at", "-pk")
    )
    found = trained.filter(working_group_id=working_group_id).first() or (None if own_only else trained.first())
    if found is None:
        return None, None
    return found, linkage.TrainedModel(settings=found.model_settings)


def _model_for(working_group_id: int, records_total: int, *, is_list: bool) -> tuple[bool, LinkageRun | None, linkage.TrainedModel | None]:
    """Whether the run may go on, and the model it predicts with (None: it trains its own).
    A registry run trains when the registry is large enough (its people change between runs);
    a list run predicts with the group's own trained model when there is one (training on the
    whole registry again for a list of a few hundred rows would take as long as a registry run),
    else trains when large enough; below ``train_min()`` records any group's model is used."""
    if is_list:
        source, model = model_to_reuse(working_group_id, own_only=True)
        if model is not None:
            return True, source, model
    if records_total >= train_min():
        return True, None, None
    source, model = model_to_reuse(working_group_id)
    return model is not None, source, model


def _engine_options() -> dict[str, Any]:
    """Settings ``IDENTITY_TRAINING_PAIRS`` (random pairs for the u probabilities) and
    ``IDENTITY_THREADS`` (DuckDB's threads), when set."""
    options: dict[str, Any] = {}
    pairs = getattr(django_settings, "IDENTITY_TRAINING_PAIRS", None)
    if pairs:
        options["training_pairs"] = int(pairs)
    threads = getattr(django_settings, "IDENTITY_THREADS", None)
    if threads:
        options["threads"] = int(threads)
    return options


def _backend() -> str:
    return str(getattr(django_settings, "IDENTITY_LINKAGE_BACKEND", linkage.Backend.DUCKDB.value))


def _check_group(actor: Actor, working_group: WorkingGroup) -> None:
    require(actor, "identity.run", working_group)
    if as_actor(actor).user is None:
        raise ServiceError(_("A duplicate run is started by a signed-in officer."))
    if active_run(working_group.pk) is not None:
        raise ServiceError(
            _("A duplicate run of this working group is already under way: wait for it to finish, or stop it."), code="run_active"
        )


def active_run(working_group_id: int) -> LinkageRun | None:
    """The group's run that is queued or running, started less than ``IDENTITY_RUN_STALE_HOURS``
    (12) ago: one run at a time per group (a run is heavy; two would compare the same people
    twice). An older one is taken for a worker that stopped and no longer blocks."""
    hours = float(getattr(django_settings, "IDENTITY_RUN_STALE_HOURS", 12))
    since = timezone.now() - dt.timedelta(hours=hours)
    return (
        LinkageRun.objects.filter(working_group_id=working_group_id, created_at__gte=since)
        .exclude(run__status__in=RUN_FINISHED)
        .order_by("-created_at")
        .first()
    )


def _create(
    *, actor: Actor, working_group: WorkingGroup, kind: RunKind, file_name: str = "", payload: bytes | None = None
) -> LinkageRun:
    from sabeel.identity.tasks import linkage_run_task

    with transaction.atomic():
        run = runs.run_create(
            actor=actor, kind=RUN_KIND, working_group_id=working_group.pk, params={"kind": kind.value}, payload=payload
        )
        linkage_run = LinkageRun.objects.create(
            run=run,
            working_group=working_group,
            kind=kind,
            stage="queued",
            backend=_backend(),
            threshold=linkage.LinkageSettings().threshold,
            floor=linkage.LinkageSettings().floor,
            file_name=file_name,
        )
        audit.record(
            actor=actor,
            action="identity.run_started",
            target=linkage_run,
            data={"linkage_run_id": linkage_run.pk, "run_id": run.pk, "kind": kind.value},
        )
        pk = linkage_run.pk
        transaction.on_commit(lambda: _enqueue(linkage_run_task, pk))
    return linkage_run


def _enqueue(task: Any, pk: int) -> None:
    result = task.enqueue(linkage_run_id=pk)
    LinkageRun.objects.filter(pk=pk, task_id="").update(task_id=str(getattr(result, "id", ""))[:64])


def registry_run_start(*, actor: Actor, working_group: WorkingGroup) -> LinkageRun:
    """Queue a duplicate run over the whole registry of ``working_group`` and return it."""
    _check_group(actor, working_group)
    count = records.registry_count(working_group.pk)
    if count < MIN_RECORDS or not _model_for(working_group.pk, count, is_list=False)[0]:
        raise ServiceError(failure_message("too_few_records"), code="too_few_records")
    return _create(actor=actor, working_group=working_group, kind=RunKind.REGISTRY)


def list_run_start(*, actor: Actor, working_group: WorkingGroup, file_name: str, content: bytes) -> LinkageRun:
    """Queue a run of an uploaded list (CSV or .xlsx bytes) against the registry of
    ``working_group``. A file that cannot be read or lacks the name columns raises
    ``ServiceError`` (field ``file``) and queues nothing; row problems are the run's report."""
    _check_group(actor, working_group)
    problem = records.file_problem(content)
    problems: list[str] = [problem] if problem else []
    if not problems:
        try:
            table = records.read_table(content)
        except records.Unreadable as exc:
            problems = [exc.problem]
        else:
            columns, problems = records.list_columns(table.headers)
            kept = [] if problems else records.list_rows(table, columns)[0]
            if not problems and not kept:
                problems = ["no_named_rows"]
    if problems:
        messages = [list_problem_message(code) for code in problems]
        raise ServiceError(" ".join(messages), fields={"file": messages}, code="file_refused")
    count = records.registry_count(working_group.pk)
    if count < 1:
        raise ServiceError(_("The working group's registry has nobody to compare the list with."), code="too_few_records")
    if not _model_for(working_group.pk, count + len(kept), is_list=True)[0]:
        raise ServiceError(failure_message("too_few_records"), code="too_few_records")
    name = PurePath(file_name.replace("\\", "/")).name[:200]
    return _create(actor=actor, working_group=working_group, kind=RunKind.LIST, file_name=name, payload=content)


# --- the worker's side ----------------------------------------------------------------------------


class _Progress:
    """Writes the engine's progress onto the run, at most once a ``PROGRESS_EVERY`` seconds (a new
    stage at once). Engine stages map onto the run's steps ``offset`` to ``offset + span``."""

    def __init__(self, linkage_run: LinkageRun, run: Run, *, steps: int) -> None:
        self.linkage_run = linkage_run
        self.run = run
        self.steps = steps
        self.offset = 0
        self.span = steps
        self.stage = ""
        self.written = 0.0
        self.cancelled = False

    def write(self, stage: str, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and stage == self.stage and now - self.written < PROGRESS_EVERY:
            return
        self.stage, self.written = stage, now
        LinkageRun.objects.filter(pk=self.linkage_run.pk).update(stage=stage[:64])
        if not runs.run_progress(run=self.run, done=min(done, self.steps), total=self.steps):
            self.cancelled = True

    def __call__(self, progress: linkage.Progress) -> None:
        share = progress.done / progress.total if progress.total else 0.0
        self.write(progress.stage, self.offset + int(share * self.span))


def linkage_run_execute(*, linkage_run_id: int) -> LinkageRun | None:
    """Do a queued run (the task calls this); never raises: a failure is the run's state."""
    linkage_run = LinkageRun.objects.select_related("run", "working_group").filter(pk=linkage_run_id).first()
    if linkage_run is None:
        return None
    runs.run_execute(run_id=linkage_run.run_id, work=lambda run: _work(linkage_run, run))
    fresh = LinkageRun.objects.select_related("run", "working_group").get(pk=linkage_run_id)
    if fresh.run.status == RunStatus.FAILED and not fresh.error_message:
        # The work raised (run_execute failed the run): say so in words, without the exception.
        fresh.error_message = failure_message(fresh.run.failure or "internal_error")[:200]
        fresh.stage = "finished"
        fresh.save(update_fields=["error_message", "stage", "updated_at"])
    return fresh


def _fail(linkage_run: LinkageRun, run: Run, code: str, *, report: Iterable[dict[str, Any]] = ()) -> None:
    with transaction.atomic():
        LinkageRun.objects.filter(pk=linkage_run.pk).update(error_message=failure_message(code)[:200], stage="finished")
        runs.run_fail(run=run, failure=code, report=report)
        audit.record(
            actor=runs.run_actor(run),
            action="identity.run_failed",
            target=linkage_run,
            data={"linkage_run_id": linkage_run.pk, "run_id": run.pk, "failure": code},
        )


def _read_list(linkage_run: LinkageRun, run: Run) -> tuple[list[ListRecord], list[dict[str, Any]]] | None:
    content = bytes(run.payload or b"")
    try:
        table = records.read_table(content)
    except records.Unreadable:
        return None
    columns, problems = records.list_columns(table.headers)
    if problems:
        return None
    rows, report = records.list_rows(table, columns)
    ListRecord.objects.filter(linkage_run=linkage_run).delete()  # a run resumed after a worker stopped
    created: list[ListRecord] = []
    for start in range(0, len(rows), PAIR_BATCH):
        batch = [ListRecord(linkage_run=linkage_run, row_number=r.row_number, **r.values) for r in rows[start : start + PAIR_BATCH]]
        created += ListRecord.objects.bulk_create(batch)
    if not created[:1] or created[0].pk is None:  # backends that do not return ids on bulk insert
        created = list(ListRecord.objects.filter(linkage_run=linkage_run).order_by("row_number"))
    return created, report


def _band(probability: float, threshold: float) -> str:
    return Band.LIKELY if probability >= threshold else Band.UNCERTAIN


def _evidence(pair: linkage.MatchPair) -> list[dict[str, Any]]:
    return [{"comparison": e.comparison, "level": e.level, "weight": round(e.weight, 3)} for e in pair.evidence]


def _earlier_decisions(linkage_run: LinkageRun) -> dict[tuple[int, int], tuple[str, Any]]:
    """The latest "same" or "different" decided on each pair of registered people of the group in
    earlier runs (people decisions, not list rows: a list's rows are new records each time)."""
    decided = (
        CandidatePair.objects.filter(
            linkage_run__working_group_id=linkage_run.working_group_id,
            right_individual__isnull=False,
            decision__in=(Decision.SAME, Decision.DIFFERENT),
        )
        .exclude(linkage_run=linkage_run)
        .order_by("decided_at", "pk")
        .values_list("left_id", "right_individual_id", "decision", "decided_at")
    )
    return {(left, right): (decision, at) for left, right, decision, at in decided}


def _store_pairs(linkage_run: LinkageRun, pairs: Iterable[linkage.MatchPair]) -> tuple[int, int, int]:
    """Store the pairs (likely, uncertain, and how many carry an earlier run's decision: a pair of
    two registered people decided "same" or "different" before is not asked again; "unsure" is)."""
    CandidatePair.objects.filter(linkage_run=linkage_run).delete()  # a run resumed after a worker stopped
    earlier = _earlier_decisions(linkage_run)
    likely = uncertain = carried = 0
    batch: list[CandidatePair] = []
    seen: set[tuple[str, str]] = set()
    for pair in pairs:
        kinds = [records.parse_record_id(pair.left_id), records.parse_record_id(pair.right_id)]
        people = sorted(pk for prefix, pk in kinds if prefix == records.PERSON_PREFIX)
        rows = [pk for prefix, pk in kinds if prefix == records.LIST_PREFIX]
        if not people or len(rows) > 1:
            continue  # two rows of the list are not a registry question
        key = (pair.left_id, pair.right_id) if pair.left_id < pair.right_id else (pair.right_id, pair.left_id)
        if key in seen:
            continue
        seen.add(key)
        probability = min(1.0, max(0.0, float(pair.probability)))
        band = _band(probability, linkage_run.threshold)
        likely, uncertain = likely + (band == Band.LIKELY), uncertain + (band == Band.UNCERTAIN)
        before = earlier.get((people[0], people[1])) if len(people) > 1 else None
        carried += before is not None
        batch.append(
            CandidatePair(
                linkage_run=linkage_run,
                left_id=people[0],
                right_individual_id=people[1] if len(people) > 1 else None,
                right_record_id=rows[0] if rows else None,
                probability=probability,
                match_weight=float(pair.match_weight),
                uncertainty=abs(probability - 0.5),
                evidence=_evidence(pair),
                band=band,
                decision=before[0] if before else Decision.PENDING,
                decided_at=before[1] if before else None,
            )
        )
        if len(batch) >= PAIR_BATCH:
            CandidatePair.objects.bulk_create(batch)
            batch = []
    CandidatePair.objects.bulk_create(batch)
    return likely, uncertain, carried


def _work(linkage_run: LinkageRun, run: Run) -> None:
    actor = runs.run_actor(run)
    group = linkage_run.working_group
    try:
        require(actor, "identity.run", group)
    except (NotPermitted, NotSignedIn, Http404):
        _fail(linkage_run, run, "not_permitted")
        return
    # The run's steps: the engine's (about 8) and one for reading and one for saving.
    progress = _Progress(linkage_run, run, steps=10)
    list_records: list[ListRecord] = []
    report: list[dict[str, Any]] = []
    if linkage_run.kind == RunKind.LIST:
        progress.write("reading list", 0, force=True)
        read = _read_list(linkage_run, run)
        if read is None:
            _fail(linkage_run, run, "list_unreadable")
            return
        list_records, report = read
        if not list_records:
            _fail(linkage_run, run, "no_rows", report=report)
            return
    progress.write("reading registry", 1, force=True)
    total = records.registry_count(group.pk)
    if total < (1 if list_records else MIN_RECORDS):
        _fail(linkage_run, run, "too_few_records", report=report)
        return
    progress.offset, progress.span = 1, 8
    settings = linkage.LinkageSettings(
        backend=linkage.Backend(linkage_run.backend),
        threshold=linkage_run.threshold,
        floor=linkage_run.floor,
        on_progress=progress,
        **_engine_options(),
    )
    registry = records.registry_records(group.pk)
    may_go, source, model = _model_for(group.pk, total + len(list_records), is_list=bool(list_records))
    if not may_go:
        _fail(linkage_run, run, "too_few_records", report=report)
        return
    try:
        if list_records:
            result = linkage.link([records.list_record(r) for r in list_records], registry, model=model, settings=settings)
        else:
            result = linkage.deduplicate(registry, model=model, settings=settings)
    except Exception as exc:  # the engine's own errors: the run fails, the worker goes on
        logger.error("linkage run %s: the engine failed: %s", linkage_run.pk, type(exc).__name__)
        _fail(linkage_run, run, "engine_error", report=report)
        return
    if progress.cancelled:
        return
    progress.write("saving pairs", 9, force=True)
    if progress.cancelled:
        return
    with transaction.atomic():
        if Run.objects.select_for_update().filter(pk=run.pk, status=RunStatus.CANCELLED).exists():
            return  # stopped since the last progress report: nothing is stored
        likely, uncertain, carried = _store_pairs(linkage_run, result.pairs)
        LinkageRun.objects.filter(pk=linkage_run.pk).update(
            stage="finished",
            # A reused model is not stored again (the run it came from is named in the audit row).
            model_settings=result.model.settings if model is None and result.model is not None else {},
            records_total=total + len(list_records),
            list_rows=len(list_records) + sum(1 for e in report if not e.get("kept")),
            rows_refused=sum(1 for e in report if not e.get("kept")),
            pairs_likely=likely,
            pairs_uncertain=uncertain,
        )
        counts = {
            "records": total + len(list_records),
            "pairs_likely": likely,
            "pairs_uncertain": uncertain,
            "clusters": len(result.clusters),
            "decisions_carried": carried,
            "model_trained": int(model is None),
        }
        runs.run_finish(run=run, counts=counts, report=report)
        audit.record(
            actor=actor,
            action="identity.run_finished",
            target=linkage_run,
            data={
                "linkage_run_id": linkage_run.pk,
                "run_id": run.pk,
                "model_from_run_id": source.pk if source is not None else None,
                **{f"{k}_count": v for k, v in counts.items()},
            },
        )


def may_run(actor: Actor, working_group: WorkingGroup) -> bool:
    return can(actor, "identity.run", working_group)


def run_stop(*, actor: Actor, linkage_run: LinkageRun) -> bool:
    """Stop a queued or running run (``identity.run`` in its group): a queued run never starts, a
    running one stops at its next progress report and stores no pair. ``False`` when it had
    already finished. Audited with ids."""
    require(actor, "identity.run", linkage_run.working_group)
    with transaction.atomic():
        stopped = runs.run_cancel(run_id=linkage_run.run_id)
        if stopped:
            LinkageRun.objects.filter(pk=linkage_run.pk).update(stage="finished")
            audit.record(
                actor=actor,
                action="identity.run_stopped",
                target=linkage_run,
                data={"linkage_run_id": linkage_run.pk, "run_id": linkage_run.run_id},
            )
    return stopped
