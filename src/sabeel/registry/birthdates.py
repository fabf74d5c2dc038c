"""A registry date of birth as the eligibility engine reads it, at its precision (day, month, year
or unknown): the one conversion used by the verdict's adapter and by the registry's check of a
birth-date change that could turn an adult into a child."""

from __future__ import annotations

import datetime as dt

from sabeel.engines import eligibility as engine
from sabeel.registry.choices import DatePrecision


def birth_date_reading(day: dt.date | None, precision: str) -> engine.BirthDate:
    """``day`` at ``precision``; no day, or precision "unknown", is an unknown birth date."""
    if day is None or precision == DatePrecision.UNKNOWN:
        return engine.BirthDate.unknown()
    if precision == DatePrecision.YEAR:
        return engine.BirthDate.in_year(day.year)
    if precision == DatePrecision.MONTH:
        return engine.BirthDate.in_month(day.year, day.month)
    return engine.BirthDate.on_day(day)
