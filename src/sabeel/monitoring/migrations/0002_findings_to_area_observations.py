"""Monitoring findings become observed entries of the area-conditions register.

Every ``ObservedFinding`` row is copied to ``conditions.AreaObservation`` (the same unit,
threshold and date, the same system actor, texts in English and Arabic, the source naming the
visit and ``cites`` = ("monitoring.visit", its id)), then the model is dropped: the register holds
the history from now on. Rows already copied (a re-run) are not copied twice."""

from django.db import migrations

LABELS = {
    # finding: (English, Arabic), as monitoring.models.FINDING_LABELS says them
    "not_reached": ("The monitor could not reach the household", "لم يتمكن المراقب من الوصول إلى الأسرة"),
    "documents_missing": ("Civil documents missing", "الوثائق المدنية المفقودة"),
    "not_back_home": ("Not back in their home", "لم يعودوا إلى منزلهم"),
    "services_missing": ("Basic services not found", "لم تُوجد الخدمات الأساسية"),
    "incident": ("Safety incident since return", "حادث أمني منذ العودة"),
    "re_displaced": ("Displaced again", "نزحوا مجدداً"),
}


def copy_findings(apps, schema_editor):
    finding_model = apps.get_model("monitoring", "ObservedFinding")
    observation_model = apps.get_model("conditions", "AreaObservation")
    for row in finding_model.objects.order_by("pk").iterator():
        text_en, text_ar = LABELS.get(row.finding, (row.finding, row.finding))
        values = {
            "admin_unit_id": row.admin_unit_id,
            "threshold": row.threshold,
            "observed_on": row.as_of,
            "source": f"Monitoring visit {row.visit_id} · زيارة متابعة {row.visit_id}",
            "text_en": text_en,
            "text_ar": text_ar,
            "cites_type": "monitoring.visit",
            "cites_id": str(row.visit_id),
        }
        same = ("admin_unit_id", "threshold", "observed_on", "cites_type", "cites_id")  # whatever its texts say
        if not observation_model.objects.filter(**{k: values[k] for k in same}).exists():
            observation_model.objects.create(system_actor=row.actor_id or "monitoring.findings", **values)


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0001_initial"),
        ("conditions", "0003_observation_cites"),
    ]

    operations = [
        migrations.RunPython(copy_findings, migrations.RunPython.noop),
        migrations.DeleteModel(name="ObservedFinding"),
    ]
