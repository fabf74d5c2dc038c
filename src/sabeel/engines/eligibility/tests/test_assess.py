"""Stories of the eligibility rules, told with Khaled's family (see ``builders``): who may be scheduled
for an organised movement, who may depart, and the reasons when not."""

from __future__ import annotations

import dataclasses
from datetime import date

from sabeel.engines.eligibility import (
    BestInterestsProcedure,
    BirthDate,
    Member,
    ReasonCode,
    SignOff,
    SplitDecision,
    Withdrawal,
    assess,
)
from sabeel.engines.eligibility.tests.builders import (
    CONSENTED,
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


def english(reasons: tuple[object, ...]) -> list[str]:
    return [reason.english() for reason in reasons]  # type: ignore[attr-defined]


def test_household_with_verified_consents_and_recent_reconfirmations_may_be_scheduled_and_depart() -> None:
    assessment = assess(khaled_household(), RULES, on=DEPARTURE)
    assert assessment.may_schedule and assessment.may_depart
    assert assessment.reasons_not_departable == ()
    assert assessment.travelling_members == {"khaled", "mariam", "omar", "lina"}


def test_second_adult_withdrawal_makes_household_not_eligible_and_says_so() -> None:
    withdrawal = Withdrawal(member_id=MARIAM.id, on=date(2026, 3, 3), channel="self_service")
    assessment = assess(khaled_household(withdrawals=(withdrawal,)), RULES, on=DEPARTURE)
    assert not assessment.may_schedule and not assessment.may_depart
    [reason] = assessment.reasons_not_schedulable
    assert reason.code is ReasonCode.CONSENT_WITHDRAWN
    assert (reason.member and reason.member.member_id, reason.on, reason.channel) == (
        "mariam",
        date(2026, 3, 3),
        "self_service",
    )
    assert reason.english() == "the second adult withdrew consent on 3 March 2026"
    # A re-confirmation of the withdrawn consent is meaningless, so it is not listed against departure.
    assert assessment.reasons_not_departable == assessment.reasons_not_schedulable


def test_withdrawal_counts_from_its_own_day_and_not_before() -> None:
    withdrawal = Withdrawal(member_id=KHALED.id, on=DEPARTURE, channel="check_in")
    facts = khaled_household(withdrawals=(withdrawal,))
    assert not assess(facts, RULES, on=DEPARTURE).may_depart
    assert assess(facts, RULES, on=date(2026, 3, 19)).may_schedule


def test_fresh_consent_after_withdrawal_restores_eligibility_once_its_cooling_off_ends() -> None:
    withdrawal = Withdrawal(member_id=MARIAM.id, on=date(2026, 3, 3), channel="officer_phone")
    facts = khaled_household(
        withdrawals=(withdrawal,),
        consents=(consent(KHALED), consent(MARIAM), consent(MARIAM, on=date(2026, 3, 10))),
        reconfirmations=(reconfirm(KHALED), reconfirm(MARIAM, date(2026, 3, 18))),
    )
    assert english(assess(facts, RULES, on=date(2026, 3, 12)).reasons_not_schedulable) == [
        "the 7-day cooling-off period after the consent the second adult gave on 10 March 2026 ends on 17 March 2026"
    ]
    assert assess(facts, RULES, on=date(2026, 3, 17)).may_schedule
    assert assess(facts, RULES, on=DEPARTURE).may_depart


def test_same_day_withdrawal_and_fresh_consent_counts_as_withdrawn_until_a_later_consent() -> None:
    withdrawal = Withdrawal(member_id=MARIAM.id, on=date(2026, 3, 3), channel="in_person")
    facts = khaled_household(
        withdrawals=(withdrawal,), consents=(consent(KHALED), consent(MARIAM, on=date(2026, 3, 3)))
    )
    [reason] = assess(facts, RULES, on=DEPARTURE).reasons_not_schedulable
    assert reason.code is ReasonCode.CONSENT_WITHDRAWN


def test_reconfirmation_before_a_fresh_consent_does_not_count() -> None:
    withdrawal = Withdrawal(member_id=MARIAM.id, on=date(2026, 3, 1), channel="self_service")
    facts = khaled_household(
        withdrawals=(withdrawal,),
        consents=(consent(KHALED), consent(MARIAM, on=date(2026, 3, 8))),
        reconfirmations=(reconfirm(KHALED), reconfirm(MARIAM, date(2026, 3, 7))),
    )
    assessment = assess(facts, RULES, on=DEPARTURE)
    assert assessment.may_schedule and not assessment.may_depart
    assert english(assessment.reasons_not_departable) == [
        "the second adult has not re-confirmed the consent given on 8 March 2026"
    ]


def test_reconfirmation_on_the_day_of_the_consent_counts() -> None:
    facts = khaled_household(
        consents=(consent(KHALED, on=date(2026, 3, 10)), consent(MARIAM)),
        reconfirmations=(reconfirm(KHALED, date(2026, 3, 10)), reconfirm(MARIAM)),
    )
    assert assess(facts, RULES, on=DEPARTURE).may_depart


def test_year_only_birth_date_counts_as_adult_if_possibly_18() -> None:
    # Rami was born "in 2008": on 20 March 2026 he may already be 18, so his consent is needed.
    rami = Member(id="rami", position=5, birth_date=BirthDate.in_year(2008))
    facts = khaled_household(members=(KHALED, MARIAM, OMAR, LINA, rami))
    assessment = assess(facts, RULES, on=DEPARTURE)
    assert english(assessment.reasons_not_schedulable) == ["the third adult has not given consent"]
    # Once he consents he is still, cautiously, a child for the children's rule, which he meets.
    facts = dataclasses.replace(facts, consents=(*facts.consents, consent(rami)))
    assert assess(facts, RULES, on=DEPARTURE).may_schedule


def test_age_on_the_departure_day_counts_not_on_the_day_of_scheduling() -> None:
    rami = Member(id="rami", position=5, birth_date=BirthDate.on_day(date(2008, 3, 18)))
    facts = khaled_household(members=(KHALED, MARIAM, OMAR, LINA, rami))
    assert assess(facts, RULES, on=date(2026, 3, 10)).may_schedule  # 17, departing the same day
    later = assess(facts, RULES, on=date(2026, 3, 10), departure_on=DEPARTURE)  # 18 on departure
    assert english(later.reasons_not_schedulable) == ["the third adult has not given consent"]


def test_month_precision_birth_date_is_possibly_adult_from_the_first_of_the_month() -> None:
    in_march = Member(id="rami", position=5, birth_date=BirthDate.in_month(2008, 3))
    in_april = Member(id="rami", position=5, birth_date=BirthDate.in_month(2008, 4))
    assert not assess(khaled_household(members=(KHALED, MARIAM, in_march)), RULES, on=DEPARTURE).may_schedule
    assert assess(khaled_household(members=(KHALED, MARIAM, in_april)), RULES, on=DEPARTURE).may_schedule


def test_unknown_birth_date_needs_a_consent_and_counts_as_a_child() -> None:
    sami = Member(id="sami", position=5, birth_date=BirthDate.unknown(), unaccompanied_or_separated=True)
    assessment = assess(khaled_household(members=(KHALED, MARIAM, OMAR, LINA, sami)), RULES, on=DEPARTURE)
    assert english(assessment.reasons_not_schedulable) == [
        "the third adult has not given consent",
        "the third child is unaccompanied or separated and has no completed best-interests procedure",
    ]


def test_unaccompanied_child_needs_completed_best_interests_procedure() -> None:
    nour = Member(id="nour", position=5, birth_date=BirthDate.on_day(date(2013, 1, 5)), unaccompanied_or_separated=True)
    members = (KHALED, MARIAM, OMAR, LINA, nour)
    started = BestInterestsProcedure(child_id="nour", completed_on=None, recorded_by_protection_officer=True)
    unrecorded = BestInterestsProcedure(
        child_id="nour", completed_on=date(2026, 3, 1), recorded_by_protection_officer=False
    )
    completed = BestInterestsProcedure(
        child_id="nour", completed_on=date(2026, 3, 1), recorded_by_protection_officer=True
    )

    for procedures in [(), (started,), (unrecorded,)]:
        assessment = assess(khaled_household(members=members, best_interests=procedures), RULES, on=DEPARTURE)
        assert english(assessment.reasons_not_schedulable) == [
            "the third child is unaccompanied or separated and has no completed best-interests procedure"
        ]
    assert assess(khaled_household(members=members, best_interests=(completed,)), RULES, on=DEPARTURE).may_depart
    assert not assess(
        khaled_household(members=members, best_interests=(completed,)), RULES, on=date(2026, 2, 28)
    ).may_schedule


def test_child_not_present_with_the_household_is_not_accounted_for() -> None:
    away = dataclasses.replace(OMAR, status="absent")
    assessment = assess(khaled_household(members=(KHALED, MARIAM, away, LINA)), RULES, on=DEPARTURE)
    assert english(assessment.reasons_not_schedulable) == [
        "the first child is not recorded as present with the household"
    ]


def test_member_who_left_the_household_is_not_assessed() -> None:
    gone = dataclasses.replace(MARIAM, status="left")
    assessment = assess(
        khaled_household(members=(KHALED, gone, OMAR, LINA), consents=(consent(KHALED),)), RULES, on=DEPARTURE
    )
    assert assessment.may_depart
    assert "mariam" not in assessment.travelling_members


def test_split_recorded_by_protection_officer_assesses_only_leaving_members() -> None:
    withdrawal = Withdrawal(member_id=MARIAM.id, on=date(2026, 3, 3), channel="self_service")
    split = SplitDecision(
        members_leaving=frozenset({"khaled", "omar"}), on=date(2026, 3, 5), recorded_by_protection_officer=True
    )
    assessment = assess(khaled_household(withdrawals=(withdrawal,), splits=(split,)), RULES, on=DEPARTURE)
    assert assessment.may_schedule and assessment.may_depart
    assert assessment.travelling_members == {"khaled", "omar"}


def test_split_not_recorded_by_protection_officer_keeps_the_household_whole_and_waits() -> None:
    withdrawal = Withdrawal(member_id=MARIAM.id, on=date(2026, 3, 3), channel="self_service")
    split = SplitDecision(
        members_leaving=frozenset({"khaled", "omar"}), on=date(2026, 3, 5), recorded_by_protection_officer=False
    )
    assessment = assess(khaled_household(withdrawals=(withdrawal,), splits=(split,)), RULES, on=DEPARTURE)
    assert assessment.travelling_members == {"khaled", "mariam", "omar", "lina"}
    assert [reason.code for reason in assessment.reasons_not_schedulable] == [
        ReasonCode.SPLIT_NOT_RECORDED,
        ReasonCode.CONSENT_WITHDRAWN,
    ]
    assert (
        assessment.reasons_not_schedulable[0]
        .english()
        .startswith("the split the household asked for on 5 March 2026 is not yet recorded by a protection officer")
    )


def test_children_sent_without_an_adult_by_a_split_need_a_best_interests_procedure() -> None:
    split = SplitDecision(members_leaving=frozenset({"omar"}), on=date(2026, 3, 5), recorded_by_protection_officer=True)
    assessment = assess(khaled_household(splits=(split,)), RULES, on=DEPARTURE)
    assert english(assessment.reasons_not_schedulable) == [
        "the first child would travel without an adult and has no completed best-interests procedure"
    ]


def test_lone_traveller_who_may_be_17_needs_a_best_interests_procedure() -> None:
    # Rami, born "in 2008", travels alone: he may be 18 (so he consents) and may be 17, with no one else
    # who may be an adult beside him.
    rami = Member(id="rami", position=1, birth_date=BirthDate.in_year(2008), is_head=True)
    facts = khaled_household(members=(rami,), consents=(consent(rami),), reconfirmations=(reconfirm(rami),))
    assert english(assess(facts, RULES, on=DEPARTURE).reasons_not_schedulable) == [
        "the first child would travel without an adult and has no completed best-interests procedure"
    ]
    done = BestInterestsProcedure(child_id="rami", completed_on=date(2026, 3, 2), recorded_by_protection_officer=True)
    assert assess(dataclasses.replace(facts, best_interests=(done,)), RULES, on=DEPARTURE).may_depart


def test_sign_off_on_the_day_hostilities_were_flagged_counts() -> None:
    facts = khaled_household(
        destination_active_hostilities=True,
        hostilities_flagged_on=date(2026, 3, 10),
        hostilities_sign_offs=(SignOff(on=date(2026, 3, 10), recorded_by_protection_officer=True),),
    )
    assert assess(facts, RULES, on=DEPARTURE).may_depart
    unrecorded = dataclasses.replace(
        facts, hostilities_sign_offs=(SignOff(on=date(2026, 3, 10), recorded_by_protection_officer=False),)
    )
    assert not assess(unrecorded, RULES, on=DEPARTURE).may_schedule


def test_split_leaving_nobody_who_is_still_a_member_is_not_schedulable() -> None:
    gone = dataclasses.replace(OMAR, status="left")
    split = SplitDecision(members_leaving=frozenset({"omar"}), on=date(2026, 3, 5), recorded_by_protection_officer=True)
    assessment = assess(khaled_household(members=(KHALED, MARIAM, gone, LINA), splits=(split,)), RULES, on=DEPARTURE)
    assert english(assessment.reasons_not_schedulable) == ["no member of the household is travelling"]


def test_reconfirmation_older_than_window_blocks_departure_not_scheduling() -> None:
    facts = khaled_household(reconfirmations=(reconfirm(KHALED, date(2026, 3, 5)), reconfirm(MARIAM)))
    assessment = assess(facts, RULES, on=DEPARTURE)
    assert assessment.may_schedule and not assessment.may_depart
    assert english(assessment.reasons_not_departable) == [
        "the re-confirmation the first adult made on 5 March 2026 is older than 14 days"
    ]
    # Exactly 14 days before departure is still inside the window.
    facts = khaled_household(reconfirmations=(reconfirm(KHALED, date(2026, 3, 6)), reconfirm(MARIAM)))
    assert assess(facts, RULES, on=DEPARTURE).may_depart


def test_missing_reconfirmation_blocks_departure_only() -> None:
    assessment = assess(khaled_household(reconfirmations=()), RULES, on=DEPARTURE)
    assert assessment.may_schedule and not assessment.may_depart
    assert english(assessment.reasons_not_departable) == [
        "the first adult has not re-confirmed the consent given on 1 February 2026",
        "the second adult has not re-confirmed the consent given on 1 February 2026",
    ]


def test_consent_is_valid_through_its_last_day_and_expired_after() -> None:
    last_day = date(2026, 5, 2)  # 1 February + 90 days
    facts = khaled_household(reconfirmations=(reconfirm(KHALED, last_day), reconfirm(MARIAM, last_day)))
    assert assess(facts, RULES, on=last_day).may_depart
    assessment = assess(facts, RULES, on=date(2026, 5, 3))
    assert english(assessment.reasons_not_schedulable) == [
        "the consent the first adult gave on 1 February 2026 has expired (it was valid until 2 May 2026)",
        "the consent the second adult gave on 1 February 2026 has expired (it was valid until 2 May 2026)",
    ]


def test_consent_that_expires_before_the_departure_day_cannot_be_scheduled_for_it() -> None:
    assessment = assess(khaled_household(), RULES, on=date(2026, 4, 20), departure_on=date(2026, 5, 10))
    assert [reason.code for reason in assessment.reasons_not_schedulable] == [
        ReasonCode.CONSENT_EXPIRES_BEFORE_DEPARTURE,
        ReasonCode.CONSENT_EXPIRES_BEFORE_DEPARTURE,
    ]
    assert assessment.reasons_not_schedulable[0].until == date(2026, 5, 2)


def test_cooling_off_ends_on_the_seventh_day_after_consent() -> None:
    facts = khaled_household(consents=(consent(KHALED), consent(MARIAM, on=date(2026, 3, 13))))
    assert not assess(facts, RULES, on=date(2026, 3, 19)).may_schedule
    assert assess(facts, RULES, on=DEPARTURE).may_schedule


def test_consent_must_be_free_informed_express_and_verified() -> None:
    weak = consent(
        MARIAM, free=False, express=False, information_package_version=None, verified_by_protection_officer=False
    )
    assessment = assess(khaled_household(consents=(consent(KHALED), weak)), RULES, on=DEPARTURE)
    assert english(assessment.reasons_not_schedulable) == [
        "the consent the second adult gave on 1 February 2026 is not recorded as free and express"
        " and does not record which information package was seen",
        "the consent the second adult gave on 1 February 2026 is not verified by a protection officer",
    ]


def test_latest_consent_supersedes_an_earlier_one() -> None:
    unverified = consent(MARIAM, on=date(2026, 3, 1), verified_by_protection_officer=False)
    facts = khaled_household(consents=(consent(KHALED), consent(MARIAM), unverified))
    assert [r.code for r in assess(facts, RULES, on=DEPARTURE).reasons_not_schedulable] == [
        ReasonCode.CONSENT_NOT_VERIFIED
    ]


def test_active_hostilities_without_sign_off_blocks_organised_movement_and_mentions_self_organised_return() -> None:
    facts = khaled_household(destination_active_hostilities=True, hostilities_flagged_on=date(2026, 2, 20))
    [reason] = assess(facts, RULES, on=DEPARTURE).reasons_not_schedulable
    assert reason.code is ReasonCode.HOSTILITIES_SIGN_OFF_MISSING and reason.member is None
    assert "protection officer's recorded sign-off" in reason.english()
    assert "may still return on its own, recorded as a self-organised return" in reason.english()

    signed = dataclasses.replace(
        facts, hostilities_sign_offs=(SignOff(on=date(2026, 3, 1), recorded_by_protection_officer=True),)
    )
    assert assess(signed, RULES, on=DEPARTURE).may_depart


def test_sign_off_that_predates_the_hostilities_flag_does_not_count() -> None:
    facts = khaled_household(
        destination_active_hostilities=True,
        hostilities_flagged_on=date(2026, 3, 10),
        hostilities_sign_offs=(SignOff(on=date(2026, 3, 1), recorded_by_protection_officer=True),),
    )
    [reason] = assess(facts, RULES, on=DEPARTURE).reasons_not_schedulable
    assert (reason.on, reason.until) == (date(2026, 3, 1), date(2026, 3, 10))
    assert "(the sign-off of 1 March 2026 predates the flag of 10 March 2026)" in reason.english()


def test_every_reason_is_listed_not_only_the_first() -> None:
    nour = Member(id="nour", position=5, birth_date=BirthDate.on_day(date(2013, 1, 5)), unaccompanied_or_separated=True)
    facts = khaled_household(
        members=(KHALED, MARIAM, OMAR, LINA, nour),
        consents=(consent(KHALED, on=date(2026, 3, 15)),),
        withdrawals=(),
        reconfirmations=(),
        destination_active_hostilities=True,
    )
    assessment = assess(facts, RULES, on=DEPARTURE)
    assert [reason.code for reason in assessment.reasons_not_departable] == [
        ReasonCode.COOLING_OFF_NOT_OVER,
        ReasonCode.NO_CONSENT,
        ReasonCode.BEST_INTERESTS_PROCEDURE_MISSING,
        ReasonCode.HOSTILITIES_SIGN_OFF_MISSING,
        ReasonCode.NOT_RECONFIRMED,
    ]


def test_records_dated_after_the_assessed_day_are_not_yet_counted() -> None:
    facts = khaled_household(consents=(consent(KHALED), consent(MARIAM, on=date(2026, 3, 25))))
    assert english(assess(facts, RULES, on=DEPARTURE).reasons_not_schedulable) == [
        "the second adult has not given consent"
    ]


def test_assessment_is_computed_from_the_records_every_time() -> None:
    facts = khaled_household()
    assert assess(facts, RULES, on=DEPARTURE) == assess(facts, RULES, on=DEPARTURE)
    withdrawn = dataclasses.replace(
        facts, withdrawals=(Withdrawal(member_id=KHALED.id, on=DEPARTURE, channel="check_in"),)
    )
    assert not assess(withdrawn, RULES, on=DEPARTURE).may_schedule
    assert assess(facts, RULES, on=DEPARTURE).may_schedule
    assert CONSENTED < DEPARTURE
