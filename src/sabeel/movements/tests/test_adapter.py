"""From the records to the engine: each household's window of eligibility comes from the one
eligibility function, asked on the window's edges; what the engine is given and what it is not."""

from __future__ import annotations

import datetime as dt

import pytest

from sabeel.consent import services as consent_services
from sabeel.consent.tests.factories import adults, consent, days_ago, family, today
from sabeel.movements.adapter import build_instance, eligibility_windows
from sabeel.movements.models import ReceptionCapacity
from sabeel.movements.tests.factories import mover, planned, world

pytestmark = pytest.mark.django_db


def test_the_window_ends_on_the_consents_last_valid_day(cast):
    w = world(cast)
    household = mover(cast, w)  # consented 30 days ago, valid 90 days
    windows, left_out = eligibility_windows([household], start=today(), end=today() + dt.timedelta(days=89))
    assert left_out == {}
    assert windows[household.pk].eligible_from == today()
    assert windows[household.pk].eligible_until == days_ago(30) + dt.timedelta(days=90)


def test_the_window_opens_when_the_cooling_off_ends(cast):
    w = world(cast)
    household = family(cast)
    for person in adults(household):
        consent(cast, person, on=days_ago(2))  # 7 days of cooling-off: 5 more to go
    windows, _left = eligibility_windows([household], start=today(), end=today() + dt.timedelta(days=30))
    assert windows[household.pk].eligible_from == days_ago(2) + dt.timedelta(days=7)
    del w


def test_a_household_that_may_not_be_scheduled_stays_out_with_its_reason(cast):
    w = world(cast)
    never = family(cast)  # no consent at all
    withdrawn = mover(cast, w)
    consent_services.consent_withdraw(actor=cast["lb_protection_officer"], individual=adults(withdrawn)[1], channel="phone")
    windows, left_out = eligibility_windows([never, withdrawn], start=today(), end=today() + dt.timedelta(days=10))
    assert windows == {}
    assert left_out == {never.pk: "not_eligible:no_consent", withdrawn.pk: "not_eligible:consent_withdrawn"}


def test_the_instance_holds_open_crossings_only_and_the_groups_reception(cast):
    from sabeel.core.actors import system
    from sabeel.geo.services import crossing_operations_set

    w = world(cast)
    household = mover(cast, w)
    built = build_instance(working_group_id=cast.groups["lb"].pk, start=today(), days=14, households=[household])
    (engine_household,) = built.instance.households
    assert engine_household.size == 2 and engine_household.destination == str(household.destination_id)
    assert engine_household.consented_on == days_ago(30)
    assert [c.id for c in built.instance.crossings] == [str(w.crossing.pk)]
    assert built.instance.crossings[0].capacity == 500
    crossing_operations_set(actor=system("test"), crossing=w.crossing, opening_days=None, daily_capacity=None)
    closed = build_instance(working_group_id=cast.groups["lb"].pk, start=today(), days=14, households=[household])
    assert closed.instance.crossings == () and closed.instance.departures[0].crossings == ()


def test_a_destination_without_reception_capacity_is_explained(cast):
    w = world(cast)
    mover(cast, w)
    ReceptionCapacity.objects.all().delete()
    plan = planned(cast, w)
    assert plan.households_moved == 0
    assert list(plan.unplaced.values_list("reason", flat=True)) == ["unknown_destination"]


def test_nobody_is_placed_through_a_crossing_on_a_day_it_is_closed(cast):
    from sabeel.core.exceptions import ServiceError
    from sabeel.movements import services
    from sabeel.movements.models import Placement

    w = world(cast)
    household = mover(cast, w, earliest=today(), latest=today() + dt.timedelta(days=3))
    with pytest.raises(ServiceError):
        services.crossing_closure_record(actor=cast["lb_movement_officer"], crossing=w.crossing, date=today(), reason=" ")
    services.crossing_closure_record(actor=cast["lb_movement_officer"], crossing=w.crossing, date=today(), reason="Public holiday")
    with pytest.raises(ServiceError):
        services.crossing_closure_record(actor=cast["lb_movement_officer"], crossing=w.crossing, date=today(), reason="Twice")
    plan = planned(cast, w)
    assert Placement.objects.get(plan=plan, household=household).date == today() + dt.timedelta(days=1)
