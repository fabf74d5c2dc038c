"""The writes, as stories with the cast: who may record what, what is refused and why, what the
audit trail keeps, and that a withdrawal never touches the household's registry record."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.forms.models import model_to_dict
from django.http import Http404
from django.utils import timezone, translation

from sabeel.consent import services
from sabeel.consent.eligibility import household_eligibility
from sabeel.consent.models import FollowUp, GoAndSeeVisit, ReturnConsent, ReturnProgramme, Withdrawal
from sabeel.consent.tests.factories import (
    adults,
    consent,
    counselled,
    days_ago,
    family,
    member,
    package_make,
    programme_make,
    ready_family,
    today,
)
from sabeel.core.actors import refugee, system
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.registry.models import Household, Individual, RecordVersion
from sabeel.registry.tests.factories import head, spouse

pytestmark = pytest.mark.django_db


def _last_audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


def _consent_on(cast, person: Individual, day: dt.date, **values) -> ReturnConsent:  # type: ignore[no-untyped-def]
    return services.consent_record(
        actor=cast["lb_protection_officer"], individual=person, given_on=day, free=True, informed=True, express=True, **values
    )


# --- consent ------------------------------------------------------------------------------------------


def test_protection_officer_records_consent_with_the_package_seen_at_counselling(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    package = package_make(household)
    services.counselling_record(
        actor=cast["lb_protection_officer"], household=household, held_on=days_ago(5), language="ar", attendees=[mohamad], information_package=package
    )
    recorded = services.consent_record(actor=cast["lb_protection_officer"], individual=mohamad, free=True, informed=True, express=True)
    assert recorded.given_on == today()
    assert recorded.information_package == package
    assert recorded.verified_by == cast["lb_protection_officer"]
    entry = _last_audit("consent.recorded")
    assert entry.data == {
        "household_id": household.pk,
        "consent_id": recorded.pk,
        "individual_id": mohamad.pk,
        "programme_id": recorded.programme_id,
        "information_package_id": package.pk,
    }
    assert entry.working_group_id == cast.groups["lb"].pk


def test_registration_officer_cannot_record_consent(cast, places):
    household = family(cast)
    with pytest.raises(NotPermitted):
        services.consent_record(
            actor=cast["lb_registration_officer"], individual=adults(household)[0], free=True, informed=True, express=True
        )
    assert not ReturnConsent.objects.exists()


def test_jordan_protection_officer_gets_404_for_a_lebanon_person(cast, places):
    household = family(cast)
    with pytest.raises(Http404):
        services.consent_record(actor=cast["jo_protection_officer"], individual=adults(household)[0], free=True, informed=True, express=True)


def test_consent_must_be_free_informed_and_express(cast, places):
    household = family(cast)
    with pytest.raises(ServiceError) as refused:
        services.consent_record(actor=cast["lb_protection_officer"], individual=adults(household)[0], free=True, informed=False, express=False)
    assert set(refused.value.fields) == {"informed", "express"}
    assert not ReturnConsent.objects.exists()


def test_a_consent_dated_tomorrow_is_refused(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    counselled(cast, mohamad, on=today())
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        _consent_on(cast, mohamad, today() + dt.timedelta(days=1))
    assert refused.value.fields == {"given_on": ["The date cannot be in the future."]}
    assert not ReturnConsent.objects.exists()


def test_a_consent_before_the_programme_started_is_refused(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    started = programme_make(cast).starts_on
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        _consent_on(cast, mohamad, started - dt.timedelta(days=1))
    assert refused.value.fields["given_on"] == [
        f"The date cannot be before the return programme started, on {started.day} {started:%B} {started.year}."
    ]


def test_a_consent_certainly_before_birth_is_refused_and_a_year_only_birth_counts_from_1_january(cast, places):
    """Mohamad's birth is recorded as "1980" only: 31 December 1979 is certainly before he was
    born; 1 June 1980 may not be, but then he is a baby, and no consent is taken from a child."""
    household = family(cast)
    mohamad, _fatima = adults(household)
    services.programme_update(actor=cast["lb_administrator"], programme=programme_make(cast), changes={"starts_on": dt.date(1970, 1, 1)})
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        _consent_on(cast, mohamad, dt.date(1979, 12, 31))
    assert refused.value.fields == {"given_on": ["The date cannot be before the person was born."]}
    with pytest.raises(ServiceError) as refused:
        _consent_on(cast, mohamad, dt.date(1980, 6, 1))
    assert refused.value.code == "may_be_child"


def test_no_consent_for_a_17_year_old(cast, places):
    """Omar turns 18 tomorrow: today he is 17, and consent is an adult's."""
    birthday = today() + dt.timedelta(days=1)
    omar_born = birthday.replace(year=birthday.year - 18)
    household = family(cast, members=[head(), spouse(), head(relationship="son", first_name_lat="Omar", date_of_birth=omar_born.isoformat())])
    omar = member(household, "son")
    counselled(cast, omar, on=today())
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        _consent_on(cast, omar, today())
    assert refused.value.code == "may_be_child"
    assert "may be under 18" in refused.value.fields["individual"][0]
    assert "best-interests procedure" in refused.value.fields["individual"][0]
    assert not ReturnConsent.objects.exists()


