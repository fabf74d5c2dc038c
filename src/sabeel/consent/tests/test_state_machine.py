"""The verdict against an oracle, over random sequences of everything officers do (hypothesis state
machine).

Two Lebanese households: the Harirís, returning (Mohamad, head, born "1980"; Fatima, born 2 May
1984; Sami, ten years old; Rana, born "<this year - 18>", who may be an adult or a child), and the
Zoubis, the family next door, to and from which members move. A random sequence of intentions,
counselling, consents, re-confirmations and withdrawals (typed dates in the past, in any order),
member removals, moves, absences, deaths and registration errors (and protection officers'
confirmations of them), proposed and confirmed changes of date of birth, direct corrections,
splits, new members, closing and reopening the file, merges of two records of one person (within
the household or across the two, then a protection officer's join or refusal) and unmerges, and
days passing, is driven through the SERVICES, as the officer who may do each thing. After every step:

(a) the adapter's verdict (may schedule, may depart, who travels, and every reason as (code, person))
    equals ORACLE's, a plain reading of docs/eligibility.md over the records, written from that page
    and not from the engine (it shares no code with it);
(b) no sequence makes a household schedulable while a travelling person who may be an adult has no
    current consent, or while a departure during the return process awaits a protection officer;
(c) a merged record never travels on its own and no person travels with two households that may
    both be scheduled (rule 18);
and each service did what the page says (a departure during a return process is held for a
protection officer; a change of date of birth is held exactly when rule 9 says so; a merge across
households waits for a protection officer, one within a household takes effect at once).

Later work that touches members (movements) adds its operations here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from sabeel.config import env
from sabeel.consent import services as consent_services
from sabeel.consent.eligibility import household_eligibility
from sabeel.consent.intentions import intention_record
from sabeel.consent.models import (
    CounsellingSession,
    Reconfirmation,
    ReturnConsent,
    ReturnIntention,
    ReturnProgramme,
    SplitDecision,
    Withdrawal,
)
from sabeel.consent.tests.factories import RULES, package_make, programme_make
from sabeel.core.exceptions import ServiceError
from sabeel.identity import merges
from sabeel.identity.models import PersonLink
from sabeel.registry import services as registry
from sabeel.registry.models import BirthDateChange, Household, Individual, MemberDeparture
from sabeel.registry.services import MemberInput
from sabeel.registry.tests.factories import head, household_make, spouse

pytestmark = pytest.mark.django_db

BEIRUT = ZoneInfo("Asia/Beirut")
VALIDITY, COOLING_OFF, WINDOW = RULES["consent_validity_days"], RULES["cooling_off_days"], RULES["reconfirmation_window_days"]


# --- the oracle: docs/eligibility.md, read plainly -------------------------------------------------


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    """Rule "words": today is the date in the host country's zone (Beirut)."""
    return now().astimezone(BEIRUT).date()


def day_of(moment: dt.datetime) -> dt.date:
    return moment.astimezone(BEIRUT).date()


def plus_years(day: dt.date, years: int, *, leap_day: str) -> dt.date:
    """The anniversary; someone born on 29 February has it on 28 February ("early") or 1 March."""
    if day.month == 2 and day.day == 29:
        try:
            return dt.date(day.year + years, 2, 29)
        except ValueError:
            return dt.date(day.year + years, 2, 28) if leap_day == "early" else dt.date(day.year + years, 3, 1)
    return dt.date(day.year + years, day.month, day.day)


def earliest_birth(day: dt.date | None, precision: str) -> dt.date | None:
    if day is None or precision == "unknown":
        return None
    if precision == "year":
        return dt.date(day.year, 1, 1)
    if precision == "month":
        return dt.date(day.year, day.month, 1)
    return day


def latest_birth(day: dt.date | None, precision: str) -> dt.date | None:
    if day is None or precision == "unknown":
        return None
    if precision == "year":
        return dt.date(day.year, 12, 31)
    if precision == "month":
        following = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return day


