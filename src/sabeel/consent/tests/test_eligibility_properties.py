"""Properties of the adapter over random households (a third member of uncertain age, sometimes
unaccompanied or separated), random consents, re-confirmations, withdrawals and splits recorded
through the services, and random assessment and departure days:

* the adapter's verdict and reasons are the engine's on the same facts, built here independently
  from what was recorded (so the adapter converts the records faithfully: birth-date precision,
  time zones, roster order, splits);
* a withdrawal always removes eligibility: an adult who travels and whose latest word (in the
  order recorded) is a withdrawal leaves the household not eligible, with that reason."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sabeel.consent import services
from sabeel.consent.eligibility import household_eligibility
from sabeel.consent.tests.factories import RULES, days_ago, package_make, programme_make, today
from sabeel.core.exceptions import ServiceError
from sabeel.engines import eligibility as engine
from sabeel.registry.tests.factories import head, household_make, spouse

pytestmark = pytest.mark.django_db

BEIRUT = ZoneInfo("Asia/Beirut")
KINDS = ("consent", "withdrawal", "reconfirmation")


@dataclass(frozen=True)
class Event:
    who: int  # index on the roster: 0 head, 1 spouse, 2 the third member
    kind: str
    days_ago: int


@dataclass(frozen=True)
class Third:
    precision: str
    years_old: int
    month: int
    day: int
    separated: bool


thirds = st.builds(
    Third,
    precision=st.sampled_from(["day", "month", "year"]),
    years_old=st.sampled_from([16, 17, 17, 18, 18, 19]),
    month=st.integers(1, 12),
    day=st.integers(1, 28),
    separated=st.booleans(),
)
events = st.lists(
    st.builds(Event, who=st.integers(0, 2), kind=st.sampled_from(KINDS), days_ago=st.integers(1, 120)), max_size=10
)
splits = st.none() | st.tuples(st.sets(st.integers(0, 2), min_size=1), st.integers(1, 120))


def _third_input(third: Third):  # type: ignore[no-untyped-def]
    year = today().year - third.years_old
    text = {"day": f"{year}-{third.month:02d}-{third.day:02d}", "month": f"{year}-{third.month:02d}", "year": str(year)}[third.precision]
    needs = ["SC-SC"] if third.separated else []
    return head(relationship="sibling", first_name_lat="Sami", date_of_birth=text, specific_needs=needs), text


def _birth(text: str) -> engine.BirthDate:
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return engine.BirthDate.in_year(parts[0])
    if len(parts) == 2:
        return engine.BirthDate.in_month(parts[0], parts[1])
    return engine.BirthDate.on_day(dt.date(*parts))


def _recorded(*so_far: list) -> int:  # type: ignore[type-arg]
    return sum(len(records) for records in so_far) + 1


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=BEIRUT)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
# The edges of the cautious readings, always tried: born "<year>" (year only) or in a month, 18 this
# year, so possibly both an adult who must consent and a separated child who needs a procedure.
@example(third=Third("year", 18, 1, 1, True), history=[Event(2, "consent", 20)], split=None, on_ago=0, ahead=0)
@example(third=Third("month", 18, 12, 1, True), history=[Event(0, "consent", 30), Event(1, "consent", 30)], split=None, on_ago=0, ahead=30)
@example(third=Third("day", 17, 6, 1, False), history=[Event(1, "withdrawal", 5), Event(1, "consent", 5)], split=({0, 1}, 3), on_ago=0, ahead=0)
@given(third=st.one_of(thirds, thirds, st.none()), history=events, split=splits, on_ago=st.integers(0, 60), ahead=st.integers(0, 40))
def test_the_adapter_answers_as_the_engine_and_a_withdrawal_always_removes_eligibility(cast, places, third, history, split, on_ago, ahead):
    with transaction.atomic():
        _example(cast, third, history, split, on_ago, ahead)
        transaction.set_rollback(True)


def _example(cast, third, history, split, on_ago, ahead) -> None:  # type: ignore[no-untyped-def]
    programme_make(cast)
    officer = cast["lb_protection_officer"]
    roster_inputs = [head(), spouse()]
    births = [engine.BirthDate.in_year(1980), engine.BirthDate.on_day(dt.date(1984, 5, 2))]
    separated = [False, False]
    if third is not None:
        member_input, text = _third_input(third)
        roster_inputs.append(member_input)
        births.append(_birth(text))
        separated.append(third.separated)
    household = household_make(cast, "lb", members=roster_inputs)
    people = [household.members.get(relationship=r) for r in ("head", "spouse", "sibling")[: len(roster_inputs)]]
    package = package_make(household)
    for person in people:  # consent needs counselling first (a child born since is counselled with nobody)
        with contextlib.suppress(ServiceError):
            services.counselling_record(
                actor=officer, household=household, held_on=days_ago(121), language="ar", attendees=[person], information_package=package
            )

    consents, withdrawals, reconfirmations = [], [], []
    recorded_on = today()  # every record below is saved now, in this order, whatever day is typed
    for event in history:
        if event.who >= len(people):
            continue
        person, day = people[event.who], days_ago(event.days_ago)
        try:
            if event.kind == "consent":
                services.consent_record(
                    actor=officer, individual=person, given_on=day, free=True, informed=True, express=True, information_package=package
                )
                consents.append(engine.Consent(
                    member_id=person.pk, given_on=day, free=True, informed=True, express=True,
                    verified_by_protection_officer=True, information_package_version="v",
                    recorded=_recorded(consents, withdrawals, reconfirmations), recorded_on=recorded_on,
                ))  # fmt: skip
            elif event.kind == "withdrawal":
                services.consent_withdraw(actor=officer, individual=person, channel="in_person", at=_noon(day))
                withdrawals.append(engine.Withdrawal(
                    member_id=person.pk, on=day, channel="in_person",
                    recorded=_recorded(consents, withdrawals, reconfirmations), recorded_on=recorded_on,
                ))  # fmt: skip
            else:
                services.reconfirmation_record(actor=officer, individual=person, on=day)
                reconfirmations.append(
                    engine.Reconfirmation(member_id=person.pk, on=day, recorded=_recorded(consents, withdrawals, reconfirmations))
                )
        except ServiceError:
            continue  # e.g. a re-confirmation without a standing consent: refused, nothing recorded

    recorded_splits = []
    if split is not None:
        chosen = [people[i] for i in sorted(split[0]) if i < len(people)]
        if chosen:
            services.split_record(actor=officer, household=household, members_leaving=chosen, on=days_ago(split[1]))
            recorded_splits.append(
                engine.SplitDecision(members_leaving=frozenset(p.pk for p in chosen), on=days_ago(split[1]), recorded_by_protection_officer=True)
            )

    facts = engine.HouseholdFacts(
        household_id=household.pk,
        members=tuple(
            engine.Member(id=p.pk, position=n, birth_date=births[n - 1], is_head=n == 1, unaccompanied_or_separated=separated[n - 1])
            for n, p in enumerate(people, 1)
        ),
        consents=tuple(consents),
        withdrawals=tuple(withdrawals),
        reconfirmations=tuple(reconfirmations),
        splits=tuple(recorded_splits),
    )
    on = days_ago(on_ago)
    departure = on + dt.timedelta(days=ahead)
    rules = engine.ProgrammeRules(
        consent_validity_days=RULES["consent_validity_days"],
        cooling_off_days=RULES["cooling_off_days"],
        reconfirmation_window_days=RULES["reconfirmation_window_days"],
    )
    expected = engine.assess(facts, rules, on=on, departure_on=departure)
    with translation.override("en"):
        answer = household_eligibility(household=household, on=on, departure_on=departure)

    assert answer.may_schedule == expected.may_schedule
    assert answer.may_depart == expected.may_depart
    assert [r.code for r in answer.reasons_not_departable] == [str(r.code) for r in expected.reasons_not_departable]
    assert [r.member_id for r in answer.reasons_not_departable] == [
        r.member.member_id if r.member else None for r in expected.reasons_not_departable
    ]
    assert answer.travelling_member_ids == expected.travelling_members
    for person, born in zip(people, births, strict=False):  # the cautious readings of each birth date
        words = " ".join(answer.member_words.get(person.pk, ()))
        assert ("adult" in words) == born.may_be_adult_on(departure)
        assert ("child" in words) == born.may_be_child_on(departure)

    for person, born in zip(people, births, strict=False):
        if person.pk not in expected.travelling_members or not born.may_be_adult_on(departure):
            continue
        # The person's latest word, in the order recorded (whatever days were typed), is a withdrawal.
        said = [(c.recorded, 0) for c in consents if c.member_id == person.pk and c.given_on <= on and recorded_on <= on]
        said += [(w.recorded, 1) for w in withdrawals if w.member_id == person.pk and recorded_on <= on]
        if said and max(said)[1] == 1:
            assert not answer.may_schedule
            assert ("consent_withdrawn", person.pk) in {(r.code, r.member_id) for r in answer.reasons_not_schedulable}
