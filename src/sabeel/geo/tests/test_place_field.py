"""The reusable place field: a key or a name in either script becomes one admin unit; an
ambiguous name is refused with its candidates (keys and names), an unknown one plainly, and a
place in the wrong country is refused with what is expected."""

from __future__ import annotations

import pytest
from django import forms

from sabeel.geo.choices import Country, KeyKind, Level
from sabeel.geo.filters import AdminUnitFilterForm
from sabeel.geo.forms import PlaceField
from sabeel.geo.models import AdminUnit

pytestmark = pytest.mark.django_db


def clean(value: str, **options) -> AdminUnit | None:  # type: ignore[no-untyped-def]
    return PlaceField(**options).clean(value)


def error_of(value: str, **options) -> forms.ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(forms.ValidationError) as caught:
        PlaceField(**options).clean(value)
    return caught.value


@pytest.mark.parametrize(
    ("typed", "key"),
    [("Homs", "SY04"), ("حمص", "SY04"), ("hims", "SY04"), ("SY04", "SY04"), ("sy04", "SY04"), ("  Daraa ", "SY12")],
)
def test_a_syrian_place_by_name_in_either_script_or_by_code(gazetteer, typed, key):
    unit = clean(typed, syrian=True)
    assert unit is not None and unit.key == key


@pytest.mark.parametrize(("typed", "key"), [("Bekaa", "LB2"), ("البقاع", "LB2"), ("LB2", "LB2"), ("Amman", "Q472788")])
def test_a_host_country_place_by_name_or_code(gazetteer, typed, key):
    unit = clean(typed, syrian=False)
    assert unit is not None and unit.key == key


def test_empty_is_no_filter(gazetteer):
    assert clean("", syrian=True) is None
    assert clean("   ") is None


def test_an_unknown_name_says_so_and_names_the_query(gazetteer):
    error = error_of("Atlantis", syrian=True)
    assert error.code == "unknown"
    assert "Atlantis" in error.messages[0] and "code" in error.messages[0]


def test_a_place_in_the_wrong_country_is_refused_with_what_is_expected(gazetteer):
    assert error_of("Bekaa", syrian=True).code == "not_syrian"
    assert error_of("LB2", syrian=True).code == "not_syrian"
    assert error_of("Homs", syrian=False).code == "not_host"
    assert error_of("SY04", syrian=False).code == "not_host"
    assert error_of("Amman", country=Country.LEBANON).code == "other_country"
    assert error_of("Q472788", country=Country.LEBANON).code == "other_country"


def test_a_name_shared_by_two_levels_lists_both_candidates_as_keys_and_names(gazetteer):
    homs = AdminUnit.objects.get(key="SY04")
    AdminUnit.objects.create(
        key="SY0400", key_kind=KeyKind.PCODE, country=Country.SYRIA, level=Level.ADMIN2, parent=homs, name_en="Homs", name_ar="حمص"
    )
    for typed in ("Homs", "حمص"):
        error = error_of(typed, syrian=True)
        assert error.code == "ambiguous"
        message = error.messages[0]
        assert "SY04 · Homs / حمص · First level" in message and "SY0400 · Homs / حمص · Second level (district) · in Homs" in message
    # The code of the one meant settles it.
    assert clean("SY0400", syrian=True) == AdminUnit.objects.get(key="SY0400")


def test_the_geography_list_filter_takes_a_place_name_for_the_units_within(cast, gazetteer):
    form = AdminUnitFilterForm({"within": "سوريا"})
    assert form.filters() == {"parent": AdminUnit.objects.get(key="SY").pk}
    bad = AdminUnitFilterForm({"within": "Atlantis"})
    assert bad.filters() == {} and "within" in bad.errors


def test_the_geography_list_page_lists_the_governorates_of_a_place_typed_in_arabic(cast, gazetteer, client):
    from django.urls import reverse

    from sabeel.workgroups.testing import sign_in

    sign_in(client, cast["lb_registration_officer"])
    body = client.get(reverse("geo:admin_unit_list"), {"within": "لبنان"}).content.decode()
    assert 'data-testid="unit-LB2"' in body and 'data-testid="unit-SY04"' not in body
