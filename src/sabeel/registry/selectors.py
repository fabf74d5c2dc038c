"""Reads of the registry, scoped by ``visible_to`` and redacted by field group.

Every read that returns names is audited in the read log (``audit.record_read``, one row per
request, ids only, no chain lock): opening a household's file, its history or its printable record
(``person.viewed``, ``person.history_viewed``, ``person.printed``) and each page of the household
list (``registry.households_listed``, the ids on the page). List pages are bounded by
``core.throttle`` for roles without ``person.export`` (at most 50 rows, a limited number of pages
per window)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from sabeel.core import audit, throttle
from sabeel.core.actors import Actor
from sabeel.core.permissions import can, get_visible, groups_for, require, visible_field_groups, visible_to
from sabeel.core.roles import FieldGroup
from sabeel.registry.choices import MemberStatus, Relationship
from sabeel.registry.fieldgroups import NAME_FIELDS, allowed_fields, keep
from sabeel.registry.filters import households_filter
from sabeel.registry.models import ExternalId, Household, Individual, Phone, RecordVersion
from sabeel.registry.versions import VersionEntry, version_entries
from sabeel.workgroups.models import WorkingGroup

__all__ = [
    "HouseholdRow",
    "allowed_fields",
    "can_see_history",
    "can_update",
    "household_file",
    "household_get",
    "household_history",
    "household_list",
    "household_members",
    "household_rows",
    "household_viewed",
    "individual_file",
    "individual_get",
    "members_by_id",
    "registration_groups",
]

MEMBER_FIELDS = (
    "id",
    "version",
    "relationship",
    "sex",
    "date_of_birth",
    "dob_precision",
    "status",
    "status_reason",
    *NAME_FIELDS,
    "generated_names",
    "documents_held",
    "documents_missing",
    "specific_needs",
    "sensitive_needs",
)


def registration_groups(*, actor: Actor) -> QuerySet[WorkingGroup]:
    """Host-country groups where the actor may register households."""
    return WorkingGroup.objects.filter(pk__in=groups_for(actor, "person.create"), host_country__isnull=False).order_by("code")


def household_list(*, actor: Actor, **filters: Any) -> QuerySet[Household]:
    """Households the actor may see, newest first, filtered (``filters.HouseholdFilterForm``).

    A list page: refused with ``ReadLimited`` once an actor who may not export has read their
    allowance of pages in the window."""
    require(actor, "person.view")
    throttle.list_page_check(actor)
    households = visible_to(actor, Household.objects.all()).select_related("current_location", "origin", "working_group")
    if filters.get("need"):
        groups = WorkingGroup.objects.filter(pk__in=groups_for(actor, "person.view"))
        filters["need_groups"] = {g.pk for g in groups if FieldGroup.SPECIFIC_NEEDS in visible_field_groups(actor, g)}
    return households_filter(households, **filters).order_by("-pk")


@dataclass(frozen=True)
class HouseholdRow:
    household: Household
    head: dict[str, Any]
    members: int


def household_rows(*, actor: Actor, households: Iterable[Household]) -> list[HouseholdRow]:
    """One row per household for a list: the head's redacted names and the number of current
    members (one query for all rows). Rows carry no protection-case field, so each is redacted
    against its working group. The page is audited as one read (the households' ids)."""
    households = list(households)
    groups = {h.working_group_id for h in households}
    audit.record_read(
        actor=actor,
        action="registry.households_listed",
        ids=[h.pk for h in households],
        is_list=True,
        working_group_id=next(iter(groups)) if len(groups) == 1 else None,
    )
    members = Individual.objects.filter(household__in=households, status=MemberStatus.ACTIVE).values(
        "household_id", "relationship", *NAME_FIELDS
    )
    heads: dict[int, dict[str, Any]] = {}
    counts: dict[int, int] = {}
    for member in members:
        counts[member["household_id"]] = counts.get(member["household_id"], 0) + 1
        if member["relationship"] == Relationship.HEAD:
            heads[member["household_id"]] = member
    allowed: dict[int, frozenset[str]] = {}
    rows = []
    for household in households:
        if household.working_group_id not in allowed:
            allowed[household.working_group_id] = allowed_fields(actor, household.working_group)
        head = {k: v for k, v in heads.get(household.pk, {}).items() if k in NAME_FIELDS}
        rows.append(HouseholdRow(household, keep(head, allowed[household.working_group_id]), counts.get(household.pk, 0)))
    return rows


def household_get(*, actor: Actor, pk: int, action: str = "person.view", audit_as: str | None = "person.viewed") -> Household:
    """One household (404 for another group's), audited as a view of the file unless
    ``audit_as`` is None (a form that only loads it to change it)."""
    require(actor, action)  # a role without the action anywhere: 403; another group's household: 404
    household = get_visible(
        actor,
        Household.objects.select_related("working_group", "current_location", "origin", "destination"),
        action,
        pk=pk,
    )
    if audit_as:
        household_viewed(actor=actor, household=household, action=audit_as)
    return household


def household_viewed(*, actor: Actor, household: Household, action: str = "person.viewed") -> None:
    """Record that the actor opened the household's file (ids only, in the read log)."""
    audit.record_read(actor=actor, action=action, target=household, ids=[household.pk])


def _unit(unit: Any) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"key": unit.key, "name_en": unit.name_en, "name_ar": unit.name_ar, "level": unit.level, "country": unit.country}


