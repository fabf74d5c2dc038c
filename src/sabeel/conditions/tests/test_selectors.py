"""Reading the register: each threshold comes from the most specific level that has an entry and
says where it came from; the active-hostilities flag takes the cautious reading."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from sabeel.conditions import selectors
from sabeel.conditions.selectors import destination_has_active_hostilities
from sabeel.conditions.tests.factories import entry
from sabeel.core.exceptions import NotPermitted
from sabeel.geo.models import AdminUnit

pytestmark = pytest.mark.django_db

D = dt.date


def _by_threshold(current):
    return {c.threshold.value: c for c in current}


def test_a_sub_district_without_entries_shows_its_governorates_entry_and_says_so(cast, places):
    entry(places["SY02"], "amnesty", as_of=D(2025, 2, 1), status="not_met")
    current = _by_threshold(selectors.area_conditions_current(actor=cast["lb_registration_officer"], admin_unit=places["SY020000"]))
    amnesty = current["amnesty"]
    assert amnesty.status == "not_met"
    assert amnesty.source_unit.key == "SY02" and amnesty.inherited
    assert current["services"].entry is None and current["services"].status == "unknown"
    assert len(current) == 7  # every threshold, recorded or not


def test_the_most_specific_level_with_an_entry_wins_for_each_threshold(cast, places):
    entry(places["SY02"], "hlp", as_of=D(2025, 3, 1), status="not_met")
    entry(places["SY0200"], "hlp", as_of=D(2024, 6, 1), status="partly_met")
    entry(places["SY02"], "services", as_of=D(2025, 3, 1), status="met")
    current = _by_threshold(selectors.current_conditions(places["SY020000"]))
    assert (current["hlp"].status, current["hlp"].source_unit.key) == ("partly_met", "SY0200")
    assert (current["services"].status, current["services"].source_unit.key) == ("met", "SY02")


def test_a_newer_entry_supersedes_and_the_older_one_stays_in_the_history(cast, places):
    unit = places["SY020000"]
    old = entry(unit, "documentation", as_of=D(2024, 1, 1), status="not_met")
    new = entry(unit, "documentation", as_of=D(2025, 1, 1), status="met")
    assert _by_threshold(selectors.current_conditions(unit))["documentation"].entry == new
    history = list(selectors.area_condition_history(actor=cast["jo_monitor"], admin_unit=unit))
    assert history == [new, old]


def test_an_entry_dated_earlier_does_not_replace_the_one_in_force(cast, places):
    unit = places["SY020000"]
    newer = entry(unit, "movement", as_of=D(2025, 1, 1), status="met")
    entry(unit, "movement", as_of=D(2024, 1, 1), status="not_met")  # recorded later, about an older date
    assert _by_threshold(selectors.current_conditions(unit))["movement"].entry == newer


def test_the_flag_of_the_unit_itself_counts_from_the_start_of_its_run(places):
    unit = places["SY020000"]
    entry(unit, as_of=D(2024, 12, 1), active_hostilities=False)
    entry(unit, as_of=D(2025, 1, 10), active_hostilities=True)
    entry(unit, as_of=D(2025, 2, 10), active_hostilities=True)
    assert destination_has_active_hostilities(destination=unit, on=D(2025, 3, 1)) == (True, D(2025, 1, 10))
    assert destination_has_active_hostilities(destination=unit, on=D(2025, 1, 9)) == (False, None)


def test_a_flag_on_the_governorate_reaches_its_sub_districts(places):
    entry(places["SY02"], as_of=D(2025, 3, 3), active_hostilities=True)
    assert destination_has_active_hostilities(destination=places["SY020000"], on=D(2025, 4, 1)) == (True, D(2025, 3, 3))
    assert destination_has_active_hostilities(destination=places["SY04"], on=D(2025, 4, 1)) == (False, None)


def test_an_older_calm_report_for_the_sub_district_does_not_hide_a_newer_flag_above_it(places):
    entry(places["SY020000"], as_of=D(2024, 10, 1), active_hostilities=False, status="met")
    entry(places["SY02"], as_of=D(2025, 3, 3), active_hostilities=True)
    status = selectors.hostilities_status(places["SY020000"])
    assert (status.flagged, status.since, status.source_unit.key) == (True, D(2025, 3, 3), "SY02")


def test_a_newer_report_for_the_sub_district_lifts_an_older_flag_above_it(places):
    entry(places["SY02"], as_of=D(2025, 3, 3), active_hostilities=True)
    entry(places["SY020000"], as_of=D(2025, 5, 1), active_hostilities=False, status="met")
    assert destination_has_active_hostilities(destination=places["SY020000"], on=D(2025, 6, 1)) == (False, None)
    # … but not on a day before that report
    assert destination_has_active_hostilities(destination=places["SY020000"], on=D(2025, 4, 1)) == (True, D(2025, 3, 3))
    # … and not for the governorate's other sub-districts
    assert destination_has_active_hostilities(destination=places["SY020100"], on=D(2025, 6, 1)) == (True, D(2025, 3, 3))


def test_every_staff_role_reads_conditions_and_an_outsider_does_not(cast, places):
    for persona in ("jo_donor_viewer", "lb_movement_officer", "jrg_reconstruction_planner", "lb_administrator"):
        assert selectors.area_conditions_current(actor=cast[persona], admin_unit=places["SY02"])
    with pytest.raises(NotPermitted):
        selectors.area_conditions_current(actor=cast["outsider"], admin_unit=places["SY02"])


def test_conditions_are_kept_for_syrian_units_only(cast, places):
    lebanon = AdminUnit.objects.get(key="LB2")
    with pytest.raises(Http404):
        selectors.condition_unit_get(actor=cast["lb_registration_officer"], pk=lebanon.pk)


def test_the_eligibility_question_takes_two_queries_whatever_the_depth(places, django_assert_num_queries):
    entry(places["SY02"], as_of=D(2025, 3, 3), active_hostilities=True)
    unit = AdminUnit.objects.get(key="SY020000")  # parents not loaded, as the eligibility adapter has it
    with django_assert_num_queries(2):
        assert destination_has_active_hostilities(destination=unit, on=D(2025, 4, 1)) == (True, D(2025, 3, 3))
