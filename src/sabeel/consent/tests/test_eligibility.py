"""Each rule of eligibility end to end: records made through the services, the adapter's answer and
its reasons in words. The Lebanon family of the registry's factories: Mohamad (head, born "1980",
year only) and Fatima (his wife, born 2 May 1984); the programme's rules are 90 days of validity,
7 days of cooling-off and a 14-day re-confirmation window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from sabeel.consent import _conditions, services
from sabeel.consent.eligibility import HOUSEHOLD_CLOSED, NO_PROGRAMME, household_eligibility, households_eligibility
from sabeel.consent.models import ReturnConsent, ReturnProgramme, Withdrawal
from sabeel.consent.tests.factories import (
    adults,
    consent,
    days_ago,
    family,
    member,
    programme_make,
    ready_family,
    today,
)
from sabeel.core.exceptions import ServiceError
from sabeel.registry.models import MemberDeparture
from sabeel.registry.services import member_departure_confirm, member_remove
from sabeel.registry.tests.factories import head, household_make, spouse

pytestmark = pytest.mark.django_db


def _codes(answer, departure: bool = False) -> list[str]:
    reasons = answer.reasons_not_departable if departure else answer.reasons_not_schedulable
    return [r.code for r in reasons]


def _texts(answer, departure: bool = False) -> list[str]:
    reasons = answer.reasons_not_departable if departure else answer.reasons_not_schedulable
    return [r.text for r in reasons]


def _long(day: dt.date) -> str:
    return formats.date_format(day, "j F Y")


def test_both_adults_consented_and_reconfirmed_may_be_scheduled_and_depart(cast, places):
    household = ready_family(cast)
    answer = household_eligibility(household=household)
    assert answer.may_schedule and answer.may_depart, _texts(answer)
    assert answer.on == today()
    assert answer.travelling_member_ids == {p.pk for p in household.members.all()}


def test_a_household_without_consents_lists_every_adult(cast, places):
    household = family(cast)
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert not answer.may_schedule
    assert _texts(answer) == ["the first adult has not given consent", "the second adult has not given consent"]


def test_second_adult_withdrawal_makes_household_not_eligible_with_the_reason(cast, places):
    household = ready_family(cast)
    _mohamad, fatima = adults(household)
    services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatima, channel="phone")
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert not answer.may_schedule and not answer.may_depart
    assert _codes(answer) == ["consent_withdrawn"]
    assert answer.reasons_not_schedulable[0].text == f"the second adult withdrew consent by phone on {_long(today())}"
    assert answer.reasons_not_schedulable[0].member_id == fatima.pk


def test_a_withdrawal_wins_over_a_consent_recorded_before_it_whatever_date_is_typed(cast, places):
    """Mohamad's consent was recorded 30 days ago; the officer types his withdrawal as made 40 days
    ago (before the consent's day). It was recorded after the consent, so it wins."""
    household = ready_family(cast)
    mohamad, _fatima = adults(household)
    services.consent_withdraw(
        actor=cast["lb_protection_officer"], individual=mohamad, channel="in_person", at=_noon(days_ago(40))
    )
    assert _codes(household_eligibility(household=household)) == ["consent_withdrawn"]


def test_a_consent_recorded_after_a_withdrawal_is_fresh_and_cools_off_from_its_recording(cast, places, clock):
    """Typed as given 10 days ago but recorded today: the cooling-off ends 7 days from today."""
    household = ready_family(cast)
    mohamad, _fatima = adults(household)
    services.consent_withdraw(
        actor=cast["lb_protection_officer"], individual=mohamad, channel="in_person", at=_noon(days_ago(20))
    )
    assert _codes(household_eligibility(household=household)) == ["consent_withdrawn"]
    fresh = consent(cast, mohamad, on=days_ago(10))
    ReturnConsent.objects.filter(pk=fresh.pk).update(created_at=timezone.now())  # recorded today, typed in the past
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert _codes(answer) == ["cooling_off_not_over"]
    assert _texts(answer)[0].endswith(f"ends on {_long(today() + dt.timedelta(days=7))}")
    clock.advance(days=7)
    services.reconfirmation_record(actor=cast["lb_protection_officer"], individual=mohamad, on=today())
    assert household_eligibility(household=household).may_depart


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def test_a_withdrawal_counts_on_its_date_in_the_host_country(cast, places):
    """23:30 UTC is already the next day in Beirut: a consent given that Beirut day is cancelled
    by the withdrawal made the same (Beirut) day."""
    household = family(cast)
    mohamad, fatima = adults(household)
    day = days_ago(20)
    consent(cast, mohamad, on=day)
    consent(cast, fatima, on=days_ago(30))
    late_evening_utc = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(23, 30), tzinfo=dt.UTC)
    services.consent_withdraw(actor=cast["lb_protection_officer"], individual=mohamad, channel="phone", at=late_evening_utc)
    answer = household_eligibility(household=household)
    assert "consent_withdrawn" in _codes(answer)


