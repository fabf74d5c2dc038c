from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Final, TextIO

from sabeel.engines.synth._types import SynthHousehold, SynthPerson

HOUSEHOLD_COLUMNS: Final = (
    "household_id", "host_country", "unhcr_case_number", "host_government_id", "phones", "arrival_year",
    "current_location_code", "origin_code", "origin_level", "destination_code", "size", "head_person_id",
)
PERSON_COLUMNS: Final = (
    "person_id", "household_id", "line_no", "relationship", "sex",
    "first_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar",
    "first_name_lat", "father_name_lat", "grandfather_name_lat", "family_name_lat",
    "birth_date", "birth_date_precision", "documents_held", "documents_missing", "specific_needs",
)
LIST_SEPARATOR: Final = ";"


def household_row(household: SynthHousehold) -> tuple[str, ...]:
    """One household as strings in ``HOUSEHOLD_COLUMNS`` order; ``None`` is an empty string and lists
    (phones) are joined with ``;``."""
    return (
        household.household_id,
        household.host_country,
        household.unhcr_case_number or "",
        household.host_government_id or "",
        LIST_SEPARATOR.join(household.phones),
        str(household.arrival_year),
        household.current_location_code,
        household.origin_code,
        str(household.origin_level),
        household.destination_code,
        str(len(household.members)),
        household.members[0].person_id if household.members else "",
    )


def person_row(person: SynthPerson) -> tuple[str, ...]:
    """One person as strings in ``PERSON_COLUMNS`` order (dates ISO 8601, lists joined with ``;``)."""
    return (
        person.person_id,
        person.household_id,
        str(person.line_no),
        person.relationship,
        person.sex,
        person.first_name_ar,
        person.father_name_ar,
        person.grandfather_name_ar,
        person.family_name_ar,
        person.first_name_lat,
        person.father_name_lat,
        person.grandfather_name_lat,
        person.family_name_lat,
        person.birth_date.isoformat() if person.birth_date is not None else "",
        person.birth_date_precision or "",
        LIST_SEPARATOR.join(person.documents_held),
        LIST_SEPARATOR.join(person.documents_missing),
        LIST_SEPARATOR.join(person.specific_needs),
    )


def write_csv(households: Iterable[SynthHousehold], *, household_file: TextIO, person_file: TextIO) -> tuple[int, int]:
    """Stream households into two CSV files (with header rows) ready for a bulk ``COPY``; returns the
    number of households and of people written. Open the files with ``newline=""``."""
    household_writer = csv.writer(household_file)
    person_writer = csv.writer(person_file)
    household_writer.writerow(HOUSEHOLD_COLUMNS)
    person_writer.writerow(PERSON_COLUMNS)
    household_count = person_count = 0
    for household in households:
        household_writer.writerow(household_row(household))
        person_writer.writerows(map(person_row, household.members))
        household_count += 1
        person_count += len(household.members)
    return household_count, person_count
