"""Registry writes that touch who counts for eligibility (registry/services/_protection.py and the
departures left by member_remove and member_move), as the Lebanon officers make them. The family is
the registry's: Mohamad (head, born "1980") and Fatima (his wife, born 2 May 1984)."""

from __future__ import annotations

import datetime as dt

import pytest

from sabeel.consent.eligibility import household_eligibility
from sabeel.consent.intentions import intention_record
from sabeel.consent.tests.factories import consent, programme_make, ready_family
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.registry import services
from sabeel.registry.choices import MemberStatus, Presence
from sabeel.registry.models import BirthDateChange, Household, Individual, MemberDeparture, RecordVersion
from sabeel.registry.services import MemberInput
from sabeel.registry.tests.factories import head, household_make, spouse

pytestmark = pytest.mark.django_db


def _spouse(household: Household) -> Individual:
    return household.members.get(relationship="spouse")


def _codes(household: Household) -> list[str]:
    return [r.code for r in household_eligibility(household=household).reasons_not_schedulable]


def test_before_any_return_process_a_removal_takes_effect_at_once(cast, lebanon_household):
    fatima = _spouse(lebanon_household)
    assert not services.return_process_open(lebanon_household)
    services.member_remove(actor=cast["lb_registration_officer"], individual=fatima, reason="Lives elsewhere")
    departure = MemberDeparture.objects.get(individual=fatima)
    assert departure.kind == "removed" and not departure.during_return_process


def test_an_intention_opens_the_return_process_and_a_removal_then_waits_for_a_protection_officer(cast, lebanon_household):
    intention_record(
        actor=cast["lb_registration_officer"], household=lebanon_household, hopes_to_return="yes", intends_within_12_months="yes"
    )
    assert services.return_process_open(lebanon_household)
    fatima = _spouse(lebanon_household)
    services.member_remove(actor=cast["lb_registration_officer"], individual=fatima, reason="Stays in Lebanon")
    departure = MemberDeparture.objects.get(individual=fatima)
    assert departure.during_return_process and departure.confirmed_at is None
    with pytest.raises(NotPermitted):  # a registration officer cannot record the split
        services.member_departure_confirm(actor=cast["lb_registration_officer"], departure=departure, note="She asked to stay")
    services.member_departure_confirm(actor=cast["lb_protection_officer"], departure=departure, note="She asked to stay")
    departure.refresh_from_db()
    assert departure.confirmed_by == cast["lb_protection_officer"] and departure.confirmation_note == "She asked to stay"
    assert RecordVersion.objects.filter(household=lebanon_household, action="household.departure_confirmed").exists()
    audit = AuditEntry.objects.filter(action="household.departure_confirmed").get()
    assert audit.data == {"departure_id": departure.pk, "individual_id": fatima.pk, "kind": "removed"}


def test_moving_out_the_withdrawn_adult_does_not_make_the_household_schedulable(cast, places):
    """The bug of issue 7: Fatima withdrew; a registration officer moves her to another household.
    She still counts, with her withdrawal, until a protection officer records the split."""
    from sabeel.consent import services as consent_services

    household = ready_family(cast)
    fatima = _spouse(household)
    consent_services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatima, channel="phone")
    other = household_make(cast, "lb")
    services.member_move(actor=cast["lb_registration_officer"], individual=fatima, to_household=other)
    assert _codes(household) == ["member_departure_not_confirmed", "consent_withdrawn"]
    departure = MemberDeparture.objects.get(individual=fatima)
    assert departure.kind == "moved" and departure.to_household == other
    services.member_departure_confirm(actor=cast["lb_protection_officer"], departure=departure, note="She lives with her sister now")
    assert household_eligibility(household=household).may_schedule


def test_giving_the_withdrawn_adult_a_childs_birth_date_is_refused_and_a_proposal_waits(cast, places):
    from sabeel.consent import services as consent_services

    household = ready_family(cast)
    fatima = _spouse(household)
    consent_services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatima, channel="phone")
    with pytest.raises(ServiceError) as refused:
        services.individual_update(
            actor=cast["lb_registration_officer"], individual=fatima, expected_version=fatima.version, changes={"date_of_birth": "2012"}
        )
    assert "date_of_birth" in refused.value.fields
    change = services.birth_date_change_propose(
        actor=cast["lb_registration_officer"], individual=fatima, date_of_birth="2012", reason="Family booklet"
    )
    assert change is not None and change.state == "pending"
    fatima.refresh_from_db()
    assert fatima.date_of_birth == dt.date(1984, 5, 2)  # unchanged until confirmed
    assert _codes(household) == ["consent_withdrawn"]  # still possibly an adult
    with pytest.raises(NotPermitted):
        services.birth_date_change_confirm(actor=cast["lb_registration_officer"], change=change, evidence="Booklet")
    with pytest.raises(ServiceError):
        services.birth_date_change_confirm(actor=cast["lb_protection_officer"], change=change, evidence="")
    services.birth_date_change_confirm(actor=cast["lb_protection_officer"], change=change, evidence="Original birth certificate seen")
    fatima.refresh_from_db()
    assert (fatima.date_of_birth, fatima.dob_precision) == (dt.date(2012, 1, 1), "year")
    assert RecordVersion.objects.filter(individual=fatima, action="individual.birth_date_confirmed").exists()


def test_a_change_that_makes_a_person_older_applies_at_once(cast, lebanon_household):
    fatima = _spouse(lebanon_household)
    assert services.birth_date_change_propose(
        actor=cast["lb_registration_officer"], individual=fatima, date_of_birth="1980", reason="ID card"
    ) is None
    fatima.refresh_from_db()
    assert fatima.dob_precision == "year" and fatima.date_of_birth == dt.date(1980, 1, 1)
    assert not BirthDateChange.objects.exists()