def test_year_only_birth_date_needs_a_consent_if_possibly_18_on_departure(cast, places):
    """Omar is born in "<this year - 18>" (year only): he may already be 18, so his consent is
    needed; he may also be 17, so he counts as a child too (accompanied, so no procedure)."""
    year = today().year - 18
    household = family(cast, members=[head(), spouse(), head(relationship="son", first_name_lat="Omar", date_of_birth=str(year), specific_needs=[])])
    mohamad, fatima = adults(household)
    omar = member(household, "son")
    for person in (mohamad, fatima):
        consent(cast, person)
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert _texts(answer)[0] == "the third adult has not given consent"
    assert answer.reasons_not_schedulable[0].member_id == omar.pk
    assert set(answer.member_words[omar.pk]) == {"the third adult", "the first child"}
    with pytest.raises(ServiceError) as refused:  # he may also be 17: no consent until that is settled
        consent(cast, omar)
    assert refused.value.code == "may_be_child"
    assert not household_eligibility(household=household).may_schedule


def test_a_year_only_birth_date_clearly_under_18_on_departure_needs_no_consent(cast, places):
    year = today().year - 16
    household = family(cast, members=[head(), spouse(), head(relationship="daughter", first_name_lat="Lina", date_of_birth=str(year), specific_needs=[])])
    for person in adults(household):
        consent(cast, person)
    assert household_eligibility(household=household).may_schedule


def test_a_person_who_turns_18_before_the_departure_needs_a_consent(cast, places):
    """Born exactly 18 years before a departure 60 days ahead: a child today, an adult that day."""
    departure = today() + dt.timedelta(days=60)
    born = departure.replace(year=departure.year - 18)
    household = family(cast, members=[head(), spouse(), head(relationship="son", first_name_lat="Yousef", date_of_birth=born.isoformat(), specific_needs=[])])
    for person in adults(household):
        consent(cast, person, on=days_ago(10))
    assert household_eligibility(household=household).may_schedule
    later = household_eligibility(household=household, departure_on=departure)
    assert "no_consent" in _codes(later)


def test_an_unaccompanied_child_needs_a_completed_best_interests_procedure(cast, places):
    year = today().year - 10
    household = family(
        cast,
        members=[head(), spouse(), head(relationship="other_relative", first_name_lat="Sami", date_of_birth=str(year), specific_needs=["SC-UC"])],
    )
    for person in adults(household):
        consent(cast, person)
    sami = member(household, "other_relative")
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert _texts(answer) == ["the first child is unaccompanied or separated and has no completed best-interests procedure"]
    procedure = services.best_interests_record(actor=cast["lb_protection_officer"], child=sami, started_on=days_ago(20))
    assert not household_eligibility(household=household).may_schedule
    services.best_interests_complete(actor=cast["lb_protection_officer"], procedure=procedure, completed_on=days_ago(1))
    assert household_eligibility(household=household).may_schedule