def test_a_year_only_birth_date_is_read_cautiously_for_consent(cast, places):
    """Born in "<this year - 18>": perhaps 18 already, perhaps not until 31 December: refused.
    Born in "<this year - 19>": 18 by last 31 December at the latest: consent is recorded."""
    year = today().year
    household = family(
        cast,
        members=[
            head(date_of_birth=str(year - 19)),
            spouse(),
            head(relationship="son", first_name_lat="Omar", date_of_birth=str(year - 18)),
        ],
    )
    mohamad, omar = member(household, "head"), member(household, "son")
    for person in (mohamad, omar):
        counselled(cast, person, on=today())
    with pytest.raises(ServiceError) as refused:
        _consent_on(cast, omar, today())
    assert refused.value.code == "may_be_child"
    assert _consent_on(cast, mohamad, today()).given_on == today()


def test_no_consent_for_a_person_whose_birth_date_is_unknown(cast, places):
    household = family(cast, members=[head(date_of_birth=None, dob_precision="unknown"), spouse()])
    mohamad, _fatima = adults(household)
    counselled(cast, mohamad, on=today())
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        _consent_on(cast, mohamad, today())
    assert refused.value.code == "may_be_child"
    assert "Record the date of birth first" in refused.value.fields["individual"][0]


def test_consent_needs_counselling_that_the_person_attended_first(cast, places):
    household = family(cast)
    mohamad, fatima = adults(household)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        _consent_on(cast, mohamad, days_ago(5))
    assert refused.value.code == "not_counselled"
    assert "Record a counselling session they attended first" in refused.value.fields["individual"][0]
    counselled(cast, fatima, on=days_ago(10))  # Fatima attended, Mohamad did not
    counselled(cast, mohamad, on=days_ago(2))  # after the day of the consent
    with pytest.raises(ServiceError) as refused:
        _consent_on(cast, mohamad, days_ago(5))
    assert refused.value.code == "not_counselled"
    assert _consent_on(cast, mohamad, days_ago(2)).given_on == days_ago(2)


