"""Eligibility reasons as a given actor may read them.

Some reasons tell more than why a household may not move: "the first child is unaccompanied or
separated" states a specific need (UNHCR codes SC-UC / SC-SC), and "the first child would travel
without an adult" points at the same. A role without the specific-needs field group (movement and
finance officers, the refugee's own page) reads them in one neutral wording instead, with a neutral
code, so neither the text nor the page's markup reveals the need. Every page and endpoint that
shows reasons passes them through here."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from sabeel.consent.eligibility import HouseholdEligibility, ReasonText
from sabeel.core.actors import Actor
from sabeel.core.permissions import visible_field_groups
from sabeel.core.roles import FieldGroup
from sabeel.engines.eligibility import ReasonCode

__all__ = ["CHILD_PROCEDURE", "SPECIFIC_NEEDS_REASONS", "eligibility_for", "may_read_specific_needs", "reasons_for"]

# Reasons that reveal a child's specific needs.
SPECIFIC_NEEDS_REASONS = frozenset({ReasonCode.BEST_INTERESTS_PROCEDURE_MISSING.value, ReasonCode.CHILD_WITHOUT_ADULT.value})
# The neutral code that stands for them.
CHILD_PROCEDURE = "child_protection_procedure"


def may_read_specific_needs(actor: Actor, household: Any) -> bool:
    """True when the actor sees the household's specific-needs field group."""
    return FieldGroup.SPECIFIC_NEEDS in visible_field_groups(actor, household)


def _neutral(reason: ReasonText, words: Mapping[int, Sequence[str]]) -> ReasonText:
    # A member's words list the adult word first and the child word last ("the third adult", "the
    # first child"); these reasons concern the child.
    said = words.get(reason.member_id, ()) if reason.member_id is not None else ()
    if said:
        text = _("the case of %(who)s needs a protection officer's procedure") % {"who": said[-1]}
    else:
        text = _("a child's case needs a protection officer's procedure")
    return ReasonText(code=CHILD_PROCEDURE, text=text, member_id=reason.member_id)


def _shown(reasons: Iterable[ReasonText], words: Mapping[int, Sequence[str]], seen: set[tuple[str, int | None]]) -> list[ReasonText]:
    shown: list[ReasonText] = []
    for reason in reasons:
        if reason.code in SPECIFIC_NEEDS_REASONS:
            reason = _neutral(reason, words)
            key = (reason.code, reason.member_id)
            if key in seen:  # both reasons for one child read the same: say it once
                continue
            seen.add(key)
        shown.append(reason)
    return shown


def reasons_for(
    *, actor: Actor, household: Any, reasons: Sequence[ReasonText], words: Mapping[int, Sequence[str]] | None = None
) -> tuple[ReasonText, ...]:
    """``reasons`` as the actor may read them: unchanged for a role that sees specific needs,
    else with the reasons that reveal them replaced by the neutral wording (once per child).
    ``words`` names the members as the verdict does ("the first child")."""
    if may_read_specific_needs(actor, household):
        return tuple(reasons)
    return tuple(_shown(reasons, words or {}, set()))


def eligibility_for(*, actor: Actor, household: Any, eligibility: HouseholdEligibility) -> HouseholdEligibility:
    """The verdict as the actor may read it (see ``reasons_for``); the engine's assessment, which
    holds the reasons in the engine's words, is left out of what a page receives."""
    if may_read_specific_needs(actor, household):
        return eligibility
    seen: set[tuple[str, int | None]] = set()
    schedulable = _shown(eligibility.reasons_not_schedulable, eligibility.member_words, seen)
    departure_only = _shown(eligibility.reasons_departure_only, eligibility.member_words, seen)
    return dataclasses.replace(
        eligibility,
        reasons_not_schedulable=tuple(schedulable),
        reasons_not_departable=(*schedulable, *departure_only),
        assessment=None,
    )
