"""The field-group map covers every person-level field that is not meant for every reader."""

from __future__ import annotations

from sabeel.core.roles import FieldGroup
from sabeel.registry.fieldgroups import FIELD_GROUPS, NAME_FIELDS, fields_of
from sabeel.registry.models import Household, Individual

# Fields every role that may open a file sees (no field group).
OPEN_FIELDS = {
    "id", "created_at", "updated_at", "household", "sex", "date_of_birth", "dob_precision", "relationship", "status",
    "status_reason", "version", "registration_number", "working_group", "host_country", "current_location", "origin",
    "destination", "preferred_language", "closed_reason", "closed_at", "created_by",
    "presence", "presence_reason", "joined_at", "deregistration",
}  # fmt: skip


def test_every_field_of_households_and_people_is_either_open_or_in_a_group():
    for model in (Household, Individual):
        for field in model._meta.concrete_fields:
            assert field.name in OPEN_FIELDS or field.name in FIELD_GROUPS, f"{model.__name__}.{field.name} has no field group"


def test_names_phones_and_protection_fields_are_in_their_groups():
    assert set(NAME_FIELDS) | {"phones", "generated_names", "duplicate_check"} == fields_of(FieldGroup.NAMES_CONTACTS)
    assert fields_of(FieldGroup.PROTECTION_CASE) == {"sensitive_needs", "protection_notes"}
    assert fields_of(FieldGroup.DOCUMENTS) == {"documents_held", "documents_missing", "external_ids"}