def test_the_consent_records_the_package_counselling_showed_and_refuses_another(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    shown = counselled(cast, mohamad, on=days_ago(10))
    never_shown = package_make(household)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        _consent_on(cast, mohamad, days_ago(5), information_package=never_shown)
    assert refused.value.fields["information_package"] == [
        "This person was not shown this version of the information package at counselling; the consent "
        "records the version they were shown."
    ]
    assert _consent_on(cast, mohamad, days_ago(5)).information_package == shown


def test_a_second_consent_is_a_re_confirmation(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    first = consent(cast, mohamad, on=days_ago(20))
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        consent(cast, mohamad, on=days_ago(3))
    assert refused.value.code == "conflict"
    assert refused.value.fields["individual"][0].endswith("Record a re-confirmation instead.")
    assert list(ReturnConsent.objects.filter(individual=mohamad)) == [first]
    assert services.reconfirmation_record(actor=cast["lb_protection_officer"], individual=mohamad, on=days_ago(3))


def test_after_a_withdrawal_a_new_consent_may_be_recorded(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    first = consent(cast, mohamad, on=days_ago(20))
    services.consent_withdraw(actor=cast["lb_registration_officer"], individual=mohamad, channel="phone")
    first.refresh_from_db()
    assert first.ended_reason == "withdrawn" and first.ended_at is not None
    second = consent(cast, mohamad, on=today())
    assert second.ended_at is None
    assert _last_audit("consent.withdrawn").data["consents_ended"] == 1


def test_after_expiry_a_new_consent_may_be_recorded(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    expired = consent(cast, mohamad, on=days_ago(100))  # valid 90 days
    renewed = consent(cast, mohamad, on=today())
    expired.refresh_from_db()
    assert (expired.ended_reason, renewed.ended_reason) == ("expired", "")


def test_the_database_keeps_one_active_consent_per_adult_per_programme(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    first = consent(cast, mohamad, on=days_ago(20))
    values = {f: getattr(first, f) for f in ("household", "individual", "programme", "given_on", "verified_by")}
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnConsent.objects.create(**values, free=True, informed=True, express=True)
    ReturnConsent.objects.create(**values, free=True, informed=True, express=True, ended_at=timezone.now(), ended_reason="superseded")


@pytest.mark.django_db(transaction=True)
def test_two_officers_recording_the_same_consent_at_once_record_one(cast, places, committed_db):
    """On PostgreSQL, two requests race: the row lock and the constraint let one consent through
    and refuse the other as a re-confirmation. (SQLite serialises every writer anyway.)"""
    if connection.vendor != "postgresql":
        pytest.skip("a race needs PostgreSQL's row locks")
    household = family(cast)
    mohamad, _fatima = adults(household)
    counselled(cast, mohamad, on=days_ago(1))
    start, outcomes = threading.Barrier(2), []

    def record() -> None:
        start.wait()
        try:
            _consent_on(cast, mohamad, today())
            outcomes.append("recorded")
        except ServiceError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "recorded"]
    assert ReturnConsent.objects.filter(individual=mohamad, ended_at__isnull=True).count() == 1


def test_consent_needs_an_active_programme(cast, places):
    household = family(cast)
    ReturnProgramme.objects.update(is_active=False)
    with pytest.raises(ServiceError):
        consent(cast, adults(household)[0])


# --- withdrawal -------------------------------------------------------------------------------------------


def _registry_state(household: Household) -> dict:
    return {
        "household": model_to_dict(Household.objects.get(pk=household.pk)),
        "updated_at": Household.objects.get(pk=household.pk).updated_at,
        "members": [model_to_dict(p) | {"updated_at": p.updated_at} for p in Individual.objects.filter(household=household).order_by("pk")],
        "versions": list(RecordVersion.objects.filter(household=household).order_by("pk").values()),
    }


def test_withdrawal_never_closes_or_flags_the_registry_record(cast, places):
    household = ready_family(cast)
    before = _registry_state(household)
    for person, actor, channel in (
        (adults(household)[1], cast["lb_registration_officer"], "phone"),
        (adults(household)[0], refugee(household_id=household.pk, individual_id=adults(household)[0].pk, phone_id="p1"), "self_service"),
    ):
        services.consent_withdraw(actor=actor, individual=person, channel=channel)
    assert _registry_state(household) == before
    assert Household.objects.get(pk=household.pk).status == "open"
    assert not household_eligibility(household=household).may_schedule


def test_the_person_withdraws_on_the_self_service_page(cast, places):
    household = ready_family(cast)
    fatima = adults(household)[1]
    person = refugee(household_id=household.pk, individual_id=fatima.pk, phone_id="phone-7")
    withdrawal = services.consent_withdraw(actor=person, individual=fatima, channel="self_service")
    assert withdrawal.recorded_by is None
    entry = _last_audit("consent.withdrawn")
    assert (entry.actor_kind, entry.actor_id) == ("refugee", str(household.pk))
    assert entry.data["individual_id"] == fatima.pk and entry.data["channel"] == "self_service"


def test_a_person_cannot_withdraw_for_another_household_or_another_adult(cast, places):
    household = ready_family(cast)
    mohamad, fatima = adults(household)
    other = family(cast)
    with pytest.raises(Http404):
        services.consent_withdraw(actor=refugee(household_id=other.pk), individual=fatima, channel="self_service")
    with pytest.raises(NotPermitted):
        services.consent_withdraw(actor=refugee(household_id=household.pk, individual_id=mohamad.pk), individual=fatima, channel="self_service")
    with pytest.raises(ServiceError):
        services.consent_withdraw(actor=refugee(household_id=household.pk, individual_id=fatima.pk), individual=fatima, channel="phone")
    assert not Withdrawal.objects.exists()


@pytest.mark.parametrize("role", ["registration_officer", "protection_officer", "movement_officer"])
def test_officers_holding_consent_withdraw_record_a_withdrawal(cast, places, role):
    household = ready_family(cast)
    services.consent_withdraw(actor=cast[f"lb_{role}"], individual=adults(household)[0], channel="check_in")
    assert Withdrawal.objects.filter(recorded_by=cast[f"lb_{role}"]).count() == 1


def test_a_finance_officer_cannot_record_a_withdrawal(cast, places):
    household = ready_family(cast)
    with pytest.raises(NotPermitted):
        services.consent_withdraw(actor=cast["lb_finance_officer"], individual=adults(household)[0], channel="phone")


def test_an_officer_does_not_use_the_self_service_channel(cast, places):
    household = ready_family(cast)
    with pytest.raises(ServiceError) as refused:
        services.consent_withdraw(actor=cast["lb_protection_officer"], individual=adults(household)[0], channel="self_service")
    assert "channel" in refused.value.fields


def test_a_check_in_job_may_record_a_withdrawal(cast, places):
    household = ready_family(cast)
    services.consent_withdraw(actor=system("check_in"), individual=adults(household)[0], channel="check_in")
    assert not household_eligibility(household=household).may_schedule


def test_a_withdrawal_cannot_be_dated_in_the_future(cast, places):
    household = ready_family(cast)
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    with pytest.raises(ServiceError):
        services.consent_withdraw(actor=cast["lb_protection_officer"], individual=adults(household)[0], channel="phone", at=tomorrow)


def test_a_withdrawal_typed_in_the_future_refuses_the_time_not_the_withdrawal(cast, places):
    household = ready_family(cast)
    fatima = adults(household)[1]
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatima, channel="phone", at=tomorrow)
    assert refused.value.fields == {
        "at": ["The time cannot be in the future. Leave it empty to record the withdrawal as of now."]
    }
    withdrawal = services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatima, channel="phone")
    assert withdrawal.at <= timezone.now()
    assert not household_eligibility(household=household).may_schedule


def test_a_withdrawal_time_before_the_person_was_born_is_refused(cast, places):
    household = family(cast)
    fatima = adults(household)[1]  # born 2 May 1984
    services.programme_update(actor=cast["lb_administrator"], programme=programme_make(cast), changes={"starts_on": dt.date(1970, 1, 1)})
    before = dt.datetime(1984, 5, 1, 12, tzinfo=dt.UTC)
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatima, channel="phone", at=before)
    assert refused.value.fields["at"] == [
        "The date cannot be before the person was born. Leave the time empty to record the withdrawal as of now."
    ]


def test_a_withdrawal_is_accepted_without_counselling_consent_or_programme(cast, places):
    household = family(cast)
    ReturnProgramme.objects.update(is_active=False)
    mohamad, _fatima = adults(household)
    services.consent_withdraw(actor=cast["lb_registration_officer"], individual=mohamad, channel="in_person")
    assert Withdrawal.objects.filter(individual=mohamad).count() == 1


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ("counselling_in_the_future", "held_on"),
        ("counselling_before_the_programme", "held_on"),
        ("reconfirmation_before_the_programme", "on"),
        ("go_and_see_before_the_programme", "starts_on"),
        ("completed_go_and_see_ending_tomorrow", "ends_on"),
        ("best_interests_before_the_child_was_born", "started_on"),
        ("split_in_the_future", "on"),
        ("sign_off_before_the_programme", "on"),
    ],
)
def test_every_voluntariness_record_refuses_an_impossible_date(cast, places, record, field):
    household = family(
        cast, members=[head(), spouse(), head(relationship="daughter", first_name_lat="Lina", date_of_birth=str(today().year - 3))]
    )
    mohamad, fatima = adults(household)
    lina = member(household, "daughter")
    officer = cast["lb_protection_officer"]
    before_programme = programme_make(cast).starts_on - dt.timedelta(days=1)
    tomorrow = today() + dt.timedelta(days=1)
    attempts = {
        "counselling_in_the_future": lambda: services.counselling_record(actor=officer, household=household, held_on=tomorrow, language="ar"),
        "counselling_before_the_programme": lambda: services.counselling_record(
            actor=officer, household=household, held_on=before_programme, language="ar"
        ),
        "reconfirmation_before_the_programme": lambda: services.reconfirmation_record(actor=officer, individual=mohamad, on=before_programme),
        "go_and_see_before_the_programme": lambda: services.go_and_see_record(
            actor=officer, individual=fatima, starts_on=before_programme, ends_on=today()
        ),
        "completed_go_and_see_ending_tomorrow": lambda: services.go_and_see_record(
            actor=officer, individual=fatima, starts_on=today(), ends_on=tomorrow, outcome="completed"
        ),
        "best_interests_before_the_child_was_born": lambda: services.best_interests_record(
            actor=officer, child=lina, started_on=dt.date(today().year - 4, 12, 31)
        ),
        "split_in_the_future": lambda: services.split_record(actor=officer, household=household, members_leaving=[mohamad], on=tomorrow),
        "sign_off_before_the_programme": lambda: services.hostilities_sign_off_record(actor=officer, household=household, on=before_programme),
    }
    with pytest.raises(ServiceError) as refused:
        attempts[record]()
    assert list(refused.value.fields) == [field]


