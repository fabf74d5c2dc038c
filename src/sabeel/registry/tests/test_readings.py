"""Generated other-script readings: made at every save of the names, only for the fields the
officer left empty, indexed for search, never recorded or shown as typed names."""

from __future__ import annotations

import pytest
from anyascii import anyascii

from sabeel.engines.text import PARTS, PersonName
from sabeel.registry import bulk, readings, services
from sabeel.registry.models import Individual, NameKey, RecordVersion
from sabeel.registry.search import name_keys_for
from sabeel.registry.tests.factories import head, household_make, spouse

pytestmark = pytest.mark.django_db

# A stand-in for the name model's transliteration, so these tests check the registry's part (which
# fields, when, where it goes) whatever the name model's readings are this week.
_AR_TO_LAT = {"محمد": "Muhammad", "أحمد": "Ahmad", "خالد": "Khalid", "الحريري": "al-Hariri", "فاطمة": "Fatima", "علي": "Ali"}
_LAT_TO_AR = {v: k for k, v in _AR_TO_LAT.items()} | {"Zoubi": "الزعبي"}


def _fake_reading(name: PersonName) -> PersonName | None:
    arabic = name.script == "arabic"
    table = _AR_TO_LAT if arabic else _LAT_TO_AR
    # names not in the table: a crude letter-for-letter reading, enough to be in the other script
    other = (lambda v: anyascii(v).strip("'") or "x") if arabic else (lambda v: "ب" * len(v))
    values = {role.value: table.get(name.part(role)) or (other(name.part(role)) if name.part(role) else "") for role in PARTS}
    return PersonName(**values, generated=True) if any(values.values()) else None


@pytest.fixture
def fake_readings(monkeypatch):
    monkeypatch.setattr(readings, "other_script_reading", _fake_reading)
    readings._part_reading.cache_clear()
    yield
    readings._part_reading.cache_clear()


ARABIC_ONLY = {"first_name_lat": "", "father_name_lat": "", "grandfather_name_lat": "", "family_name_lat": ""}


def test_generated_readings_fill_only_the_empty_fields():
    readings._part_reading.cache_clear()
    typed = {"first_name_ar": "محمد", "family_name_ar": "الحريري", "first_name_lat": "Mohamad"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readings, "other_script_reading", _fake_reading)
        generated = readings.generated_readings(typed)
    readings._part_reading.cache_clear()
    # the typed Latin first name is kept; only the family name, typed in Arabic only, gets a reading
    assert generated == {"family_name_lat": "al-Hariri"}


def test_an_arabic_only_registration_gets_a_latin_reading_not_recorded_as_typed(cast, places, fake_readings):
    household = household_make(cast, "lb", members=[head(**ARABIC_ONLY)])
    person = household.members.get()

    assert person.generated_names == {
        "first_name_lat": "Muhammad", "father_name_lat": "Ahmad", "grandfather_name_lat": "Khalid",
        "family_name_lat": "al-Hariri",
    }  # fmt: skip
    assert person.first_name_lat == "" and person.family_name_lat == ""  # never written into typed fields
    created = RecordVersion.objects.get(individual=person).changes
    assert "generated_names" not in created and "first_name_lat" not in created
    keys = set(NameKey.objects.filter(individual=person).values_list("key", flat=True))
    latin_only = name_keys_for({"first_name_lat": "Muhammad", "family_name_lat": "al-Hariri"})
    assert latin_only <= keys


def test_a_latin_only_member_gets_an_arabic_reading(cast, lebanon_household, fake_readings):
    person = services.member_add(
        actor=cast["lb_registration_officer"],
        household=lebanon_household,
        member=spouse(relationship="daughter", first_name_ar="", father_name_ar="", family_name_ar="", family_name_lat="Zoubi"),
    )
    assert person.generated_names == {"first_name_ar": "فاطمة", "father_name_ar": "علي", "family_name_ar": "الزعبي"}
    assert not any(v == "generated_names" for v in RecordVersion.objects.get(individual=person).changes)


def test_a_correction_regenerates_the_reading_and_a_typed_name_replaces_it(cast, places, fake_readings):
    household = household_make(cast, "lb", members=[head(**ARABIC_ONLY)])
    person = household.members.get()

    services.individual_update(
        actor=cast["lb_registration_officer"], individual=person, expected_version=person.version, changes={"first_name_ar": "علي"}
    )
    person.refresh_from_db()
    assert person.generated_names["first_name_lat"] == "Ali"
    services.individual_update(
        actor=cast["lb_registration_officer"], individual=person, expected_version=person.version, changes={"first_name_lat": "Aly"}
    )
    person.refresh_from_db()
    assert person.first_name_lat == "Aly" and "first_name_lat" not in person.generated_names
    for version in RecordVersion.objects.filter(individual=person, action="individual.updated"):
        assert set(version.changes) <= {"first_name_ar", "first_name_lat"}  # the officer's changes only


def test_the_bulk_load_stores_and_indexes_the_readings_of_one_script_registrations(cast, places, fake_readings, monkeypatch):
    real = bulk.generate_households

    def one_script(config):  # every person registered in Arabic script only
        from dataclasses import replace

        for household in real(config):
            members = tuple(replace(p, **{f: "" for f in ARABIC_ONLY}) for p in household.members)
            yield replace(household, members=members)

    monkeypatch.setattr(bulk, "generate_households", one_script)
    from sabeel.core.actors import system

    group = cast.groups["lb"]
    bulk.synth_households_load(actor=system("test"), working_group=group, households=3, seed=1)
    people = list(Individual.objects.filter(household__working_group=group))
    assert people and all(p.first_name_lat == "" for p in people)
    with_reading = [p for p in people if p.generated_names]
    assert len(with_reading) == len(people)
    for person in with_reading:
        expected = readings.generated_readings({f: getattr(person, f) for f in readings.NAME_FIELDS})
        assert person.generated_names == expected
        keys = set(NameKey.objects.filter(individual=person).values_list("key", flat=True))
        merged = readings.with_generated({f: getattr(person, f) for f in readings.NAME_FIELDS}, person.generated_names)
        assert keys == name_keys_for(merged)
    for version in RecordVersion.objects.filter(individual__in=people):
        assert "generated_names" not in version.changes