def may_be_adult(readings: list[tuple[dt.date | None, str]], on: dt.date) -> bool:
    """Rule 8: born on the earliest possible date, 18 or older that day (unknown: yes); any reading."""
    for day, precision in readings:
        born = earliest_birth(day, precision)
        if born is None or plus_years(born, 18, leap_day="early") <= on:
            return True
    return False


def may_be_child(readings: list[tuple[dt.date | None, str]], on: dt.date) -> bool:
    """Rule 8: born on the latest possible date, under 18 that day (unknown: yes); any reading."""
    for day, precision in readings:
        born = latest_birth(day, precision)
        if born is None or plus_years(born, 18, leap_day="late") > on:
            return True
    return False


def adult_from(day: dt.date | None, precision: str) -> dt.date:
    """The first day a person may be 18 (an unknown date: always)."""
    born = earliest_birth(day, precision)
    return dt.date.min if born is None else plus_years(born, 18, leap_day="early")


def needs_confirmation(old: tuple[dt.date | None, str], new: tuple[dt.date | None, str]) -> bool:
    """Rule 9: the change makes the day the person may be 18 later."""
    return adult_from(*new) > adult_from(*old)


def return_process_open(household: Household) -> bool:
    """Rule 4."""
    household.refresh_from_db()
    return household.status == "open" and (
        ReturnIntention.objects.filter(household=household).exists()
        or CounsellingSession.objects.filter(household=household).exists()
        or ReturnConsent.objects.filter(household=household).exists()
    )


@dataclass
class Verdict:
    travelling: set[int]
    schedule: Counter[tuple[str, int | None]]
    depart_only: Counter[tuple[str, int | None]]

    @property
    def may_schedule(self) -> bool:
        return not self.schedule

    @property
    def may_depart(self) -> bool:
        return not self.schedule and not self.depart_only


def merged_now() -> dict[int, int]:
    """Rule 18: every merged record whose merge is in effect, and its survivor."""
    return dict(PersonLink.objects.filter(state="active").values_list("merged_id", "survivor_id"))


def same_person(pk: int) -> set[int]:
    """Rule 18: the records of one person while merges are in effect (the survivor and the records
    merged into it)."""
    alias = merged_now()
    survivor = alias.get(pk, pk)
    return {survivor, *(m for m, s in alias.items() if s == survivor)}


def roster(household: Household) -> tuple[list[Individual], list[Individual]]:
    """Rule 5: (current members, people who left during a return process, not yet confirmed).
    Rule 18: a merged record is not a member on its own; a departure naming it names its survivor."""
    alias = merged_now()
    current = [p for p in Individual.objects.filter(household=household, status="active") if p.pk not in alias]
    here = {p.pk for p in current}
    latest: dict[int, MemberDeparture] = {}
    for departure in MemberDeparture.objects.filter(household=household, during_return_process=True).order_by("at", "pk"):
        latest[alias.get(departure.individual_id, departure.individual_id)] = departure
    departed = [
        Individual.objects.get(pk=pk)
        for pk, departure in latest.items()
        if departure.confirmed_at is None and pk not in here
    ]
    return current, departed


def readings(person: Individual) -> list[tuple[dt.date | None, str]]:
    """Rule 8: the registry's date, and a change waiting for a protection officer; rule 18: those of
    every record of the same person."""
    found: list[tuple[dt.date | None, str]] = []
    for record in Individual.objects.filter(pk__in=same_person(person.pk)).order_by("pk"):
        found.append((record.date_of_birth, record.dob_precision))
        for change in BirthDateChange.objects.filter(individual=record, state="pending"):
            found.append((change.new_date, change.new_precision))
    return found


def is_absent(household: Household, person: Individual) -> bool:
    """Rule 14; rule 18: absent if any record of the person in this household is absent."""
    return Individual.objects.filter(
        pk__in=same_person(person.pk), household=household, status="active", presence="absent"
    ).exists()