def test_a_planned_visit_may_lie_ahead_but_is_completed_only_once_it_has_ended(cast, places):
    household = family(cast)
    fatima = adults(household)[1]
    officer = cast["lb_protection_officer"]
    visit = services.go_and_see_record(
        actor=officer, individual=fatima, starts_on=today() + dt.timedelta(days=3), ends_on=today() + dt.timedelta(days=5)
    )
    with pytest.raises(ServiceError) as refused:
        services.go_and_see_outcome_set(actor=officer, visit=visit, outcome="completed")
    assert list(refused.value.fields) == ["outcome"]
    assert services.go_and_see_outcome_set(actor=officer, visit=visit, outcome="cancelled").outcome == "cancelled"


def test_a_withdrawal_puts_one_call_in_the_work_queue_and_notifies_after_the_commit(
    cast, places, django_capture_on_commit_callbacks, caplog
):
    household = ready_family(cast)
    fatima = adults(household)[1]
    caplog.set_level(logging.INFO, logger="sabeel.consent.tasks")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatima, channel="phone")
        services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatima, channel="in_person")
    assert FollowUp.objects.filter(household=household, individual=fatima, kind="withdrawal_call", done_at__isnull=True).count() == 1
    assert "follow-up" not in caplog.text  # nothing left the database before the commit
    for callback in callbacks:
        callback()
    follow_up = FollowUp.objects.get(individual=fatima)
    assert f"follow-up {follow_up.pk} (withdrawal_call)" in caplog.text


