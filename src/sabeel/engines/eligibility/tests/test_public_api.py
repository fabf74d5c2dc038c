"""The public API of the eligibility engine is exactly ``__all__`` (as in httpx's test_exported_members)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date
from types import ModuleType

import pytest

import sabeel.engines.eligibility as eligibility
from sabeel.engines.eligibility.tests.builders import DEPARTURE, RULES, khaled_household

EXPECTED = {
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
}


def test_public_api_is_exactly_the_documented_names_in_sorted_order() -> None:
    public = {
        name
        for name, value in vars(eligibility).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert set(eligibility.__all__) == EXPECTED == public
    assert eligibility.__all__ == sorted(eligibility.__all__)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_public_name_is_importable(name: str) -> None:
    assert getattr(eligibility, name) is not None


def test_facts_and_results_are_frozen_dataclasses() -> None:
    facts = khaled_household()
    assessment = eligibility.assess(facts, RULES, on=DEPARTURE)
    reason = eligibility.assess(khaled_household(consents=()), RULES, on=DEPARTURE).reasons_not_schedulable[0]
    for value in (facts, facts.members[0], facts.members[0].birth_date, facts.consents[0], RULES, assessment, reason):
        assert dataclasses.is_dataclass(value)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, dataclasses.fields(value)[0].name, "changed")


def test_the_engine_imports_neither_django_nor_the_apps() -> None:
    code = (
        "import sys, datetime, sabeel.engines.eligibility as e; "
        "r = e.ProgrammeRules(consent_validity_days=1, cooling_off_days=0, reconfirmation_window_days=0); "
        "m = e.Member(id=1, position=1, birth_date=e.BirthDate.unknown()); "
        "e.assess(e.HouseholdFacts(household_id=1, members=(m,)), r, on=datetime.date(2026, 1, 1)).reasons_not_departable[0].english(); "
        "bad = [n for n in sys.modules if n in ('django', 'ninja') or n.startswith(('django.', 'ninja.')) "
        "or (n.startswith('sabeel.') and not n.startswith('sabeel.engines.eligibility') and n != 'sabeel.engines')]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.strip() == ""


def test_the_docstring_example_holds() -> None:
    import doctest

    assert doctest.testmod(eligibility).failed == 0


def test_inputs_refuse_what_cannot_be_assessed() -> None:
    member = eligibility.Member(id=1, position=1, birth_date=eligibility.BirthDate.unknown())
    with pytest.raises(ValueError, match="precision"):
        eligibility.BirthDate(date(2000, 1, 1), "decade")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="value exactly"):
        eligibility.BirthDate(None, "year")
    with pytest.raises(ValueError, match="value exactly"):
        eligibility.BirthDate(date(2000, 1, 1), "unknown")
    with pytest.raises(ValueError, match="status"):
        eligibility.Member(id=1, position=1, birth_date=eligibility.BirthDate.unknown(), status="gone")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        eligibility.ProgrammeRules(consent_validity_days=-1, cooling_off_days=0, reconfirmation_window_days=0)
    with pytest.raises(ValueError, match="at least one member"):
        eligibility.SplitDecision(members_leaving=frozenset(), on=DEPARTURE, recorded_by_protection_officer=True)
    with pytest.raises(ValueError, match="ids repeat"):
        eligibility.HouseholdFacts(household_id=1, members=(member, dataclasses.replace(member, position=2)))
    with pytest.raises(ValueError, match="positions repeat"):
        eligibility.HouseholdFacts(household_id=1, members=(member, dataclasses.replace(member, id=2)))
    with pytest.raises(ValueError, match="non-members"):
        eligibility.HouseholdFacts(
            household_id=1, members=(member,), reconfirmations=(eligibility.Reconfirmation(member_id=7, on=DEPARTURE),)
        )
    with pytest.raises(ValueError, match="before the assessed day"):
        eligibility.assess(khaled_household(), RULES, on=DEPARTURE, departure_on=date(2026, 3, 19))
