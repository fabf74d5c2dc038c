from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from sabeel.core.actors import system
from sabeel.fund import ledger
from sabeel.fund.demo import demo_fund_load
from sabeel.fund.models import Pledge, Project, ServiceObservation
from sabeel.geo.loader import load_gazetteer

pytestmark = pytest.mark.django_db


def test_the_demo_fund_loads_on_the_built_in_gazetteer_once(cast, settings):
    settings.SABEEL_REFERENCE_DIR = None
    load_gazetteer(actor=system("test"))
    assert "8 projects" in demo_fund_load(cast=cast)
    assert "already" in demo_fund_load(cast=cast)
    group = cast.groups["jrg"]
    assert Pledge.objects.filter(working_group=group).count() == 3 and Project.objects.filter(working_group=group).count() == 8
    balance = ledger.trial_balance(group.pk)
    assert balance["total"] == 0 and balance["spent"] == 430_000_00
    observation = ServiceObservation.objects.get()
    assert observation.area_observation is not None and observation.sector == "power"
    assert django_settings.SABEEL_FUND_COMMIT_AGAINST_PLEDGES is False
