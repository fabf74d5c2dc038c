"""A second, independently varied record of a person, as another agency would register them."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from sabeel.engines.synth import LATIN_STYLES, SynthHousehold, Variation, generate_households, second_record
from sabeel.engines.synth.tests.gazetteer import make_config

PARTS = ("first_name", "father_name", "grandfather_name", "family_name")


@pytest.fixture(scope="module")
def people() -> list:  # type: ignore[type-arg]
    config = make_config("LBN", 800, seed=31, arabic_only_rate=0.5, latin_only_rate=0.5)
    return [p for h in generate_households(config) for p in h.members]


def test_the_second_record_is_deterministic_per_seed_and_person(people: list) -> None:  # type: ignore[type-arg]
    person = people[17]
    assert second_record(person, seed=4) == second_record(person, seed=4)
    records = {second_record(person, seed=s).person for s in range(12)}
    assert len(records) > 6
    assert second_record(person, seed=4).person.person_id == f"{person.person_id}~4"
    assert second_record(person, seed=4, person_id="X1", household_id="HX").person.household_id == "HX"


def test_it_is_written_from_the_true_person_not_from_the_first_record(people: list) -> None:  # type: ignore[type-arg]
    arabic_only = next(p for p in people if p.first_name_lat == "" and p.first_name_ar)
    record = second_record(arabic_only, seed=1, scripts="latin", variation=Variation(respelling_rate=0, typo_rate=0))
    assert record.person.first_name_lat and record.person.first_name_ar == ""
    assert record.person.truth == arabic_only.true_person
    latin_only = next(p for p in people if p.first_name_ar == "")
    record = second_record(latin_only, seed=1, scripts="arabic", variation=Variation(arabic_orthography_rate=0, typo_rate=0, name_swap_rate=0))
    assert record.person.first_name_ar == latin_only.true_person.first_name_ar


def test_styles_scripts_and_changes_follow_the_variation(people: list) -> None:  # type: ignore[type-arg]
    records = [second_record(p, seed=9) for p in people]
    styles = Counter(r.style for r in records)
    scripts = Counter(r.scripts for r in records)
    assert set(styles) == {s for s, _ in Variation().latin_styles} and set(styles) <= set(LATIN_STYLES) and min(styles.values()) > 0.2 * len(records)
    assert set(scripts) == {"arabic", "latin"} and min(scripts.values()) > 0.4 * len(records)
    kinds = Counter(c.split(":")[0] for r in records for c in r.changes)
    for kind in ("respelling", "arabic_orthography", "typo", "swap", "missing", "birth_date_year_only", "birth_date_january_first", "birth_date_missing"):
        assert kinds[kind] > 0, kind
    for record in records:
        person, truth = record.person, record.person.true_person
        if record.scripts == "arabic":
            assert not any(getattr(person, f"{p}_lat") for p in PARTS)
        if record.scripts == "latin":
            assert not any(getattr(person, f"{p}_ar") for p in PARTS)
        for change in record.changes:
            if change.startswith("missing:"):
                part = change.split(":")[1]
                assert getattr(person, f"{part}_ar") == getattr(person, f"{part}_lat") == ""
        if "birth_date_year_only" in record.changes:
            assert person.birth_date == date(truth.birth_date.year, 1, 1) and person.birth_date_precision == "year"  # type: ignore[union-attr]
        if "birth_date_january_first" in record.changes:
            assert (person.birth_date.month, person.birth_date.day, person.birth_date_precision) == (1, 1, "day")  # type: ignore[union-attr]
        if not record.changes and record.scripts == "arabic":
            assert [getattr(person, f"{p}_ar") for p in PARTS] == [getattr(truth, f"{p}_ar") for p in PARTS]
            assert (person.birth_date, person.birth_date_precision) == (truth.birth_date, truth.birth_date_precision)


def test_a_chosen_style_and_script_are_used(people: list) -> None:  # type: ignore[type-arg]
    record = second_record(people[3], seed=2, style="turkish", scripts="both")
    assert (record.style, record.scripts) == ("turkish", "both")
    assert record.person.first_name_ar or "missing:first_name" in record.changes
    with pytest.raises(ValueError, match="style"):
        second_record(people[3], seed=2, style="klingon")
    with pytest.raises(ValueError, match="scripts"):
        second_record(people[3], seed=2, scripts="cyrillic")
    with pytest.raises(ValueError, match="birth-date"):
        Variation(birth_date_missing_rate=0.5, birth_date_year_only_rate=0.5, birth_date_january_first_rate=0.5)


def test_second_records_of_households_from_any_generator_config(jordan_sample: list[SynthHousehold]) -> None:
    for household in jordan_sample[:300]:
        for person in household.members:
            record = second_record(person, seed=0, variation=Variation(arabic_only_rate=0, latin_only_rate=0))
            assert record.scripts == "both"
            assert record.person.true_person is person
