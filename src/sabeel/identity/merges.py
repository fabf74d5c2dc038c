"""Writes on merges (docs/eligibility.md rule 18): ``merge``, ``merge_decide`` (a protection
officer's join or refuse for a merge across households) and ``unmerge``.

A merge writes one row, the link, and changes nothing else: both records stay with everything
recorded for them, and the readers resolve the merged record to its survivor while the link is in
effect. So an unmerge ends the link and every read is again what it was before. Every write is
atomic, audited with ids only in the working group(s) of both records, and announces the
households whose facts changed (``households_changed``) so that the funnel snapshot refreshes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.core.roles import FieldGroup
from sabeel.core.signals import households_changed
from sabeel.identity.models import FamilyDecision, LinkState, PersonLink
from sabeel.registry.choices import HouseholdStatus, MemberStatus
from sabeel.registry.models import Individual
from sabeel.sharing.choices import ShareKind
from sabeel.sharing.services import AgreementRefused, agreement_require, people_covered, share_record
from sabeel.workgroups.models import Membership

__all__ = ["MERGE_ACTION", "PROTECTION_ACTION", "SHARED_CATEGORIES", "merge", "merge_decide", "unmerge"]

MERGE_ACTION = "identity.merge"
PROTECTION_ACTION = "consent.record"  # protection officers: the family decision on a merge across households
SHARED_CATEGORIES = (str(FieldGroup.NAMES_CONTACTS),)  # what a merge across groups discloses to the other group
REASON_MIN, REASON_MAX = 5, 500


def _reason(text: str, *, field: str = "reason") -> str:
    value = (text or "").strip()
    if len(value) < REASON_MIN:
        message = _("Give a reason (at least %(count)d characters).") % {"count": REASON_MIN}
        raise ServiceError(message, fields={field: [message]})
    return value[:REASON_MAX]


def _locked(person: Individual) -> Individual:
    return Individual.objects.select_for_update().select_related("household").get(pk=person.pk)


def _active_link_of(person_id: int) -> PersonLink | None:
    return PersonLink.objects.filter(merged_id=person_id, state__in=[LinkState.ACTIVE, LinkState.PENDING]).first()


def _record_ids(link: PersonLink) -> dict[str, Any]:
    return {
        "link_id": link.pk,
        "merged_id": link.merged_id,
        "survivor_id": link.survivor_id,
        "household_ids": sorted({link.merged.household_id, link.survivor.household_id}),
        "state": link.state,
    }


def _record(actor: Actor, action: str, link: PersonLink, **extra: Any) -> None:
    """One audit row in the working group of each record (ids and codes only, never the reasons)."""
    for group_id in sorted(link.groups()):
        audit.record(actor=actor, action=action, target=link, data={**_record_ids(link), **extra}, working_group_id=group_id)


def _share(actor: Actor, *, merged: Individual, survivor: Individual, agreement_id: int | None) -> tuple[Any, int]:
    """A merge across working groups discloses the merged record to the survivor's group: only under
    an active agreement of the merged record's group covering it; the share is logged."""
    who = as_actor(actor)
    membership = (
        Membership.objects.current().filter(user_id=who.user_id, working_group_id=survivor.household.working_group_id).first()
        if who.user_id is not None
        else None
    )
    recipient = membership.organisation_id if membership is not None else None
    agreement = agreement_require(
        actor,
        agreement_id=agreement_id,
        working_group=merged.household.working_group,
        purpose=None,
        categories=SHARED_CATEGORIES,
        recipient=recipient,
    )
    covered = people_covered(agreement, Individual.objects.filter(pk=merged.pk), recipient=recipient, categories=SHARED_CATEGORIES)
    if not covered.exists():
        raise AgreementRefused(_("This person has not consented to share their data under this agreement."))
    entry = share_record(
        actor=actor,
        kind=ShareKind.CROSS_GROUP_MERGE,
        agreement=agreement,
        recipient=recipient,
        individual_ids=[merged.pk],
        categories=SHARED_CATEGORIES,
    )
    return agreement, entry.pk


