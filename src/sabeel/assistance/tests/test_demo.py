"""The after-crossing demo: arrivals, a paid and a failed payment, deregistrations in each state,
monitoring visits; loaded once."""

from __future__ import annotations

import pytest

from sabeel.assistance.demo import demo_after_crossing_load
from sabeel.assistance.models import Payment
from sabeel.core.actors import system
from sabeel.monitoring.models import Visit
from sabeel.registry.models import Household

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_page_something(cast):
    from sabeel.consent.demo import demo_voluntariness_load
    from sabeel.movements.demo import demo_movements_load
    from sabeel.registry.bulk import synth_households_load
    from sabeel.registry.tests.factories import gazetteer

    gazetteer()
    synth_households_load(actor=system("test"), working_group=cast.groups["lb"], households=120, seed=7)
    demo_voluntariness_load(actor=system("test"))
    demo_movements_load(users=cast.users)
    report = demo_after_crossing_load(users=cast.users)
    statuses = set(Payment.objects.values_list("status", flat=True))
    assert {"paid", "failed"} <= statuses, report
    states = set(Household.objects.values_list("deregistration", flat=True))
    assert {"active", "verified", "presumed", "request"} <= states, report
    # one file closed on request was reopened, its transitions kept
    from sabeel.registry.models import Deregistration

    assert Deregistration.objects.filter(from_state="request", to_state="active").exists(), report
    assert Visit.objects.exists(), report
    assert "already loaded" in demo_after_crossing_load(users=cast.users)
