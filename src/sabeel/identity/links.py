"""Reads on merges, always scoped to the actor: a link is visible to whoever may ``identity.merge``
(or, for the decisions list, ``consent.record``) in the working group of either of its records.

``survivor_id`` / ``survivors`` resolve a record to its surviving identity (the one rule every
reader follows: a merged record reads as its survivor while the link is in effect)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from sabeel.core.actors import as_actor
from sabeel.core.exceptions import NotSignedIn
from sabeel.core.models import ActorKind
from sabeel.core.permissions import groups_for
from sabeel.identity.models import LinkState, PersonLink
from sabeel.registry.models import Individual

__all__ = [
    "PersonMerges",
    "link_get",
    "links_visible",
    "merges_pending_decision",
    "person_merges",
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


def _related() -> tuple[str, ...]:
    return ("merged__household", "survivor__household", "merged_by", "decided_by", "unmerged_by", "agreement")


def links_visible(actor: Any, action: str = "identity.merge") -> QuerySet[PersonLink]:
    """Links the actor may see: one of the two records is in a group where they may ``action``."""
    who = as_actor(actor)
    if not who.is_authenticated:
        raise NotSignedIn
    queryset = PersonLink.objects.select_related(*_related())
    if who.kind == ActorKind.SYSTEM:
        return queryset
    groups = groups_for(who, action)
    return queryset.filter(Q(merged_group_id__in=groups) | Q(survivor_group_id__in=groups))


def link_get(*, actor: Any, pk: int) -> PersonLink:
    try:
        return links_visible(actor).get(pk=pk)
    except PersonLink.DoesNotExist as exc:
        raise Http404 from exc


def merges_pending_decision(*, actor: Any) -> QuerySet[PersonLink]:
    """The merges across households waiting for a protection officer, oldest first."""
    return links_visible(actor, "consent.record").filter(state=LinkState.PENDING).order_by("created_at", "pk")


@dataclass(frozen=True)
class PersonMerges:
    """For a person's page: the link that merged this record into another (in effect or pending),
    and the links of the records merged into it."""

    merged_into: PersonLink | None
    also_registered_as: tuple[PersonLink, ...]


def person_merges(*, actor: Any, individual: Individual) -> PersonMerges:
    links = list(
        links_visible(actor, "person.view")
        .filter(Q(merged=individual) | Q(survivor=individual), state__in=[LinkState.ACTIVE, LinkState.PENDING])
        .order_by("pk")
    )
    into = next((link for link in links if link.merged_id == individual.pk), None)
    return PersonMerges(merged_into=into, also_registered_as=tuple(link for link in links if link.survivor_id == individual.pk))
