"""Registry writes that touch who counts for eligibility (docs/eligibility.md, rules 4-9, 14): a
person's departure (and a protection officer's confirmation of it), absence, death or registration
error, and a change of date of birth that could turn a (possibly) adult person into a child.

Registration officers record what happened; while the household has a return process, a departure
or such a change of date of birth counts for eligibility only once a protection officer confirms it
(``consent.record``). Every write is atomic, versioned and audited with ids only."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.core.signals import households_changed
from sabeel.engines import eligibility as engine
from sabeel.registry.birthdates import birth_date_reading
from sabeel.registry.choices import (
    BirthDateChangeState,
    DepartureKind,
    HouseholdStatus,
    MemberStatus,
    Presence,
    Relationship,
)
from sabeel.registry.models import BirthDateChange, Household, Individual, MemberDeparture
from sabeel.registry.services._inputs import REASON_MAX, REASON_MIN, dob_parse
from sabeel.registry.services._records import (
    _bump,
    _check_version,
    _index_birth_year,
    _locked_household,
    _locked_individual,
    _refresh_needs,
    _version,
)

PROTECTION_ACTION = "consent.record"  # protection officers: counselling, consent, sign-offs, splits
EVIDENCE_MAX = 2000


def return_process_open(household: Household) -> bool:
    """A household has a return process from its first intention, counselling session or consent
    until its file is closed (docs/eligibility.md, rule 4)."""
    if household.status != HouseholdStatus.OPEN:
        return False
    return (
        household.intentions.exists()  # type: ignore[attr-defined]
        or household.counselling_sessions.exists()  # type: ignore[attr-defined]
        or household.consents.exists()  # type: ignore[attr-defined]
    )


def _reason(value: str, field: str = "reason") -> str:
    text = " ".join((value or "").split())
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise ServiceError(
            _("Give the reason (%(min)d to %(max)d characters).") % {"min": REASON_MIN, "max": REASON_MAX},
            fields={field: [_("Give the reason.")]},
        )
    return text


def _evidence(value: str) -> str:
    text = (value or "").strip()
    if not REASON_MIN <= len(text) <= EVIDENCE_MAX:
        raise ServiceError(
            _("Describe the evidence (%(min)d to %(max)d characters).") % {"min": REASON_MIN, "max": EVIDENCE_MAX},
            fields={"evidence": [_("Describe the evidence.")]},
        )
    return text


def departure_record(
    *,
    actor: Actor,
    person: Individual,
    household: Household,
    kind: str,
    reason: str = "",
    evidence: str = "",
    to_household: Household | None = None,
) -> MemberDeparture:
    """The row a departure leaves (called inside the service that makes the person leave)."""
    return MemberDeparture.objects.create(
        household=household,
        individual=person,
        kind=kind,
        at=timezone.now(),
        reason=reason,
        evidence=evidence,
        to_household=to_household,
        during_return_process=return_process_open(household),
        recorded_by_id=as_actor(actor).user_id,
    )


@transaction.atomic
def member_exit_record(
    *, actor: Actor, individual: Individual, kind: str, reason: str, evidence: str, expected_version: int | None = None
) -> MemberDeparture:
    """Record that a person died or was registered in error, with the reason and the evidence. The
    record stays (nothing is deleted), and so does any withdrawal the person made. While the
    household has a return process the person still counts for eligibility until a protection
    officer confirms it (``member_departure_confirm``)."""
    require(actor, "person.update", individual.household)
    if kind not in (DepartureKind.DIED, DepartureKind.REGISTRATION_ERROR):
        raise ServiceError(_("Choose whether the person died or was registered in error."), fields={"kind": [_("Choose one.")]})
    person = _locked_individual(individual)
    household = _locked_household(person.household)
    _check_version(actor, person, expected_version, household)
    reason, evidence = _reason(reason), _evidence(evidence)
    if person.status != MemberStatus.ACTIVE:
        raise ServiceError(_("This person is no longer a current member."))
    if person.relationship == Relationship.HEAD:
        raise ServiceError(
            _("Make another member the head of household first."),
            fields={"relationship": [_("Make another member the head first.")]},
        )
    old_status = person.status
    person.status = MemberStatus.DIED if kind == DepartureKind.DIED else MemberStatus.REGISTRATION_ERROR
    person.status_reason = reason
    person.version += 1
    person.save(update_fields=["status", "status_reason", "version", "updated_at"])
    departure = departure_record(actor=actor, person=person, household=household, kind=kind, reason=reason, evidence=evidence)
    _refresh_needs(household)
    _version(
        actor=actor, household=household, individual=person, version=person.version, action=f"individual.{person.status}",
        changes={"status": (old_status, person.status), "status_reason": ("", reason)},
    )
    version = _bump(household)
    _version(
        actor=actor, household=household, individual=None, version=version, action="household.member_departed",
        changes={"member_departed": (person.pk, None)},
    )
    audit.record(
        actor=actor,
        action="household.member_exit_recorded",
        target=household,
        data={"individual_id": person.pk, "departure_id": departure.pk, "kind": kind},
    )
    return departure


@transaction.atomic
def member_departure_confirm(*, actor: Actor, departure: MemberDeparture, note: str) -> MemberDeparture:
    """A protection officer records the split (a removal or a move during a return process) or
    confirms a death or a registration error, with a note: from then on the person no longer
    counts for the household's eligibility, and the verdict shows the split with its reason."""
    require(actor, PROTECTION_ACTION, departure.household)
    current = MemberDeparture.objects.select_for_update().select_related("household").get(pk=departure.pk)
    if current.confirmed_at is not None:
        raise ServiceError(_("This departure is already confirmed."))
    current.confirmation_note = _evidence(note)
    current.confirmed_by_id = as_actor(actor).user_id
    if current.confirmed_by_id is None:
        raise ServiceError(_("Only a protection officer can confirm a departure."))
    current.confirmed_at = timezone.now()
    current.save(update_fields=["confirmation_note", "confirmed_by", "confirmed_at", "updated_at"])
    household = _locked_household(current.household)
    version = _bump(household)
    _version(
        actor=actor, household=household, individual=None, version=version, action="household.departure_confirmed",
        changes={"departure_confirmed": (None, current.pk)},
    )
    audit.record(
        actor=actor,
        action="household.departure_confirmed",
        target=household,
        data={"departure_id": current.pk, "individual_id": current.individual_id, "kind": current.kind},
    )
    return current


