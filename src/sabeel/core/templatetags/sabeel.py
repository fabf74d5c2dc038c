"""Dates and times as every page shows them: day first in both languages ("6 December 2026"), and
a time with the host country's zone named in words ("6 December 2026, 14:05 (Beirut time)").

``where`` names the zone: a working group, a household (its group's zone), any object with a
``time_zone``, or a zone name such as ``"Asia/Beirut"``. Lists in running text are separated as
the page's language writes them (``listed``, ``{% separator %}``): the Arabic comma on an Arabic page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sabeel.core.i18n import in_page_language, list_separator
from sabeel.core.i18n import listed as listed_text
from sabeel.core.timezones import local_time

register = template.Library()

DAY_FORMAT = "j F Y"
TIME_FORMAT = "H:i"

# Host countries' zones in words; any other zone is named by its city.
ZONE_NAMES: dict[str, Promise] = {
    "Asia/Beirut": gettext_lazy("Beirut"),
    "Asia/Amman": gettext_lazy("Amman"),
    "Europe/Istanbul": gettext_lazy("Istanbul"),
    "Asia/Baghdad": gettext_lazy("Baghdad"),
    "Africa/Cairo": gettext_lazy("Cairo"),
    "Asia/Damascus": gettext_lazy("Damascus"),
    "UTC": gettext_lazy("UTC"),
}


def zone_of(where: Any) -> str:
    """The zone name ``where`` stands for ("UTC" when it names none)."""
    if isinstance(where, str):
        return where or "UTC"
    zone = getattr(where, "time_zone", None)
    if zone is None and getattr(where, "working_group", None) is not None:
        zone = getattr(where.working_group, "time_zone", None)
    return str(zone or "UTC")


@register.filter
def zone_name(where: Any) -> str:
    """"Beirut time": the zone in words, as the dates of a page are read."""
    zone = zone_of(where)
    city = ZONE_NAMES.get(zone)
    return _("%(zone)s time") % {"zone": str(city) if city is not None else zone.rsplit("/", 1)[-1].replace("_", " ")}


@register.filter
def local_date(value: dt.date | dt.datetime | str | None, where: Any = None) -> str:
    """A day, day first: ``{{ consent.given_on|local_date }}`` → "6 December 2026". A moment is
    first moved into ``where``'s zone; an ISO date text is read as a date."""
    if value is None or value == "":
        return "—"
    day: dt.date
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    elif isinstance(value, dt.datetime):
        day = value.astimezone(ZoneInfo(zone_of(where))).date()
    else:
        day = value
    return formats.date_format(day, DAY_FORMAT)


@register.filter
def local_datetime(value: dt.datetime | None, where: Any) -> str:
    """A moment in the host country's zone, day first, the zone named:
    ``{{ row.at|local_datetime:group }}`` → "6 December 2026, 14:05 (Beirut time)"."""
    if value is None:
        return "—"
    zone = zone_of(where)
    local = value.astimezone(ZoneInfo(zone))
    return _("%(date)s, %(time)s (%(zone)s)") % {
        "date": formats.date_format(local, DAY_FORMAT),
        "time": formats.time_format(local, TIME_FORMAT),
        "zone": zone_name(zone),
    }


@register.filter
def birth_day(person: Any) -> str:
    """A date of birth at its precision, day first: "2 May 1984", "May 1984" or "1980" (a mapping
    or an object with ``date_of_birth`` and ``dob_precision``)."""
    values: dict[str, Any] = person if isinstance(person, dict) else vars(person) if hasattr(person, "__dict__") else {}
    day: Any = values.get("date_of_birth")
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day[:10])
        except ValueError:
            return str(day)
    if not isinstance(day, dt.date):
        return "—"
    precision = values.get("dob_precision")
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return formats.date_format(day, "F Y")
    return formats.date_format(day, DAY_FORMAT)


@register.filter
def in_zone(value: dt.datetime | None, time_zone: str | None) -> str:
    """Format a UTC datetime in the given zone, naming the zone: ``{{ row.at|in_zone:group.time_zone }}``.
    (Kept for the pages that still use it; new pages use ``local_datetime``.)"""
    local = local_time(value, time_zone)
    if local is None:
        return ""
    return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} ({local.tzname()})"


@register.filter
def percent(value: float | None) -> str:
    """A share as a percentage with two decimals, none when whole: ``{{ plan.gap|percent }}`` → "2.45 %" (0.0245),
    "0 %" (0); empty for None."""
    if value is None:
        return ""
    return f"{floatformat(value * 100, -2)} %"


@register.simple_tag
def separator(kind: str = ",") -> str:
    """Between the items of a list in running text, as the page's language writes it: ``{% separator %}``
    → ", " ("، " on an Arabic page); ``{% separator ";" %}`` → "; " ("؛ ")."""
    return list_separator() if kind == "," else in_page_language("; ", "؛ ")


@register.filter(needs_autoescape=True)
def listed(values: Iterable[Any] | None, autoescape: bool = True) -> str:
    """The items of a list, separated as the page's language writes it: ``{{ words|listed }}`` →
    "head, under 18" ("رب الأسرة، دون 18" on an Arabic page)."""
    escape = conditional_escape if autoescape else str
    return mark_safe(listed_text(escape(value) for value in values or ()))  # noqa: S308 - each item escaped
