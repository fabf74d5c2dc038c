"""Consent rules (issue 7): a programme's start date, and at most one active consent per adult per
programme (``ended_at`` / ``ended_reason`` and a partial unique constraint).

Existing rows: a programme is in force from the day it was created; a consent followed by a
withdrawal of the same person is ended as withdrawn (at the withdrawal's recording); of the
remaining consents of one person under one programme the latest stays active and the earlier ones
are ended as superseded."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.db.models import Q


def _backfill(apps: Any, schema_editor: Any) -> None:
    Programme = apps.get_model("consent", "ReturnProgramme")
    Consent = apps.get_model("consent", "ReturnConsent")
    Withdrawal = apps.get_model("consent", "Withdrawal")
    for programme in Programme.objects.filter(starts_on__isnull=True):
        programme.starts_on = programme.created_at.date()
        programme.save(update_fields=["starts_on"])
    latest: dict[tuple[int, int], Any] = {}
    for consent in Consent.objects.order_by("given_on", "created_at", "pk"):
        withdrawal = (
            Withdrawal.objects.filter(individual_id=consent.individual_id, created_at__gte=consent.created_at)
            .order_by("created_at")
            .first()
        )
        if withdrawal is not None:
            consent.ended_at, consent.ended_reason = withdrawal.created_at, "withdrawn"
            consent.save(update_fields=["ended_at", "ended_reason"])
            continue
        key = (consent.individual_id, consent.programme_id)
        earlier = latest.get(key)
        if earlier is not None:
            earlier.ended_at, earlier.ended_reason = consent.created_at, "superseded"
            earlier.save(update_fields=["ended_at", "ended_reason"])
        latest[key] = consent


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="returnconsent",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ended at"),
        ),
        migrations.AddField(
            model_name="returnconsent",
            name="ended_reason",
            field=models.CharField(
                blank=True,
                choices=[("withdrawn", "Withdrawn"), ("expired", "Expired"), ("superseded", "Replaced by a later consent")],
                default="",
                max_length=16,
                verbose_name="ended because",
            ),
        ),
        migrations.AddField(
            model_name="returnprogramme",
            name="starts_on",
            field=models.DateField(null=True, verbose_name="in force from"),
        ),
        migrations.RunPython(_backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="returnprogramme",
            name="starts_on",
            field=models.DateField(verbose_name="in force from"),
        ),
        migrations.AddConstraint(
            model_name="returnconsent",
            constraint=models.UniqueConstraint(
                condition=Q(ended_at__isnull=True),
                fields=("individual", "programme"),
                name="one_active_consent_per_adult_per_programme",
                violation_error_message="This person already has an active consent under this programme.",
            ),
        ),
        migrations.AddConstraint(
            model_name="returnconsent",
            constraint=models.CheckConstraint(
                condition=Q(ended_at__isnull=True, ended_reason="") | Q(ended_at__isnull=False) & ~Q(ended_reason=""),
                name="consent_ended_with_reason",
                violation_error_message="An ended consent says why it ended.",
            ),
        ),
    ]
