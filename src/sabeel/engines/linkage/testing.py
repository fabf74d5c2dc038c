"""``PersonRecord``s from ``engines.synth`` households, for the engine's tests and the benchmark.

Registry-style fields map onto the record as the identity app maps the registry: one reading per
script that has names (Arabic, Latin), the date of birth only to its recorded precision (a
year-only date has no month or day), the head's readings, the household's size and origin.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sabeel.engines.linkage._types import PersonRecord
from sabeel.engines.synth import SynthHousehold, SynthPerson
from sabeel.engines.text import PersonName

_NAME_FIELDS = tuple(f"{part}_name{suffix}" for suffix in ("_ar", "_lat") for part in ("first", "father", "grandfather", "family"))


def readings(person: SynthPerson) -> tuple[PersonName, ...]:
    fields = {name: getattr(person, name) for name in _NAME_FIELDS}
    names = (PersonName.from_fields(fields, "_ar"), PersonName.from_fields(fields, "_lat"))
    return tuple(name for name in names if name.parts())


def person_record(household: SynthHousehold, person: SynthPerson, source: str = "") -> PersonRecord:
    year = month = day = None
    if person.birth_date is not None:
        year = person.birth_date.year
        if person.birth_date_precision in ("day", "month"):
            month = person.birth_date.month
        if person.birth_date_precision == "day":
            day = person.birth_date.day
    return PersonRecord(
        record_id=person.person_id,
        names=readings(person),
        sex=person.sex,
        birth_year=year,
        birth_month=month,
        birth_day=day,
        household_id=household.household_id,
        household_size=household.size,
        head_names=readings(household.head),
        origin=household.origin_code,
        source=source,
    )


def person_records(households: Iterable[SynthHousehold], source: str = "") -> Iterator[PersonRecord]:
    for household in households:
        for person in household.members:
            yield person_record(household, person, source)
