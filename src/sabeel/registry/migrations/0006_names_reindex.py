"""The name model's keys and generated readings changed with issue 9 (common forms across Arabic
script and English/French/Turkish/chat spellings): recompute them for the people already on file
(``registry.reindex``, with this migration's historical models; batches, short transactions)."""

from django.db import migrations

from sabeel.registry.reindex import migration_reindex


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch, not one over the whole registry

    dependencies = [("registry", "0005_generated_names")]

    operations = [migrations.RunPython(migration_reindex, migrations.RunPython.noop, elidable=True)]