# --- re-confirmation, go-and-see, counselling ---------------------------------------------------------------


def test_reconfirmation_needs_a_standing_consent(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    with pytest.raises(ServiceError):
        services.reconfirmation_record(actor=cast["lb_protection_officer"], individual=mohamad)
    consent(cast, mohamad, on=days_ago(20))
    services.consent_withdraw(actor=cast["lb_protection_officer"], individual=mohamad, channel="phone")
    with pytest.raises(ServiceError):
        services.reconfirmation_record(actor=cast["lb_protection_officer"], individual=mohamad)


def test_go_and_see_limit(cast, places):
    household = family(cast)
    mohamad, fatima = adults(household)
    officer = cast["lb_protection_officer"]
    visit = services.go_and_see_record(actor=officer, individual=mohamad, starts_on=days_ago(30), ends_on=days_ago(27))
    with pytest.raises(ServiceError) as refused:
        services.go_and_see_record(actor=officer, individual=mohamad, starts_on=days_ago(10), ends_on=days_ago(8))
    assert refused.value.message == "The programme allows 1 go-and-see visit per person, and this person has had 1."
    assert refused.value.fields == {"individual": [refused.value.message]}
    services.go_and_see_record(actor=officer, individual=fatima, starts_on=days_ago(10), ends_on=days_ago(8))  # per person
    services.go_and_see_outcome_set(actor=officer, visit=visit, outcome="cancelled")
    services.go_and_see_record(actor=officer, individual=mohamad, starts_on=days_ago(5), ends_on=days_ago(3))  # cancelled ones do not count
    with pytest.raises(ServiceError):
        services.go_and_see_outcome_set(actor=officer, visit=visit, outcome="completed")
    programme_make(cast, go_and_see_visits_allowed=2)
    services.go_and_see_outcome_set(actor=officer, visit=visit, outcome="completed")
    assert GoAndSeeVisit.objects.filter(individual=mohamad).exclude(outcome="cancelled").count() == 2


def test_a_visit_cannot_end_before_it_starts(cast, places):
    household = family(cast)
    with pytest.raises(ServiceError):
        services.go_and_see_record(actor=cast["lb_protection_officer"], individual=adults(household)[0], starts_on=days_ago(3), ends_on=days_ago(5))


def test_counselling_records_language_attendees_and_package(cast, places):
    household = family(cast)
    package = package_make(household, "en")
    session = services.counselling_record(
        actor=cast["lb_protection_officer"], household=household, language="en", attendees=list(adults(household)), information_package=package,
        questions_raised="What about the school in Daraa?",
    )
    assert set(session.attendees.all()) == set(adults(household))
    assert session.counsellor == cast["lb_protection_officer"]
    assert "questions" not in str(_last_audit("consent.counselling_recorded").data)
    with pytest.raises(ServiceError):
        services.counselling_record(actor=cast["lb_protection_officer"], household=household, language="fr")
    stranger = adults(family(cast))[0]
    with pytest.raises(ServiceError):
        services.counselling_record(actor=cast["lb_protection_officer"], household=household, language="ar", attendees=[stranger])


# --- children, splits, sign-offs, sharing ------------------------------------------------------------------


def test_a_best_interests_procedure_is_for_a_child(cast, places):
    household = family(cast, members=[head(), spouse(), head(relationship="son", first_name_lat="Omar", date_of_birth="2015", specific_needs=["SC-SC"])])
    with pytest.raises(ServiceError):
        services.best_interests_record(actor=cast["lb_protection_officer"], child=adults(household)[0], started_on=days_ago(3))
    with pytest.raises(NotPermitted):
        services.best_interests_record(actor=cast["lb_registration_officer"], child=member(household, "son"), started_on=days_ago(3))
    procedure = services.best_interests_record(actor=cast["lb_protection_officer"], child=member(household, "son"), started_on=days_ago(3))
    with pytest.raises(ServiceError):
        services.best_interests_complete(actor=cast["lb_protection_officer"], procedure=procedure, completed_on=days_ago(4))


def test_a_split_names_current_members_and_only_a_protection_officer_records_it(cast, places):
    household = family(cast)
    mohamad, _fatima = adults(household)
    with pytest.raises(NotPermitted):
        services.split_record(actor=cast["lb_registration_officer"], household=household, members_leaving=[mohamad])
    with pytest.raises(ServiceError):
        services.split_record(actor=cast["lb_protection_officer"], household=household, members_leaving=[])
    with pytest.raises(ServiceError):
        services.split_record(actor=cast["lb_protection_officer"], household=household, members_leaving=[adults(family(cast))[0]])
    split = services.split_record(actor=cast["lb_protection_officer"], household=household, members_leaving=[mohamad], note="Fatima stays with her mother")
    assert _last_audit("consent.split_recorded").data["individual_ids"] == [mohamad.pk]
    assert list(split.members_leaving.all()) == [mohamad]


def test_a_sign_off_is_for_the_household_destination(cast, places):
    household = family(cast, destination=None)
    with pytest.raises(ServiceError):
        services.hostilities_sign_off_record(actor=cast["lb_protection_officer"], household=household)
    with pytest.raises(NotPermitted):
        services.hostilities_sign_off_record(actor=cast["lb_movement_officer"], household=family(cast))


def test_consent_to_share_data_is_a_separate_record(cast, places):
    household = family(cast)
    fatima = adults(household)[1]
    unhcr = cast.organisations["un"]
    sharing = services.sharing_consent_record(
        actor=cast["lb_protection_officer"], individual=fatima, parties=[unhcr.pk], data_categories=["identity", "contacts"], purpose="Reception in Daraa"
    )
    assert not ReturnConsent.objects.exists()
    assert sharing.parties == [unhcr.pk] and sharing.data_categories == ["contacts", "identity"]
    with pytest.raises(ServiceError) as refused:
        services.sharing_consent_record(actor=cast["lb_protection_officer"], individual=fatima, parties=[], data_categories=["bank"], purpose="")
    assert set(refused.value.fields) == {"parties", "data_categories", "purpose"}
    services.sharing_consent_withdraw(actor=cast["lb_registration_officer"], sharing_consent=sharing)
    sharing.refresh_from_db()
    assert sharing.withdrawn_on == today()


# --- the work queue -----------------------------------------------------------------------------------------


def test_a_protection_officer_closes_a_follow_up_once(cast, places):
    household = ready_family(cast)
    services.consent_withdraw(actor=cast["lb_registration_officer"], individual=adults(household)[1], channel="phone")
    follow_up = FollowUp.objects.get()
    with pytest.raises(NotPermitted):
        services.follow_up_close(actor=cast["lb_registration_officer"], follow_up=follow_up, outcome="Called")
    with pytest.raises(ServiceError):
        services.follow_up_close(actor=cast["lb_protection_officer"], follow_up=follow_up, outcome="")
    services.follow_up_close(actor=cast["lb_protection_officer"], follow_up=follow_up, outcome="Called; she wants to stay for now")
    with pytest.raises(ServiceError) as again:
        services.follow_up_close(actor=cast["lb_protection_officer"], follow_up=follow_up, outcome="Called again")
    assert again.value.code == "conflict"
    assert "outcome" not in str(_last_audit("consent.follow_up_closed").data.keys())


def test_a_household_asks_for_a_call_back_once(cast, places):
    household = family(cast)
    first = services.follow_up_callback_request(actor=refugee(household_id=household.pk), household=household)
    again = services.follow_up_callback_request(actor=refugee(household_id=household.pk), household=household)
    assert first.pk == again.pk and first.kind == "callback_request"
    with pytest.raises(Http404):
        services.follow_up_callback_request(actor=refugee(household_id=household.pk + 999), household=household)


# --- programmes -------------------------------------------------------------------------------------------------


def test_programme_rules_are_changed_by_an_administrator_and_audited_old_to_new(cast, places):
    programme = programme_make(cast)
    services.programme_update(
        actor=cast["lb_administrator"], programme=programme, changes={"reconfirmation_window_days": 10, "name": "Return from Lebanon 2026"}
    )
    entry = _last_audit("programme.changed")
    assert entry.data == {"programme_id": programme.pk, "rules": {"reconfirmation_window_days": [14, 10]}, "labels_changed": ["name"]}
    assert entry.working_group_id == cast.groups["lb"].pk


@pytest.mark.parametrize(("persona", "error"), [("lb_registration_officer", NotPermitted), ("jo_administrator", Http404)])
def test_only_the_groups_administrator_changes_the_rules(cast, places, persona, error):
    programme = programme_make(cast)
    with pytest.raises(error):
        services.programme_update(actor=cast[persona], programme=programme, changes={"cooling_off_days": 1})


def test_programme_rules_are_checked(cast, places):
    programme = programme_make(cast)
    with pytest.raises(ServiceError) as refused:
        services.programme_update(actor=cast["lb_administrator"], programme=programme, changes={"cooling_off_days": 100, "consent_validity_days": 30})
    assert "cooling_off_days" in refused.value.fields
    with pytest.raises(ServiceError):
        services.programme_update(actor=cast["lb_administrator"], programme=programme, changes={"working_group": 3})


def test_a_working_group_has_one_active_programme(cast, places):
    programme_make(cast)
    with pytest.raises(ServiceError) as refused:
        services.programme_create(actor=cast["lb_administrator"], working_group=cast.groups["lb"], name="Second", name_ar="ثاني")
    assert "is_active" in refused.value.fields



def test_a_programme_belongs_to_a_host_country_group(cast, places):
    from sabeel.core.permissions import forget_memberships
    from sabeel.workgroups.models import Membership

    admin = cast["lb_administrator"]
    Membership.objects.create(
        user=admin, working_group=cast.groups["jrg"], organisation=cast.organisations["platform"], role="administrator", starts_on=days_ago(10)
    )
    forget_memberships(admin)
    with pytest.raises(ServiceError) as refused:
        services.programme_create(actor=admin, working_group=cast.groups["jrg"], name="Reconstruction", name_ar="إعمار")
    assert "working_group" in refused.value.fields
