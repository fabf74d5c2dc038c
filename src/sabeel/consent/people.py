"""How the work queues name people: by name, for a role that may see names in the person's working
group (in the active language's script, the other script when that one is empty), else by their
place in the household ("Spouse"), never by a database id. Reading names for a queue is audited
by the caller as one read row (ids and count only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language

from sabeel.core.actors import Actor
from sabeel.core.permissions import visible_field_groups
from sabeel.core.roles import FieldGroup
from sabeel.registry.choices import Relationship
from sabeel.registry.fieldgroups import NAME_FIELDS
from sabeel.registry.models import Household, Individual

__all__ = ["display_name", "queue_names"]


def display_name(values: dict[str, Any]) -> str:
    """First, father's and family name in the active language's script (or the other one)."""
    scripts = ("ar", "lat") if (get_language() or "").startswith("ar") else ("lat", "ar")
    for script in scripts:
        parts = [str(values.get(f"{p}_{script}") or "") for p in ("first_name", "father_name", "family_name")]
        text = " ".join(p for p in parts if p).strip()
        if text:
            return text
    return ""


def _place(relationship: str) -> str:
    try:
        return str(Relationship(relationship).label)
    except ValueError:
        return "—"


def queue_names(*, actor: Actor, people: Iterable[tuple[int, Household]]) -> dict[int, str]:
    """Names of ``people`` (person id, their household) as ``actor`` may read them. The field
    groups are asked once per working group (names do not depend on a case assignment), so the
    queries do not grow with the queue."""
    wanted = dict(people)
    if not wanted:
        return {}
    may_name: dict[int, bool] = {}
    for household in wanted.values():
        if household.working_group_id not in may_name:
            may_name[household.working_group_id] = FieldGroup.NAMES_CONTACTS in visible_field_groups(actor, household)
    rows = Individual.objects.filter(pk__in=wanted).only("id", "household_id", "relationship", *NAME_FIELDS)
    names: dict[int, str] = {}
    for person in rows:
        group_id = wanted[person.pk].working_group_id
        name = display_name({f: getattr(person, f) for f in NAME_FIELDS}) if may_name.get(group_id) else ""
        names[person.pk] = name or _place(person.relationship)
    return names
