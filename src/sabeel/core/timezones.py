"""Times are stored in UTC and shown in the time zone of the record's host country."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def local_time(value: dt.datetime | None, time_zone: str | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(time_zone or "UTC"))
