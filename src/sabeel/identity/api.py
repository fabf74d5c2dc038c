"""API for duplicate runs and the review queue (mounted by ``config/api.py`` at ``/api/identity``).

``POST /runs`` starts a run over the whole registry of one working group (``identity.run``) and
answers 202 with the queued run; ``POST /runs/list`` (multipart: ``file``, ``working_group``) queues an
uploaded list against it; ``GET /runs/{id}`` answers its state and progress while it works
(poll it), then its counts.
``GET /runs/{id}/pairs`` is the review queue, paged, in queue order (uncertain pairs first, nearest
0.5 first), both records side by side with the evidence: every page is recorded in the read log
with the ids shown. ``POST /pairs/{id}/decision`` records same / different / unsure
(``identity.review``), audited with ids only. Another group's run or pair answers 404.
"""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import can, require
from sabeel.core.throttle import list_page_size
from sabeel.identity import records, review, runs, selectors
from sabeel.identity.models import LinkageRun

router = Router(tags=["identity"])

MAX_PAGE = 50


class RunIn(Schema):
    working_group: int | None = Field(None, description="Id of the working group; may be left out when you run in one group only")


class RunOut(Schema):
    id: int
    working_group_id: int
    kind: str = Field(..., description="registry (the whole registry) or list (an uploaded list against it)")
    status: str = Field(..., description="queued, running, succeeded, failed or cancelled")
    stage: str = Field(..., description="What the run is doing now (the engine's stage)")
    stage_label: str
    done: int
    total: int | None
    percent: int | None
    backend: str
    records_total: int
    list_rows: int
    rows_refused: int
    pairs_likely: int
    pairs_uncertain: int
    error: str = Field(..., description="Why a failed run failed, in words (never a person's data)")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class NameOut(Schema):
    text: str
    script: str = Field(..., description="ar or lat")
    generated: bool = Field(..., description="A reading the platform generated, never typed by an officer")


class NumberOut(Schema):
    scheme: str
    value: str


class SideOut(Schema):
    kind: str = Field(..., description="person (registered) or row (of the uploaded list)")
    id: int
    names: list[NameOut]
    date_of_birth: str
    sex: str
    household: str
    household_id: int | None
    household_size: int | None
    head: str
    origin: str
    numbers: list[NumberOut]
    row_number: int | None


class EvidenceOut(Schema):
    comparison: str = Field(..., description="The engine's comparison (first, father, grandfather, family, birth_date, sex, household)")
    comparison_label: str = Field(..., description="The comparison in words, in the request's language")
    level: str = Field(..., description="The level the comparison reached, as the engine names it")
    level_label: str = Field(..., description="The level in words, in the request's language")
    weight: float = Field(..., description="Match weight: above 0 for the same person, below 0 against")


class PairOut(Schema):
    id: int
    run_id: int
    probability: float
    match_weight: float
    band: str = Field(..., description="likely or uncertain")
    decision: str = Field(..., description="pending, same, different or unsure")
    decided_at: dt.datetime | None
    left: SideOut
    right: SideOut
    evidence: list[EvidenceOut]
    merge_url: str | None = Field(None, description="The merge page, once the pair is decided the same person")


class PairPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PairOut]


class PairFilter(Schema):
    decision: str = Field("pending", description="pending, unsure, same, different or all")
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class DecisionIn(Schema):
    decision: str = Field(..., description="same, different or unsure")
    note: str = Field("", max_length=review.NOTE_MAX)


class DecisionOut(Schema):
    pair_id: int
    decision: str
    decided_at: dt.datetime | None
    decisions: int = Field(..., description="How many decisions the pair has had (the latest counts)")
    merge_url: str | None


def _run_out(linkage_run: LinkageRun) -> RunOut:
    run = linkage_run.run
    return RunOut(
        id=linkage_run.pk,
        working_group_id=linkage_run.working_group_id,
        kind=linkage_run.kind,
        status=run.status,
        stage=linkage_run.stage,
        stage_label=runs.stage_label(linkage_run.stage),
        done=run.done,
        total=run.total,
        percent=run.percent,
        backend=linkage_run.backend,
        records_total=linkage_run.records_total,
        list_rows=linkage_run.list_rows,
        rows_refused=linkage_run.rows_refused,
        pairs_likely=linkage_run.pairs_likely,
        pairs_uncertain=linkage_run.pairs_uncertain,
        error=linkage_run.error_message,
        created_at=linkage_run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
    )


def _side_out(side: selectors.Side) -> SideOut:
    return SideOut(
        kind=side.kind,
        id=side.pk,
        names=[NameOut(text=n.text, script=n.script, generated=n.generated) for n in side.names],
        date_of_birth=side.date_of_birth,
        sex=side.sex,
        household=side.household,
        household_id=side.household_id,
        household_size=side.household_size,
        head=side.head,
        origin=side.origin,
        numbers=[NumberOut(scheme=s, value=v) for s, v in side.numbers],
        row_number=side.row_number,
    )