def travelling_party(household: Household, current: list[Individual], departed: list[Individual]) -> set[int]:
    """Rule 7 (rule 18: a split naming a merged record names its survivor)."""
    alias = merged_now()
    on_roster = {p.pk for p in current} | {p.pk for p in departed}
    splits = sorted(
        SplitDecision.objects.filter(household=household, on__lte=today()), key=lambda s: (s.on, s.pk)
    )
    if not splits:
        return on_roster
    split = splits[-1]
    named = {alias.get(p.pk, p.pk) for p in split.members_leaving.all()}
    joined_later = {p.pk for p in current if (p.joined_at or p.created_at) > split.created_at}
    return (named & on_roster) | joined_later | {p.pk for p in departed}


def pending_merges(household: Household) -> list[int]:
    """Rule 18: the records of this household that a merge waiting for a protection officer names."""
    named: list[int] = []
    for link in PersonLink.objects.filter(state="pending").select_related("merged", "survivor"):
        named += [record.pk for record in (link.merged, link.survivor) if record.household_id == household.pk]
    return named


def oracle(household: Household) -> Verdict:
    household.refresh_from_db()
    on = today()
    schedule: Counter[tuple[str, int | None]] = Counter()
    depart: Counter[tuple[str, int | None]] = Counter()
    if household.status == "closed":  # rule 2
        schedule[("household_closed", None)] += 1
    for record in pending_merges(household):  # rule 18
        schedule[("merge_pending", record)] += 1
    if not ReturnProgramme.objects.filter(working_group=household.working_group, is_active=True).exists():
        schedule[("no_programme", None)] += 1
        return Verdict(set(), schedule, depart)
    current, departed = roster(household)
    travelling = travelling_party(household, current, departed)
    if not travelling:
        schedule[("nobody_travelling", None)] += 1
    for person in departed:  # rule 6
        schedule[("member_departure_not_confirmed", person.pk)] += 1
    people = {p.pk: p for p in [*current, *departed]}
    adults = {pk for pk in travelling if may_be_adult(readings(people[pk]), on)}
    children = {pk for pk in travelling if may_be_child(readings(people[pk]), on)}
    absent = {p.pk for p in current if is_absent(household, p)}
    for pk in sorted(adults):
        person = people[pk]
        if pk in absent and pk not in children:  # rule 14
            schedule[("member_absent", pk)] += 1
        # Rule 10: the consent recorded last; a withdrawal recorded after it (anywhere) cancels it.
        # Rule 18: those of every record of the same person.
        records = same_person(pk)
        consents = sorted(
            ReturnConsent.objects.filter(household=household, individual__in=records, given_on__lte=on),
            key=lambda c: (c.created_at, c.pk),
        )
        withdrawals = sorted(Withdrawal.objects.filter(individual__in=records), key=lambda w: (w.created_at, w.pk))
        consent = consents[-1] if consents else None
        withdrawal = withdrawals[-1] if withdrawals else None
        if withdrawal is not None and (consent is None or withdrawal.created_at >= consent.created_at):
            schedule[("consent_withdrawn", pk)] += 1
            continue
        if consent is None:
            schedule[("no_consent", pk)] += 1
            continue
        recorded = day_of(consent.created_at)
        if min(consent.given_on, recorded) + dt.timedelta(days=VALIDITY) < on:  # rule 12
            schedule[("consent_expired", pk)] += 1
        if max(consent.given_on, recorded) + dt.timedelta(days=COOLING_OFF) > on:  # rule 13
            schedule[("cooling_off_not_over", pk)] += 1
        since = [
            r.on
            for r in Reconfirmation.objects.filter(household=household, individual__in=records, on__lte=on)
            if r.created_at > consent.created_at
        ]  # rule 17
        if not since:
            depart[("not_reconfirmed", pk)] += 1
        elif (on - max(since)).days > WINDOW:
            depart[("reconfirmation_too_old", pk)] += 1
    for pk in sorted(children):  # rule 15 (nobody here is unaccompanied; no procedures)
        if pk in absent:
            schedule[("child_not_present", pk)] += 1
        if not (adults - {pk}):
            schedule[("child_without_adult", pk)] += 1
    return Verdict(travelling, schedule, depart)


