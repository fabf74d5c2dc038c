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


@register.simple_tag(takes_context=True)
def may(context: template.Context, action: str) -> bool:
    """Whether the signed-in user holds ``action`` in any group: ``{% may "agreement.manage" as x %}``
    (links are shown only to those who may open them)."""
    from sabeel.core.actors import request_actor
    from sabeel.core.permissions import can

    request = context.get("request")
    return request is not None and can(request_actor(request), action)