def test_a_removed_member_is_not_asked_for_consent(cast, places):
    household = family(cast, members=[head(), spouse(), spouse(relationship="sibling", first_name_lat="Hala", date_of_birth="1990")])
    for person in adults(household):
        consent(cast, person)
    hala = member(household, "sibling")
    assert "no_consent" in _codes(household_eligibility(household=household))
    member_remove(actor=cast["lb_registration_officer"], individual=hala, reason="Stays in Lebanon")
    # The household has a return process: the removal is a split a protection officer must record.
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert _codes(answer) == ["member_departure_not_confirmed", "no_consent"]
    assert _texts(answer)[0] == f"the third adult left the household on {_long(today())}; a protection officer must record the split"
    departure = MemberDeparture.objects.get(individual=hala)
    member_departure_confirm(actor=cast["lb_protection_officer"], departure=departure, note="She stays with her cousins")
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert answer.may_schedule
    assert [n.text for n in answer.notes] == [
        f"a member who left the household on {_long(today())} no longer counts: a protection officer recorded the "
        f"split on {_long(today())}: She stays with her cousins"
    ]


def test_a_recorded_split_lets_the_others_travel_after_one_adult_withdraws(cast, places):
    household = ready_family(cast)
    mohamad, fatima = adults(household)
    services.consent_withdraw(actor=cast["lb_protection_officer"], individual=fatima, channel="in_person")
    assert not household_eligibility(household=household).may_schedule
    services.split_record(actor=cast["lb_protection_officer"], household=household, members_leaving=[mohamad])
    answer = household_eligibility(household=household)
    assert answer.may_schedule and answer.may_depart
    assert answer.travelling_member_ids == {mohamad.pk}


def test_reconfirmation_older_than_the_window_blocks_the_departure_only(cast, places):
    household = family(cast)
    for person in adults(household):
        consent(cast, person, on=days_ago(40))
        services.reconfirmation_record(actor=cast["lb_protection_officer"], individual=person, on=days_ago(20))
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert answer.may_schedule and not answer.may_depart
    assert [r.text for r in answer.reasons_departure_only] == [
        f"the re-confirmation the first adult made on {_long(days_ago(20))} is older than 14 days",
        f"the re-confirmation the second adult made on {_long(days_ago(20))} is older than 14 days",
    ]


def test_cooling_off_and_expiry_follow_the_programme_rules(cast, places):
    household = family(cast)
    for person in adults(household):
        consent(cast, person, on=days_ago(3))
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert _codes(answer) == ["cooling_off_not_over", "cooling_off_not_over"]
    assert _texts(answer)[0] == (
        f"the 7-day cooling-off period after the consent the first adult gave on {_long(days_ago(3))} "
        f"ends on {_long(days_ago(3) + dt.timedelta(days=7))}"
    )
    programme_make(cast, cooling_off_days=2)  # an administrator changes the rule: it counts at once
    assert household_eligibility(household=household).may_schedule
    later = household_eligibility(household=household, departure_on=today() + dt.timedelta(days=100))
    assert set(_codes(later)) == {"consent_expires_before_departure"}


def test_without_an_active_programme_no_household_is_eligible(cast, places):
    household = ready_family(cast)
    programme = ReturnProgramme.objects.get(working_group=cast.groups["lb"], is_active=True)
    services.programme_update(actor=cast["lb_administrator"], programme=programme, changes={"is_active": False})
    answer = household_eligibility(household=household)
    assert not answer.may_schedule and _codes(answer) == [NO_PROGRAMME]


def test_a_closed_household_is_not_eligible(cast, places):
    from sabeel.registry.services import household_close

    household = ready_family(cast)
    household_close(actor=cast["lb_registration_officer"], household=household, reason="Returned on its own")
    household.refresh_from_db()
    assert _codes(household_eligibility(household=household)) == [HOUSEHOLD_CLOSED]