def has_current_consent(household: Household, person: Individual) -> bool:
    """For (b), as plainly as it can be said: a consent recorded here after their last withdrawal
    (on any record of the same person)."""
    records = same_person(person.pk)
    last_withdrawal = Withdrawal.objects.filter(individual__in=records).order_by("-created_at").first()
    consents = ReturnConsent.objects.filter(household=household, individual__in=records, given_on__lte=today())
    if last_withdrawal is not None:
        consents = consents.filter(created_at__gt=last_withdrawal.created_at)
    return consents.exists()


# --- the machine ------------------------------------------------------------------------------------


class Clock:
    offset = dt.timedelta()


CLOCK = Clock()
YEAR = timezone.now().year  # birth years near the age of majority
BIRTH_DATES = ["1990", f"{YEAR - 10}-03-04", f"{YEAR - 17}-06", str(YEAR - 18), f"{YEAR - 19}", "2004-02-29", ""]


def make_machine(cast: Any) -> type[RuleBasedStateMachine]:
    registrar, protection = cast["lb_registration_officer"], cast["lb_protection_officer"]

    class VerdictMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            CLOCK.offset = dt.timedelta()
            self.withdrawals = 0

        @initialize(with_rana=st.booleans(), ready=st.booleans(), ago=st.integers(0, 60))
        def families(self, with_rana: bool, ready: bool, ago: int) -> None:
            """The Harirís (with Rana, who may be an adult or a child, or without her) and the Zoubis;
            when ``ready``, the Harirís' adults were counselled and consented (typed ``ago`` days ago),
            a week passed and they re-confirmed: the household may depart."""
            programme_make(cast)
            sami = head(relationship="son", first_name_lat="Sami", date_of_birth=f"{YEAR - 10}-03-04", specific_needs=[])
            rana = head(relationship="daughter", sex="F", first_name_lat="Rana", date_of_birth=str(YEAR - 18), specific_needs=[])
            self.household = household_make(cast, "lb", members=[head(), spouse(), sami, *([rana] if with_rana else [])])
            self.neighbours = household_make(
                cast, "lb", members=[head(first_name_lat="Khaled"), spouse(first_name_lat="Huda")]
            )
            self.package = package_make(self.household)
            if not ready:
                return
            adults = list(self.household.members.filter(relationship__in=["head", "spouse"]))
            intention_record(actor=registrar, household=self.household, hopes_to_return="yes", intends_within_12_months="yes")
            day = today() - dt.timedelta(days=ago)
            consent_services.counselling_record(
                actor=protection, household=self.household, held_on=day, language="ar", attendees=adults,
                information_package=self.package,
            )  # fmt: skip
            for person in adults:
                self.tick()
                consent_services.consent_record(
                    actor=protection, individual=person, given_on=day, free=True, informed=True, express=True,
                    information_package=self.package,
                )  # fmt: skip
            CLOCK.offset += dt.timedelta(days=COOLING_OFF)
            for person in adults:
                self.tick()
                consent_services.reconfirmation_record(actor=protection, individual=person, on=today())

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        # helpers

        def tick(self) -> None:
            CLOCK.offset += dt.timedelta(minutes=1)  # every record has its own moment

        def person(self, index: int) -> Individual:
            people = list(
                Individual.objects.filter(household__in=[self.household, self.neighbours]).order_by("pk")
            )
            return people[index % len(people)]

        def attempt(self, call: Any, **kwargs: Any) -> Any:
            try:
                with transaction.atomic():
                    done = call(**kwargs)
            except ServiceError:
                event(f"refused: {call.__name__}")
                return None  # refused: nothing recorded
            event(f"done: {call.__name__}")
            return done

        def departures_held(self, person: Individual, household: Household, process_was_open: bool) -> None:
            """A departure during a return process is held for a protection officer (rules 5, 6)."""
            departure = MemberDeparture.objects.filter(individual=person, household=household).order_by("-pk").first()
            assert departure is not None and departure.confirmed_at is None
            assert departure.during_return_process == process_was_open

        # the rules

        @rule()
        def intention(self) -> None:
            self.tick()
            self.attempt(
                intention_record, actor=registrar, household=self.household, hopes_to_return="yes", intends_within_12_months="yes"
            )

        @rule(who=st.lists(st.integers(0, 20), min_size=1, max_size=4), ago=st.integers(0, 40))
        def counsel(self, who: list[int], ago: int) -> None:
            self.tick()
            attendees = [p for p in {self.person(i) for i in who} if p.household_id == self.household.pk and p.status == "active"]
            self.attempt(
                consent_services.counselling_record,
                actor=protection,
                household=self.household,
                held_on=today() - dt.timedelta(days=ago),
                language="ar",
                attendees=attendees,
                information_package=self.package,
            )

        @rule(who=st.integers(0, 20), ago=st.integers(0, 40), counselled_first=st.booleans())
        def consent(self, who: int, ago: int, counselled_first: bool) -> None:
            self.tick()
            person, day = self.person(who), today() - dt.timedelta(days=ago)
            if counselled_first:  # as an officer does: counselling, then consent the same day
                self.attempt(
                    consent_services.counselling_record, actor=protection, household=person.household, held_on=day,
                    language="ar", attendees=[person], information_package=self.package,
                )  # fmt: skip
            self.attempt(
                consent_services.consent_record,
                actor=protection,
                individual=person,
                given_on=day,
                free=True,
                informed=True,
                express=True,
                information_package=self.package,
            )

        @rule(who=st.integers(0, 20), ago=st.integers(0, 20))
        def reconfirm(self, who: int, ago: int) -> None:
            self.tick()
            self.attempt(
                consent_services.reconfirmation_record,
                actor=protection,
                individual=self.person(who),
                on=today() - dt.timedelta(days=ago),
            )

        @rule(who=st.integers(0, 20), ago=st.integers(0, 40))
        def withdraw(self, who: int, ago: int) -> None:
            self.tick()
            done = self.attempt(
                consent_services.consent_withdraw,
                actor=registrar,
                individual=self.person(who),
                channel="phone",
                at=now() - dt.timedelta(days=ago),
            )
            self.withdrawals += done is not None

        @rule(who=st.integers(0, 20))
        def remove(self, who: int) -> None:
            self.tick()
            person = self.person(who)
            was_open = return_process_open(person.household)
            if self.attempt(registry.member_remove, actor=registrar, individual=person, reason="Stays in Lebanon"):
                self.departures_held(person, person.household, was_open)

        @rule(who=st.integers(0, 20))
        def move(self, who: int) -> None:
            self.tick()
            person = self.person(who)
            source = person.household
            target = self.neighbours if source.pk == self.household.pk else self.household
            was_open = return_process_open(source)
            if self.attempt(registry.member_move, actor=registrar, individual=person, to_household=target):
                self.departures_held(person, source, was_open)

        @rule(who=st.integers(0, 20), died=st.booleans())
        def death_or_error(self, who: int, died: bool) -> None:
            self.tick()
            person = self.person(who)
            was_open = return_process_open(person.household)
            recorded = self.attempt(
                registry.member_exit_record,
                actor=registrar,
                individual=person,
                kind="died" if died else "error",
                reason="Reported by the family",
                evidence="Death certificate seen" if died else "Registered twice",
            )
            if recorded:
                self.departures_held(person, person.household, was_open)

        @rule(which=st.integers(0, 20))
        def confirm_departure(self, which: int) -> None:
            self.tick()
            waiting = list(MemberDeparture.objects.filter(confirmed_at__isnull=True).order_by("pk"))
            if waiting:
                self.attempt(
                    registry.member_departure_confirm,
                    actor=protection,
                    departure=waiting[which % len(waiting)],
                    note="The family asked for it; recorded with them",
                )

        @rule(who=st.integers(0, 20), absent=st.booleans())
        def presence(self, who: int, absent: bool) -> None:
            self.tick()
            self.attempt(
                registry.member_presence_set,
                actor=registrar,
                individual=self.person(who),
                presence="absent" if absent else "present",
                reason="Whereabouts unknown",
            )

        @rule(who=st.integers(0, 20), value=st.sampled_from(BIRTH_DATES))
        def propose_birth_date(self, who: int, value: str) -> None:
            self.tick()
            person = self.person(who)
            before = (person.date_of_birth, person.dob_precision)
            pending_before = BirthDateChange.objects.filter(individual=person, state="pending").exists()
            try:
                with transaction.atomic():
                    change = registry.birth_date_change_propose(
                        actor=registrar, individual=person, date_of_birth=value, reason="Family booklet seen"
                    )
            except ServiceError:
                return
            assert not pending_before
            new = registry.dob_parse(value)
            person.refresh_from_db()
            if needs_confirmation(before, new):
                assert change is not None and change.state == "pending"
                assert (person.date_of_birth, person.dob_precision) == before
            else:
                assert change is None and (person.date_of_birth, person.dob_precision) == new

        @rule(who=st.integers(0, 20), value=st.sampled_from(BIRTH_DATES))
        def correct_birth_date(self, who: int, value: str) -> None:
            self.tick()
            person = self.person(who)
            before = (person.date_of_birth, person.dob_precision)
            try:
                with transaction.atomic():
                    registry.individual_update(
                        actor=registrar, individual=person, expected_version=person.version, changes={"date_of_birth": value}
                    )
            except ServiceError:
                return
            person.refresh_from_db()
            assert not needs_confirmation(before, (person.date_of_birth, person.dob_precision))

        @rule(which=st.integers(0, 20), confirm=st.booleans())
        def decide_birth_date(self, which: int, confirm: bool) -> None:
            self.tick()
            waiting = list(BirthDateChange.objects.filter(state="pending").order_by("pk"))
            if not waiting:
                return
            change = waiting[which % len(waiting)]
            decide = registry.birth_date_change_confirm if confirm else registry.birth_date_change_reject
            self.attempt(decide, actor=protection, change=change, evidence="Birth certificate, original seen")

        @rule(who=st.lists(st.integers(0, 20), min_size=1, max_size=3), ago=st.integers(0, 10))
        def split(self, who: list[int], ago: int) -> None:
            self.tick()
            chosen = [p for p in {self.person(i) for i in who} if p.household_id == self.household.pk]
            self.attempt(
                consent_services.split_record,
                actor=protection,
                household=self.household,
                members_leaving=chosen,
                on=today() - dt.timedelta(days=ago),
            )

        @rule(value=st.sampled_from(BIRTH_DATES))
        def add_member(self, value: str) -> None:
            self.tick()
            self.attempt(
                registry.member_add,
                actor=registrar,
                household=self.household,
                member=MemberInput(relationship="other_relative", first_name_lat="Yusuf", date_of_birth=value),
            )

        @rule(closing=st.booleans())
        def close_or_reopen(self, closing: bool) -> None:
            self.tick()
            if closing:
                self.attempt(registry.household_close, actor=registrar, household=self.household, reason="Returned on its own")
            else:
                self.attempt(registry.household_reopen, actor=registrar, household=self.household, reason="Still here")

        @rule(into=st.integers(0, 20), who=st.integers(0, 20))
        def merge(self, into: int, who: int) -> None:
            self.tick()
            survivor, merged = self.person(into), self.person(who)
            link = self.attempt(merges.merge, actor=registrar, survivor=survivor, merged=merged, reason="Registered twice")
            if link is not None:  # rule 18: across households it waits for a protection officer
                assert link.state == ("pending" if link.crosses_households else "active")
                assert link.merged_id == merged.pk and not PersonLink.objects.filter(merged_id=link.survivor_id, state__in=["active", "pending"]).exists()

        @rule(which=st.integers(0, 20), join=st.booleans())
        def decide_merge(self, which: int, join: bool) -> None:
            self.tick()
            waiting = list(PersonLink.objects.filter(state="pending").order_by("pk"))
            if waiting:
                self.attempt(
                    merges.merge_decide, actor=protection, link=waiting[which % len(waiting)],
                    decision="join" if join else "refuse", reason="Seen with the family",
                )  # fmt: skip

        @rule(which=st.integers(0, 20))
        def unmerge(self, which: int) -> None:
            self.tick()
            links = list(PersonLink.objects.filter(state__in=["active", "pending"]).order_by("pk"))
            if links:
                self.attempt(merges.unmerge, actor=registrar, link=links[which % len(links)], reason="Two different people")

        @rule(days=st.integers(1, 12))
        def time_passes(self, days: int) -> None:
            CLOCK.offset += dt.timedelta(days=days)

        # after every step

        @invariant()
        def the_verdict_is_the_oracles_and_never_schedules_without_consent(self) -> None:
            for household in (self.household, self.neighbours):
                household.refresh_from_db()
                answer = household_eligibility(household=household)
                self.agrees_with_the_oracle(household, answer)
                self.nobody_is_scheduled_without_consent(household, answer)

        def agrees_with_the_oracle(self, household: Household, answer: Any) -> None:
            """(a)"""
            expected = oracle(household)
            got = Counter((r.code, r.member_id) for r in answer.reasons_not_schedulable)
            got_depart = Counter((r.code, r.member_id) for r in answer.reasons_departure_only)
            assert got == expected.schedule, (got, expected.schedule)
            assert got_depart == expected.depart_only, (got_depart, expected.depart_only)
            assert answer.may_schedule == expected.may_schedule
            assert answer.may_depart == expected.may_depart
            assert answer.travelling_member_ids == expected.travelling

        def nobody_is_scheduled_without_consent(self, household: Household, answer: Any) -> None:
            """(b)"""
            if not answer.may_schedule:
                return
            current, departed = roster(household)
            assert not departed
            for person in current:
                if person.pk in answer.travelling_member_ids and may_be_adult(readings(person), today()):
                    assert has_current_consent(household, person), person.pk

        @invariant()
        def a_person_travels_once(self) -> None:
            """(c)"""
            alias = merged_now()
            answers = [household_eligibility(household=h) for h in (self.household, self.neighbours)]
            for answer in answers:
                assert not (answer.travelling_member_ids & set(alias)), answer.travelling_member_ids
            if all(answer.may_schedule for answer in answers):
                assert not (answers[0].travelling_member_ids & answers[1].travelling_member_ids)

        @invariant()
        def withdrawals_stay_on_record(self) -> None:
            assert Withdrawal.objects.count() >= self.withdrawals

    return VerdictMachine


@pytest.fixture
def moving_clock() -> Iterator[Clock]:
    real_now = timezone.now
    with mock.patch("django.utils.timezone.now", side_effect=lambda: real_now() + CLOCK.offset):
        yield CLOCK


def test_the_verdict_equals_the_oracle_after_every_step_of_any_sequence(cast, places, moving_clock):
    machine = make_machine(cast)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=50 if env.CI else 30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            database=None,
        ),
    )
