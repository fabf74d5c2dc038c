"""API for merges and unmerges (mounted by ``config/api.py`` at ``/api/identity``;
docs/eligibility.md rule 18).

``POST /merges`` records that one record (``merged_id``) is the same person as another
(``survivor_id``), with a reason (``identity.merge`` in the groups of both; across working groups
also ``agreement_id``, an active data-sharing agreement of the merged record's group): 201 with the
link, in effect at once within one household, pending a protection officer's decision across
households. ``GET /merges/{id}`` answers the link with both records side by side (names only where
the caller may see names in that record's group; the read is logged with the ids shown).
``GET /merges/pending`` lists the merges still waiting (across households: for a protection
officer's join or refuse), oldest first, paged, to whoever may ``identity.merge`` or
``consent.record`` in the group of either record, each with both records side by side as above and
whether the caller may decide it; every page is logged in the read log of each group whose people
it shows. ``POST /merges/{id}/decision`` is a protection officer's ``join`` or ``refuse`` with a reason;
``POST /merges/{id}/unmerge`` ends the link with a reason. Writes are audited with ids only. A link
or record of another group answers 404; a role without the action 403; a refusal 400 with the
reason in words."""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from sabeel.core.actors import request_actor
from sabeel.core.permissions import can, require
from sabeel.core.throttle import list_page_size
from sabeel.identity import links, merges
from sabeel.identity.api import MAX_PAGE, SideOut, _side_out
from sabeel.identity.models import PersonLink
from sabeel.identity.selectors import pair_get

router = Router(tags=["identity"])


class MergeIn(Schema):
    survivor_id: int = Field(..., description="The record that stays the person's identity")
    merged_id: int = Field(..., description="The record that is the same person (it stays on file, linked)")
    reason: str = Field(..., min_length=1, max_length=merges.REASON_MAX)
    pair_id: int | None = Field(None, description="The reviewed pair this merge comes from, if any")
    agreement_id: int | None = Field(None, description="Across working groups: the merged record's group's data-sharing agreement")


class DecisionIn(Schema):
    decision: str = Field(..., description="join (the person belongs to the survivor's household) or refuse")
    reason: str = Field(..., min_length=1, max_length=merges.REASON_MAX)


class UnmergeIn(Schema):
    reason: str = Field(..., min_length=1, max_length=merges.REASON_MAX)


class MergeOut(Schema):
    id: int
    state: str = Field(..., description="pending, active, refused or reversed")
    merged_id: int
    survivor_id: int
    merged_household_id: int
    survivor_household_id: int
    crosses_households: bool
    crosses_groups: bool
    agreement_id: int | None
    pair_id: int | None
    created_at: dt.datetime
    effective_at: dt.datetime | None
    decision: str
    decided_at: dt.datetime | None
    unmerged_at: dt.datetime | None
    merged: SideOut | None = Field(None, description="The merged record's names and facts (absent where you may not see them)")
    survivor: SideOut | None = Field(None, description="The surviving record's names and facts (absent where you may not see them)")


class PendingMergeOut(MergeOut):
    may_decide: bool = Field(..., description="You may record the join or refuse (consent.record in the groups of both records)")


class PendingPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PendingMergeOut]


class PageIn(Schema):
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


def _out(link: PersonLink, sides: links.MergeSides | None = None) -> MergeOut:
    return MergeOut(
        id=link.pk,
        state=link.state,
        merged_id=link.merged_id,
        survivor_id=link.survivor_id,
        merged_household_id=link.merged.household_id,
        survivor_household_id=link.survivor.household_id,
        crosses_households=link.crosses_households,
        crosses_groups=link.crosses_groups,
        agreement_id=link.agreement_id,
        pair_id=link.pair_id,
        created_at=link.created_at,
        effective_at=link.effective_at,
        decision=link.decision,
        decided_at=link.decided_at,
        unmerged_at=link.unmerged_at,
        merged=_side_out(sides.first) if sides is not None and sides.first is not None else None,
        survivor=_side_out(sides.second) if sides is not None and sides.second is not None else None,
    )


def _link(request: HttpRequest, pk: int, action: str = merges.MERGE_ACTION) -> PersonLink:
    actor = request_actor(request)
    require(actor, action)  # 403 for a role without it, before any lookup
    if action == merges.MERGE_ACTION:
        return links.link_get(actor=actor, pk=pk)
    try:
        return links.links_visible(actor, action).get(pk=pk)
    except PersonLink.DoesNotExist as exc:
        raise Http404 from exc


@router.post("/merges", response={201: MergeOut})
def merge(request: HttpRequest, payload: MergeIn) -> tuple[int, MergeOut]:
    actor = request_actor(request)
    merged = links.merge_person_get(actor=actor, pk=payload.merged_id)
    survivor = links.merge_person_get(actor=actor, pk=payload.survivor_id)
    pair = pair_get(actor=actor, pk=payload.pair_id) if payload.pair_id is not None else None
    link = merges.merge(
        actor=actor, survivor=survivor, merged=merged, reason=payload.reason, pair=pair, agreement_id=payload.agreement_id
    )
    return 201, _out(links.link_get(actor=actor, pk=link.pk))


@router.get("/merges/pending", response=PendingPage)
def pending_merges(request: HttpRequest, page: Query[PageIn]) -> PendingPage:
    actor = request_actor(request)
    waiting = links.merges_pending(actor=actor)
    limit = list_page_size(actor, page.limit)
    found = list(waiting[page.offset : page.offset + limit])
    sides = links.merges_sides(actor=actor, links=found, action="identity.merges_pending_listed_api")
    items = [
        PendingMergeOut(
            **_out(link, sides[link.pk]).model_dump(),
            may_decide=all(can(actor, merges.PROTECTION_ACTION, r.household) for r in (link.merged, link.survivor)),
        )
        for link in found
    ]
    return PendingPage(count=waiting.count(), limit=limit, offset=page.offset, items=items)


@router.get("/merges/{pk}", response=MergeOut)
def get_merge(request: HttpRequest, pk: int) -> MergeOut:
    actor = request_actor(request)
    link = _link(request, pk)
    sides = links.merge_sides(
        actor=actor, first=link.merged, second=link.survivor, action="identity.merge_viewed_api", target=link,
        data={"link_id": link.pk},
    )  # fmt: skip
    return _out(link, sides)


@router.post("/merges/{pk}/decision", response=MergeOut)
def decide(request: HttpRequest, pk: int, payload: DecisionIn) -> MergeOut:
    actor = request_actor(request)
    link = _link(request, pk, merges.PROTECTION_ACTION)
    done = merges.merge_decide(actor=actor, link=link, decision=payload.decision, reason=payload.reason)
    return _out(links.links_visible(actor, merges.PROTECTION_ACTION).get(pk=done.pk))


@router.post("/merges/{pk}/unmerge", response=MergeOut)
def unmerge(request: HttpRequest, pk: int, payload: UnmergeIn) -> MergeOut:
    actor = request_actor(request)
    link = _link(request, pk)
    done = merges.unmerge(actor=actor, link=link, reason=payload.reason)
    return _out(links.link_get(actor=actor, pk=done.pk))