def test_a_destination_flagged_for_active_hostilities_needs_a_sign_off(cast, places, monkeypatch):
    household = ready_family(cast)
    flagged_since = days_ago(5)

    def fake(*, destination, on):
        assert destination.pk == household.destination_id
        return True, flagged_since

    monkeypatch.setattr("sabeel.conditions.selectors.destination_has_active_hostilities", fake)
    answer = household_eligibility(household=household)
    assert answer.hostilities_checked
    assert _codes(answer) == ["hostilities_sign_off_missing"]
    services.hostilities_sign_off_record(actor=cast["lb_protection_officer"], household=household, on=days_ago(6))
    assert _codes(household_eligibility(household=household)) == ["hostilities_sign_off_missing"]  # predates the flag
    services.hostilities_sign_off_record(actor=cast["lb_protection_officer"], household=household)
    assert household_eligibility(household=household).may_depart


def test_when_the_conditions_register_cannot_answer_the_household_is_not_eligible(cast, places, monkeypatch):
    """Fail closed: an unreadable register never counts as "not flagged"."""
    household = ready_family(cast)
    assert household_eligibility(household=household).hostilities_checked

    def broken(*, destination, on):
        raise RuntimeError("register unavailable")

    monkeypatch.setattr("sabeel.conditions.selectors.destination_has_active_hostilities", broken)
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert not answer.may_schedule and not answer.hostilities_checked
    assert _codes(answer) == ["input_unreadable"]
    assert _texts(answer) == [
        "the destination's active-hostilities status could not be read, so the household is not eligible"
    ]
    monkeypatch.setattr(_conditions, "hostilities_connected", lambda: False)
    assert _codes(household_eligibility(household=household)) == ["input_unreadable"]


def test_a_person_who_moved_out_keeps_no_say_in_the_old_household(cast, places):
    from sabeel.registry.services import member_move

    household = family(cast, members=[head(), spouse(), spouse(relationship="sibling", first_name_lat="Hala", date_of_birth="1990")])
    other = household_make(cast, "lb")
    hala = member(household, "sibling")
    consent(cast, hala)
    member_move(actor=cast["lb_registration_officer"], individual=hala, to_household=other)
    for person in adults(household):
        consent(cast, person)
    # She left during the return process: she counts until a protection officer records the split.
    assert _codes(household_eligibility(household=household)) == ["member_departure_not_confirmed"]
    member_departure_confirm(
        actor=cast["lb_protection_officer"], departure=MemberDeparture.objects.get(individual=hala), note="Joins her husband"
    )
    assert household_eligibility(household=household).may_schedule
    assert "no_consent" in _codes(household_eligibility(household=other))


def test_reasons_are_rendered_in_the_active_language_with_its_dates(cast, places):
    household = ready_family(cast)
    _mohamad, fatima = adults(household)
    services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatima, channel="phone")
    with translation.override("ar"):
        answer = household_eligibility(household=household)
        arabic_day = formats.date_format(today(), "j F Y")
    assert arabic_day in answer.reasons_not_schedulable[0].text
    with translation.override("en"):
        assert _long(today()) in household_eligibility(household=household).reasons_not_schedulable[0].text


def test_eligibility_is_never_cached(cast, places):
    household = ready_family(cast)
    assert household_eligibility(household=household).may_schedule
    _mohamad, fatima = adults(household)
    Withdrawal.objects.create(household=household, individual=fatima, at=_noon(today()), channel="phone")
    assert not household_eligibility(household=household).may_schedule


def test_the_number_of_queries_does_not_grow_with_the_household_or_the_number_of_households(cast, places):
    small = ready_family(cast)
    big = family(cast, members=[head(), spouse(), *[spouse(relationship="sibling", first_name_lat=f"S{i}", date_of_birth="1990") for i in range(6)]])
    for person in big.members.all():
        consent(cast, person)
    services.consent_withdraw(actor=cast["lb_protection_officer"], individual=member(big, "sibling"), channel="phone")
    more = [ready_family(cast) for _ in range(3)]
    with CaptureQueriesContext(connection) as one:
        household_eligibility(household=small)
    with CaptureQueriesContext(connection) as other:
        household_eligibility(household=big)
    with CaptureQueriesContext(connection) as many:
        answers = households_eligibility(households=[small, big, *more])
    assert len(one) == len(other) == len(many)
    # groups, programmes, members, departures, pending birth dates, 6 kinds of records (+ split members),
    # the destination, the register (inside a savepoint: a failed read must not abort the caller's transaction)
    assert len(one) <= 16, [q["sql"] for q in one.captured_queries]
    assert [answers[h.pk].may_schedule for h in (small, big, *more)] == [True, False, True, True, True]


