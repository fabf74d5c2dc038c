"""Two officers check in the last seats of a vehicle at the same moment: one boards, the other
is told there is no room (the vehicle row is locked, ``select_for_update``). PostgreSQL only:
SQLite serialises every writer anyway."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from sabeel.movements import services
from sabeel.movements.choices import CheckInStatus
from sabeel.movements.models import CheckIn, Placement, Vehicle
from sabeel.movements.tests.factories import approved, mover, world
from sabeel.workgroups.testing import sign_in


@pytest.mark.django_db(transaction=True)
def test_two_officers_cannot_both_board_the_last_seats(cast, committed_db):
    if connection.vendor != "postgresql":
        pytest.skip("a race needs PostgreSQL's row locks")
    w = world(cast, vehicle_seats=4)
    first, second = mover(cast, w), mover(cast, w)
    plan = approved(cast, w)
    vehicle = Vehicle.objects.get(plan=plan)
    services.vehicle_seats_set(actor=cast["lb_movement_officer"], vehicle=vehicle, seats=2)  # a smaller bus came
    placements = [Placement.objects.get(plan=plan, household=h) for h in (first, second)]
    clients = [sign_in(Client(), cast["lb_movement_officer"]) for _ in placements]
    start, outcomes = threading.Barrier(2), []

    def board(client: Client, placement: Placement) -> None:
        start.wait()
        try:
            response = client.post(
                f"/api/movements/placements/{placement.pk}/check-in", data={"status": "present"}, content_type="application/json"
            )
            outcomes.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=board, args=pair) for pair in zip(clients, placements, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [201, 400]
    assert CheckIn.objects.filter(vehicle=vehicle, status=CheckInStatus.PRESENT).count() == 1
    assert sum(CheckIn.objects.filter(vehicle=vehicle).values_list("persons", flat=True)) == 2
