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


@pytest.fixture(autouse=True)
def every_app_migrated_after():
    """Taking consent back to an early migration also unapplies the apps whose migrations depend
    on it (movements, assistance …) and drops their tables; ``migrate consent`` forward brings back
    consent's only. Leave the test database as every other test expects it: all apps migrated."""
    yield
    call_command("migrate", verbosity=0)


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


def test_earlier_survey_imports_are_listed_as_runs_after_the_upgrade(cast, places, committed_db):
    from sabeel.consent import intentions
    from sabeel.consent.models import IntentionImport
    from sabeel.workgroups.models import WorkingGroup

    officer = cast["lb_registration_officer"]
    lebanon = WorkingGroup.objects.get(pk=officer.memberships.first().working_group_id)
    call_command("migrate", "consent", "0002", verbosity=0)
    done = IntentionImport.objects.create(
        working_group=lebanon, file_name="march.xlsx", file_digest="a" * 64, imported_by=officer,
        succeeded=True, rows_total=40, rows_created=38, rows_already_imported=2,
    )
    refused = IntentionImport.objects.create(
        working_group=lebanon, file_name="april.csv", file_digest="b" * 64, imported_by=officer, succeeded=False,
        rows_total=3, report=[{"row": 2, "kind": "unmatched", "problem": "household_not_found"}],
    )

    call_command("migrate", "consent", verbosity=0)
    call_command("migrate", "consent", "0002", verbosity=0)
    call_command("migrate", "consent", verbosity=0)  # a second pass copies nothing twice

    listed = {run.params["legacy_import_id"]: run for run in intentions.intention_import_list(actor=officer)}
    assert set(listed) == {done.pk, refused.pk}
    assert (listed[done.pk].status, listed[done.pk].counts["created"]) == ("succeeded", 38)
    assert (listed[refused.pk].status, listed[refused.pk].failure, listed[refused.pk].counts["refused"]) == ("failed", "rows_refused", 1)
    assert listed[refused.pk].errors == refused.report
    assert IntentionImport.objects.count() == 2  # the old rows stay
