from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from sabeel.engines.eligibility._facts import (
    Consent,
    HouseholdFacts,
    HouseholdId,
    Member,
    MemberId,
    ProgrammeRules,
    Reconfirmation,
    SplitDecision,
    Unreadable,
    Withdrawal,
)
from sabeel.engines.eligibility._reasons import ConsentElement, MemberRef, Reason, ReasonCode, Role

_T = TypeVar("_T")
_R = TypeVar("_R", Consent, Withdrawal, Reconfirmation)


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """The answer for one household: who travels, and every reason it may not be scheduled on ``on``
    for a movement on ``departure_on``, or may not depart that day. ``reasons_not_departable`` starts
    with all of ``reasons_not_schedulable``; the household may do a thing exactly when there is no
    reason against it."""

    household_id: HouseholdId
    on: date
    departure_on: date
    travelling_members: frozenset[MemberId]
    reasons_not_schedulable: tuple[Reason, ...]
    reasons_not_departable: tuple[Reason, ...]

    def __post_init__(self) -> None:
        if self.reasons_not_departable[: len(self.reasons_not_schedulable)] != self.reasons_not_schedulable:
            raise ValueError("whatever prevents scheduling also prevents departure")

    @property
    def may_schedule(self) -> bool:
        return not self.reasons_not_schedulable

    @property
    def may_depart(self) -> bool:
        return not self.reasons_not_departable


def _last(records: Iterable[_T], day: Callable[[_T], date]) -> _T | None:
    """The record with the latest day; on a tie, the one recorded (given) last."""
    found: _T | None = None
    for record in records:
        if found is None or day(record) >= day(found):
            found = record
    return found


def _current_split(facts: HouseholdFacts, on: date) -> SplitDecision | None:
    return _last((split for split in facts.splits if split.on <= on), lambda split: split.on)


def _latest_recorded(records: Sequence[_R]) -> _R | None:
    return max(records, key=lambda r: r.recorded or 0, default=None)


def _counts_by(record: Consent | Withdrawal, on: date) -> bool:
    return record.recorded_on is None or record.recorded_on <= on


def _missing_elements(consent: Consent) -> tuple[ConsentElement, ...]:
    missing: list[ConsentElement] = []
    if not consent.free:
        missing.append("free")
    if not consent.informed:
        missing.append("informed")
    if not consent.express:
        missing.append("express")
    if not consent.information_package_version:
        missing.append("information_package")
    return tuple(missing)


def _standing(
    facts: HouseholdFacts, member_id: MemberId, on: date
) -> tuple[Consent | None, Withdrawal | None, bool]:
    """(the current consent, the withdrawal that cancels it, whether the recorded order decided)."""
    consents = [c for c in facts.consents if c.member_id == member_id and c.given_on <= on and _counts_by(c, on)]
    withdrawals = [w for w in facts.withdrawals if w.member_id == member_id and _counts_by(w, on)]
    if all(c.recorded is not None for c in consents) and all(w.recorded is not None for w in withdrawals):
        # The order in which the records were saved decides, whatever days were typed: a withdrawal
        # cancels every consent recorded before it, and a consent recorded after it is a fresh one.
        consent = _latest_recorded(consents)
        withdrawal = _latest_recorded(withdrawals)
        if withdrawal is not None and (consent is None or (withdrawal.recorded or 0) > (consent.recorded or 0)):
            return consent, withdrawal, True
        return consent, None, True
    consent = _last(consents, lambda c: c.given_on)
    withdrawal = _last((w for w in withdrawals if w.on <= on), lambda w: w.on)
    # The latest event wins; a consent and a withdrawal on the same day cannot be ordered by date, and
    # the cautious reading is that the person withdrew: a fresh consent counts from the next day.
    if withdrawal is not None and (consent is None or consent.given_on <= withdrawal.on):
        return consent, withdrawal, False
    return consent, None, False


def _reconfirmation(
    facts: HouseholdFacts, member_id: MemberId, consent: Consent, *, on: date, by_order: bool
) -> Reconfirmation | None:
    mine = [r for r in facts.reconfirmations if r.member_id == member_id and r.on <= on]
    if by_order and consent.recorded is not None and all(r.recorded is not None for r in mine):
        return _last((r for r in mine if (r.recorded or 0) > (consent.recorded or 0)), lambda r: r.on)
    latest = _last(mine, lambda r: r.on)
    return None if latest is None or latest.on < consent.given_on else latest


