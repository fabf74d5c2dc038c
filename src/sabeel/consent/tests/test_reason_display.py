"""Eligibility reasons as each role may read them: a role without the specific-needs field group
never reads that a child is unaccompanied or separated, nor that a child travels without an adult."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from sabeel.consent.eligibility import HouseholdEligibility, ReasonText
from sabeel.consent.reason_display import CHILD_PROCEDURE, eligibility_for, reasons_for
from sabeel.consent.tests.factories import family

pytestmark = pytest.mark.django_db

OMAR = 41
REASONS = (
    ReasonText(code="no_consent", text="the first adult has not given consent", member_id=40),
    ReasonText(code="best_interests_procedure_missing", text="the first child is unaccompanied or separated and …", member_id=OMAR),
    ReasonText(code="child_without_adult", text="the first child would travel without an adult and …", member_id=OMAR),
)
WORDS = {40: ("the first adult",), OMAR: ("the second adult", "the first child")}


def _answer(household_id: int) -> HouseholdEligibility:
    day = dt.date(2026, 12, 6)
    return HouseholdEligibility(
        household_id=household_id,
        on=day,
        departure_on=day,
        may_schedule=False,
        may_depart=False,
        reasons_not_schedulable=REASONS[:2],
        reasons_not_departable=REASONS,
        travelling_member_ids=frozenset({40, OMAR}),
        member_words=WORDS,
    )


def test_a_protection_officer_reads_every_reason_as_it_is(cast, places):
    household = family(cast)
    assert reasons_for(actor=cast["lb_protection_officer"], household=household, reasons=REASONS, words=WORDS) == REASONS
    answer = _answer(household.pk)
    assert eligibility_for(actor=cast["lb_protection_officer"], household=household, eligibility=answer) is answer


def test_a_movement_officer_reads_one_neutral_line_per_child(cast, places):
    household = family(cast)
    with translation.override("en"):
        shown = reasons_for(actor=cast["lb_movement_officer"], household=household, reasons=REASONS, words=WORDS)
    assert [r.code for r in shown] == ["no_consent", CHILD_PROCEDURE]
    assert shown[1].text == "the case of the first child needs a protection officer's procedure"
    assert shown[1].member_id == OMAR


def test_the_verdicts_two_lists_stay_consistent_when_reasons_are_merged(cast, places):
    household = family(cast)
    shown = eligibility_for(actor=cast["lb_movement_officer"], household=household, eligibility=_answer(household.pk))
    assert [r.code for r in shown.reasons_not_schedulable] == ["no_consent", CHILD_PROCEDURE]
    assert shown.reasons_departure_only == ()  # the child-without-adult line said the same thing
    assert shown.assessment is None


def test_without_the_members_words_the_wording_names_no_one(cast, places):
    household = family(cast)
    with translation.override("en"):
        shown = reasons_for(actor=cast["lb_finance_officer"], household=household, reasons=REASONS[1:2])
    assert shown[0].text == "a child's case needs a protection officer's procedure"
