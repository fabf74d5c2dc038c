"""The audit trail's CSV export: HXL-tagged (read back with libhxl), streamed chunk by chunk,
filtered like the page, scoped to the auditor's groups, and itself recorded in the trail
(``audit.exported`` with the filters and the row count, never a name).

The permission matrix cannot read a stream for its marker, so the matrix's checks are made here:
anonymous → sign-in, a wrong role → 403, an outsider → 403, the other group's auditor → none of
Lebanon's rows."""

from __future__ import annotations

import io
from typing import Any

import hxl
import pytest
from django.test import Client

from sabeel.core import audit
from sabeel.core.actors import system
from sabeel.core.models import AuditEntry
from sabeel.workgroups import views
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

URL = "/groups/audit/export.csv"
TAGS = [
    "#meta+row+id",
    "#date+local",
    "#meta+actor+type",
    "#meta+actor+name",
    "#activity+code",
    "#activity+name",
    "#meta+target+type",
    "#meta+target+id",
    "#org+working_group+name",
    "#meta+rows+num",
    "#description+data",
]


def _download(client: Client, **params: Any) -> tuple[Any, bytes]:
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    return response, b"".join(response.streaming_content)


def _rows(data: bytes) -> list[dict[str, str]]:
    source = hxl.data(io.BytesIO(data))
    assert [c.display_tag for c in source.columns] == TAGS
    tags = [c.display_tag for c in source.columns]
    return [dict(zip(tags, row.values, strict=True)) for row in source]


def test_the_export_is_hxl_tagged_and_readable(client, cast):
    officer = cast["lb_registration_officer"]
    audit.record(actor=officer, action="household.created", working_group_id=cast.groups["lb"].pk, data={"household_id": 9})
    sign_in(client, cast["lb_auditor"])

    response, data = _download(client)

    assert 'attachment; filename="sabeel-audit-trail-' in response["Content-Disposition"]
    row = next(r for r in _rows(data) if r["#activity+code"] == "household.created")
    assert row["#activity+name"] == "Household registered"
    assert row["#meta+actor+name"].startswith(officer.display_name + " (")
    assert row["#org+working_group+name"] == cast.groups["lb"].name
    assert row["#description+data"] == "Household: 9"
    assert row["#date+local"].endswith(("+02:00", "+03:00"))  # Beirut


def test_the_export_takes_the_pages_filters(client, cast):
    lb = cast.groups["lb"].pk
    audit.record(actor=cast["lb_registration_officer"], action="household.created", working_group_id=lb)
    audit.record(actor=cast["lb_registration_officer"], action="household.closed", working_group_id=lb)
    sign_in(client, cast["lb_auditor"])

    _response, data = _download(client, action="household.closed")

    assert [r["#activity+code"] for r in _rows(data)] == ["household.closed"]


def test_the_read_log_exports_too(client, cast):
    audit.record_read(actor=cast["lb_finance_officer"], action="registry.households_listed", ids=[41, 42], working_group_id=cast.groups["lb"].pk)
    sign_in(client, cast["lb_auditor"])

    response, data = _download(client, log="reads")

    rows = _rows(data)
    assert "sabeel-read-log-" in response["Content-Disposition"]
    assert [(r["#activity+name"], r["#meta+rows+num"]) for r in rows] == [("Household list read", "2")]


def test_the_export_streams_in_chunks_with_one_header(client, cast, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_CHUNK", 3)
    for number in range(7):
        audit.record(actor=system(f"job-{number}"), action="geo.site_updated", working_group_id=cast.groups["lb"].pk)
    sign_in(client, cast["lb_auditor"])

    response = client.get(URL, {"action": "geo.site_updated"})
    chunks = list(response.streaming_content)

    assert len(chunks) == 1 + 3  # the header, then chunks of 3, 3 and 1 rows
    data = b"".join(chunks)
    assert data.count("\ufeff".encode()) == 1 and data.count(b"#activity +code") == 1
    assert [r["#meta+actor+name"] for r in _rows(data)] == [f"System job: job-{n}" for n in range(6, -1, -1)]


def test_the_export_is_recorded_with_its_filters_and_no_names(client, cast):
    lb = cast.groups["lb"].pk
    officer = cast["lb_registration_officer"]
    audit.record(actor=officer, action="household.created", working_group_id=lb)
    sign_in(client, cast["lb_auditor"])

    _download(client, actor=f"user:{officer.pk}", date_from="2020-01-01")

    row = AuditEntry.objects.filter(action="audit.exported").get()
    assert row.working_group_id == lb
    assert row.actor_id == str(cast["lb_auditor"].pk)
    assert row.data == {"log": "trail", "actor_kind": "user", "actor_id": str(officer.pk), "date_from": "2020-01-01", "row_count": 1}
    assert officer.display_name not in str(row.data)


def test_an_export_across_the_auditors_groups_is_recorded_in_each(client, cast):
    from sabeel.core.roles import Role
    from sabeel.workgroups.models import Membership

    auditor = cast["lb_auditor"]
    lb_membership = Membership.objects.get(user=auditor)
    Membership.objects.create(
        user=auditor, working_group=cast.groups["jo"], organisation=lb_membership.organisation,
        role=Role.AUDITOR, starts_on=lb_membership.starts_on,
    )
    sign_in(client, auditor)

    _download(client)

    assert sorted(AuditEntry.objects.filter(action="audit.exported").values_list("working_group_id", flat=True)) == sorted(
        [cast.groups["lb"].pk, cast.groups["jo"].pk]
    )


def test_who_may_export(cast):
    lb = cast.groups["lb"].pk
    audit.record(actor=system("matrix"), action="matrix.lebanon_marker", working_group_id=lb)

    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "/sign-in/" in anonymous["Location"]
    assert sign_in(Client(), cast["lb_registration_officer"]).get(URL).status_code == 403
    assert sign_in(Client(), cast["lb_donor_viewer"]).get(URL).status_code == 403
    assert sign_in(Client(), cast["outsider"]).get(URL).status_code == 403

    _response, jordan = _download(sign_in(Client(), cast["jo_auditor"]))
    assert b"matrix.lebanon_marker" not in jordan
    _response, lebanon = _download(sign_in(Client(), cast["lb_auditor"]))
    assert b"matrix.lebanon_marker" in lebanon
    assert not AuditEntry.objects.filter(action="audit.exported", actor_id=str(cast["lb_registration_officer"].pk)).exists()
