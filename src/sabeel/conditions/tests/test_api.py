"""The conditions API at /api/conditions: current conditions with provenance, the history,
recording (protection officers), the package; errors in the core envelope."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from sabeel.conditions.models import AreaCondition
from sabeel.conditions.tests.factories import entry
from sabeel.core.tokens import api_token_create
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

D = dt.date
ENTRY = {"threshold": "safety", "status": "not_met", "source": "Monitoring", "as_of": "2025-03-03",
         "text_en": "Shelling", "text_ar": "قصف", "active_hostilities": True}


def _post(client, url, body, **extra):
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


def test_current_conditions_say_where_each_came_from(cast, places):
    entry(places["SY02"], "amnesty", as_of=D(2025, 1, 20), status="not_met")
    entry(places["SY0200"], as_of=D(2025, 3, 3), active_hostilities=True)
    client = sign_in(Client(), cast["jo_donor_viewer"])
    body = client.get(f"/api/conditions/units/{places['SY020000'].pk}/current").json()
    amnesty = next(t for t in body["thresholds"] if t["threshold"] == "amnesty")
    assert amnesty["status"] == "not_met" and amnesty["inherited"] and amnesty["recorded_for"]["key"] == "SY02"
    assert body["active_hostilities"] == {"flagged": True, "since": "2025-03-03", "recorded_for": body["active_hostilities"]["recorded_for"]}
    assert body["active_hostilities"]["recorded_for"]["key"] == "SY0200"


def test_a_protection_officer_records_with_a_token(cast, places):
    _row, token = api_token_create(actor=cast["lb_protection_officer"], name="field laptop")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    response = _post(client, f"/api/conditions/units/{places['SY020000'].pk}/entries", ENTRY)
    assert response.status_code == 201, response.content
    assert response.json()["active_hostilities"] is True
    history = client.get(f"/api/conditions/units/{places['SY020000'].pk}/entries").json()
    assert [e["id"] for e in history] == [AreaCondition.objects.get().pk]


def test_a_refused_entry_answers_400_with_a_message_per_field(cast, places):
    client = sign_in(Client(), cast["lb_protection_officer"])
    response = _post(client, f"/api/conditions/units/{places['SY020000'].pk}/entries", {**ENTRY, "threshold": "amnesty"})
    assert response.status_code == 400
    assert "active_hostilities" in response.json()["error"]["fields"]
    bad = _post(client, f"/api/conditions/units/{places['SY020000'].pk}/entries", {**ENTRY, "status": "fine"})
    assert bad.status_code == 422 and "status" in bad.json()["error"]["fields"]
    assert not AreaCondition.objects.exists()


def test_a_registration_officer_reads_but_cannot_record(cast, places):
    client = sign_in(Client(), cast["lb_registration_officer"])
    response = _post(client, f"/api/conditions/units/{places['SY020000'].pk}/entries", ENTRY)
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_the_package_endpoint_versions_by_content(cast, places):
    client = sign_in(Client(), cast["lb_registration_officer"])
    url = f"/api/conditions/units/{places['SY020000'].pk}/package"
    first = client.get(url, {"language": "ar"}).json()
    assert first["version"] == 1 and first["language"] == "ar"
    assert client.get(url, {"language": "ar"}).json()["id"] == first["id"]
    entry(places["SY020000"], as_of=D(2025, 1, 1))
    second = client.get(url, {"language": "ar"}).json()
    assert second["version"] == 2
    assert client.get(f"/api/conditions/packages/{first['id']}").json()["content"] == first["content"]
    assert client.get(url, {"language": "fr"}).status_code == 422


def test_a_lebanese_unit_has_no_conditions(cast, places):
    from sabeel.geo.models import AdminUnit

    client = sign_in(Client(), cast["lb_registration_officer"])
    response = client.get(f"/api/conditions/units/{AdminUnit.objects.get(key='LB2').pk}/current")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
