"""Stories for the rules that make the verdict hold against registry edits and typed dates
(docs/eligibility.md, rules 3, 5-10, 12-14): Khaled's family again (see builders.py)."""

from __future__ import annotations

import dataclasses
from datetime import date

from sabeel.engines.eligibility import (
    BirthDate,
    ReasonCode,
    SplitDecision,
    Unreadable,
    Withdrawal,
    assess,
)
from sabeel.engines.eligibility.tests.builders import (
    DEPARTURE,
    KHALED,
    LINA,
    MARIAM,
    OMAR,
    RULES,
    consent,
    khaled_household,
    reconfirm,
)


def english(reasons: tuple) -> list[str]:  # type: ignore[type-arg]
    return [reason.english() for reason in reasons]


def codes(reasons: tuple) -> list[ReasonCode]:  # type: ignore[type-arg]
    return [reason.code for reason in reasons]


def test_an_absent_adult_blocks_scheduling_with_its_own_reason() -> None:
    away = dataclasses.replace(MARIAM, status="absent")
    assessment = assess(khaled_household(members=(KHALED, away, OMAR, LINA)), RULES, on=DEPARTURE)
    assert english(assessment.reasons_not_schedulable) == ["the second adult is recorded as absent from the household"]


def test_a_withdrawn_adult_who_left_without_a_recorded_split_still_counts() -> None:
    withdrawal = Withdrawal(member_id=MARIAM.id, on=date(2026, 3, 3), channel="phone")
    moved = dataclasses.replace(MARIAM, status="departed", departure="left", departed_on=date(2026, 3, 4))
    assessment = assess(
        khaled_household(members=(KHALED, moved, OMAR, LINA), withdrawals=(withdrawal,)), RULES, on=DEPARTURE
    )
    assert not assessment.may_schedule
    assert english(assessment.reasons_not_schedulable) == [
        "the second adult left the household on 4 March 2026; a protection officer must record the split",
        "the second adult withdrew consent on 3 March 2026",
    ]
    assert "mariam" in assessment.travelling_members


def test_a_death_or_registration_error_awaiting_confirmation_has_its_own_reason() -> None:
    died = dataclasses.replace(MARIAM, status="departed", departure="died", departed_on=date(2026, 3, 4))
    error = dataclasses.replace(OMAR, status="departed", departure="registration_error", departed_on=date(2026, 3, 5))
    assessment = assess(khaled_household(members=(KHALED, died, error, LINA)), RULES, on=DEPARTURE)
    assert english(assessment.reasons_not_schedulable) == [
        "the death of the second adult recorded on 4 March 2026 awaits a protection officer's confirmation",
        "the registration error recorded on 5 March 2026 for the first child awaits a protection officer's confirmation",
    ]


def test_a_confirmed_departure_no_longer_counts() -> None:
    gone = dataclasses.replace(MARIAM, status="left")
    withdrawal = Withdrawal(member_id=MARIAM.id, on=date(2026, 3, 3), channel="phone")
    assessment = assess(khaled_household(members=(KHALED, gone, OMAR, LINA), withdrawals=(withdrawal,)), RULES, on=DEPARTURE)
    assert assessment.may_depart


def test_a_pending_birth_date_change_keeps_the_adult_reading() -> None:
    """Mariam's date of birth is proposed as 2010 (a child): until confirmed she may be both, so her
    consent is still needed and she is counted among the children too."""
    pending = dataclasses.replace(MARIAM, other_birth_dates=(BirthDate.in_year(2010),))
    assessment = assess(khaled_household(members=(KHALED, pending, OMAR, LINA), consents=(consent(KHALED),)), RULES, on=DEPARTURE)
    assert english(assessment.reasons_not_schedulable) == ["the second adult has not given consent"]
    assert pending.may_be_adult_on(DEPARTURE) and pending.may_be_child_on(DEPARTURE)


