"""What the self-service page shows a refugee about their own household: its status, the next step
(from the one eligibility function), the information package for its destination in the page's
language, whether a call-back is already asked for, and the adults who may withdraw (first names
only). Nothing here reads another household."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from sabeel.conditions.services import information_package_current
from sabeel.consent.eligibility import birth_date_of, household_eligibility, local_today
from sabeel.consent.models import CounsellingSession, FollowUp, FollowUpKind
from sabeel.core import audit
from sabeel.core.actors import Actor
from sabeel.core.exceptions import ServiceError
from sabeel.portal.choices import NEXT_STEP_EXPLAINED, NextStep
from sabeel.registry.choices import HouseholdStatus, MemberStatus, Relationship
from sabeel.registry.models import Household

__all__ = ["Adult", "Overview", "adults", "household_overview", "information_package", "next_step"]

# Reasons (``engines.eligibility.ReasonCode`` values) that an adult's consent is missing or no longer
# holds: the next step is consent. Any other reason against scheduling leaves the next move to the
# officers (preparation); reasons against departure only are the re-confirmation.
_CONSENT_REASONS = frozenset(
    {
        "no_consent",
        "consent_withdrawn",
        "consent_incomplete",
        "consent_not_verified",
        "consent_expired",
        "consent_expires_before_departure",
    }
)
_RECONFIRMATION_REASONS = frozenset({"not_reconfirmed", "reconfirmation_too_old"})


@dataclass(frozen=True)
class Adult:
    id: int
    first_name: str


@dataclass(frozen=True)
class Overview:
    household: Household
    is_open: bool
    status_label: str
    next_step: NextStep
    next_step_text: str
    package: Any
    callback_pending: bool
    adults: list[Adult]


def _first_name(person: Any, *, arabic: bool) -> str:
    names = (person.first_name_ar, person.first_name_lat) if arabic else (person.first_name_lat, person.first_name_ar)
    return next((name for name in names if name), "") or "—"


def _today(household: Household) -> dt.date:
    return local_today(household.working_group.time_zone)


def adults(*, household: Household, on: dt.date | None = None) -> list[Adult]:
    """The household's current members who may be 18 or older (the cautious reading of an uncertain
    birth date, as eligibility reads it), in roster order (head first), by first name in the page's
    language. Two with the same first name are told apart by their place on the list."""
    day = on or _today(household)
    arabic = (translation.get_language() or "ar").startswith("ar")
    members = household.members.filter(status=MemberStatus.ACTIVE)
    roster = sorted(members, key=lambda p: (p.relationship != Relationship.HEAD, p.pk))
    found = [
        Adult(id=p.pk, first_name=_first_name(p, arabic=arabic)) for p in roster if birth_date_of(p).may_be_adult_on(day)
    ]
    return _distinct(found)


def _distinct(people: list[Adult]) -> list[Adult]:
    counts: dict[str, int] = {}
    for person in people:
        counts[person.first_name] = counts.get(person.first_name, 0) + 1
    seen: dict[str, int] = {}
    named: list[Adult] = []
    for person in people:
        if counts[person.first_name] == 1:
            named.append(person)
            continue
        seen[person.first_name] = seen.get(person.first_name, 0) + 1
        named.append(Adult(id=person.id, first_name=f"{person.first_name} ({seen[person.first_name]})"))
    return named


def next_step(*, household: Household, on: dt.date | None = None, departure_on: dt.date | None = None) -> NextStep:
    """The household's next step, derived from the one eligibility function. Re-confirmation is
    the step only once a departure day is known (``departure_on``, from a movement); before that a
    household that may be scheduled waits for a place on a movement."""
    if household.status == HouseholdStatus.CLOSED:
        return NextStep.CLOSED
    if not CounsellingSession.objects.filter(household=household).exists():
        return NextStep.COUNSELLING
    verdict = household_eligibility(household=household, on=on, departure_on=departure_on)
    not_schedulable = {reason.code for reason in verdict.reasons_not_schedulable}
    if not_schedulable & _CONSENT_REASONS:
        return NextStep.CONSENT
    if not_schedulable:
        return NextStep.PREPARATION
    if departure_on is None:
        return NextStep.SCHEDULING
    departure_only = {reason.code for reason in verdict.reasons_departure_only}
    if departure_only and departure_only <= _RECONFIRMATION_REASONS:
        return NextStep.RECONFIRMATION
    return NextStep.PREPARATION if departure_only else NextStep.SCHEDULED


def information_package(*, household: Household, language: str) -> Any:
    """The current information package for the household's destination in ``language`` (None when
    no destination is recorded or the register makes none for it)."""
    if household.destination is None:
        return None
    try:
        return information_package_current(destination=household.destination, language=language)
    except ServiceError:
        return None


def household_overview(*, actor: Actor, household: Household) -> Overview:
    """Everything the refugee's page shows; the view is audited (ids only)."""
    language = (translation.get_language() or "ar")[:2]
    step = next_step(household=household)
    overview = Overview(
        household=household,
        is_open=household.status == HouseholdStatus.OPEN,
        status_label=str(HouseholdStatus(household.status).label),
        next_step=step,
        next_step_text=str(NEXT_STEP_EXPLAINED[step]),
        package=information_package(household=household, language=language),
        callback_pending=FollowUp.objects.filter(
            household=household, kind=FollowUpKind.CALLBACK_REQUEST, done_at__isnull=True
        ).exists(),
        adults=adults(household=household),
    )
    phone = actor.details.get("phone")
    audit.record(
        actor=actor,
        action="portal.status_viewed",
        target=household,
        data={"phone_id": int(phone)} if phone else {},
    )
    return overview
