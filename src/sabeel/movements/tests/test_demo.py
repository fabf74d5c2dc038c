"""The movements demo: built-in crossings (reference keys), eligible households, an approved plan."""

from __future__ import annotations

import pytest

from sabeel.core.actors import system
from sabeel.geo.models import BorderCrossing
from sabeel.movements.choices import PlanStatus
from sabeel.movements.crossings import CROSSINGS
from sabeel.movements.demo import demo_movements_load
from sabeel.movements.models import Placement, Plan, Vehicle

pytestmark = pytest.mark.django_db


def test_the_demo_loads_crossings_eligible_households_and_an_approved_plan_once(cast):
    from sabeel.consent.demo import demo_voluntariness_load
    from sabeel.registry.bulk import synth_households_load
    from sabeel.registry.tests.factories import gazetteer

    gazetteer()  # a fresh machine: the built-in gazetteer only, no reference files
    synth_households_load(actor=system("test"), working_group=cast.groups["lb"], households=120, seed=7)
    demo_voluntariness_load(actor=system("test"))
    report = demo_movements_load(users=cast.users)
    keys = set(BorderCrossing.objects.values_list("key", flat=True))
    assert {c.key for c in CROSSINGS} <= keys
    assert "sy-judaydat-yabus-border-crossing" in keys  # the reference file's key, so geo_load updates it
    assert BorderCrossing.objects.get(key="sy-nasib-border-crossing").daily_capacity == 500
    plan = Plan.objects.get(working_group=cast.groups["lb"])
    assert plan.status == PlanStatus.APPROVED, report
    assert plan.households_moved > 0
    # every household the demo made eligible is eligible to the planner too
    assert not plan.unplaced.filter(reason__startswith="not_eligible").exists()
    assert not plan.placements.exclude(dropped_reason="").exists()
    assert Vehicle.objects.filter(plan=plan).exists()
    assert Placement.objects.filter(plan=plan, vehicle__isnull=False).count() > 0
    again = demo_movements_load(users=cast.users)
    assert "already loaded" in again
    assert Plan.objects.filter(working_group=cast.groups["lb"]).count() == 1
