"""Which field group each person-level field belongs to.

Every registry response (page, API, search result, version history, print) passes its values
through ``core.permissions.redact`` with this map; a field of a group the actor may not see is
left out, never masked. Fields not named here (sex, date of birth, relationship, status,
locations, registration number) are seen by every role that may open the file at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sabeel.core.actors import Actor
from sabeel.core.permissions import redact
from sabeel.core.roles import FieldGroup

__all__ = [
    "FIELD_GROUPS",
    "HOUSEHOLD_FIELD_GROUPS",
    "INDIVIDUAL_FIELD_GROUPS",
    "NAME_FIELDS",
    "NAME_FIELDS_AR",
    "NAME_FIELDS_LAT",
    "allowed_fields",
    "fields_of",
    "keep",
]

NAME_FIELDS_AR = ("first_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar")
NAME_FIELDS_LAT = ("first_name_lat", "father_name_lat", "grandfather_name_lat", "family_name_lat")
NAME_FIELDS = NAME_FIELDS_AR + NAME_FIELDS_LAT

INDIVIDUAL_FIELD_GROUPS: dict[str, FieldGroup] = {
    **dict.fromkeys(NAME_FIELDS, FieldGroup.NAMES_CONTACTS),
    # The generated other-script reading is a name; the reason an officer gave for registering a
    # person although likely matches were shown may name people (its note), so it is one too.
    "generated_names": FieldGroup.NAMES_CONTACTS,
    "duplicate_check": FieldGroup.NAMES_CONTACTS,
    "documents_held": FieldGroup.DOCUMENTS,
    "documents_missing": FieldGroup.DOCUMENTS,
    "external_ids": FieldGroup.DOCUMENTS,
    "specific_needs": FieldGroup.SPECIFIC_NEEDS,
    "sensitive_needs": FieldGroup.PROTECTION_CASE,
}
HOUSEHOLD_FIELD_GROUPS: dict[str, FieldGroup] = {
    "phones": FieldGroup.NAMES_CONTACTS,
    "external_ids": FieldGroup.DOCUMENTS,
    "protection_notes": FieldGroup.PROTECTION_CASE,
    "member_needs": FieldGroup.SPECIFIC_NEEDS,
}
# One map for records and versions alike: the field names of households and individuals do not
# clash except ``external_ids``, which is a document in both.
FIELD_GROUPS: dict[str, FieldGroup] = {**INDIVIDUAL_FIELD_GROUPS, **HOUSEHOLD_FIELD_GROUPS}


def fields_of(group: FieldGroup) -> frozenset[str]:
    """The field names that belong to ``group``."""
    return frozenset(name for name, g in FIELD_GROUPS.items() if g is group)


def allowed_fields(actor: Actor, record: Any) -> frozenset[str]:
    """The field names of ``FIELD_GROUPS`` the actor may see on ``record``, asked of
    ``core.permissions.redact`` once (a household; or its working group for rows that carry no
    protection-case field, which spares a case-assignment query per row)."""
    probe = dict.fromkeys(FIELD_GROUPS, True)
    return frozenset(redact(actor, record, probe, FIELD_GROUPS))


def keep(values: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    """``values`` without the fields of hidden groups (left out, not masked)."""
    return {k: v for k, v in values.items() if k not in FIELD_GROUPS or k in allowed}
