"""Template filters of the data-sharing pages."""

from __future__ import annotations

from django import template

from sabeel.core.roles import FIELD_GROUP_LABELS, FieldGroup

register = template.Library()


@register.filter
def field_group_label(value: str) -> str:
    """A field group's translated label (``names_contacts`` → "Names and contacts")."""
    try:
        return str(FIELD_GROUP_LABELS[FieldGroup(value)])
    except ValueError:
        return value
