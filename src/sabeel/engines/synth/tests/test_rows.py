from __future__ import annotations

import csv
import io

from sabeel.engines.synth import (
    HOUSEHOLD_COLUMNS,
    PERSON_COLUMNS,
    generate_households,
    household_row,
    person_row,
    write_csv,
)
from sabeel.engines.synth.tests.gazetteer import make_config


def test_rows_are_strings_in_column_order() -> None:
    for household in generate_households(make_config("LBN", 100)):
        row = household_row(household)
        assert len(row) == len(HOUSEHOLD_COLUMNS) and all(isinstance(v, str) for v in row)
        assert row[HOUSEHOLD_COLUMNS.index("size")] == str(household.size)
        for person in household.members:
            values = person_row(person)
            assert len(values) == len(PERSON_COLUMNS) and all(isinstance(v, str) for v in values)
            assert values[PERSON_COLUMNS.index("first_name_ar")] == person.first_name_ar


def test_write_csv_round_trips_through_a_csv_reader() -> None:
    households = list(generate_households(make_config("JOR", 120)))
    household_file, person_file = io.StringIO(newline=""), io.StringIO(newline="")
    counts = write_csv(households, household_file=household_file, person_file=person_file)
    assert counts == (120, sum(h.size for h in households))
    household_rows = list(csv.reader(io.StringIO(household_file.getvalue(), newline="")))
    person_rows = list(csv.reader(io.StringIO(person_file.getvalue(), newline="")))
    assert tuple(household_rows[0]) == HOUSEHOLD_COLUMNS and tuple(person_rows[0]) == PERSON_COLUMNS
    assert [tuple(r) for r in household_rows[1:]] == [household_row(h) for h in households]
    assert [tuple(r) for r in person_rows[1:]] == [person_row(p) for h in households for p in h.members]
    column = HOUSEHOLD_COLUMNS.index("host_government_id")
    assert [r[column] == "" for r in household_rows[1:]] == [h.host_government_id is None for h in households]
    first = households[0].members[0]
    assert person_rows[1][PERSON_COLUMNS.index("birth_date")] == first.birth_date.isoformat()  # type: ignore[union-attr]