def test_a_departure_before_the_assessed_day_is_refused(cast, places):
    household = family(cast)
    with pytest.raises(ValueError):
        household_eligibility(household=household, on=today(), departure_on=today() - dt.timedelta(days=1))


# --- fail closed: an input that cannot be read makes the household not eligible (rule 3) ----------


def _unreadable(answer) -> list[tuple[str, int | None]]:
    return [(r.code, r.member_id) for r in answer.reasons_not_schedulable if r.code == "input_unreadable"]


def test_an_unknown_member_status_or_presence_fails_closed_naming_the_member(cast, places):
    from sabeel.registry.models import Individual

    household = ready_family(cast)
    mohamad, fatima = adults(household)
    Individual.objects.filter(pk=fatima.pk).update(status="vanished")
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert not answer.may_schedule and _unreadable(answer) == [("input_unreadable", fatima.pk)]
    assert "could not be read" in answer.reasons_not_schedulable[0].text
    Individual.objects.filter(pk=fatima.pk).update(status="active")
    Individual.objects.filter(pk=mohamad.pk).update(presence="roaming")
    assert _unreadable(household_eligibility(household=household)) == [("input_unreadable", mohamad.pk)]


def test_a_birth_date_that_cannot_be_parsed_fails_closed(cast, places):
    from sabeel.registry.models import Individual

    household = ready_family(cast)
    _mohamad, fatima = adults(household)
    Individual.objects.filter(pk=fatima.pk).update(date_of_birth=None, dob_precision="day")  # a precision without a date
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert _unreadable(answer) == [("input_unreadable", fatima.pk)]
    assert answer.reasons_not_schedulable[0].text == (
        "the date of birth of the second adult could not be read, so the household is not eligible"
    )
    Individual.objects.filter(pk=fatima.pk).update(date_of_birth=dt.date(1984, 5, 2), dob_precision="decade")
    assert _unreadable(household_eligibility(household=household)) == [("input_unreadable", fatima.pk)]
    if connection.vendor == "sqlite":  # a column that holds what is not a date at all
        with connection.cursor() as cursor:
            cursor.execute("UPDATE registry_individual SET date_of_birth = 'soon', dob_precision = 'day' WHERE id = %s", [fatima.pk])
        assert _unreadable(household_eligibility(household=household)) == [("input_unreadable", fatima.pk)]


def test_an_unknown_household_status_or_unreadable_programme_rules_fail_closed(cast, places, monkeypatch):
    from sabeel.consent import eligibility
    from sabeel.registry.models import Household

    household = ready_family(cast)
    Household.objects.filter(pk=household.pk).update(status="paused", closed_reason="Unknown")
    household.refresh_from_db()
    assert _unreadable(household_eligibility(household=household)) == [("input_unreadable", None)]
    Household.objects.filter(pk=household.pk).update(status="open", closed_reason="")
    household.refresh_from_db()
    with pytest.raises(ValueError):
        eligibility.rules_for(ReturnProgramme(consent_validity_days=5, cooling_off_days=7, reconfirmation_window_days=14))

    def unreadable(programme):
        raise ValueError("cannot read")

    monkeypatch.setattr(eligibility, "rules_for", unreadable)
    with translation.override("en"):
        answer = household_eligibility(household=household)
    assert [(r.code, r.text) for r in answer.reasons_not_schedulable] == [
        ("input_unreadable", "the return programme's rules could not be read, so the household is not eligible")
    ]
