"""Display helpers of the registry templates: ``{% load registry_display %}``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.translation import get_language, ngettext

from sabeel.registry import needs
from sabeel.registry.choices import (
    CivilDocument,
    DatePrecision,
    DepartureKind,
    DuplicateReason,
    HouseholdStatus,
    IdScheme,
    Language,
    MemberStatus,
    Relationship,
    Sex,
)

register = template.Library()

_CHOICES: dict[str, Any] = {
    "relationship": Relationship,
    "sex": Sex,
    "status": MemberStatus,
    "household_status": HouseholdStatus,
    "scheme": IdScheme,
    "document": CivilDocument,
    "language": Language,
    "precision": DatePrecision,
    "departure": DepartureKind,
}


@register.filter
def label(value: Any, kind: str) -> str:
    """The translated label of a stored choice: ``{{ m.relationship|label:"relationship" }}``."""
    if value in (None, ""):
        return "—"
    if kind == "need":
        return str(needs.SPECIFIC_NEEDS.get(value, value))
    choices = _CHOICES.get(kind)
    if choices is None:
        return str(value)
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@register.filter
def labels(values: Iterable[Any] | None, kind: str) -> str:
    """Labels of a list of stored choices, comma-separated (``—`` when empty)."""
    items = [label(v, kind) for v in values or ()]
    return ", ".join(items) if items else "—"


@register.filter
def dob(person: Mapping[str, Any]) -> str:
    """A date of birth at its precision: ``1980``, ``1980-03`` or ``1980-03-12``."""
    day = person.get("date_of_birth")
    if not isinstance(day, dt.date):
        return "—"
    precision = person.get("dob_precision")
    if precision == DatePrecision.YEAR:
        return f"{day.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


@register.filter
def unit_name(unit: Mapping[str, Any] | None, language: str | None = None) -> str:
    """An admin unit's name in ``language`` (default: the active one), with its key."""
    if not unit:
        return "—"
    arabic = (language or get_language() or "").startswith("ar")
    name = (unit.get("name_ar") if arabic else unit.get("name_en")) or unit.get("name_en") or unit.get("name_ar")
    return f"{name} ({unit.get('key')})"


@register.filter
def full_name(person: Mapping[str, Any] | None, script: str = "ar") -> str:
    """The four name parts of one script, joined; empty when none is recorded or visible."""
    if not person:
        return ""
    parts = ("first_name", "father_name", "grandfather_name", "family_name")
    return " ".join(str(person.get(f"{p}_{script}") or "") for p in parts).strip()


@register.filter
def short_name(person: Mapping[str, Any] | None, script: str = "ar") -> str:
    """First and family name of one script."""
    if not person:
        return ""
    return " ".join(str(person.get(f"{p}_{script}") or "") for p in ("first_name", "family_name")).strip()


@register.filter
def get(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)


@register.filter
def has(mapping: Mapping[str, Any] | None, key: str) -> bool:
    """True when the (redacted) record carries ``key``: its field group is visible."""
    return bool(mapping) and key in mapping  # type: ignore[operator]


@register.filter
def shown(value: Any) -> str:
    """A value from a version entry, readable."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


_FIELD_KINDS = {
    "relationship": "relationship",
    "sex": "sex",
    "dob_precision": "precision",
    "preferred_language": "language",
    "documents_held": "document",
    "documents_missing": "document",
}


@register.filter
def change_value(value: Any, field: str) -> str:
    """A value of a version entry, with the label of a stored choice where the field has one."""
    if value in (None, "", []):
        return "—"
    if field == "duplicate_check" and isinstance(value, Mapping):
        return duplicate_check_text(value)
    kind = _FIELD_KINDS.get(field)
    if field == "status":
        kind = "household_status" if value in HouseholdStatus.values else "status"
    if kind is None:
        return shown(value)
    if isinstance(value, list | tuple):
        return labels(value, kind)
    return label(value, kind)


def duplicate_check_text(value: Mapping[str, Any]) -> str:
    """The recorded reason for registering despite likely matches: the reason, the note, how many
    matches were shown."""
    reason = str(DuplicateReason(value["reason"]).label) if value.get("reason") in DuplicateReason.values else "—"
    shown_count = len(value.get("likely_matches") or ())
    text = ngettext("%(reason)s (%(count)d likely match shown)", "%(reason)s (%(count)d likely matches shown)", shown_count) % {
        "reason": reason,
        "count": shown_count,
    }
    note = str(value.get("note") or "")
    return f"{text}: {note}" if note else text


@register.filter
def generated_name(person: Mapping[str, Any] | None, script: str = "lat") -> str:
    """The generated reading of one script (parts the officer left empty), joined; empty when
    there is none or names are not visible. Shown only marked as generated (``_names.html``)."""
    if not person:
        return ""
    generated = person.get("generated_names") or {}
    parts = ("first_name", "father_name", "grandfather_name", "family_name")
    return " ".join(str(generated.get(f"{p}_{script}") or "") for p in parts if generated.get(f"{p}_{script}")).strip()