def household_file(*, actor: Actor, household: Household) -> dict[str, Any]:
    """The household's file as the actor may see it: household fields, phones, identifiers and
    members, every hidden field group left out (not masked). The members come head first."""
    allowed = allowed_fields(actor, household)
    members = list(household.members.order_by("status", "pk").values(*MEMBER_FIELDS))
    ids: dict[int | None, list[dict[str, str]]] = {}
    for row in ExternalId.objects.filter(household=household, is_active=True).order_by("pk").values("individual_id", "scheme", "value"):
        ids.setdefault(row["individual_id"], []).append({"scheme": row["scheme"], "value": row["value"]})
    members.sort(key=lambda m: (m["status"] != MemberStatus.ACTIVE, m["relationship"] != Relationship.HEAD, m["id"]))
    values = {
        "id": household.pk,
        "registration_number": household.registration_number,
        "working_group_id": household.working_group_id,
        "host_country": household.host_country,
        "status": household.status,
        "closed_reason": household.closed_reason,
        "closed_at": household.closed_at,
        "version": household.version,
        "preferred_language": household.preferred_language,
        "current_location": _unit(household.current_location),
        "origin": _unit(household.origin),
        "destination": _unit(household.destination),
        "created_at": household.created_at,
        "phones": list(
            Phone.objects.filter(household=household, is_active=True).order_by("-is_primary", "pk").values_list("number", flat=True)
        ),
        "external_ids": ids.get(None, []),
        "protection_notes": household.protection_notes,
        "members": [
            keep({**m, "external_ids": ids.get(m["id"], [])}, allowed) for m in members
        ],
    }
    return keep(values, allowed)


def household_history(*, actor: Actor, household: Household) -> list[VersionEntry]:
    """The household's versions, newest first, redacted like the record; audited."""
    require(actor, "person.history", household)
    versions = visible_to(actor, RecordVersion.objects.filter(household=household), "person.history").order_by("-at", "-pk")
    entries = version_entries(actor, household, list(versions))
    audit.record_read(
        actor=actor, action="person.history_viewed", target=household, ids=[household.pk], count=len(entries)
    )
    return entries


def individual_get(*, actor: Actor, pk: int, action: str = "person.view", audit_as: str | None = "person.viewed") -> Individual:
    """One person (404 for another group's), audited as a view of the file."""
    require(actor, action)
    person = get_visible(actor, Individual.objects.select_related("household__working_group"), action, pk=pk)
    if audit_as:
        audit.record_read(
            actor=actor,
            action=audit_as,
            target=person.household,
            ids=[person.household_id],
            data={"individual_id": person.pk},
        )
    return person


def individual_file(*, actor: Actor, individual: Individual) -> dict[str, Any]:
    """One person's fields as the actor may see them."""
    household = individual.household
    allowed = allowed_fields(actor, household)
    values = {name: getattr(individual, name) for name in MEMBER_FIELDS}
    values["household_id"] = household.pk
    values["registration_number"] = household.registration_number
    values["external_ids"] = [
        {"scheme": s, "value": v}
        for s, v in ExternalId.objects.filter(individual=individual, is_active=True).order_by("pk").values_list("scheme", "value")
    ]
    return keep(values, allowed)


def household_members(*, actor: Actor, household: Household) -> list[Individual]:
    """The household's member rows (for forms); the caller redacts what it shows."""
    require(actor, "person.view", household)
    return list(household.members.order_by("pk"))


def can_update(*, actor: Actor, household: Household) -> bool:
    return can(actor, "person.update", household)


def can_see_history(*, actor: Actor, household: Household) -> bool:
    return can(actor, "person.history", household)


def members_by_id(members: Sequence[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    return {m["id"]: m for m in members}
