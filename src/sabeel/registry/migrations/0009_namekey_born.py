"""The search index carries each person's year of birth (``NameKey.born``), so that a search
given a year reads the people born near it from the index alone: the column, filled for the
people on file (batches of people by id, one short transaction each), then the covering index
with the year in it."""

from typing import Any

from django.db import migrations, models, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import ExtractYear

BATCH = 20_000


def fill_birth_years(apps: Any, schema_editor: Any) -> None:
    individual = apps.get_model("registry", "Individual")
    name_key = apps.get_model("registry", "NameKey")
    year = individual.objects.filter(pk=OuterRef("individual_id")).values(y=ExtractYear("date_of_birth"))[:1]
    last = 0
    while True:
        ids = list(individual.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        with transaction.atomic():
            name_key.objects.filter(individual_id__gte=ids[0], individual_id__lte=ids[-1]).update(born=Subquery(year))
        last = ids[-1]


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch, not one over the whole registry

    dependencies = [("registry", "0008_names_reindex_abdullah")]

    operations = [
        migrations.RemoveIndex(model_name="namekey", name="namekey_lookup"),
        migrations.AddField(
            model_name="namekey",
            name="born",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="year of birth"),
        ),
        migrations.RunPython(fill_birth_years, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="namekey",
            index=models.Index(fields=["working_group_id", "key", "born", "individual"], name="namekey_lookup"),
        ),
    ]
