"""Earlier survey imports (``IntentionImport``, written before imports became background runs) are
copied onto the shared run record, so the import page and API keep listing them: nothing is lost.
The old rows stay where they were; the copy names them in ``params["legacy_import_id"]`` and is made
once (a second run of the migration finds the copies and adds none)."""

from django.db import migrations

KIND = "consent.intention_import"


def forwards(apps, schema_editor):
    IntentionImport = apps.get_model("consent", "IntentionImport")
    Run = apps.get_model("core", "Run")
    copied = {
        params.get("legacy_import_id")
        for params in Run.objects.filter(kind=KIND).values_list("params", flat=True)
        if isinstance(params, dict)
    }
    for old in IntentionImport.objects.order_by("pk").iterator():
        if old.pk in copied:
            continue
        blocking = len({entry.get("row") for entry in old.report or [] if entry.get("kind") in ("unmatched", "invalid")})
        run = Run.objects.create(
            kind=KIND,
            status="succeeded" if old.succeeded else "failed",
            working_group_id=old.working_group_id,
            actor_kind="user",
            actor_id=str(old.imported_by_id),
            started_by_id=old.imported_by_id,
            params={"file_name": old.file_name, "file_digest": old.file_digest, "legacy_import_id": old.pk},
            done=old.rows_total,
            total=old.rows_total,
            counts={
                "rows_total": old.rows_total,
                "created": old.rows_created,
                "already_imported": old.rows_already_imported,
                "refused": blocking,
            },
            errors=list(old.report or [])[:1000],
            failure="" if old.succeeded else "rows_refused",
            started_at=old.created_at,
            finished_at=old.created_at,
        )
        # The run's own creation time is the import's, so the list keeps its order.
        Run.objects.filter(pk=run.pk).update(created_at=old.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0002_consent_rules"),
        ("core", "0004_runs"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
