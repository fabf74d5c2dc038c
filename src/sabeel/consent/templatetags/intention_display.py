"""Display helpers of the intention templates: ``{% load intention_display %}``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from sabeel.consent.intentions import ReturnObstacle, ReturnReason
from sabeel.core.actors import request_actor
from sabeel.core.i18n import choice_label, listed

register = template.Library()

_CHOICES: dict[str, Any] = {"reason": ReturnReason, "obstacle": ReturnObstacle}


@register.filter
def intention_labels(values: Iterable[str] | None, kind: str) -> str:
    """Labels of stored reason or obstacle codes, comma-separated as the page's language writes a
    list (``—`` when empty):
    ``{{ intention.reasons|intention_labels:"reason" }}``."""
    labels = [choice_label(_CHOICES[kind], value) for value in values or ()]
    return listed(labels) if labels else "—"


@register.simple_tag(takes_context=True)
def household_intentions(context: template.Context, household: Any) -> dict[str, Any]:
    """The household's answers as the page's user may see them, and whether they may record one:
    ``{% household_intentions household as panel %}`` (for pages whose view did not load them)."""
    from sabeel.consent.intentions import can_record_intention, intention_list

    actor = request_actor(context["request"])
    return {
        "intentions": intention_list(actor=actor, household=household),
        "can_record": can_record_intention(actor=actor, household=household),
    }
