"""Rebuild the derived name data of people already on file: the generated other-script readings
(``Individual.generated_names``, ``registry.readings``) and the search index (``NameKey``, from
``search.name_keys_for``). Every save and the bulk load write both, so this is only needed when the
name model changes (its keys or readings) or for records saved before it existed; the migration that
introduced the current keys runs it, and ``manage.py names_reindex`` runs it by hand.

Works in batches of people by id, one short transaction per batch, so it never holds a lock on the
whole registry; it takes the model classes as arguments so that a migration can pass its historical
models. Derived data only: no version and no audit row (nothing an officer typed changes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from sabeel.registry.fieldgroups import NAME_FIELDS
from sabeel.registry.readings import generated_readings, with_generated
from sabeel.registry.search import name_keys_for

__all__ = ["migration_reindex", "names_reindex"]

BATCH = 2000


def names_reindex(
    individual_model: Any,
    name_key_model: Any,
    *,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute every person's generated readings and search keys; returns how many people were
    read. ``progress(done, total)`` is called after each batch."""
    total = individual_model.objects.count()
    done, last = 0, 0
    columns = ("pk", "household__working_group_id", "generated_names", "date_of_birth", *NAME_FIELDS)
    while True:
        with transaction.atomic():
            rows = list(individual_model.objects.filter(pk__gt=last).order_by("pk").values(*columns)[:batch])
            if not rows:
                break
            changed = []
            keys = []
            for row in rows:
                typed = {name: row[name] or "" for name in NAME_FIELDS}
                generated = generated_readings(typed)
                if generated != (row["generated_names"] or {}):
                    changed.append(individual_model(pk=row["pk"], generated_names=generated))
                group = row["household__working_group_id"]
                born = row["date_of_birth"].year if row["date_of_birth"] else None
                keys += [
                    name_key_model(individual_id=row["pk"], working_group_id=group, key=key, born=born)
                    for key in sorted(name_keys_for(with_generated(typed, generated)))
                ]
            if changed:
                individual_model.objects.bulk_update(changed, ["generated_names"], batch_size=500)
            name_key_model.objects.filter(individual_id__in=[row["pk"] for row in rows]).delete()
            name_key_model.objects.bulk_create(keys, batch_size=2000)
        last = rows[-1]["pk"]
        done += len(rows)
        if progress is not None:
            progress(done, total)
    return done


def migration_reindex(apps: Any, schema_editor: Any) -> None:
    """``RunPython`` of the migrations that change the name model's keys or readings: the whole
    registry, with the migration's historical models."""
    names_reindex(apps.get_model("registry", "Individual"), apps.get_model("registry", "NameKey"))
