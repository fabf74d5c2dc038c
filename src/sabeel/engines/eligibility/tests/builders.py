"""A small cast for the stories: the household of Khaled (head, born 1975), Mariam (his wife, born
"1979", year only), Omar (born 2012) and Lina (born 2015), returning from Lebanon. Both adults consent
on 1 February 2026 and re-confirm on 15 March; the movement departs on 20 March 2026."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from sabeel.engines.eligibility import (
    BirthDate,
    Consent,
    HouseholdFacts,
    Member,
    ProgrammeRules,
    Reconfirmation,
)

RULES = ProgrammeRules(consent_validity_days=90, cooling_off_days=7, reconfirmation_window_days=14)
CONSENTED = date(2026, 2, 1)
RECONFIRMED = date(2026, 3, 15)
DEPARTURE = date(2026, 3, 20)

KHALED = Member(id="khaled", position=1, birth_date=BirthDate.on_day(date(1975, 6, 2)), is_head=True)
MARIAM = Member(id="mariam", position=2, birth_date=BirthDate.in_year(1979))
OMAR = Member(id="omar", position=3, birth_date=BirthDate.on_day(date(2012, 9, 14)))
LINA = Member(id="lina", position=4, birth_date=BirthDate.in_month(2015, 4))


def consent(member: Member, on: date = CONSENTED, **changes: Any) -> Consent:
    base = Consent(
        member_id=member.id,
        given_on=on,
        free=True,
        informed=True,
        express=True,
        verified_by_protection_officer=True,
        information_package_version="SY0200-2026-01",
    )
    return dataclasses.replace(base, **changes)


def reconfirm(member: Member, on: date = RECONFIRMED) -> Reconfirmation:
    return Reconfirmation(member_id=member.id, on=on)


def khaled_household(**changes: Any) -> HouseholdFacts:
    """The family as it stands when everything is in order; ``changes`` replace fields."""
    base = HouseholdFacts(
        household_id="LBN-2026-0042",
        members=(KHALED, MARIAM, OMAR, LINA),
        consents=(consent(KHALED), consent(MARIAM)),
        reconfirmations=(reconfirm(KHALED), reconfirm(MARIAM)),
    )
    return dataclasses.replace(base, **changes)
