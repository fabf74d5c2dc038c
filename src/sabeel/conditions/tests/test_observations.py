"""Observed entries: facts from the platform's own records (a completed project, a monitoring
visit), written by named system actors, shown beside the statuses and never changing one."""

from __future__ import annotations

import datetime as dt

import pytest

from sabeel.conditions.models import AreaCondition, AreaObservation
from sabeel.conditions.selectors import area_observations, hostilities_status
from sabeel.conditions.services import area_observation_record, information_package_content
from sabeel.conditions.tests.factories import entry
from sabeel.core.actors import system
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.geo.models import AdminUnit

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 1)


def _observe(unit, actor=None, **values):
    fields = {"threshold": "services", "observed_on": DAY, "source": "Project WTR-001 completed", "text_en": "Water running", "text_ar": "المياه متوفرة"}
    return area_observation_record(actor=actor or system("fund.project_completion"), admin_unit=unit, **{**fields, **values})


def _subdistrict():
    return AdminUnit.objects.filter(country="SY", level=3).order_by("key").first()


def test_an_observation_sits_beside_a_protection_officers_status_and_never_changes_it(cast, places):
    unit = _subdistrict()
    officer = entry(unit, "safety", as_of=DAY, status="not_met", active_hostilities=True, recorded_by=cast["lb_protection_officer"])
    before = list(AreaCondition.objects.values())
    observed = _observe(unit, threshold="safety", text_en="Monitors reached the area", text_ar="وصل المراقبون")
    assert list(AreaCondition.objects.values()) == before  # no status written, the flag untouched
    assert hostilities_status(unit).flagged and officer.active_hostilities
    package = information_package_content(destination=unit, language="ar")
    assert next(t for t in package["thresholds"] if t["threshold"] == "safety")["status"] == "not_met"
    assert package["observed"][0]["text"] == "وصل المراقبون" and package["observed"][0]["source"] == observed.source


def test_only_a_named_system_actor_writes_one(cast, places):
    unit = _subdistrict()
    for actor in (cast["lb_protection_officer"], cast["jrg_reconstruction_planner"], system("")):
        with pytest.raises(NotPermitted):
            _observe(unit, actor=actor)
    assert not AreaObservation.objects.exists()


def test_bad_input_is_refused_with_field_messages_and_a_retry_writes_nothing_twice(cast, places):
    unit = _subdistrict()
    with pytest.raises(ServiceError) as refused:
        _observe(unit, threshold="weather", source=" ", text_ar="", observed_on=dt.date(2999, 1, 1))
    assert set(refused.value.fields) == {"threshold", "source", "text_ar", "observed_on"}
    lebanese = AdminUnit.objects.exclude(country="SY").first()
    if lebanese is not None:
        with pytest.raises(ServiceError):
            _observe(lebanese)
    first = _observe(unit)
    assert _observe(unit) == first and AreaObservation.objects.count() == 1


def test_units_below_see_the_observations_of_the_units_above(cast, places):
    unit = _subdistrict()
    _observe(unit.parent, source="Visit 12")
    _observe(unit, observed_on=DAY + dt.timedelta(days=1))
    assert [o.source for o in area_observations(unit)] == ["Project WTR-001 completed", "Visit 12"]
    assert [o.source for o in area_observations(unit.parent)] == ["Visit 12"]
    elsewhere = AdminUnit.objects.filter(country="SY", level=1).exclude(pk=unit.parent.parent_id).first()
    assert "observed" not in information_package_content(destination=elsewhere, language="en")