def _adult_reasons(
    facts: HouseholdFacts, rules: ProgrammeRules, who: MemberRef, *, on: date, departure_on: date
) -> tuple[list[Reason], list[Reason]]:
    member_id = who.member_id
    consent, withdrawal, by_order = _standing(facts, member_id, on)
    if withdrawal is not None:
        return [Reason(code=ReasonCode.CONSENT_WITHDRAWN, member=who, on=withdrawal.on, channel=withdrawal.channel)], []
    if consent is None:
        return [Reason(code=ReasonCode.NO_CONSENT, member=who)], []

    schedule: list[Reason] = []
    given = consent.given_on
    recorded_on = consent.recorded_on or given
    missing = _missing_elements(consent)
    if missing:
        schedule.append(Reason(code=ReasonCode.CONSENT_INCOMPLETE, member=who, on=given, missing=missing))
    if not consent.verified_by_protection_officer:
        schedule.append(Reason(code=ReasonCode.CONSENT_NOT_VERIFIED, member=who, on=given))
    # Cautious both ways: validity from the earlier of the typed and recorded days, cooling-off from
    # the later (a consent typed in the past does not shorten the cooling-off).
    valid_until = min(given, recorded_on) + timedelta(days=rules.consent_validity_days)
    if valid_until < departure_on:
        code = ReasonCode.CONSENT_EXPIRED if valid_until < on else ReasonCode.CONSENT_EXPIRES_BEFORE_DEPARTURE
        schedule.append(Reason(code=code, member=who, on=given, until=valid_until, days=rules.consent_validity_days))
    cooling_off_ends = max(given, recorded_on) + timedelta(days=rules.cooling_off_days)
    if cooling_off_ends > on:
        schedule.append(
            Reason(
                code=ReasonCode.COOLING_OFF_NOT_OVER,
                member=who,
                on=given,
                until=cooling_off_ends,
                days=rules.cooling_off_days,
            )
        )

    depart: list[Reason] = []
    reconfirmation = _reconfirmation(facts, member_id, consent, on=on, by_order=by_order)
    if reconfirmation is None:
        depart.append(Reason(code=ReasonCode.NOT_RECONFIRMED, member=who, on=given))
    elif (departure_on - reconfirmation.on).days > rules.reconfirmation_window_days:
        depart.append(
            Reason(
                code=ReasonCode.RECONFIRMATION_TOO_OLD,
                member=who,
                on=reconfirmation.on,
                days=rules.reconfirmation_window_days,
            )
        )
    return schedule, depart


def _child_reasons(
    facts: HouseholdFacts, member: Member, who: MemberRef, *, accompanied: bool, on: date
) -> list[Reason]:
    reasons: list[Reason] = []
    if member.status == "absent":
        reasons.append(Reason(code=ReasonCode.CHILD_NOT_PRESENT, member=who))
    procedure_done = any(
        procedure.child_id == member.id
        and procedure.recorded_by_protection_officer
        and procedure.completed_on is not None
        and procedure.completed_on <= on
        for procedure in facts.best_interests
    )
    if not procedure_done:
        if member.unaccompanied_or_separated:
            reasons.append(Reason(code=ReasonCode.BEST_INTERESTS_PROCEDURE_MISSING, member=who))
        elif not accompanied:
            reasons.append(Reason(code=ReasonCode.CHILD_WITHOUT_ADULT, member=who))
    return reasons


def _hostilities_reasons(facts: HouseholdFacts, *, on: date) -> list[Reason]:
    if not facts.destination_active_hostilities:
        return []
    flagged = facts.hostilities_flagged_on
    by_officer = [s for s in facts.hostilities_sign_offs if s.recorded_by_protection_officer and s.on <= on]
    if any(flagged is None or s.on >= flagged for s in by_officer):
        return []
    stale = _last(by_officer, lambda s: s.on)
    return [
        Reason(
            code=ReasonCode.HOSTILITIES_SIGN_OFF_MISSING,
            on=stale.on if stale is not None else None,
            until=flagged if stale is not None else None,
        )
    ]


def _unreadable(item: Unreadable, adults: dict[MemberId, MemberRef], children: dict[MemberId, MemberRef]) -> Reason:
    who = None if item.member_id is None else adults.get(item.member_id) or children.get(item.member_id)
    return Reason(code=ReasonCode.INPUT_UNREADABLE, member=who, detail=item.input)


