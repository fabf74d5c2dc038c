"""The search keys of a Latin name with a c that no letter explains (Casim, Cuma, Kacem) now
include its Turkish (c = ج) and French (soft c = س) readings: recompute the keys of the people
already on file (``registry.reindex``, historical models, batches, short transactions)."""

from django.db import migrations

from sabeel.registry.reindex import migration_reindex


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch, not one over the whole registry

    dependencies = [("registry", "0006_names_reindex")]

    operations = [migrations.RunPython(migration_reindex, migrations.RunPython.noop, elidable=True)]
