"""The funnel snapshot: each stage's facts, the verdict from the one eligibility function, the
refresh on commit after a service changes a household, the background refresh, and failure."""

from __future__ import annotations

import logging

import pytest

from sabeel.consent import services
from sabeel.consent.eligibility import household_eligibility
from sabeel.consent.intentions import intention_record
from sabeel.consent.tests.factories import adults, consent, counselled, days_ago, family, ready_family, today
from sabeel.core.actors import system
from sabeel.core.models import Run, RunStatus
from sabeel.registry.models import Household
from sabeel.registry.services import household_close
from sabeel.reports import snapshot
from sabeel.reports.choices import ConsentState
from sabeel.reports.models import HouseholdFunnel


def _row(household: Household) -> HouseholdFunnel:
    return HouseholdFunnel.objects.get(household=household)


def test_a_new_household_is_registered_only(cast) -> None:  # type: ignore[no-untyped-def]
    household = family(cast)
    snapshot.refresh_households([household.pk])
    row = _row(household)
    assert (row.intention, row.consent_state, row.eligible) == ("", ConsentState.NONE, False)
    assert row.intending_on is row.counselled_on is row.consented_on is row.eligible_since is None
    assert "no_consent" in row.reasons
    assert row.working_group_id == household.working_group_id


def test_intending_since_the_first_yes_of_the_latest_run_of_yes(cast) -> None:  # type: ignore[no-untyped-def]
    household = family(cast)
    officer = cast["lb_registration_officer"]
    for answer, ago in (("yes", 40), ("no", 30), ("yes", 20), ("yes", 10)):
        intention_record(
            actor=officer,
            household=household,
            hopes_to_return=answer,
            intends_within_12_months="unsure",
            recorded_on=days_ago(ago),
        )
    snapshot.refresh_households([household.pk])
    row = _row(household)
    assert (row.intention, row.intending_on) == ("yes", days_ago(20))
    intention_record(actor=officer, household=household, hopes_to_return="unsure", intends_within_12_months="no")
    snapshot.refresh_households([household.pk])
    assert (_row(household).intention, _row(household).intending_on) == ("unsure", None)


def test_counselled_then_partial_then_consented(cast) -> None:  # type: ignore[no-untyped-def]
    household = family(cast)
    first, second = adults(household)
    counselled(cast, first, on=days_ago(40))
    snapshot.refresh_households([household.pk])
    assert (_row(household).consent_state, _row(household).counselled_on) == (ConsentState.COUNSELLED, days_ago(40))
    consent(cast, first, on=days_ago(30))
    snapshot.refresh_households([household.pk])
    assert _row(household).consent_state == ConsentState.PARTIAL
    assert _row(household).consented_on is None
    consent(cast, second, on=days_ago(20))
    snapshot.refresh_households([household.pk])
    row = _row(household)
    assert (row.consent_state, row.consented_on) == (ConsentState.CONSENTED, days_ago(20))
    verdict = household_eligibility(household=household)
    assert row.eligible is verdict.may_schedule  # the verdict decides, nothing else
    assert row.reasons == [r.code for r in household_eligibility(household=household).reasons_not_schedulable]


def test_eligible_is_the_verdict_and_keeps_its_first_day(cast) -> None:  # type: ignore[no-untyped-def]
    household = ready_family(cast)
    snapshot.refresh_households([household.pk])
    row = _row(household)
    assert household_eligibility(household=household).may_schedule
    assert (row.eligible, row.reasons, row.eligible_since) == (True, [], today())
    HouseholdFunnel.objects.filter(pk=household.pk).update(eligible_since=days_ago(3))
    snapshot.refresh_households([household.pk])
    assert _row(household).eligible_since == days_ago(3)


