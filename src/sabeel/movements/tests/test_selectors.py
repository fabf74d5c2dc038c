"""Manifests as read: what the crossing needs, a withdrawal derived at read time (hard rule 2),
one read-log row per read, the Excel file in Arabic and English."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sabeel.consent import services as consent_services
from sabeel.consent.tests.factories import adults, today
from sabeel.core.models import ReadEntry
from sabeel.movements import selectors, services
from sabeel.movements.manifests import manifest_xlsx
from sabeel.movements.models import Placement, Vehicle
from sabeel.movements.tests.factories import mover, world

pytestmark = pytest.mark.django_db


def _on(w, cast, offsets):  # type: ignore[no-untyped-def]
    """Households travelling ``offset`` days from today (their chosen window is that one day)."""
    return [mover(cast, w, earliest=today() + dt.timedelta(days=o), latest=today() + dt.timedelta(days=o)) for o in offsets]


def _manifest_households(cast, vehicle):  # type: ignore[no-untyped-def]
    data = selectors.manifest(actor=cast["lb_movement_officer"], vehicle=vehicle)
    return {r.placement.household_id: r.withdrawn for r in data.rows}


def test_a_withdrawal_takes_the_household_off_future_manifests_and_flags_it_on_todays(cast):
    w = world(cast)
    leaving_today, later = _on(w, cast, [0, 3])
    plan = services.plan_approve(actor=cast["lb_movement_officer"], plan=_plan(cast, w))
    today_vehicle = Vehicle.objects.get(plan=plan, date=today())
    later_vehicle = Vehicle.objects.get(plan=plan, date=today() + dt.timedelta(days=3))
    assert _manifest_households(cast, today_vehicle) == {leaving_today.pk: False}
    assert _manifest_households(cast, later_vehicle) == {later.pk: False}
    # withdrawals by phone and on the self-service page, after approval
    consent_services.consent_withdraw(actor=cast["lb_protection_officer"], individual=adults(leaving_today)[0], channel="phone")
    consent_services.consent_withdraw(actor=cast["lb_registration_officer"], individual=adults(later)[1], channel="in_person")
    assert _manifest_households(cast, today_vehicle) == {leaving_today.pk: True}  # flagged on today's
    assert _manifest_households(cast, later_vehicle) == {}  # off the future one
    assert selectors.manifest(actor=cast["lb_movement_officer"], vehicle=today_vehicle).persons == 0


def _plan(cast, w):  # type: ignore[no-untyped-def]
    from sabeel.movements.tests.factories import planned

    return planned(cast, w)


def test_reading_a_manifest_writes_one_read_row_with_ids_only(cast):
    w = world(cast)
    (household,) = _on(w, cast, [0])
    plan = services.plan_approve(actor=cast["lb_movement_officer"], plan=_plan(cast, w))
    before = ReadEntry.objects.count()
    data = selectors.manifest(actor=cast["lb_movement_officer"], vehicle=Vehicle.objects.get(plan=plan))
    assert ReadEntry.objects.count() == before + 1
    entry = ReadEntry.objects.order_by("-pk").first()
    assert entry.action == "movement.manifest_read"
    assert str(household.pk) in str(entry.data) and entry.count == 1
    assert "Mohamad" not in str(entry.__dict__)
    assert [m.first_name_lat for m in data.rows[0].members] == ["Mohamad", "Fatima"]


def test_the_excel_manifest_carries_only_what_the_crossing_needs_in_either_language(cast):
    from openpyxl import load_workbook

    w = world(cast)
    (household,) = _on(w, cast, [0])
    plan = services.plan_approve(actor=cast["lb_movement_officer"], plan=_plan(cast, w))
    data = selectors.manifest(actor=cast["lb_movement_officer"], vehicle=Vehicle.objects.get(plan=plan))
    arabic = load_workbook(io.BytesIO(manifest_xlsx(data, "ar"))).active
    english = load_workbook(io.BytesIO(manifest_xlsx(data, "en"))).active
    assert arabic.sheet_view.rightToLeft and not english.sheet_view.rightToLeft
    rows = [[c.value for c in row] for row in english.iter_rows(min_row=5)]
    assert [r[1] for r in rows] == [household.registration_number] * 2
    assert rows[0][3].startswith("Mohamad")
    text = " ".join(str(c.value) for row in english.iter_rows() for c in row if c.value)
    phone = household.phones.first().number
    assert phone not in text and "Registration number" in text
    assert "رقم التسجيل" in " ".join(str(c.value) for row in arabic.iter_rows() for c in row if c.value)


CHANNELS = st.sampled_from(["phone", "in_person", "self_service"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=4),
    withdrawals=st.lists(st.tuples(st.integers(min_value=0, max_value=3), CHANNELS), max_size=4),
)
def test_any_withdrawal_by_any_channel_is_off_every_future_manifest_and_flagged_today(cast, offsets, withdrawals):
    from sabeel.core.actors import refugee

    with transaction.atomic():
        w = world(cast)
        households = _on(w, cast, offsets)
        plan = services.plan_approve(actor=cast["lb_movement_officer"], plan=_plan(cast, w))
        gone = set()
        for index, channel in withdrawals:
            if index >= len(households):
                continue
            household = households[index]
            person = adults(household)[0]
            actor = (
                refugee(household_id=household.pk, individual_id=person.pk)
                if channel == "self_service"
                else cast["lb_protection_officer"]
            )
            consent_services.consent_withdraw(actor=actor, individual=person, channel=channel)
            gone.add(household.pk)
        for vehicle in Vehicle.objects.filter(plan=plan):
            seen = _manifest_households(cast, vehicle)
            on_it = set(Placement.objects.filter(vehicle=vehicle).values_list("household_id", flat=True))
            if vehicle.date > today():
                assert set(seen) == on_it - gone
                assert not any(seen.values())
            else:
                assert set(seen) == on_it
                assert {pk for pk, flagged in seen.items() if flagged} == on_it & gone
        transaction.set_rollback(True)
