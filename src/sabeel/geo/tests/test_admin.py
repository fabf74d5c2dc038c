"""Reference data in the Django admin is for reading: nothing can be added, changed or deleted there."""

from __future__ import annotations

import pytest

from sabeel.geo.models import AdminUnit
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db


def test_the_platform_administrator_reads_admin_units(client, cast, gazetteer):
    sign_in(client, cast["platform_admin"])
    aleppo = AdminUnit.objects.get(key="SY02")

    listing = client.get("/admin/geo/adminunit/?q=Aleppo")
    detail = client.get(f"/admin/geo/adminunit/{aleppo.pk}/change/")

    assert listing.status_code == 200 and "SY02" in listing.content.decode()
    assert detail.status_code == 200 and "حلب" in detail.content.decode()


def test_nothing_is_added_or_deleted_through_the_admin(client, cast, crossing):
    sign_in(client, cast["platform_admin"])
    aleppo = AdminUnit.objects.get(key="SY02")

    assert client.get("/admin/geo/adminunit/add/").status_code == 403
    assert client.post(f"/admin/geo/adminunit/{aleppo.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/geo/bordercrossing/{crossing.pk}/change/", {"daily_capacity": "5"}).status_code == 403
    assert AdminUnit.objects.filter(pk=aleppo.pk).exists()
