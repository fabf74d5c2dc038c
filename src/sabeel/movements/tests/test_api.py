"""The movements API: a run started and read, the plan reviewed and approved, the manifest with a
withdrawal flagged, check-in and confirmations, the protection flags."""

from __future__ import annotations

import pytest
from django.test import Client

from sabeel.consent import services as consent_services
from sabeel.consent.tests.factories import adults, today
from sabeel.movements.models import MovementRequest
from sabeel.movements.tests.factories import mover, world
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def _json(client: Client, method: str, url: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    response = getattr(client, method)(url, data=data or {}, content_type="application/json")
    return response.status_code, response.json()


def test_from_a_run_to_an_arrival_through_the_api(cast, django_capture_on_commit_callbacks):
    w = world(cast)
    household = mover(cast, w)
    officer = sign_in(Client(), cast["lb_movement_officer"])
    with django_capture_on_commit_callbacks(execute=True):  # the task is enqueued on commit; it runs at once in tests
        status, run = _json(officer, "post", f"/api/movements/groups/{cast.groups['lb'].pk}/runs", {"start": today().isoformat(), "days": 7})
    assert status == 201 and run["status"] == "queued"
    status, run = _json(officer, "get", f"/api/movements/runs/{run['id']}")
    assert run["status"] == "succeeded" and run["plan"] and run["counts"]["solver_killed"] == 0
    status, review = _json(officer, "get", f"/api/movements/plans/{run['plan']}")
    assert status == 200 and review["plan"]["households_moved"] == 1 and review["plan"]["inversions"] == 0
    status, plan = _json(officer, "post", f"/api/movements/plans/{run['plan']}/approve")
    assert status == 200 and plan["status"] == "approved"
    status, review = _json(officer, "get", f"/api/movements/plans/{run['plan']}")
    (vehicle,) = review["vehicles"]
    status, manifest = _json(officer, "get", f"/api/movements/vehicles/{vehicle}/manifest")
    (row,) = manifest["rows"]
    assert row["household"] == household.pk and not row["withdrawn"] and len(row["people"]) == 2
    assert set(row["people"][0]) == {"id", "name_ar", "name_lat", "sex", "birth_year"}  # what the crossing needs
    status, checked = _json(officer, "post", f"/api/movements/placements/{row['placement']}/check-in", {"status": "present"})
    assert status == 201 and checked["persons"] == 2
    assert _json(officer, "post", f"/api/movements/placements/{row['placement']}/confirm", {"kind": "arrived"})[0] == 400
    assert _json(officer, "post", f"/api/movements/placements/{row['placement']}/confirm", {"kind": "crossed"})[0] == 201
    assert _json(officer, "post", f"/api/movements/placements/{row['placement']}/confirm", {"kind": "arrived"})[0] == 201


def test_a_withdrawal_after_approval_is_flagged_on_todays_manifest_through_the_api(cast):
    from sabeel.movements.tests.factories import approved

    w = world(cast)
    household = mover(cast, w)
    plan = approved(cast, w)
    consent_services.consent_withdraw(actor=cast["lb_protection_officer"], individual=adults(household)[0], channel="phone")
    officer = sign_in(Client(), cast["lb_movement_officer"])
    status, manifest = _json(officer, "get", f"/api/movements/vehicles/{plan.vehicles.get().pk}/manifest")
    assert manifest["rows"][0]["withdrawn"] and manifest["persons"] == 0
    status, _refused = _json(officer, "post", f"/api/movements/placements/{manifest['rows'][0]['placement']}/check-in", {"status": "present"})
    assert status == 400


def test_the_protection_officer_sets_the_flags_the_movement_officer_reads(cast):
    w = world(cast)
    household = mover(cast, w)
    protection = sign_in(Client(), cast["lb_protection_officer"])
    status, row = _json(protection, "put", f"/api/movements/households/{household.pk}/flags", {"priority_tier": 1, "needs_medical_vehicle": True})
    assert status == 200 and row["priority_tier"] == 1 and row["needs_medical_vehicle"]
    officer = sign_in(Client(), cast["lb_movement_officer"])
    assert _json(officer, "put", f"/api/movements/households/{household.pk}/flags", {"priority_tier": 2, "needs_medical_vehicle": False})[0] == 403
    status, row = _json(
        officer, "put", f"/api/movements/households/{household.pk}/request",
        {"departure_point": w.point.pk, "earliest": today().isoformat(), "latest": today().isoformat()},
    )  # fmt: skip
    assert status == 200 and row["needs_medical_vehicle"] and set(row) == {
        "household", "departure_point", "earliest", "latest", "priority_tier", "needs_medical_vehicle"
    }  # fmt: skip
    assert MovementRequest.objects.get(household=household).flags_set_by == cast["lb_protection_officer"]
    bad = _json(officer, "put", f"/api/movements/households/{household.pk}/request",
                {"departure_point": w.point.pk, "earliest": "2099-02-01", "latest": "2099-01-01"})  # fmt: skip
    assert bad[0] == 400


def test_a_movement_officer_sets_up_departure_points_routes_and_reception(cast):
    from sabeel.geo.models import AdminUnit
    from sabeel.movements.models import DeparturePoint, ReceptionCapacity

    w = world(cast)
    officer = sign_in(Client(), cast["lb_movement_officer"])
    group = cast.groups["lb"].pk
    status, point = _json(officer, "post", f"/api/movements/groups/{group}/departure-points", {"name_ar": "عرسال", "seats_per_day": 60})
    assert status == 201 and point["vehicle_seats"] == 50
    assert _json(officer, "post", f"/api/movements/groups/{group}/departure-points", {"seats_per_day": 60})[0] == 400  # no name
    assert _json(officer, "post", f"/api/movements/groups/{group}/departure-points", {"name_en": "X", "seats_per_day": 6, "vehicle_seats": 0})[0] == 400
    status, routes = _json(officer, "put", f"/api/movements/departure-points/{point['id']}/routes", {"crossing": w.crossing.pk, "travel_minutes": 70})
    assert status == 200 and routes == [{"crossing": w.crossing.pk, "travel_minutes": 70}]
    daraa = AdminUnit.objects.get(key="SY12").pk
    status, row = _json(officer, "put", f"/api/movements/groups/{group}/reception", {"destination": daraa, "persons_per_day": 80})
    assert status == 200 and row["persons_per_day"] == 80 and ReceptionCapacity.objects.get(working_group_id=group, destination_id=daraa).persons_per_day == 80
    assert DeparturePoint.objects.filter(working_group_id=group).count() == 2
    other = sign_in(Client(), cast["jo_movement_officer"])
    assert _json(other, "put", f"/api/movements/departure-points/{point['id']}/routes", {"crossing": w.crossing.pk, "travel_minutes": 5})[0] == 404