def _check_pair(pair: Any, *, merged: Individual, survivor: Individual, asked: set[int]) -> None:
    """A merge made from a reviewed pair names that pair's two registered records (the survivor
    may have been resolved to the record it is merged into)."""
    if pair is None:
        return
    from sabeel.identity.models import CandidatePair

    found = pair if isinstance(pair, CandidatePair) else CandidatePair.objects.filter(pk=pair).first()
    if found is None or found.right_individual_id is None:
        raise ServiceError(_("This pair does not name two registered records."))
    named = {found.left_id, found.right_individual_id}
    if named != asked:
        raise ServiceError(_("This pair names other records than the two being merged."))


def _snapshot(person: Individual) -> dict[str, Any]:
    return {"id": person.pk, "household_id": person.household_id, "status": person.status, "version": person.version}


@transaction.atomic
def merge(
    *,
    actor: Actor,
    survivor: Individual,
    merged: Individual,
    reason: str,
    pair: Any = None,
    agreement_id: int | None = None,
) -> PersonLink:
    """Record that ``merged`` is the same person as ``survivor``. A merge into a record that is itself
    merged is a merge into its survivor; a record merged (or pending) once cannot be merged again,
    nor a survivor of other records into another. Both records must be current members of open
    households. Within one household it takes effect at once; across households it waits for a
    protection officer (``merge_decide``); across working groups the actor needs ``identity.merge``
    in both and an active data-sharing agreement (``agreement_id``) of the merged record's group."""
    text = _reason(reason)
    require(actor, MERGE_ACTION, merged.household)
    require(actor, MERGE_ACTION, survivor.household)
    asked = {merged.pk, survivor.pk}
    onward = _active_link_of(survivor.pk)
    if onward is not None and onward.state == LinkState.ACTIVE:
        survivor = onward.survivor  # no chains: merge into the surviving identity
        require(actor, MERGE_ACTION, survivor.household)
    # Lock both rows in id order, so two merges of the same pair cannot interleave.
    first, second = sorted([merged, survivor], key=lambda p: p.pk)
    locked = {p.pk: p for p in (_locked(first), _locked(second))}
    merged, survivor = locked[merged.pk], locked[survivor.pk]
    if merged.pk == survivor.pk:
        raise ServiceError(_("These two records are already one person."))
    if _active_link_of(merged.pk) is not None:
        raise ServiceError(_("This record is already merged into another; unmerge it first."))
    survivor_link = _active_link_of(survivor.pk)
    if survivor_link is not None and survivor_link.state == LinkState.ACTIVE:
        # Merged meanwhile (between the first read and the lock): no chains, ask again.
        raise ServiceError(_("The surviving record was merged into another record meanwhile; start again."))
    if survivor_link is not None:
        raise ServiceError(_("The surviving record waits for a protection officer's decision on another merge."))
    if PersonLink.objects.filter(survivor_id=merged.pk, state__in=[LinkState.ACTIVE, LinkState.PENDING]).exists():
        raise ServiceError(_("Other records are merged into this one: merge the other record into it instead."))
    for person in (merged, survivor):
        if person.status != MemberStatus.ACTIVE or person.household.status != HouseholdStatus.OPEN:
            raise ServiceError(_("Both records must be current members of open households."))
    _check_pair(pair, merged=merged, survivor=survivor, asked=asked)
    crosses_households = merged.household_id != survivor.household_id
    crosses_groups = merged.household.working_group_id != survivor.household.working_group_id
    agreement, share_entry_id = (None, None)
    if crosses_groups:
        agreement, share_entry_id = _share(actor, merged=merged, survivor=survivor, agreement_id=agreement_id)
    now = timezone.now()
    link = PersonLink.objects.create(
        merged=merged,
        survivor=survivor,
        merged_group_id=merged.household.working_group_id,
        survivor_group_id=survivor.household.working_group_id,
        state=LinkState.PENDING if crosses_households else LinkState.ACTIVE,
        reason=text,
        merged_by_id=as_actor(actor).user_id,
        pair_id=getattr(pair, "pk", pair),
        crosses_households=crosses_households,
        crosses_groups=crosses_groups,
        agreement=agreement,
        share_entry_id=share_entry_id,
        effective_at=None if crosses_households else now,
        snapshot={"merged": _snapshot(merged), "survivor": _snapshot(survivor)},
    )
    _record(actor, "identity.merged", link, agreement_id=getattr(agreement, "pk", None), pair_id=link.pair_id)
    households_changed([merged.household_id, survivor.household_id])
    return link