def test_only_one_proposal_waits_and_a_rejected_one_changes_nothing(cast, lebanon_household):
    fatima = _spouse(lebanon_household)
    change = services.birth_date_change_propose(
        actor=cast["lb_registration_officer"], individual=fatima, date_of_birth="2010-06", reason="Booklet"
    )
    assert change is not None
    with pytest.raises(ServiceError):
        services.birth_date_change_propose(actor=cast["lb_registration_officer"], individual=fatima, date_of_birth="2011", reason="Booklet")
    services.birth_date_change_reject(actor=cast["lb_protection_officer"], change=change, evidence="The booklet is of her niece")
    fatima.refresh_from_db()
    assert fatima.date_of_birth == dt.date(1984, 5, 2)


def test_the_cautious_rule_for_birth_date_changes():
    needs = services.birth_date_change_needs_confirmation
    day, year, unknown = "day", "year", "unknown"
    assert needs(old_date=dt.date(1984, 5, 2), old_precision=day, new_date=dt.date(2010, 1, 1), new_precision=year)
    assert needs(old_date=None, old_precision=unknown, new_date=dt.date(1990, 1, 1), new_precision=year)
    assert needs(old_date=dt.date(1990, 1, 1), old_precision=year, new_date=dt.date(1990, 6, 3), new_precision=day)
    assert not needs(old_date=dt.date(1990, 6, 3), old_precision=day, new_date=dt.date(1990, 1, 1), new_precision=year)
    assert not needs(old_date=dt.date(1990, 1, 1), old_precision=year, new_date=None, new_precision=unknown)


def test_an_absent_member_stays_a_member_and_blocks_scheduling(cast, places):
    household = ready_family(cast)
    fatima = _spouse(household)
    with pytest.raises(ServiceError):
        services.member_presence_set(actor=cast["lb_registration_officer"], individual=fatima, presence=Presence.ABSENT)
    services.member_presence_set(
        actor=cast["lb_registration_officer"], individual=fatima, presence=Presence.ABSENT, reason="Whereabouts unknown"
    )
    fatima.refresh_from_db()
    assert fatima.status == MemberStatus.ACTIVE and fatima.presence == Presence.ABSENT
    assert _codes(household) == ["member_absent"]
    services.member_presence_set(actor=cast["lb_registration_officer"], individual=fatima, presence=Presence.PRESENT)
    assert household_eligibility(household=household).may_schedule
    assert [v.action for v in RecordVersion.objects.filter(individual=fatima).order_by("pk")][-2:] == [
        "individual.absent",
        "individual.present",
    ]


def test_a_death_during_the_return_process_needs_a_protection_officers_confirmation(cast, places):
    from sabeel.consent import services as consent_services
    from sabeel.consent.models import Withdrawal

    household = ready_family(cast)
    fatima = _spouse(household)
    consent_services.consent_withdraw(actor=cast["lb_registration_officer"], individual=fatima, channel="phone")
    with pytest.raises(ServiceError):  # the evidence is required
        services.member_exit_record(actor=cast["lb_registration_officer"], individual=fatima, kind="died", reason="Died", evidence="")
    departure = services.member_exit_record(
        actor=cast["lb_registration_officer"], individual=fatima, kind="died", reason="Died in hospital", evidence="Death certificate"
    )
    fatima.refresh_from_db()
    assert fatima.status == MemberStatus.DIED and departure.during_return_process
    assert _codes(household) == ["member_departure_not_confirmed", "consent_withdrawn"]
    services.member_departure_confirm(actor=cast["lb_protection_officer"], departure=departure, note="Certificate checked")
    answer = household_eligibility(household=household)
    assert answer.may_schedule and [n.code for n in answer.notes] == ["departure_recorded"]
    assert Withdrawal.objects.filter(individual=fatima).exists()  # the withdrawal stays on record


def test_a_registration_error_is_recorded_with_its_reason_and_no_name_in_the_audit(cast, places):
    programme_make(cast)
    household = household_make(cast, "lb", members=[head(), spouse(), spouse(relationship="sibling", first_name_lat="Hala", date_of_birth="1990")])
    hala = household.members.get(relationship="sibling")
    consent(cast, household.members.get(relationship="head"))
    departure = services.member_exit_record(
        actor=cast["lb_registration_officer"], individual=hala, kind="error", reason="Registered twice", evidence="Same UNHCR number"
    )
    assert departure.kind == "error" and departure.during_return_process
    row = AuditEntry.objects.filter(action="household.member_exit_recorded").get()
    assert row.data == {"individual_id": hala.pk, "departure_id": departure.pk, "kind": "error"}
    assert "Hala" not in str(row.data)


def test_a_member_added_after_a_split_travels(cast, places):
    from sabeel.consent import services as consent_services

    household = ready_family(cast)
    mohamad = household.members.get(relationship="head")
    consent_services.split_record(actor=cast["lb_protection_officer"], household=household, members_leaving=[mohamad])
    assert household_eligibility(household=household).travelling_member_ids == {mohamad.pk}
    yusuf = services.member_add(
        actor=cast["lb_registration_officer"], household=household,
        member=MemberInput(relationship="other_relative", first_name_lat="Yusuf", date_of_birth="1995"),
    )  # fmt: skip
    answer = household_eligibility(household=household)
    assert answer.travelling_member_ids == {mohamad.pk, yusuf.pk}
    assert [(r.code, r.member_id) for r in answer.reasons_not_schedulable] == [("no_consent", yusuf.pk)]
