"""The invariants the database keeps for reference geography, whoever writes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sabeel.geo.choices import KeyKind, Weekday
from sabeel.geo.models import AdminUnit, AdminUnitName, BorderCrossing, mask_to_weekdays, weekdays_to_mask

pytestmark = pytest.mark.django_db


def unit(**values):
    defaults = {"key": "X1", "key_kind": KeyKind.PCODE, "country": "LB", "level": 1, "name_en": "X"}
    return AdminUnit(**{**defaults, **values})


def refused(obj) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


def test_a_syrian_unit_needs_its_arabic_name_a_lebanese_one_does_not(gazetteer):
    syria, lebanon = AdminUnit.objects.get(key="SY"), AdminUnit.objects.get(key="LB")

    refused(unit(key="SY15", country="SY", parent=syria, name_en="Nowhere"))
    unit(key="LB9", country="LB", parent=lebanon, name_en="Somewhere").save()

    with pytest.raises(ValidationError) as caught:
        unit(key="SY15", country="SY", parent=syria, name_en="Nowhere").full_clean()
    assert "A Syrian unit needs its Arabic name." in str(caught.value)


def test_only_a_country_has_no_parent(gazetteer):
    refused(unit(key="LB9", level=1, parent=None))
    refused(unit(key="XX", level=0, parent=AdminUnit.objects.get(key="LB")))


def test_a_centroid_is_both_coordinates_within_range_or_none(gazetteer):
    lebanon = AdminUnit.objects.get(key="LB")

    refused(unit(key="LB9", parent=lebanon, lat=33.9, lon=None))
    refused(unit(key="LB9", parent=lebanon, lat=95.0, lon=35.0))
    unit(key="LB9", parent=lebanon, lat=None, lon=None).save()


def test_a_unit_key_and_a_name_per_language_are_unique(gazetteer):
    refused(unit(key="SY01", country="SY", level=1, parent=AdminUnit.objects.get(key="SY"), name_ar="دمشق"))
    refused(AdminUnitName(unit=AdminUnit.objects.get(key="SY01"), name="Damascus", lang="en", name_type="alias"))


def test_opening_days_and_capacity_stay_within_bounds(crossing):
    crossing.opening_days = 0b10000000
    refused(crossing)
    crossing.opening_days, crossing.daily_capacity = None, 50_001
    refused(crossing)


def test_weekday_sets_round_trip_through_the_stored_bits():
    assert weekdays_to_mask([Weekday.MONDAY, Weekday.SUNDAY]) == 0b1000001
    assert mask_to_weekdays(0b1000001) == [Weekday.MONDAY, Weekday.SUNDAY]
    assert mask_to_weekdays(0) == [] and mask_to_weekdays(None) is None


def test_a_crossing_cannot_be_deleted_from_under_its_units(crossing):
    with pytest.raises(Exception, match="protected"), transaction.atomic():
        AdminUnit.objects.get(key="SY12").delete()
    assert BorderCrossing.objects.filter(pk=crossing.pk).exists()
