"""Loading synthetic households in bulk (``registry.bulk``, ``manage.py synth_load``), on SQLite and
PostgreSQL alike (``DATABASE_URL`` chooses)."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from sabeel.core import audit
from sabeel.core.actors import system
from sabeel.core.exceptions import ServiceError
from sabeel.core.models import AuditEntry
from sabeel.core.permissions import visible_to
from sabeel.registry import bulk
from sabeel.registry.fieldgroups import NAME_FIELDS
from sabeel.registry.models import (
    ExternalId,
    Household,
    Individual,
    NameKey,
    Phone,
    RecordVersion,
    RegistrationCounter,
)
from sabeel.registry.numbers import registration_number_is_valid
from sabeel.registry.search import name_keys_for
from sabeel.registry.selectors import household_history

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL loads with COPY")
LOADER = system("synth_load")


def load(cast: Any, group: str = "lb", households: int = 12, seed: int = 7, **options: Any) -> bulk.LoadReport:
    return bulk.synth_households_load(
        actor=LOADER, working_group=cast.groups[group], households=households, seed=seed, **options
    )


def loaded(kind: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="registry.synth_loaded", actor_kind="system", actor_id=kind))


def test_loading_creates_the_households_with_valid_unique_numbers_and_one_head_each(cast, places):
    report = load(cast, households=12)

    households = Household.objects.filter(working_group=cast.groups["lb"])
    numbers = list(households.values_list("registration_number", flat=True))
    assert report.households == len(numbers) == 12
    assert len(set(numbers)) == 12 and all(registration_number_is_valid(n) and n.startswith("LB-") for n in numbers)
    assert set(households.values_list("host_country", flat=True)) == {"LB"}
    heads = Counter(Individual.objects.filter(relationship="head").values_list("household_id", flat=True))
    assert {h.pk: heads[h.pk] for h in households} == {h.pk: 1 for h in households}
    assert report.individuals == Individual.objects.count() > 12
    assert (report.phones, report.external_ids) == (Phone.objects.count(), ExternalId.objects.count())


def test_every_record_gets_its_first_version_and_the_history_reads_like_a_registration(cast, places):
    load(cast, households=5)

    officer = cast["lb_registration_officer"]
    for household in Household.objects.all():
        versions = RecordVersion.objects.filter(household=household)
        assert versions.filter(individual=None, action="household.created").count() == 1
        members = set(household.members.values_list("pk", flat=True))
        created = versions.filter(action="individual.created").values_list("individual_id", flat=True)
        assert sorted(created) == sorted(members)
        entries = household_history(actor=officer, household=household)
        registered = next(e for e in entries if e.individual_id is None)
        assert {c.field for c in registered.changes} >= {"current_location", "origin", "destination", "status"}
        assert registered.actor  # a label for the system job
    head = Individual.objects.filter(relationship="head").first()
    changes = RecordVersion.objects.get(individual=head).changes
    assert changes["first_name_ar"] == [None, head.first_name_ar]
    assert changes["relationship"] == [None, "head"]


def test_every_person_is_indexed_for_search_in_their_group(cast, places):
    load(cast, households=6)

    for person in Individual.objects.all():
        keys = set(NameKey.objects.filter(individual=person).values_list("key", flat=True))
        expected = name_keys_for({name: getattr(person, name) for name in NAME_FIELDS})
        assert keys == expected and keys
        year = person.date_of_birth.year if person.date_of_birth else None  # a search given a year reads it here
        assert set(NameKey.objects.filter(individual=person).values_list("born", flat=True)) == {year}
    assert set(NameKey.objects.values_list("working_group_id", flat=True)) == {cast.groups["lb"].pk}


def test_one_audit_record_for_the_run_with_counts_and_seed(cast, places):
    before = AuditEntry.objects.count()
    report = load(cast, households=8, seed=41)

    assert AuditEntry.objects.count() == before + 1
    (entry,) = loaded("synth_load")
    assert entry.working_group_id == cast.groups["lb"].pk
    assert entry.data["seed"] == 41
    assert entry.data["household_count"] == 8
    assert entry.data["individual_count"] == report.individuals
    assert entry.data["name_key_count"] == NameKey.objects.count()
    assert entry.data["version_count"] == RecordVersion.objects.count()
    assert audit.verify().ok


def test_a_second_run_adds_another_batch_under_new_numbers(cast, places):
    first = load(cast, households=10, seed=1)
    second = load(cast, households=10, seed=1)

    numbers = list(Household.objects.values_list("registration_number", flat=True))
    assert len(numbers) == len(set(numbers)) == 20
    assert second.first_number > first.last_number
    assert RegistrationCounter.objects.get(country="LB").next_value == 21
    assert Individual.objects.count() == first.individuals + second.individuals
    assert len(loaded("synth_load")) == 2


def test_registration_numbers_continue_after_households_registered_by_hand(cast, places, lebanon_household):
    report = load(cast, households=3)

    assert report.first_number > lebanon_household.registration_number
    assert Household.objects.count() == 4


def test_households_registered_by_hand_after_a_load_get_fresh_ids_and_numbers(cast, places):
    from sabeel.registry.tests.factories import household_make

    report = load(cast, households=3)
    household = household_make(cast, "lb")

    assert household.pk == report.last_household_id + 1
    assert household.registration_number > report.last_number
    assert household.members.count() >= 1
    assert RecordVersion.objects.filter(household=household).exists()


def test_the_same_seed_loads_the_same_people(cast, places):
    load(cast, "lb", households=4, seed=5)
    load(cast, "jo", households=4, seed=5)
    load(cast, "lb", households=4, seed=5)

    def people(group: str) -> list[tuple[str, ...]]:
        rows = Individual.objects.filter(household__working_group=cast.groups[group]).order_by("pk")
        return list(rows.values_list("first_name_lat", "family_name_ar", "date_of_birth"))

    lebanon = people("lb")
    assert lebanon[: len(lebanon) // 2] == lebanon[len(lebanon) // 2 :]
    assert people("jo") != lebanon[: len(lebanon) // 2]  # another host, other facts


def test_loaded_households_are_visible_to_the_lebanon_officer_and_not_to_jordans(cast, places):
    load(cast, "lb", households=5)

    lebanon, jordan = cast["lb_registration_officer"], cast["jo_registration_officer"]
    assert visible_to(lebanon, Household.objects.all()).count() == 5
    assert visible_to(lebanon, Individual.objects.all()).count() == Individual.objects.count()
    assert visible_to(jordan, Household.objects.all()).count() == 0
    assert visible_to(jordan, Individual.objects.all()).count() == 0
    assert visible_to(jordan, RecordVersion.objects.all(), "person.history").count() == 0


def test_the_generator_places_households_in_loaded_admin_units_of_their_countries(cast, places):
    load(cast, "jo", households=10)

    for household in Household.objects.select_related("current_location", "origin", "destination"):
        assert household.current_location.country == "JO"
        assert household.origin.country == household.destination.country == "SY"


def test_a_failure_leaves_nothing_half_loaded(cast, places, monkeypatch):
    monkeypatch.setattr(bulk, "PART_HOUSEHOLDS", 4)
    real = bulk._generate

    def failing(part: Any, template: Any) -> Any:
        if part.index == 2:
            raise RuntimeError("disk full")
        return real(part, template)

    monkeypatch.setattr(bulk, "_generate", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        load(cast, households=10, workers=0)

    for model in (Household, Individual, Phone, ExternalId, NameKey, RecordVersion):
        assert model.objects.count() == 0
    assert not RegistrationCounter.objects.filter(country="LB", next_value__gt=1).exists()
    assert loaded("synth_load") == []


def test_names_with_quotes_backslashes_and_tabs_arrive_as_written(cast, places, monkeypatch):
    from dataclasses import replace

    odd = {"first_name_lat": 'Abd "Al" \\ Rahman', "family_name_lat": "O'Hara\tX", "family_name_ar": "الـ\\ـحريري"}
    real = bulk.generate_households

    def with_odd_names(config: Any) -> Any:
        for household in real(config):
            head, *others = household.members
            yield replace(household, members=(replace(head, **odd), *others))

    monkeypatch.setattr(bulk, "generate_households", with_odd_names)
    load(cast, households=2)

    for head in Individual.objects.filter(relationship="head"):
        assert {name: getattr(head, name) for name in odd} == odd
        assert RecordVersion.objects.get(individual=head).changes["first_name_lat"] == [None, odd["first_name_lat"]]
        keys = set(NameKey.objects.filter(individual=head).values_list("key", flat=True))
        assert keys == name_keys_for({name: getattr(head, name) for name in NAME_FIELDS})


def test_refused_without_geography_outside_host_groups_and_in_production(cast):
    with pytest.raises(ServiceError, match="geo_gazetteer"):
        load(cast, households=2)
    with pytest.raises(ServiceError, match="Lebanon and Jordan"):
        bulk.synth_households_load(actor=LOADER, working_group=cast.groups["jrg"], households=2, seed=1)
    with override_settings(SABEEL_PRODUCTION=True), pytest.raises(ServiceError, match="production"):
        load(cast, households=2)


def test_a_registration_officer_of_another_group_may_not_load(cast, places):
    from django.http import Http404

    with pytest.raises(Http404):
        bulk.synth_households_load(
            actor=cast["jo_registration_officer"], working_group=cast.groups["lb"], households=2, seed=1
        )


def test_synth_load_command_loads_each_group_asked_for(cast, places):
    out = StringIO()
    call_command("synth_load", households=3, group="both", seed=9, stdout=out)

    assert Household.objects.filter(working_group=cast.groups["lb"]).count() == 3
    assert Household.objects.filter(working_group=cast.groups["jo"]).count() == 3
    assert "Lebanon working group: 3 households" in out.getvalue()
    assert len(loaded("synth_load")) == 2


def test_demo_load_adds_households_once(cast, places, monkeypatch):
    first = bulk.demo_households_load(actor=system("demo_load"), per_group=3)
    again = bulk.demo_households_load(actor=system("demo_load"), per_group=3)

    assert Household.objects.count() == 6
    assert "3 households" in first and "none added" in again


@postgres_only
def test_loading_into_postgresql_builds_the_same_indexes_and_foreign_keys_again(cast, places):
    def schema() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
        tables = [m._meta.db_table for m in bulk.LOADED_MODELS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables])
            indexes = set(cursor.fetchall())
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
                [tables],
            )
            return indexes, set(cursor.fetchall())

    before = schema()
    report = load(cast, households=20, rebuild_indexes=True)

    assert report.indexes_rebuilt
    assert schema() == before
    declared = {name for _table, name, _sql in bulk.declared_indexes()}
    assert {"namekey_lookup", "hh_group_status", "version_household"} <= declared <= {name for name, _ in before[0]}


@postgres_only
def test_worker_processes_load_the_same_people_as_one_process(cast, places, monkeypatch):
    monkeypatch.setattr(bulk, "PART_HOUSEHOLDS", 5)
    in_process = load(cast, "lb", households=17, seed=3, workers=0)
    in_workers = load(cast, "jo", households=17, seed=3, workers=2)

    assert in_workers.workers == 2 and in_process.workers == 0

    def people(group: str) -> list[tuple[Any, ...]]:
        rows = Individual.objects.filter(household__working_group=cast.groups[group]).order_by("pk")
        return list(rows.values_list("first_name_ar", "family_name_lat", "date_of_birth", "relationship"))

    # Lebanon and Jordan draw from other facts, so compare each batch with a fresh one-process load.
    again = load(cast, "jo", households=17, seed=3, workers=0)
    jordan = people("jo")
    assert jordan[: in_workers.individuals] == jordan[in_workers.individuals :]
    assert again.individuals == in_workers.individuals
    assert NameKey.objects.filter(working_group_id=cast.groups["jo"].pk).count() == 2 * in_workers.name_keys
    assert len(people("lb")) == in_process.individuals


@postgres_only
def test_a_load_of_its_own_vacuums_the_name_keys_and_one_inside_a_transaction_leaves_it_to_autovacuum(committed_db, cast, places):
    from django.db import transaction

    alone = load(cast, households=5)
    with transaction.atomic():
        inside = load(cast, households=5, seed=8)

    assert "vacuum" in dict(alone.phases)  # VACUUM cannot run in a transaction block: only alone
    assert "vacuum" not in dict(inside.phases)


def test_the_places_a_seed_draws_from_are_in_key_order_whatever_the_table_order(cast, places):
    # The generator draws places by position: the list must not follow the database's own order
    # (which a fresh database need not repeat), so the read says its order.
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        loaded = bulk._places("LB")
    assert len(queries) == 1 and "ORDER BY" in queries[0]["sql"]
    assert [u.code for u in loaded.syria] == sorted(u.code for u in loaded.syria)
    assert [u.code for u in loaded.host] == sorted(u.code for u in loaded.host)
    assert len(loaded.syria) > 1 and len(loaded.host) > 1