def test_a_withdrawal_through_the_service_updates_the_row_on_commit(cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        household = ready_family(cast)
    assert _row(household).eligible is True  # the services' own signals made the row
    first, _second = adults(household)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.consent_withdraw(actor=cast["lb_protection_officer"], individual=first, channel="phone")
        assert _row(household).eligible is True  # not before the commit
    assert callbacks
    row = _row(household)
    assert (row.eligible, row.consent_state, row.eligible_since) == (False, ConsentState.WITHDRAWN, None)
    assert "consent_withdrawn" in row.reasons


def test_closing_the_file_updates_the_row_on_commit(cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        household = ready_family(cast)
        household_close(
            actor=cast["lb_registration_officer"], household=Household.objects.get(pk=household.pk), reason="moved away"
        )
    row = _row(household)
    assert row.eligible is False and "household_closed" in row.reasons


def test_a_failed_refresh_never_reaches_the_request_and_leaves_the_row_not_eligible(  # type: ignore[no-untyped-def]
    cast, django_capture_on_commit_callbacks, monkeypatch, caplog
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        household = ready_family(cast)
    assert _row(household).eligible is True

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("Mohamad El Hariri")

    monkeypatch.setattr(snapshot, "compute_rows", broken)
    first, _second = adults(household)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        services.reconfirmation_record(actor=cast["lb_protection_officer"], individual=first, on=today())
    row = _row(household)
    assert (row.stale, row.eligible) == (True, False)
    assert str(household.pk) in caplog.text and "RuntimeError" in caplog.text
    assert "Mohamad" not in caplog.text and "Hariri" not in caplog.text


def test_many_households_changed_at_once_go_to_a_task(cast, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sabeel.reports import tasks

    sent: list[list[int]] = []

    class FakeTask:
        def enqueue(self, **kwargs):  # type: ignore[no-untyped-def]
            sent.append(kwargs["household_ids"])

    monkeypatch.setattr(tasks, "snapshot_households_task", FakeTask())
    snapshot.refresh_or_enqueue(range(1, snapshot.INLINE_LIMIT + 2))
    assert sent == [list(range(1, snapshot.INLINE_LIMIT + 2))]


def test_refresh_all_is_a_background_run_with_progress(cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    households = [family(cast), ready_family(cast, group="jo")]
    HouseholdFunnel.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        run = snapshot.refresh_all(actor=system("test"))
    run = Run.objects.get(pk=run.pk)
    assert run.kind == snapshot.RUN_KIND
    assert run.status == RunStatus.SUCCEEDED
    assert run.done == run.total == Household.objects.count()
    assert run.counts == {"households": Household.objects.count()}
    assert set(HouseholdFunnel.objects.values_list("household_id", flat=True)) == {
        h.pk for h in Household.objects.all()
    }
    assert _row(households[1]).eligible is True


def test_refresh_all_in_small_batches_covers_every_household(cast) -> None:  # type: ignore[no-untyped-def]
    made = [family(cast) for _ in range(3)]
    run = snapshot.refresh_all(actor=system("test"))
    HouseholdFunnel.objects.all().delete()
    finished = snapshot.refresh_all_run(run_id=run.pk, batch=2)
    assert finished is not None and finished.status == RunStatus.SUCCEEDED
    assert {h.pk for h in made} <= set(HouseholdFunnel.objects.values_list("household_id", flat=True))


@pytest.mark.parametrize("ids", [[], [None]])
def test_nothing_to_announce(ids, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from sabeel.core.signals import households_changed

    with django_capture_on_commit_callbacks() as callbacks:
        households_changed(ids)
    assert callbacks == []


def test_a_new_area_condition_refreshes_the_verdicts_on_commit(cast, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from sabeel.conditions.services import area_condition_record

    with django_capture_on_commit_callbacks(execute=True):
        household = ready_family(cast)
    assert _row(household).eligible is True
    destination = household.destination or household.origin
    with django_capture_on_commit_callbacks(execute=True):
        area_condition_record(
            actor=cast["lb_protection_officer"],
            admin_unit=destination,
            threshold="safety",
            status="not_met",
            source="Protection monitoring report",
            as_of=days_ago(1),
            text_en="Shelling reported in the area.",
            text_ar="أنباء عن قصف في المنطقة.",
            active_hostilities=True,
        )
    row = _row(household)
    assert row.eligible is False
    assert household_eligibility(household=household).may_schedule is False
