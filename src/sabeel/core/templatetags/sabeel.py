from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats

from sabeel.core.timezones import local_time

register = template.Library()


@register.filter
def in_zone(value: dt.datetime | None, time_zone: str | None) -> str:
    """Format a UTC datetime in the given zone, naming the zone: ``{{ row.at|in_zone:group.time_zone }}``."""
    local = local_time(value, time_zone)
    if local is None:
        return ""
    return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} ({local.tzname()})"
