"""names_reindex: people saved before the name model changed get its readings and keys back,
exactly as a save would write them; the command and the migration run it."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from sabeel.registry.models import Individual, NameKey
from sabeel.registry.reindex import names_reindex
from sabeel.registry.tests.factories import head, household_make, spouse


def _state() -> tuple[dict[int, dict[str, str]], set[tuple[int, int, str, int | None]]]:
    readings = dict(Individual.objects.values_list("pk", "generated_names"))
    keys = set(NameKey.objects.values_list("individual_id", "working_group_id", "key", "born"))
    return readings, keys


def test_stale_readings_and_keys_are_rebuilt_as_a_save_writes_them(cast, places):
    arabic_only = head(first_name_lat="", father_name_lat="", grandfather_name_lat="", family_name_lat="")
    household_make(cast, "lb", members=[arabic_only, spouse()])
    household_make(cast, "jo", members=[head()])
    saved = _state()
    assert any(saved[0].values()) and saved[1]

    # As a database from before the name model: no generated readings, keys of another scheme.
    Individual.objects.update(generated_names={})
    NameKey.objects.all().delete()
    NameKey.objects.bulk_create(NameKey(individual_id=pk, working_group_id=0, key="old") for pk in saved[0])

    seen: list[tuple[int, int]] = []
    count = names_reindex(Individual, NameKey, batch=2, progress=lambda done, total: seen.append((done, total)))
    assert count == len(saved[0]) == 3
    assert seen == [(2, 3), (3, 3)]
    assert _state() == saved

    # Again: nothing changes.
    names_reindex(Individual, NameKey)
    assert _state() == saved


def test_the_command_reindexes_and_says_how_many(cast, places):
    household_make(cast, "lb", members=[head()])
    NameKey.objects.all().delete()
    out = StringIO()
    call_command("names_reindex", stdout=out)
    assert "1 people reindexed" in out.getvalue()
    assert NameKey.objects.exists()
