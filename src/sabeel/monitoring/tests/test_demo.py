"""The monitoring demo: families back home for months, assigned and visited; their destination's
area page shows the observed entries citing the visits, the monitor has visits due, the findings
page has a figure above the threshold; loaded once."""

from __future__ import annotations

import pytest
from django.test import Client

from sabeel.conditions.models import AreaObservation
from sabeel.core.actors import system
from sabeel.monitoring import selectors
from sabeel.monitoring.demo import demo_monitoring_load
from sabeel.monitoring.models import Visit
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_monitoring_pages_something_to_show(cast):
    from sabeel.registry.bulk import synth_households_load
    from sabeel.registry.tests.factories import gazetteer

    gazetteer()
    synth_households_load(actor=system("test"), working_group=cast.groups["lb"], households=120, seed=7)
    report = demo_monitoring_load(users=cast.users)
    visits = Visit.objects.filter(household__working_group=cast.groups["lb"])
    assert visits.count() == 10, report
    observed = AreaObservation.objects.filter(cites_type="monitoring.visit")
    assert observed.exists(), report
    unit_id = observed.values_list("admin_unit_id", flat=True).first()
    page = sign_in(Client(), cast["lb_registration_officer"]).get(f"/conditions/units/{unit_id}/").content.decode()
    assert 'data-testid="cites-visit"' in page
    assert selectors.visits_due(actor=cast["lb_monitor"]).exists()
    shown = [c for c in selectors.findings_by_area(actor=cast["lb_donor_viewer"]) if c.finding == "re_displaced"]
    assert [c.count for c in shown] == [5], report
    assert "already loaded" in demo_monitoring_load(users=cast.users)