@transaction.atomic
def member_presence_set(
    *, actor: Actor, individual: Individual, presence: str, reason: str = "", expected_version: int | None = None
) -> Individual:
    """Mark a current member absent (away, whereabouts unknown; with the reason) or present again.
    An absent member is still a member, and blocks scheduling while absent."""
    require(actor, "person.update", individual.household)
    if presence not in Presence.values:
        raise ServiceError(_("Choose present or absent."), fields={"presence": [_("Choose one.")]})
    person = _locked_individual(individual)
    household = _locked_household(person.household)
    _check_version(actor, person, expected_version, household)
    if person.status != MemberStatus.ACTIVE:
        raise ServiceError(_("This person is no longer a current member."))
    reason = _reason(reason) if presence == Presence.ABSENT else ""
    if person.presence == presence:
        return person
    old = (person.presence, person.presence_reason)
    person.presence, person.presence_reason = presence, reason
    person.version += 1
    person.save(update_fields=["presence", "presence_reason", "version", "updated_at"])
    _version(
        actor=actor, household=household, individual=person, version=person.version, action=f"individual.{presence}",
        changes={"presence": (old[0], presence), "presence_reason": (old[1], reason)},
    )
    audit.record(
        actor=actor,
        action="individual.presence_set",
        target=person,
        working_group_id=household.working_group_id,
        data={"household_id": household.pk, "presence": presence},
    )
    return person


# --- date of birth --------------------------------------------------------------------------------


def _adult_from(reading: engine.BirthDate) -> dt.date:
    earliest = reading.earliest()
    if earliest is None:
        return dt.date.min
    day = dt.date(earliest.year + engine.ADULT_AGE, 1, 1)
    while not reading.may_be_adult_on(day):  # the anniversary, with the engine's leap-day reading
        day += dt.timedelta(days=1)
    return day


def birth_date_change_needs_confirmation(
    *, old_date: dt.date | None, old_precision: str, new_date: dt.date | None, new_precision: str
) -> bool:
    """True when the new date of birth makes the day the person may be 18 later than the current
    one does (a later earliest possible birth date, or an unknown date becoming known): it could
    turn a possibly adult person into a child (docs/eligibility.md, rule 9)."""
    return _adult_from(birth_date_reading(new_date, new_precision)) > _adult_from(birth_date_reading(old_date, old_precision))


def _apply_birth_date(actor: Actor, person: Individual, household: Household, day: dt.date | None, precision: str, action: str) -> None:
    diff = {
        name: (getattr(person, name), value)
        for name, value in (("date_of_birth", day), ("dob_precision", precision))
        if getattr(person, name) != value
    }
    if not diff:
        return
    person.date_of_birth, person.dob_precision = day, precision
    person.version += 1
    person.save(update_fields=["date_of_birth", "dob_precision", "version", "updated_at"])
    _index_birth_year(person)
    _version(actor=actor, household=household, individual=person, version=person.version, action=action, changes=diff)


