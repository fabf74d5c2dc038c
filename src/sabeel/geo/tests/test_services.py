"""Setting a crossing's opening days and capacity, and keeping sites: who may, what is checked,
what the audit trail keeps."""

from __future__ import annotations

import pytest

from sabeel.core.exceptions import NotPermitted, NotSignedIn, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.geo import services
from sabeel.geo.choices import SiteKind, Weekday
from sabeel.geo.models import AdminUnit, BorderCrossing

pytestmark = pytest.mark.django_db


def reloaded(crossing: BorderCrossing) -> BorderCrossing:
    return BorderCrossing.objects.get(pk=crossing.pk)


def test_a_movement_officer_sets_opening_days_and_capacity(cast, crossing):
    officer = cast["lb_movement_officer"]

    services.crossing_operations_set(
        actor=officer, crossing=crossing, opening_days=[Weekday.SUNDAY, Weekday.MONDAY, 2], daily_capacity=800
    )

    saved = reloaded(crossing)
    assert saved.opening_weekdays == [Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.SUNDAY]
    assert saved.daily_capacity == 800
    assert saved.operations_updated_at is not None


def test_the_change_is_audited_with_ids_and_values_only(cast, crossing):
    officer = cast["jo_movement_officer"]

    services.crossing_operations_set(actor=officer, crossing=crossing, opening_days=[0, 1], daily_capacity=500)

    entry = AuditEntry.objects.get(action="geo.crossing_operations_set")
    assert (entry.actor_kind, entry.actor_id) == ("user", str(officer.pk))
    assert (entry.target_type, entry.target_id) == ("geo.bordercrossing", str(crossing.pk))
    assert entry.data == {"opening_days": [0, 1], "daily_capacity": 500}
    assert entry.working_group_id is None  # reference data belongs to no group


def test_a_platform_administrator_role_may_set_them_too(cast, crossing):
    services.crossing_operations_set(actor=cast["jo_administrator"], crossing=crossing, opening_days=None, daily_capacity=300)

    assert reloaded(crossing).daily_capacity == 300


@pytest.mark.parametrize("persona", ["lb_registration_officer", "jo_protection_officer", "lb_donor_viewer", "lb_auditor", "outsider"])
def test_roles_without_geo_edit_are_refused_and_nothing_changes(cast, crossing, persona):
    with pytest.raises(NotPermitted):
        services.crossing_operations_set(actor=cast[persona], crossing=crossing, opening_days=[0], daily_capacity=10)

    saved = reloaded(crossing)
    assert (saved.opening_days, saved.daily_capacity) == (None, None)
    assert not AuditEntry.objects.filter(action="geo.crossing_operations_set").exists()


def test_an_anonymous_caller_is_not_signed_in(crossing):
    with pytest.raises(NotSignedIn):
        services.crossing_operations_set(actor=None, crossing=crossing, opening_days=[0], daily_capacity=10)


@pytest.mark.parametrize("capacity", [0, -5, 50_001, True])
def test_an_impossible_capacity_is_refused_with_a_field_message(cast, crossing, capacity):
    with pytest.raises(ServiceError) as caught:
        services.crossing_operations_set(
            actor=cast["lb_movement_officer"], crossing=crossing, opening_days=[0], daily_capacity=capacity
        )

    assert list(caught.value.fields) == ["daily_capacity"]
    assert reloaded(crossing).opening_days is None  # the valid days were not saved either


def test_a_day_outside_the_week_is_refused_with_a_field_message(cast, crossing):
    with pytest.raises(ServiceError) as caught:
        services.crossing_operations_set(
            actor=cast["lb_movement_officer"], crossing=crossing, opening_days=[1, 7], daily_capacity=100
        )

    assert caught.value.fields["opening_days"] == ["Days are numbered 0 (Monday) to 6 (Sunday); 7 is not one."]
    assert reloaded(crossing).daily_capacity is None


def test_values_can_be_set_back_to_unknown_and_closed_every_day_is_not_unknown(cast, crossing):
    officer = cast["lb_movement_officer"]
    services.crossing_operations_set(actor=officer, crossing=crossing, opening_days=[0, 1, 2], daily_capacity=100)

    services.crossing_operations_set(actor=officer, crossing=crossing, opening_days=[], daily_capacity=None)
    assert (reloaded(crossing).opening_weekdays, reloaded(crossing).daily_capacity) == ([], None)

    services.crossing_operations_set(actor=officer, crossing=crossing, opening_days=None, daily_capacity=None)
    assert reloaded(crossing).opening_weekdays is None


def test_saving_the_same_values_again_records_nothing_new(cast, crossing):
    officer = cast["lb_movement_officer"]
    services.crossing_operations_set(actor=officer, crossing=crossing, opening_days=[4, 5], daily_capacity=100)

    services.crossing_operations_set(actor=officer, crossing=crossing, opening_days=[5, 4], daily_capacity=100)

    assert AuditEntry.objects.filter(action="geo.crossing_operations_set").count() == 1


def test_a_reception_point_is_created_in_syria_and_audited(cast, gazetteer):
    daraa = AdminUnit.objects.get(key="SY12")

    site = services.site_create(
        actor=cast["jo_movement_officer"], kind=SiteKind.RECEPTION_POINT, admin_unit=daraa, name_en="Daraa reception", lat=32.6, lon=36.1
    )

    assert (site.admin_unit, site.kind, site.is_active) == (daraa, SiteKind.RECEPTION_POINT, True)
    entry = AuditEntry.objects.get(action="geo.site_created")
    assert entry.data == {"admin_unit_id": daraa.pk}


def test_a_departure_point_must_be_in_a_host_country(cast, gazetteer):
    with pytest.raises(ServiceError) as caught:
        services.site_create(
            actor=cast["jo_movement_officer"], kind=SiteKind.DEPARTURE_POINT, admin_unit=AdminUnit.objects.get(key="SY12"), name_en="Wrong"
        )

    assert "admin_unit" in caught.value.fields


def test_a_site_needs_a_name_and_whole_coordinates(cast, gazetteer):
    with pytest.raises(ServiceError) as caught:
        services.site_create(
            actor=cast["jo_movement_officer"], kind=SiteKind.DEPARTURE_POINT, admin_unit=AdminUnit.objects.get(key="Q854871"), lat=32.3
        )

    assert set(caught.value.fields) == {"name_en", "lat"}


def test_a_site_is_taken_out_of_use_not_deleted(cast, gazetteer):
    mafraq = AdminUnit.objects.get(key="Q854871")
    officer = cast["jo_movement_officer"]
    site = services.site_create(actor=officer, kind=SiteKind.DEPARTURE_POINT, admin_unit=mafraq, name_en="Mafraq bus station")

    services.site_update(actor=officer, site=site, admin_unit=mafraq, name_en="Mafraq bus station", name_ar="", lat=None, lon=None, is_active=False)

    site.refresh_from_db()
    assert site.is_active is False


def test_a_registration_officer_may_not_create_sites(cast, gazetteer):
    with pytest.raises(NotPermitted):
        services.site_create(
            actor=cast["jo_registration_officer"], kind=SiteKind.DEPARTURE_POINT, admin_unit=AdminUnit.objects.get(key="Q854871"), name_en="X"
        )