def _pair_out(card: selectors.PairCard) -> PairOut:
    pair = card.pair
    return PairOut(
        id=pair.pk,
        run_id=pair.linkage_run_id,
        probability=pair.probability,
        match_weight=pair.match_weight,
        band=pair.band,
        decision=pair.decision,
        decided_at=pair.decided_at,
        left=_side_out(card.left),
        right=_side_out(card.right),
        evidence=[
            EvidenceOut(
                comparison=str(raw.get("comparison", "")),
                comparison_label=shown["label"],
                level=str(raw.get("level", "")),
                level_label=shown["level"],
                weight=float(raw.get("weight") or 0.0),
            )
            for raw, shown in zip(pair.evidence or [], card.evidence, strict=True)
        ],
        merge_url=card.merge_url,
    )


def _group(request: HttpRequest, wanted: int | None) -> Any:
    actor = request_actor(request)
    require(actor, "identity.run")
    groups = list(selectors.run_groups(actor=actor))
    if wanted is None and len(groups) == 1:
        return groups[0]
    for group in groups:
        if group.pk == wanted:
            return group
    if wanted is None:
        message = _("Say which working group's registry to check.")
        raise ServiceError(message, fields={"working_group": [message]})
    raise Http404


@router.post("/runs", response={202: RunOut})
def start_run(request: HttpRequest, payload: RunIn) -> tuple[int, RunOut]:
    actor = request_actor(request)
    group = _group(request, payload.working_group)
    linkage_run = runs.registry_run_start(actor=actor, working_group=group)
    return 202, _run_out(selectors.run_get(actor=actor, pk=linkage_run.pk))


@router.post("/runs/list", response={202: RunOut})
def start_list_run(request: HttpRequest, file: File[UploadedFile], working_group: Form[int | None] = None) -> tuple[int, RunOut]:
    """An uploaded list (CSV or .xlsx, multipart field ``file``) against the group's registry;
    a file that cannot be read or lacks the name columns answers 400 and queues nothing."""
    actor = request_actor(request)
    group = _group(request, working_group)
    if file.size is not None and file.size > records.MAX_LIST_BYTES:
        message = runs.list_problem_message("file_too_large")
        raise ServiceError(message, fields={"file": [message]}, code="file_refused")
    linkage_run = runs.list_run_start(actor=actor, working_group=group, file_name=file.name or "", content=file.read())
    return 202, _run_out(selectors.run_get(actor=actor, pk=linkage_run.pk))


@router.get("/runs", response=list[RunOut])
def list_runs(request: HttpRequest) -> list[RunOut]:
    actor = request_actor(request)
    if not (can(actor, "identity.run") or can(actor, "identity.review")):
        require(actor, "identity.review")  # answers 401 or 403
    return [_run_out(r) for r in selectors.run_list(actor=actor)[:50]]


@router.get("/runs/{pk}", response=RunOut)
def get_run(request: HttpRequest, pk: int) -> RunOut:
    actor = request_actor(request)
    return _run_out(selectors.run_get(actor=actor, pk=pk))


@router.get("/runs/{pk}/pairs", response=PairPage)
def list_pairs(request: HttpRequest, pk: int, filters: Query[PairFilter]) -> PairPage:
    actor = request_actor(request)
    linkage_run = selectors.run_get(actor=actor, pk=pk)
    require(actor, "identity.review", linkage_run)
    if filters.decision not in selectors.DECISION_FILTERS:
        message = _("Choose which pairs: pending, unsure, same, different or all.")
        raise ServiceError(message, fields={"decision": [message]})
    pairs = selectors.pair_queue(actor=actor, linkage_run=linkage_run, decision=filters.decision)
    limit = list_page_size(actor, filters.limit)
    page = list(pairs[filters.offset : filters.offset + limit])
    cards = selectors.pair_cards(actor=actor, pairs=page, linkage_run=linkage_run, action="identity.pairs_listed_api")
    return PairPage(count=pairs.count(), limit=limit, offset=filters.offset, items=[_pair_out(c) for c in cards])


@router.post("/pairs/{pk}/decision", response=DecisionOut)
def decide_pair(request: HttpRequest, pk: int, payload: DecisionIn) -> DecisionOut:
    actor = request_actor(request)
    pair = selectors.pair_get(actor=actor, pk=pk)
    review.pair_decide(actor=actor, pair=pair, decision=payload.decision, note=payload.note)
    return DecisionOut(
        pair_id=pair.pk,
        decision=pair.decision,
        decided_at=pair.decided_at,
        decisions=pair.decisions.count(),
        merge_url=selectors.merge_url(pair),
    )