def test_a_withdrawal_wins_over_every_consent_recorded_before_it_whatever_the_typed_dates() -> None:
    """Mariam's withdrawal was typed as 1 January, before her consent's typed day (1 February), but
    it was recorded after the consent: it wins."""
    consents = (consent(KHALED, recorded=1), consent(MARIAM, recorded=2))
    withdrawal = Withdrawal(member_id=MARIAM.id, on=date(2026, 1, 1), channel="phone", recorded=3)
    reconfirmations = (dataclasses.replace(reconfirm(KHALED), recorded=4), dataclasses.replace(reconfirm(MARIAM), recorded=5))
    facts = khaled_household(consents=consents, withdrawals=(withdrawal,), reconfirmations=reconfirmations)
    assert codes(assess(facts, RULES, on=DEPARTURE).reasons_not_schedulable) == [ReasonCode.CONSENT_WITHDRAWN]
    # A consent recorded after the withdrawal is a fresh one, even typed earlier than the withdrawal.
    fresh = consent(MARIAM, on=date(2025, 12, 20), recorded=6, recorded_on=date(2026, 1, 2))
    again = dataclasses.replace(reconfirm(MARIAM), recorded=7)
    facts = dataclasses.replace(facts, consents=(*consents, fresh), reconfirmations=(*reconfirmations, again))
    assessment = assess(facts, RULES, on=date(2026, 3, 10), departure_on=date(2026, 3, 21))
    assert codes(assessment.reasons_not_schedulable) == [ReasonCode.CONSENT_EXPIRES_BEFORE_DEPARTURE]


def test_a_reconfirmation_recorded_before_the_current_consent_does_not_count() -> None:
    consents = (consent(KHALED, recorded=3), consent(MARIAM, recorded=4))
    early = (dataclasses.replace(reconfirm(KHALED), recorded=1), dataclasses.replace(reconfirm(MARIAM), recorded=5))
    assessment = assess(khaled_household(consents=consents, reconfirmations=early), RULES, on=DEPARTURE)
    assert assessment.may_schedule
    departure_only = assessment.reasons_not_departable[len(assessment.reasons_not_schedulable) :]
    assert codes(departure_only) == [ReasonCode.NOT_RECONFIRMED]


def test_cooling_off_counts_from_the_recorded_day_and_expiry_from_the_typed_day() -> None:
    """Both consents typed as 1 February but Mariam's recorded on 15 March: her cooling-off ends on
    22 March, whatever was typed; its validity still runs from 1 February."""
    late = consent(MARIAM, recorded_on=date(2026, 3, 15))
    facts = khaled_household(consents=(consent(KHALED), late))
    assessment = assess(facts, RULES, on=DEPARTURE)
    assert english(assessment.reasons_not_schedulable) == [
        "the 7-day cooling-off period after the consent the second adult gave on 1 February 2026 ends on 22 March 2026"
    ]
    assert assess(facts, RULES, on=date(2026, 3, 22)).may_schedule
    assert assess(facts, RULES, on=date(2026, 5, 2)).may_schedule  # 1 February + 90 days
    expired = assess(facts, RULES, on=date(2026, 5, 3))
    assert codes(expired.reasons_not_schedulable) == [ReasonCode.CONSENT_EXPIRED] * 2


def test_a_member_who_joined_after_the_split_travels() -> None:
    """The split names Khaled and Omar; Lina joined after it was recorded, so she travels too (and,
    a child, with an adult)."""
    split = SplitDecision(
        members_leaving=frozenset({"khaled", "omar"}),
        on=date(2026, 3, 5),
        recorded_by_protection_officer=True,
        members_known=frozenset({"khaled", "mariam", "omar"}),
    )
    assessment = assess(khaled_household(splits=(split,)), RULES, on=DEPARTURE)
    assert assessment.travelling_members == {"khaled", "omar", "lina"}
    assert assessment.may_depart


def test_an_input_that_cannot_be_read_makes_the_household_not_eligible() -> None:
    facts = khaled_household(
        unreadable=(Unreadable(input="destination_conditions"), Unreadable(input="birth_date", member_id=OMAR.id))
    )
    assessment = assess(facts, RULES, on=DEPARTURE)
    assert not assessment.may_schedule
    assert english(assessment.reasons_not_schedulable) == [
        "the destination conditions could not be read, so the household is not eligible",
        "the birth date for the first child could not be read, so the household is not eligible",
    ]
