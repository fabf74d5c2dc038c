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


def test_a_demo_manifest_can_be_handed_to_the_crossing_authority_under_the_demo_agreement(cast):
    """The demo's agreements in force: the movement officer picks the crossing authority's from the
    manifest page, the Excel list is handed over and the share is logged; loaded twice, once."""
    from django.test import Client
    from django.urls import reverse

    from sabeel.consent.demo import demo_voluntariness_load
    from sabeel.registry.bulk import synth_households_load
    from sabeel.registry.tests.factories import gazetteer
    from sabeel.sharing.demo import AUTHORITIES, demo_sharing_load
    from sabeel.sharing.models import Agreement, ShareEntry
    from sabeel.workgroups.testing import sign_in

    gazetteer()
    synth_households_load(actor=system("test"), working_group=cast.groups["lb"], households=60, seed=3)
    demo_voluntariness_load(actor=system("test"))
    assert "4 demo agreements" in demo_sharing_load(users=cast.users)
    assert "already loaded" in demo_sharing_load(users=cast.users)
    demo_movements_load(users=cast.users)
    vehicle = Vehicle.objects.filter(plan__working_group=cast.groups["lb"], placements__isnull=False).first()
    assert vehicle is not None
    agreement = Agreement.objects.get(reference=AUTHORITIES["lb"][0])
    client = sign_in(Client(), cast["lb_movement_officer"])
    page = client.get(reverse("movements:manifest", kwargs={"pk": vehicle.pk})).content.decode()
    assert f'<option value="{agreement.pk}">{agreement.reference}</option>' in page
    authority = agreement.parties.get()
    shared = client.post(reverse("movements:manifest_share", kwargs={"pk": vehicle.pk}), {"agreement": agreement.pk, "recipient": authority.pk})
    assert shared.status_code == 200 and shared["Content-Type"].startswith("application/vnd.openxmlformats")
    entry = ShareEntry.objects.get()
    assert (entry.agreement_id, entry.recipient_id, entry.kind) == (agreement.pk, authority.pk, "authority_list")
