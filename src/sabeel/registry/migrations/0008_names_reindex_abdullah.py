"""The generated Arabic reading of a Latin "Abdullah" (Abdallah, Abd Allah, Abdulla …) is now
عبد الله, not عبد الليلى (Allah and Layla share a common form): recompute the generated readings
and search keys of the people already on file (``registry.reindex``, historical models, batches,
short transactions)."""

from django.db import migrations

from sabeel.registry.reindex import migration_reindex


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch, not one over the whole registry

    dependencies = [("registry", "0007_names_reindex_unexplained_c")]

    operations = [migrations.RunPython(migration_reindex, migrations.RunPython.noop, elidable=True)]
