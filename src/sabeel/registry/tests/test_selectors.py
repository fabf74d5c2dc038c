"""Reads: scoped by working group, filtered like the list page, redacted by field group, audited."""

from __future__ import annotations

import pytest
from django.http import Http404

from sabeel.core.exceptions import NotPermitted
from sabeel.core.models import ReadEntry
from sabeel.core.services import case_assign
from sabeel.geo.models import AdminUnit
from sabeel.registry import selectors, services
from sabeel.registry.filters import HouseholdFilterForm
from sabeel.registry.tests.factories import head, household_make

pytestmark = pytest.mark.django_db


def _list(actor, **params):
    form = HouseholdFilterForm(params)
    assert form.is_valid(), form.errors
    return list(selectors.household_list(actor=actor, **form.filters()))


def test_each_group_sees_only_its_own_households(cast, lebanon_household, jordan_household):
    assert _list(cast["lb_registration_officer"]) == [lebanon_household]
    assert _list(cast["jo_movement_officer"]) == [jordan_household]  # (a monitor: its assigned households only, monitoring/tests/test_narrowing.py)
    with pytest.raises(Http404):
        selectors.household_get(actor=cast["jo_registration_officer"], pk=lebanon_household.pk)
    with pytest.raises(NotPermitted):
        selectors.household_list(actor=cast["lb_donor_viewer"])


def test_filters_by_status_location_with_the_units_below_and_origin_governorate(cast, places):
    officer = cast["lb_registration_officer"]
    bekaa = household_make(cast, "lb", current_location="LB2", origin="SY12")
    beirut = household_make(cast, "lb", current_location="LB1", origin="SY01")
    services.household_close(actor=officer, household=beirut, reason="Returned")
    assert _list(officer, location="LB") == [beirut, bekaa]  # the country and every unit below it
    assert _list(officer, location="LB2") == [bekaa]
    assert _list(officer, origin="SY12") == [bekaa]
    assert _list(officer, origin="SY") == [beirut, bekaa]
    assert _list(officer, status="closed") == [beirut]
    assert not HouseholdFilterForm({"origin": "LB1"}).is_valid()  # origin is Syrian
    assert not HouseholdFilterForm({"need": "SV-VO"}).is_valid()  # never a protection-sensitive need


def test_the_need_filter_works_on_this_database_and_only_where_needs_are_visible(cast, places):
    with_need = household_make(cast, "lb", members=[head(specific_needs=["DS-PS", "SM-CI"])])
    household_make(cast, "lb", members=[head(specific_needs=[])])
    assert _list(cast["lb_registration_officer"], need="DS-PS") == [with_need]
    assert _list(cast["lb_registration_officer"], need="DS-BD") == []
    assert _list(cast["lb_finance_officer"], need="DS-PS") == []  # finance does not see needs


def test_a_file_leaves_hidden_groups_out_not_masked(cast, lebanon_household):
    finance = selectors.household_file(actor=cast["lb_finance_officer"], household=lebanon_household)
    assert finance["phones"] == ["+9613123456"]
    member = finance["members"][0]
    assert member["first_name_ar"] == "محمد"
    for hidden in ("documents_held", "specific_needs", "sensitive_needs", "external_ids"):
        assert hidden not in member
    assert "external_ids" not in finance and "protection_notes" not in finance

    movement = selectors.household_file(actor=cast["lb_movement_officer"], household=lebanon_household)["members"][0]
    assert "documents_held" in movement and "specific_needs" not in movement

    registrar = selectors.household_file(actor=cast["lb_registration_officer"], household=lebanon_household)
    assert "protection_notes" not in registrar and "sensitive_needs" not in registrar["members"][0]

    protection = cast["lb_protection_officer"]
    case_assign(actor=protection, case=lebanon_household, officer=protection)
    assigned = selectors.household_file(actor=protection, household=lebanon_household)
    assert "protection_notes" in assigned and assigned["members"][0]["sensitive_needs"] == []


def test_the_head_comes_first_and_removed_members_last(cast, lebanon_household):
    file = selectors.household_file(actor=cast["lb_registration_officer"], household=lebanon_household)
    assert [m["relationship"] for m in file["members"]] == ["head", "spouse"]


def test_history_obeys_field_groups(cast, lebanon_household):
    officer = cast["lb_registration_officer"]
    principal = lebanon_household.members.get(relationship="head")
    services.individual_update(actor=officer, individual=principal, expected_version=1, changes={"first_name_lat": "Muhammad"})
    services.individual_update(actor=officer, individual=principal, expected_version=2, changes={"specific_needs": ["DS-PS"]})
    finance = selectors.household_history(actor=cast["lb_finance_officer"], household=lebanon_household)
    changed = [c.field for e in finance for c in e.changes]
    assert "first_name_lat" in changed
    assert "specific_needs" not in changed and "documents_held" not in changed
    # The needs-only correction is left out entirely, so the history does not reveal it happened.
    assert [e.version for e in finance if e.individual_id == principal.pk and e.action == "individual.updated"] == [2]
    registrar = selectors.household_history(actor=officer, household=lebanon_household)
    assert [e.version for e in registrar if e.individual_id == principal.pk and e.action == "individual.updated"] == [3, 2]


def test_opening_a_file_or_its_history_is_audited_with_ids_only(cast, lebanon_household):
    officer = cast["lb_finance_officer"]
    selectors.household_get(actor=officer, pk=lebanon_household.pk)
    selectors.household_history(actor=officer, household=lebanon_household)
    viewed = ReadEntry.objects.get(action="person.viewed")
    assert viewed.data == {"row_ids": [lebanon_household.pk]} and viewed.actor_id == str(officer.pk)
    assert ReadEntry.objects.filter(action="person.history_viewed", target_id=str(lebanon_household.pk)).exists()


def test_household_rows_show_the_head_and_count_current_members(cast, lebanon_household, django_assert_max_num_queries):
    households = list(selectors.household_list(actor=cast["lb_registration_officer"]))
    with django_assert_max_num_queries(3):
        rows = selectors.household_rows(actor=cast["lb_registration_officer"], households=households)
    assert rows[0].members == 2 and rows[0].head["first_name_ar"] == "محمد"


def test_units_below_reach_three_levels(places):
    from sabeel.registry.filters import unit_and_below

    syria = AdminUnit.objects.get(key="SY")
    assert AdminUnit.objects.get(key="SY12").pk in {row["pk"] for row in unit_and_below(syria)}
