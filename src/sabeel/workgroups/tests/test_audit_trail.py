"""The auditor's trail: readable actors and actions, data as key/value pairs, filters by actor,
action, group, days (in the group's zone) and target, kept in the pager; the read log alike."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from sabeel.core import audit
from sabeel.core.actors import refugee, system
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def _rows(page: str) -> int:
    return page.count('data-testid="audit-row"')


def _table(page: str) -> str:
    """The table alone (the action picker lists every label)."""
    return page[page.index('<table class="table audit-table">') : page.index("</table>")]


def _lb(cast) -> int:
    return cast.groups["lb"].pk


def test_the_table_names_staff_by_display_name_and_organisation_and_labels_actions(client, cast):
    officer = cast["lb_registration_officer"]
    audit.record(actor=officer, action="household.created", working_group_id=_lb(cast), data={"household_id": 12, "individual_ids": [3, 4]})
    audit.record(actor=refugee(household_id=12), action="portal.withdrawal_made", working_group_id=_lb(cast))
    audit.record(actor=system("intention-import"), action="consent.intentions_imported", working_group_id=_lb(cast))
    sign_in(client, cast["lb_auditor"])

    page = client.get("/groups/audit/").content.decode()

    organisation = officer.memberships.get().organisation.name
    assert f"<bdi>{officer.display_name}</bdi> ({organisation})" in page  # a Latin name kept apart in Arabic text
    assert "Staff user" not in re.sub(r"<select.*?</select>", "", page, flags=re.S)
    assert "Household registered" in page and "household.created" in page
    assert "Refugee (self-service), household 12" in page
    assert "System job: intention-import" in page
    assert "<dt>Household</dt><dd>12</dd>" in page and "<dt>People</dt><dd>[3, 4]</dd>" in page
    assert "{&#x27;" not in page  # no raw JSON


def test_filter_by_actor_lists_the_groups_staff_by_name(client, cast):
    officer, other = cast["lb_registration_officer"], cast["lb_protection_officer"]
    audit.record(actor=officer, action="household.created", working_group_id=_lb(cast))
    audit.record(actor=other, action="consent.recorded", working_group_id=_lb(cast))
    sign_in(client, cast["lb_auditor"])

    picker = client.get("/groups/audit/").content.decode()
    page = client.get("/groups/audit/", {"actor": f"user:{officer.pk}"}).content.decode()

    assert f'<option value="user:{officer.pk}">{officer.display_name} (' in picker
    assert cast["jo_registration_officer"].display_name not in picker  # only the auditor's groups
    assert _rows(page) == 1 and "Household registered" in _table(page) and "Consent recorded" not in _table(page)


def test_filter_by_other_kinds_of_actor(client, cast):
    audit.record(actor=refugee(household_id=5), action="portal.status_viewed", working_group_id=_lb(cast))
    audit.record(actor=system("seal"), action="audit.reads_sealed", working_group_id=_lb(cast))
    sign_in(client, cast["lb_auditor"])

    page = client.get("/groups/audit/", {"actor": "refugee"}).content.decode()

    assert _rows(page) == 1 and "Own status read (self-service)" in page


def test_filter_by_action_offers_grouped_translated_labels(client, cast):
    audit.record(actor=cast["lb_registration_officer"], action="household.created", working_group_id=_lb(cast))
    audit.record(actor=cast["lb_registration_officer"], action="household.closed", working_group_id=_lb(cast))
    sign_in(client, cast["lb_auditor"])

    page = client.get("/groups/audit/", {"action": "household.closed"}).content.decode()

    assert '<optgroup label="Registry">' in page
    assert _rows(page) == 1 and "Household file closed" in page


def test_filter_by_target_type_and_id(client, cast):
    officer = cast["lb_registration_officer"]
    audit.record(actor=officer, action="user.deactivated", target=cast["lb_monitor"], working_group_id=_lb(cast))
    audit.record(actor=officer, action="user.deactivated", target=cast["lb_finance_officer"], working_group_id=_lb(cast))
    sign_in(client, cast["lb_auditor"])

    by_type = client.get("/groups/audit/", {"target_type": "workgroups.user"}).content.decode()
    by_id = client.get("/groups/audit/", {"target_type": "workgroups.user", "target_id": cast["lb_monitor"].pk}).content.decode()

    assert _rows(by_type) == 2
    assert _rows(by_id) == 1 and f"#{cast['lb_monitor'].pk}" in by_id


def test_filter_by_days_reads_the_days_in_the_groups_zone(client, cast, monkeypatch):
    """21:30 UTC on 30 June is 00:30 on 1 July in Beirut: it belongs to 1 July there."""
    late = dt.datetime(2026, 6, 30, 21, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    audit.record(actor=system("t"), action="geo.site_created", working_group_id=_lb(cast))
    monkeypatch.undo()
    sign_in(client, cast["lb_auditor"])

    first_of_july = client.get("/groups/audit/", {"date_from": "2026-07-01", "date_to": "2026-07-01"}).content.decode()
    thirtieth = client.get("/groups/audit/", {"date_from": "2026-06-30", "date_to": "2026-06-30"}).content.decode()

    assert _rows(first_of_july) == 1 and _rows(thirtieth) == 0
    assert "Days are read in Beirut time." in first_of_july


def test_a_reversed_date_range_is_refused_with_a_message(client, cast):
    sign_in(client, cast["lb_auditor"])
    page = client.get("/groups/audit/", {"date_from": "2026-07-02", "date_to": "2026-07-01"}).content.decode()
    assert "The end date is before the start date." in page


def test_the_group_filter_offers_only_the_auditors_groups(client, cast):
    audit.record(actor=system("t"), action="geo.site_created", working_group_id=cast.groups["jo"].pk)
    sign_in(client, cast["lb_auditor"])

    page = client.get("/groups/audit/", {"group": cast.groups["jo"].pk}).content.decode()

    assert cast.groups["jo"].name not in page
    assert "Select a valid choice" in page
    assert "Site created" not in _table(page)


def _link(page: str, testid: str) -> str:
    found = re.search(rf'href="\?([^"]*)" data-testid="{testid}"', page)
    assert found, f"no {testid} link"
    return found.group(1).replace("&amp;", "&")


def test_filters_are_kept_in_the_pager_which_pages_by_key(client, cast):
    rows = [audit.record(actor=cast["lb_registration_officer"], action="household.updated", working_group_id=_lb(cast)) for _ in range(51)]
    audit.record(actor=cast["lb_registration_officer"], action="household.created", working_group_id=_lb(cast))
    sign_in(client, cast["lb_auditor"])

    first = client.get("/groups/audit/", {"action": "household.updated"}).content.decode()
    older = _link(first, "page-older")
    second = client.get(f"/groups/audit/?{older}").content.decode()
    newer = _link(second, "page-newer")
    back = client.get(f"/groups/audit/?{newer}").content.decode()

    assert older == f"action=household.updated&before={rows[1].seq}"
    assert _rows(first) == 50 and 'data-testid="page-newer"' not in first
    assert _rows(second) == 1 and f'<td data-label="#">{rows[0].seq}</td>' in second and 'data-testid="page-older"' not in second
    assert "Household registered" not in _table(second)
    assert newer == f"action=household.updated&after={rows[0].seq}"
    assert _rows(back) == 50 and f'<td data-label="#">{rows[50].seq}</td>' in back and f'<td data-label="#">{rows[1].seq}</td>' in back
    assert 'data-testid="page-newer"' not in back and 'data-testid="page-older"' in back


def test_the_read_log_pages_by_its_own_key(client, cast):
    reads = [audit.record_read(actor=cast["lb_finance_officer"], action="person.viewed", ids=[n], working_group_id=_lb(cast)) for n in range(51)]
    sign_in(client, cast["lb_auditor"])

    first = client.get("/groups/audit/", {"log": "reads"}).content.decode()
    older = _link(first, "page-older")

    assert older == f"log=reads&before={reads[1].id}"
    assert _rows(client.get(f"/groups/audit/?{older}").content.decode()) == 1


def test_the_read_log_takes_the_same_filters(client, cast):
    audit.record_read(actor=cast["lb_finance_officer"], action="registry.households_listed", ids=[41], working_group_id=_lb(cast))
    audit.record_read(actor=cast["lb_registration_officer"], action="person.viewed", ids=[42], working_group_id=_lb(cast))
    sign_in(client, cast["lb_auditor"])

    page = client.get("/groups/audit/", {"log": "reads", "actor": f"user:{cast['lb_finance_officer'].pk}"}).content.decode()

    assert _rows(page) == 1 and "Household list read" in _table(page) and "File opened" not in _table(page)
    assert '<input type="hidden" name="log" value="reads">' in page
    assert 'href="/groups/audit/export.csv?log=reads&amp;actor=user' in page


def test_the_auditor_of_another_group_sees_none_of_it(client, cast):
    audit.record(actor=cast["lb_registration_officer"], action="household.created", working_group_id=_lb(cast))
    sign_in(client, cast["jo_auditor"])
    page = client.get("/groups/audit/").content.decode()
    assert _rows(page) == 0 and cast["lb_registration_officer"].display_name not in page


def test_the_data_sharing_log_is_linked_once_it_exists(client, cast):
    from django.urls import NoReverseMatch, reverse

    sign_in(client, cast["lb_auditor"])
    page = client.get("/groups/audit/").content.decode()
    try:
        url = reverse("sharing:share_log")
    except NoReverseMatch:
        assert 'data-testid="share-log-link"' not in page  # the page still renders
    else:
        assert f'href="{url}" data-testid="share-log-link"' in page


@pytest.fixture
def arabic():
    """The trail in Arabic comes from the project catalogue; nothing to set up (kept as a marker)."""
    return None


def test_the_trail_in_arabic(arabic, client, cast):
    from django.conf import settings

    audit.record(actor=cast["lb_registration_officer"], action="household.closed", working_group_id=_lb(cast), data={"household_id": 12})
    audit.record(actor=system("seal"), action="audit.reads_sealed", working_group_id=_lb(cast))
    sign_in(client, cast["lb_auditor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    page = client.get("/groups/audit/").content.decode()

    assert 'lang="ar" dir="rtl"' in page
    assert "أُغلق ملف الأسرة" in _table(page) and "مهمة النظام: seal" in _table(page)
    assert "<dt>الأسرة</dt><dd>12</dd>" in _table(page)
    officer = cast["lb_registration_officer"]
    membership = officer.memberships.get()
    assert f"<bdi>{officer.display_name}</bdi> ({membership.organisation.name_ar or membership.organisation.name})" in _table(page)
    assert '<option value="" selected>أيّ أحد</option>' in page
    assert "تُقرأ الأيام بتوقيت بيروت." in page


def test_the_pickers_escape_what_they_list(client, cast):
    officer = cast["lb_registration_officer"]
    officer.display_name = '<b onmouseover="x">Officer</b>'
    officer.save()
    sign_in(client, cast["lb_auditor"])

    page = client.get("/groups/audit/", {"actor": f"user:{officer.pk}"}).content.decode()

    assert "<b onmouseover" not in page
    assert f'<option value="user:{officer.pk}" selected>&lt;b onmouseover=&quot;x&quot;&gt;Officer&lt;/b&gt; (' in page