def _refs(members: Sequence[Member], role: Role, day: date) -> dict[MemberId, MemberRef]:
    if role == "adult":
        chosen = [m for m in members if m.may_be_adult_on(day)]
    else:
        chosen = [m for m in members if m.may_be_child_on(day)]
    return {m.id: MemberRef(member_id=m.id, role=role, ordinal=n, is_head=m.is_head) for n, m in enumerate(chosen, 1)}


def assess(facts: HouseholdFacts, rules: ProgrammeRules, *, on: date, departure_on: date | None = None) -> Assessment:
    """Decide whether the household may be scheduled on ``on`` for an organised movement departing on
    ``departure_on`` (the same day when not given), and whether it may depart then, listing every
    reason when not. Only records dated on or before ``on`` count. Every travelling member who may be
    an adult on the departure day needs a current consent (the latest event wins: a withdrawal on or
    after the latest consent's day cancels it) that is free, informed, express, verified, valid through
    the departure day and past its cooling-off; every travelling member who may be a child must be
    present and, if unaccompanied or separated (or travelling with no other possible adult), have a
    completed best-interests procedure; a destination flagged for active hostilities needs a protection
    officer's sign-off. Departing also needs each such adult's re-confirmation, made since the consent
    and within the window before departure. Only a split recorded by a protection officer narrows who
    travels (members who joined after it, and members whose departure is not yet confirmed, travel
    anyway); the engine never splits a household itself. When every consent and withdrawal carries
    its recorded order, that order decides between them, whatever days were typed; the cooling-off
    counts from the later of the typed and recorded days, the validity from the earlier. An absent
    member, a departure not yet confirmed, and every input the adapter could not read
    (``facts.unreadable``) each block scheduling with their own reason. The full rules, in plain
    language: ``docs/eligibility.md``. Pure: the same facts give the same answer."""
    departure = on if departure_on is None else departure_on
    if departure < on:
        raise ValueError(f"departure {departure} is before the assessed day {on}")

    current = sorted((m for m in facts.members if m.counts), key=lambda m: m.position)
    adult_refs = _refs(current, "adult", departure)
    child_refs = _refs(current, "child", departure)
    household: list[Reason] = [_unreadable(item, adult_refs, child_refs) for item in facts.unreadable]
    split = _current_split(facts, on)
    if split is not None and split.recorded_by_protection_officer:
        # The split names who travels; whoever joined the household after it was recorded travels too.
        known = split.members_known
        # A member who departed and still counts (not yet confirmed) travels whatever the split says.
        travelling = [
            m
            for m in current
            if m.id in split.members_leaving or m.status == "departed" or (known is not None and m.id not in known)
        ]
    else:
        travelling = current
        if split is not None:
            household.append(Reason(code=ReasonCode.SPLIT_NOT_RECORDED, on=split.on))
    if not travelling:
        household.append(Reason(code=ReasonCode.NOBODY_TRAVELLING))
    for member in current:
        if member.status == "departed":
            household.append(
                Reason(
                    code=ReasonCode.MEMBER_DEPARTURE_NOT_CONFIRMED,
                    member=adult_refs.get(member.id) or child_refs.get(member.id),
                    on=member.departed_on,
                    detail=member.departure,
                )
            )

    schedule: list[Reason] = list(household)
    depart: list[Reason] = []
    for member in travelling:
        if member.id in adult_refs:
            if member.status == "absent" and member.id not in child_refs:
                schedule.append(Reason(code=ReasonCode.MEMBER_ABSENT, member=adult_refs[member.id]))
            not_schedulable, not_departable = _adult_reasons(
                facts, rules, adult_refs[member.id], on=on, departure_on=departure
            )
            schedule.extend(not_schedulable)
            depart.extend(not_departable)
    for member in travelling:
        if member.id in child_refs:
            accompanied = any(other.id != member.id and other.id in adult_refs for other in travelling)
            schedule.extend(_child_reasons(facts, member, child_refs[member.id], accompanied=accompanied, on=on))
    schedule.extend(_hostilities_reasons(facts, on=on))

    return Assessment(
        household_id=facts.household_id,
        on=on,
        departure_on=departure,
        travelling_members=frozenset(m.id for m in travelling),
        reasons_not_schedulable=tuple(schedule),
        reasons_not_departable=(*schedule, *depart),
    )