@transaction.atomic
def birth_date_change_propose(
    *, actor: Actor, individual: Individual, date_of_birth: dt.date | str | None, reason: str, expected_version: int | None = None
) -> BirthDateChange | None:
    """Propose a new date of birth (as typed: a day, a month or a year). A change that could turn
    a possibly adult person into a child is kept pending until a protection officer confirms it with
    evidence (``birth_date_change_confirm``); any other change applies at once (returns None)."""
    require(actor, "person.update", individual.household)
    person = _locked_individual(individual)
    household = person.household
    _check_version(actor, person, expected_version, household)
    reason = _reason(reason)
    try:
        new_date, new_precision = dob_parse(date_of_birth)
    except ValueError as exc:
        raise ServiceError(_("Write the date of birth as a day, a month or a year."), fields={"date_of_birth": [_("Not a date.")]}) from exc
    if new_date is not None and new_date > timezone.now().date():
        raise ServiceError(_("The date of birth cannot be in the future."), fields={"date_of_birth": [_("Not in the future.")]})
    if BirthDateChange.objects.filter(individual=person, state=BirthDateChangeState.PENDING).exists():
        raise ServiceError(_("A change of this person's date of birth is already waiting for a protection officer."))
    needs = birth_date_change_needs_confirmation(
        old_date=person.date_of_birth, old_precision=person.dob_precision, new_date=new_date, new_precision=new_precision
    )
    if not needs:
        _apply_birth_date(actor, person, household, new_date, new_precision, "individual.updated")
        audit.record(
            actor=actor, action="individual.updated", target=person, working_group_id=household.working_group_id,
            data={"household_id": household.pk, "version": person.version, "fields": ["date_of_birth", "dob_precision"]},
        )
        return None
    change = BirthDateChange.objects.create(
        household=household,
        individual=person,
        old_date=person.date_of_birth,
        old_precision=person.dob_precision,
        new_date=new_date,
        new_precision=new_precision,
        reason=reason,
        proposed_by_id=as_actor(actor).user_id,
    )
    households_changed([household.pk])  # a pending date of birth is a second reading for the verdict
    audit.record(
        actor=actor, action="individual.birth_date_change_proposed", target=person, working_group_id=household.working_group_id,
        data={"household_id": household.pk, "change_id": change.pk},
    )
    return change


def _pending(change: BirthDateChange) -> BirthDateChange:
    current = BirthDateChange.objects.select_for_update().get(pk=change.pk)
    if current.state != BirthDateChangeState.PENDING:
        raise ServiceError(_("This change was already decided."))
    return current


@transaction.atomic
def birth_date_change_confirm(*, actor: Actor, change: BirthDateChange, evidence: str) -> BirthDateChange:
    """A protection officer confirms a proposed change of date of birth with the evidence: the date
    of birth changes (a new version of the person's record)."""
    require(actor, PROTECTION_ACTION, change.household)
    current = _pending(change)
    evidence = _evidence(evidence)
    person = _locked_individual(current.individual)
    household = person.household
    current.state, current.evidence = BirthDateChangeState.CONFIRMED, evidence
    current.decided_by_id, current.decided_at = as_actor(actor).user_id, timezone.now()
    current.save(update_fields=["state", "evidence", "decided_by", "decided_at", "updated_at"])
    _apply_birth_date(actor, person, household, current.new_date, current.new_precision, "individual.birth_date_confirmed")
    audit.record(
        actor=actor, action="individual.birth_date_change_confirmed", target=person, working_group_id=household.working_group_id,
        data={"household_id": household.pk, "change_id": current.pk, "version": person.version},
    )
    return current


@transaction.atomic
def birth_date_change_reject(*, actor: Actor, change: BirthDateChange, evidence: str) -> BirthDateChange:
    """A protection officer does not confirm a proposed change (with the reason): the date of birth
    stays as it was."""
    require(actor, PROTECTION_ACTION, change.household)
    current = _pending(change)
    current.state, current.evidence = BirthDateChangeState.REJECTED, _evidence(evidence)
    current.decided_by_id, current.decided_at = as_actor(actor).user_id, timezone.now()
    current.save(update_fields=["state", "evidence", "decided_by", "decided_at", "updated_at"])
    households_changed([current.household_id])
    audit.record(
        actor=actor, action="individual.birth_date_change_rejected", target=current.individual,
        working_group_id=current.household.working_group_id,
        data={"household_id": current.household_id, "change_id": current.pk},
    )
    return current
