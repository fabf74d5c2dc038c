"""Display helpers of the voluntariness templates: ``{% load consent_display %}``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils import formats

from sabeel.consent.choices import DataCategory, FollowUpKind, GoAndSeeOutcome, WithdrawalChannel
from sabeel.core.i18n import choice_label, listed
from sabeel.registry.choices import Language, Relationship

register = template.Library()

_CHOICES: dict[str, Any] = {
    "channel": WithdrawalChannel,
    "follow_up": FollowUpKind,
    "outcome": GoAndSeeOutcome,
    "category": DataCategory,
    "language": Language,
    "relationship": Relationship,
}


@register.filter
def choice(value: Any, kind: str) -> str:
    """The translated label of a stored choice: ``{{ w.channel|choice:"channel" }}``."""
    if value in (None, ""):
        return "—"
    return choice_label(_CHOICES[kind], value) if kind in _CHOICES else str(value)


@register.filter
def choices(values: Iterable[Any] | None, kind: str) -> str:
    items = [choice(v, kind) for v in values or ()]
    return listed(items) if items else "—"


@register.filter
def item(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)


@register.filter
def day(value: dt.date | None) -> str:
    """A date as the reasons write it, in the active language: ``3 March 2026``."""
    if value is None:
        return "—"
    return formats.date_format(value, "j F Y")
