import pytest
from sabeel.core.testing import sign_in

pytestmark = pytest.mark.django_db


def test_home(client, cast):
    sign_in(client, cast["lb_registration_officer"])
    r = client.get("/")
    assert r.status_code == 200, r.content[:500]
    r = client.get(f"/groups/{cast.groups['jo'].pk}/")
    assert r.status_code == 404
    r = client.get(f"/groups/{cast.groups['lb'].pk}/")
    assert r.status_code == 200
    r = client.get("/api/working-groups/")
    assert r.status_code == 200, r.content
    assert [g["code"] for g in r.json()] == ["lb"]
    r = client.get("/api/docs")
    assert r.status_code == 200