@transaction.atomic
def merge_decide(*, actor: Actor, link: PersonLink, decision: str, reason: str) -> PersonLink:
    """A protection officer's decision on a merge across households: ``join`` (the person belongs to
    the surviving record's household and the other household is split from them; the merge takes
    effect) or ``refuse`` (the merge is not made). Needs ``consent.record`` for both households.
    A join fails closed when either record is no longer a current member of an open household
    (it left, or a file closed, while the merge waited): refuse it, or unmerge and propose again."""
    text = _reason(reason)
    current = PersonLink.objects.select_for_update().select_related("merged__household", "survivor__household").get(pk=link.pk)
    require(actor, PROTECTION_ACTION, current.merged.household)
    require(actor, PROTECTION_ACTION, current.survivor.household)
    if current.state != LinkState.PENDING:
        raise ServiceError(_("This merge does not wait for a decision."))
    if decision not in FamilyDecision.values:
        message = _("Choose join or refuse.")
        raise ServiceError(message, fields={"decision": [message]})
    officer = as_actor(actor).user_id
    if officer is None:
        raise ServiceError(_("Only a protection officer can decide on a family change."))
    if decision == FamilyDecision.JOIN:
        # Fail closed: the facts the merge was proposed on must still hold when it takes effect.
        for person in (current.merged, current.survivor):
            if person.status != MemberStatus.ACTIVE or person.household.status != HouseholdStatus.OPEN:
                raise ServiceError(
                    _("One of the two records is no longer a current member of an open household: refuse, or unmerge and propose again.")
                )
    now = timezone.now()
    current.decision, current.decision_reason, current.decided_by_id, current.decided_at = decision, text, officer, now
    if decision == FamilyDecision.JOIN:
        current.state, current.effective_at = LinkState.ACTIVE, now
    else:
        current.state = LinkState.REFUSED
    current.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at", "state", "effective_at", "updated_at"])
    _record(actor, "identity.merge_decided", current, decision=decision)
    households_changed([current.merged.household_id, current.survivor.household_id])
    return current


@transaction.atomic
def unmerge(*, actor: Actor, link: PersonLink, reason: str) -> PersonLink:
    """Undo a merge (in effect or pending): the link ends, and every read is again what it was
    before the merge. Needs ``identity.merge`` in the groups of both records."""
    text = _reason(reason)
    current = PersonLink.objects.select_for_update().select_related("merged__household", "survivor__household").get(pk=link.pk)
    require(actor, MERGE_ACTION, current.merged.household)
    require(actor, MERGE_ACTION, current.survivor.household)
    if current.state not in (LinkState.ACTIVE, LinkState.PENDING):
        raise ServiceError(_("This merge is not in effect."))
    current.state = LinkState.REVERSED
    current.unmerged_by_id, current.unmerged_at, current.unmerge_reason = as_actor(actor).user_id, timezone.now(), text
    current.save(update_fields=["state", "unmerged_by", "unmerged_at", "unmerge_reason", "updated_at"])
    _record(actor, "identity.unmerged", current)
    households_changed([current.merged.household_id, current.survivor.household_id])
    return current
