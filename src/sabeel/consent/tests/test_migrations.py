"""Migration 0002 on a database that already holds consents: programmes get a start day, and each
adult is left with at most one active consent per programme."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from sabeel.consent import services
from sabeel.consent.models import ReturnConsent, ReturnProgramme
from sabeel.consent.tests.factories import adults, consent, days_ago, family

pytestmark = pytest.mark.django_db(transaction=True)


def test_existing_consents_end_when_withdrawn_or_superseded_and_programmes_start_when_created(cast, places, committed_db):
    household = family(cast)
    mohamad, fatima = adults(household)
    withdrawn = consent(cast, mohamad, on=days_ago(40))
    services.consent_withdraw(actor=cast["lb_registration_officer"], individual=mohamad, channel="phone")
    kept = consent(cast, mohamad, on=days_ago(10))
    ReturnConsent.objects.filter(pk=kept.pk).update(created_at=timezone.now())  # recorded after the withdrawal
    earlier = consent(cast, fatima, on=days_ago(30))

    call_command("migrate", "consent", "0001", verbosity=0)
    with connection.cursor() as cursor:  # before the constraint: a second active consent, as old data may hold
        cursor.execute(
            "INSERT INTO consent_returnconsent (created_at, updated_at, household_id, individual_id, programme_id, given_on,"
            " free, informed, express, verified_by_id, can_read, information_package_id)"
            " SELECT created_at, updated_at, household_id, individual_id, programme_id, %s, free, informed, express,"
            " verified_by_id, can_read, information_package_id FROM consent_returnconsent WHERE id = %s",
            [days_ago(5), earlier.pk],
        )
    call_command("migrate", "consent", verbosity=0)

    ends = dict(ReturnConsent.objects.values_list("pk", "ended_reason"))
    assert ends[withdrawn.pk] == "withdrawn"
    assert ends[kept.pk] == ""
    assert ends[earlier.pk] == "superseded"
    assert ReturnConsent.objects.filter(individual=fatima, ended_at__isnull=True).count() == 1
    programme = ReturnProgramme.objects.get()
    assert programme.starts_on == programme.created_at.date()
