"""Reads on merges, always scoped to the actor: a link is visible to whoever may ``identity.merge``
(or, for the decisions list, ``consent.record``) in the working group of either of its records.

``survivor_id`` / ``survivors`` resolve a record to its surviving identity (the one rule every
reader follows: a merged record reads as its survivor while the link is in effect); for readers
that stay in SQL, ``merged_away`` (the records that are not a person on their own), ``identity_of``
(an expression: a record's surviving identity) and ``same_person`` (a filter: the records of the
person whose identity is given) say the same thing as subqueries.

``merge_sides`` puts two records side by side for the merge pages and the API: names and facts of
a record only where the actor may see names in that record's working group (a record of another
group shows its id and nothing else), with one read-log row of the ids shown in each working group
whose people are shown, never a name; ``merges_sides`` does the same for a page of merges (the
pending merges, ``merges_pending``).
``person_links`` is a person's whole link history (every state), ``merge_agreements`` the
agreements a merge across groups may be made under."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from sabeel.core import audit, throttle
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import NotSignedIn
from sabeel.core.models import ActorKind
from sabeel.core.permissions import can, groups_for, require, visible_field_groups
from sabeel.core.roles import FieldGroup
from sabeel.identity.models import LinkState, PersonLink
from sabeel.identity.selectors import Side, _people_sides
from sabeel.registry.models import Individual
from sabeel.sharing.choices import AgreementStatus
from sabeel.sharing.models import Agreement

__all__ = [
    "MergeSides",
    "PersonMerges",
    "identity_of",
    "link_get",
    "links_visible",
    "merge_agreements",
    "merge_person_get",
    "merge_sides",
    "merged_away",
    "merges_pending",
    "merges_pending_decision",
    "merges_sides",
    "person_links",
    "person_merges",
    "same_person",
    "survivor_id",
    "survivors",
]


def survivors(ids: Iterable[int]) -> dict[int, int]:
    """Every id mapped to its surviving identity (itself when it is not merged). No chains exist,
    so one query answers."""
    wanted = {int(i) for i in ids}
    found = dict(
        PersonLink.objects.filter(merged_id__in=wanted, state=LinkState.ACTIVE).values_list("merged_id", "survivor_id")
    )
    return {pk: found.get(pk, pk) for pk in wanted}


def survivor_id(pk: int) -> int:
    return survivors([pk])[pk]


def merged_away() -> QuerySet[PersonLink, Any]:
    """The ids (``merged_id``) of the records merged into another while the merge is in effect: a
    subquery for ``pk__in``. Such a record is not a member of its household on its own; the person
    counts once, as the survivor."""
    return PersonLink.objects.filter(state=LinkState.ACTIVE).values("merged_id")


def identity_of(field: str = "pk") -> Coalesce:
    """An expression for a queryset naming records in ``field``: the record's surviving identity
    (itself when it is not merged). Annotate with it, then match ``same_person`` against it."""
    survivor = PersonLink.objects.filter(state=LinkState.ACTIVE, merged_id=OuterRef(field)).values("survivor_id")[:1]
    return Coalesce(Subquery(survivor), F(field))


def same_person(field: str, identity: Any) -> Q:
    """``field`` names one of the records of the person whose surviving identity is ``identity``
    (an id, or an ``OuterRef`` to an ``identity_of`` annotation): that record itself or a record
    merged into it while the merge is in effect. No chains exist, so this is every record."""
    # Inside the links subquery an outer reference reaches one query further out.
    inner: Any = OuterRef(identity) if isinstance(identity, OuterRef) else identity
    merged = PersonLink.objects.filter(state=LinkState.ACTIVE, survivor_id=inner).values("merged_id")
    return Q(**{field: identity}) | Q(**{f"{field}__in": merged})


def _related() -> tuple[str, ...]:
    return ("merged__household", "survivor__household", "merged_by", "decided_by", "unmerged_by", "agreement")


def links_visible(actor: Actor, action: str = "identity.merge", *more: str) -> QuerySet[PersonLink]:
    """Links the actor may see: one of the two records is in a group where they may ``action``
    (or any of ``more``)."""
    who = as_actor(actor)
    if not who.is_authenticated:
        raise NotSignedIn
    queryset = PersonLink.objects.select_related(*_related())
    if who.kind == ActorKind.SYSTEM:
        return queryset
    groups = set().union(*(groups_for(who, each) for each in (action, *more)))
    return queryset.filter(Q(merged_group_id__in=groups) | Q(survivor_group_id__in=groups))


def link_get(*, actor: Actor, pk: int) -> PersonLink:
    try:
        return links_visible(actor).get(pk=pk)
    except PersonLink.DoesNotExist as exc:
        raise Http404 from exc


def merges_pending_decision(*, actor: Actor) -> QuerySet[PersonLink]:
    """The merges across households waiting for a protection officer, oldest first."""
    return links_visible(actor, "consent.record").filter(state=LinkState.PENDING).order_by("created_at", "pk")


def merges_pending(*, actor: Actor) -> QuerySet[PersonLink]:
    """Every merge still waiting (across households: for a protection officer's join or refuse)
    that the actor may see: one of its records is in a group where they may ``identity.merge`` or
    ``consent.record``; oldest first. 403 for a role with neither action anywhere. Not audited
    here: ``merges_sides`` reads the names of a page and audits it."""
    who = as_actor(actor)
    if not (can(who, "identity.merge") or can(who, "consent.record")):
        require(who, "identity.merge")
    return links_visible(who, "identity.merge", "consent.record").filter(state=LinkState.PENDING).order_by("created_at", "pk")


@dataclass(frozen=True)
class PersonMerges:
    """For a person's page: the link that merged this record into another (in effect or pending),
    and the links of the records merged into it."""

    merged_into: PersonLink | None
    also_registered_as: tuple[PersonLink, ...]


def person_merges(*, actor: Actor, individual: Individual) -> PersonMerges:
    links = list(
        links_visible(actor, "person.view")
        .filter(Q(merged=individual) | Q(survivor=individual), state__in=[LinkState.ACTIVE, LinkState.PENDING])
        .order_by("pk")
    )
    into = next((link for link in links if link.merged_id == individual.pk), None)
    return PersonMerges(merged_into=into, also_registered_as=tuple(link for link in links if link.survivor_id == individual.pk))


def person_links(*, actor: Actor, individual: Individual) -> QuerySet[PersonLink]:
    """Every link naming this record (merged or survivor, in every state), newest first."""
    return links_visible(actor).filter(Q(merged=individual) | Q(survivor=individual)).order_by("-created_at", "-pk")


def merge_person_get(*, actor: Actor, pk: int) -> Individual:
    """A record the actor may merge (``identity.merge`` in its group): 403 for a role without the
    action anywhere, 404 for a record of another group."""
    require(actor, "identity.merge")
    who = as_actor(actor)
    queryset = Individual.objects.select_related("household", "household__working_group")
    if who.kind != ActorKind.SYSTEM:
        queryset = queryset.filter(household__working_group_id__in=groups_for(who, "identity.merge"))
    try:
        return queryset.get(pk=pk)
    except Individual.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class MergeSides:
    """Two records side by side (``first``, ``second`` in the order asked); a side is ``None``
    where the actor may not see names in that record's working group."""

    first: Side | None
    second: Side | None
    first_id: int
    second_id: int


def _sides(actor: Actor, people: Iterable[Individual]) -> tuple[dict[int, Side], list[Individual]]:
    """The names and facts of the records whose names the actor may see in their group, and
    those records (each once)."""
    shown: dict[int, Individual] = {}
    documents: set[int] = set()
    for person in people:
        if person.pk in shown:
            continue
        groups = visible_field_groups(actor, person.household)
        if FieldGroup.NAMES_CONTACTS in groups:
            shown[person.pk] = person
            if FieldGroup.DOCUMENTS in groups:
                documents.add(person.pk)
    with_documents = _people_sides({pk for pk in shown if pk in documents}, documents=True)
    without = _people_sides({pk for pk in shown if pk not in documents}, documents=False)
    return {**without, **with_documents}, list(shown.values())


def _shown_by_group(shown: Iterable[Individual]) -> dict[int, list[int]]:
    """The records shown, by working group (a merge across groups shows people of two groups: each
    group's read log has its own row, with the ids of its own people)."""
    by_group: dict[int, list[int]] = {}
    for person in shown:
        by_group.setdefault(person.household.working_group_id, []).append(person.pk)
    return by_group


def merge_sides(
    *, actor: Actor, first: Individual, second: Individual, action: str, target: Any = None, data: dict[str, Any] | None = None
) -> MergeSides:
    """The two records' names and facts, read and audited: one read-log row per working group whose
    people are shown, with the ids of that group's records."""
    sides, shown = _sides(actor, (first, second))
    for group_id, ids in _shown_by_group(shown).items():
        audit.record_read(actor=actor, action=action, ids=ids, target=target, working_group_id=group_id, data=data or {})
    return MergeSides(first=sides.get(first.pk), second=sides.get(second.pk), first_id=first.pk, second_id=second.pk)


def merges_sides(*, actor: Actor, links: list[PersonLink], action: str) -> dict[int, MergeSides]:
    """A page of merges (a list page, ``core.throttle``), each with its two records side by side
    (merged first): read and audited with one read-log row per working group whose people are
    shown, with the ids of that group's records and the links they belong to."""
    throttle.list_page_check(actor)
    sides, shown = _sides(actor, (person for link in links for person in (link.merged, link.survivor)))
    shown_ids = {person.pk for person in shown}
    for group_id, ids in _shown_by_group(shown).items():
        mine = set(ids)
        link_ids = [link.pk for link in links if {link.merged_id, link.survivor_id} & mine]
        audit.record_read(
            actor=actor, action=action, ids=ids, working_group_id=group_id, is_list=True, data={"link_ids": link_ids}
        )
    return {
        link.pk: MergeSides(
            first=sides.get(link.merged_id) if link.merged_id in shown_ids else None,
            second=sides.get(link.survivor_id) if link.survivor_id in shown_ids else None,
            first_id=link.merged_id,
            second_id=link.survivor_id,
        )
        for link in links
    }


def merge_agreements(*, merged: Individual, survivor: Individual) -> list[Agreement]:
    """For a merge across working groups: the active agreements of the merged record's group (the
    service checks the one chosen: dates, categories, recipient, the person's consent)."""
    if merged.household.working_group_id == survivor.household.working_group_id:
        return []
    return list(
        Agreement.objects.filter(working_group_id=merged.household.working_group_id, status=AgreementStatus.ACTIVE).order_by("reference")
    )
