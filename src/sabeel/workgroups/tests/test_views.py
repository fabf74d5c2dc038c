"""Working-group pages: the home page per role, the group page, the auditor's trail in local time."""

from __future__ import annotations

import datetime as dt

import pytest

from sabeel.core import audit
from sabeel.core.actors import system
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def test_home_shows_each_membership_of_the_user(client, cast):
    sign_in(client, cast["jo_protection_officer"])
    page = client.get("/").content.decode()
    assert 'data-testid="membership-jo-protection_officer"' in page
    assert "membership-lb" not in page


def test_home_links_the_audit_trail_for_auditors_only(client, cast):
    sign_in(client, cast["lb_auditor"])
    assert "/groups/audit/" in client.get("/").content.decode()
    sign_in(client, cast["lb_registration_officer"])
    assert "/groups/audit/" not in client.get("/").content.decode()


def test_group_page_lists_current_members_only(client, cast):
    from sabeel.workgroups.models import Membership

    ended = Membership.objects.get(user=cast["lb_monitor"])
    ended.ends_on = ended.starts_on
    ended.save()
    sign_in(client, cast["lb_registration_officer"])
    page = client.get(f"/groups/{cast.groups['lb'].pk}/").content.decode()
    assert str(cast["lb_movement_officer"]) in page
    assert str(cast["lb_monitor"]) not in page
    assert str(cast["jo_movement_officer"]) not in page


def test_audit_trail_shows_times_in_the_group_time_zone(client, cast, monkeypatch):
    from django.utils import timezone

    moment = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    audit.record(actor=system("test"), action="tz.check", working_group_id=cast.groups["lb"].pk)
    monkeypatch.undo()
    sign_in(client, cast["lb_auditor"])
    page = client.get("/groups/audit/").content.decode()
    assert "12:30" in page  # Beirut is UTC+3 in summer
    assert "EEST" in page or "+03" in page


def test_the_auditor_reads_the_read_log_of_their_own_group_only(client, cast):
    audit.record_read(actor=cast["lb_finance_officer"], action="registry.households_listed", ids=[41, 42], is_list=True, working_group_id=cast.groups["lb"].pk)
    audit.record_read(actor=cast["jo_finance_officer"], action="registry.households_listed", ids=[77], is_list=True, working_group_id=cast.groups["jo"].pk)
    sign_in(client, cast["lb_auditor"])

    page = client.get("/groups/audit/", {"log": "reads"}).content.decode()

    assert page.count('data-testid="audit-row"') == 1
    assert "[41, 42]" in page and "[77]" not in page  # the other group's ids as the log shows them (a bare 77 can occur in the CSRF token)
    sign_in(client, cast["lb_registration_officer"])
    assert client.get("/groups/audit/", {"log": "reads"}).status_code == 403
