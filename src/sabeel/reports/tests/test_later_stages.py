"""The funnel after eligibility: a family scheduled by an approved plan, one that boarded, crossed
and arrived, one that went home by its own means, and one a monitor visited. Each stage counts
from the records of the movements and monitoring apps (through the services, whose changes refresh
the snapshot on commit); a file closed after a verified return stays in the funnel, a file closed
on request leaves it, and a cancelled plan takes its households out of "scheduled" and tells each
one, once."""

from __future__ import annotations

import json

import pytest

from sabeel.consent.tests.factories import today
from sabeel.monitoring import services as monitoring
from sabeel.movements import services as movements
from sabeel.movements.choices import CheckInStatus, ConfirmationKind
from sabeel.movements.models import Placement
from sabeel.movements.tests.factories import approved, mover, planned, world
from sabeel.registry import services as registry
from sabeel.reports import selectors, snapshot
from sabeel.reports.models import HouseholdFunnel
from sabeel.reports.types import Dimension, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    selectors._cache.clear()
    yield
    selectors._cache.clear()


LATER = (Stage.ELIGIBLE, Stage.SCHEDULED, Stage.DEPARTED, Stage.ARRIVED, Stage.MONITORED)


def _later(cast) -> dict[Stage, int | None]:  # type: ignore[no-untyped-def]
    table = selectors.funnel_table(cast["lb_protection_officer"], dimension=Dimension.HOST_COUNTRY)
    return {stage: table.total.cells[stage].value for stage in LATER}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run a service and then what it left for the commit (the snapshot refresh, the texts)."""

    def run(fn, /, **kwargs):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run


def test_each_later_stage_counts_from_the_movement_and_monitoring_records(cast, committed) -> None:  # type: ignore[no-untyped-def]
    w = world(cast)
    waiting, travelling = mover(cast, w), mover(cast, w)
    officer = cast["lb_movement_officer"]
    plan = committed(approved, cast=cast, w=w)
    assert _later(cast) == {Stage.ELIGIBLE: 2, Stage.SCHEDULED: 2, Stage.DEPARTED: 0, Stage.ARRIVED: 0, Stage.MONITORED: 0}
    row = HouseholdFunnel.objects.get(household=waiting)
    assert row.scheduled_on == plan.approved_at.date() and row.departed_on is None

    placement = Placement.objects.get(plan=plan, household=travelling)
    committed(movements.check_in, actor=officer, placement=placement, status=CheckInStatus.PRESENT)
    assert HouseholdFunnel.objects.get(household=travelling).departed_on == placement.date
    committed(movements.confirm, actor=officer, placement=placement, kind=ConfirmationKind.CROSSED)
    committed(movements.confirm, actor=officer, placement=placement, kind=ConfirmationKind.ARRIVED)
    assert _later(cast)[Stage.ARRIVED] == 1 and _later(cast)[Stage.DEPARTED] == 1

    # on their own: counted as departed and arrived on the day they went, never as scheduled by us
    own = mover(cast, w)
    committed(movements.self_organised_return_record, actor=officer, household=own, returned_on=today())
    own_row = HouseholdFunnel.objects.get(household=own)
    assert own_row.self_organised and own_row.departed_on == own_row.arrived_on == today()
    assert own_row.scheduled_on is None
    assert _later(cast)[Stage.ARRIVED] == 2

    # a monitor reaches the family that arrived: "monitored"; a visit that did not reach it is not
    monitoring.assignment_set(actor=cast["lb_protection_officer"], household=travelling, monitor_id=cast["lb_monitor"].pk)
    monitoring.assignment_set(actor=cast["lb_protection_officer"], household=own, monitor_id=cast["lb_monitor"].pk)
    committed(monitoring.visit_record, actor=cast["lb_monitor"], household=own, visited_on=today(), reached="no")
    assert _later(cast)[Stage.MONITORED] == 0
    committed(monitoring.visit_record, actor=cast["lb_monitor"], household=travelling, visited_on=today(), reached="yes")
    assert _later(cast) == {Stage.ELIGIBLE: 3, Stage.SCHEDULED: 3, Stage.DEPARTED: 2, Stage.ARRIVED: 2, Stage.MONITORED: 1}

    # deregistered after a verified return: the file is closed but the family stays in the funnel
    arrival = placement.confirmations.get(kind=ConfirmationKind.ARRIVED)
    committed(registry.household_verified_return, actor=cast["lb_registration_officer"], household=travelling, confirmation_id=arrival.pk)
    assert _later(cast)[Stage.MONITORED] == 1
    # a file closed on request leaves the funnel altogether
    committed(registry.household_close, actor=cast["lb_registration_officer"], household=waiting, reason="Moved to another country")
    assert _later(cast)[Stage.SCHEDULED] == 2


def test_a_cancelled_plan_leaves_scheduled_and_tells_each_informed_household_once(cast, settings, tmp_path, committed) -> None:  # type: ignore[no-untyped-def]
    outbox = tmp_path / "sms.jsonl"
    settings.SABEEL_SMS_OUTBOX = str(outbox)
    w = world(cast)
    told, untold = mover(cast, w), mover(cast, w)
    plan = committed(approved, cast=cast, w=w)
    Placement.objects.filter(plan=plan, household=untold).update(informed_at=None)
    Placement.objects.filter(plan=plan, household=told).exclude(informed_at__isnull=False).update(informed_at=plan.approved_at)
    outbox.write_text("")
    committed(movements.plan_cancel, actor=cast["lb_movement_officer"], plan=plan, reason="The crossing closed")
    assert _later(cast)[Stage.SCHEDULED] == 0
    movements.households_tell_cancelled(plan_id=plan.pk)  # again: the task already ran on commit
    lines = [json.loads(line) for line in outbox.read_text().splitlines()]
    assert [m["household_id"] for m in lines] == [told.pk]
    day = Placement.objects.get(plan=plan, household=told).date.strftime("%d/%m/%Y")
    assert day in lines[0]["text"] and "Mohamad" not in outbox.read_text()  # the date, never a name
    assert Placement.objects.get(plan=plan, household=told).cancel_told_at is not None
    assert Placement.objects.get(plan=plan, household=untold).cancel_told_at is None
    # a draft that was never approved tells nobody
    draft = planned(cast, w)
    committed(movements.plan_cancel, actor=cast["lb_movement_officer"], plan=draft, reason="Not needed")
    assert len(outbox.read_text().splitlines()) == 1
    snapshot.refresh_households([told.pk, untold.pk])
    assert not HouseholdFunnel.objects.filter(household__in=[told, untold], scheduled_on__isnull=False).exists()
