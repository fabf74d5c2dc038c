"""Eligibility for an organised return: may a household be scheduled, may it depart, and if not, why.

One pure function, :func:`assess`, reads a household's records (converted by the Django adapter into
the frozen dataclasses below) and the programme's rules, and returns an :class:`Assessment` with every
reason as a :class:`Reason` (a code and its parameters, to be rendered in the person's language; the
``english()`` rendering is for logs and tests). Nothing is cached: eligibility is computed from the
records each time it is asked. Never imports Django or the Sabeel apps.

    >>> from datetime import date
    >>> rules = ProgrammeRules(consent_validity_days=90, cooling_off_days=7, reconfirmation_window_days=14)
    >>> head = Member(id=1, position=1, birth_date=BirthDate.in_year(1980), is_head=True)
    >>> facts = HouseholdFacts(household_id="LBN-1", members=(head,))
    >>> [reason.english() for reason in assess(facts, rules, on=date(2026, 3, 3)).reasons_not_schedulable]
    ['the first adult has not given consent']
"""

from sabeel.engines.eligibility._assess import Assessment, assess
from sabeel.engines.eligibility._facts import (
    ADULT_AGE,
    BestInterestsProcedure,
    BirthDate,
    Consent,
    DepartureKind,
    HouseholdFacts,
    HouseholdId,
    Member,
    MemberId,
    MemberStatus,
    Precision,
    ProgrammeRules,
    Reconfirmation,
    SignOff,
    SplitDecision,
    Unreadable,
    UnreadableInput,
    Withdrawal,
)
from sabeel.engines.eligibility._reasons import ConsentElement, MemberRef, Reason, ReasonCode, Role, english_date

__all__ = [
    "ADULT_AGE",
    "Assessment",
    "BestInterestsProcedure",
    "BirthDate",
    "Consent",
    "ConsentElement",
    "DepartureKind",
    "HouseholdFacts",
    "HouseholdId",
    "Member",
    "MemberId",
    "MemberRef",
    "MemberStatus",
    "Precision",
    "ProgrammeRules",
    "Reason",
    "ReasonCode",
    "Reconfirmation",
    "Role",
    "SignOff",
    "SplitDecision",
    "Unreadable",
    "UnreadableInput",
    "Withdrawal",
    "assess",
    "english_date",
]
