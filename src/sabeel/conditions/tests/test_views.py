"""The conditions pages: what a unit's page shows, recording through the form (plain and htmx),
and the printable package in the person's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sabeel.conditions.models import AreaCondition, InformationPackage
from sabeel.conditions.tests.factories import entry
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

D = dt.date


def _client(cast, persona):
    return sign_in(Client(), cast[persona])


def test_the_unit_page_shows_each_threshold_with_where_it_came_from(cast, places):
    entry(places["SY02"], "amnesty", as_of=D(2025, 1, 20), status="not_met", text_en="No amnesty applies.")
    entry(places["SY020000"], "safety", as_of=D(2025, 3, 3), active_hostilities=True)
    body = _client(cast, "jo_monitor").get(reverse("conditions:unit_conditions", args=[places["SY020000"].pk])).content.decode()
    assert "No amnesty applies." in body
    assert f'data-testid="from-amnesty"><a href="/conditions/units/{places["SY02"].pk}/">' in body
    assert 'data-testid="hostilities-flag"' in body
    assert 'data-testid="record-link"' not in body  # a monitor does not record


def test_a_protection_officer_records_through_the_form(cast, places):
    client = _client(cast, "lb_protection_officer")
    url = reverse("conditions:condition_record", args=[places["SY020000"].pk])
    assert 'data-testid="condition-form"' in client.get(url).content.decode()
    response = client.post(
        url,
        {"threshold": "services", "status": "partly_met", "text_ar": "الكهرباء ساعتان يومياً", "text_en": "Two hours of power a day",
         "source": "WASH cluster", "as_of": "2025-02-01"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("conditions:unit_conditions", args=[places["SY020000"].pk])
    assert AreaCondition.objects.get().text_en == "Two hours of power a day"


def test_the_form_shows_the_services_message_on_the_field(cast, places):
    client = _client(cast, "lb_protection_officer")
    url = reverse("conditions:condition_record", args=[places["SY020000"].pk])
    response = client.post(url, {"threshold": "amnesty", "status": "met", "active_hostilities": "on", "text_ar": "x", "text_en": "x",
                                 "source": "s", "as_of": "2025-02-01"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body  # the form partial only
    assert "Only the safety threshold carries the active-hostilities flag." in body
    assert not AreaCondition.objects.exists()


def test_htmx_recording_sends_the_browser_back_to_the_unit(cast, places):
    client = _client(cast, "lb_protection_officer")
    response = client.post(
        reverse("conditions:condition_record", args=[places["SY02"].pk]),
        {"threshold": "safety", "status": "unknown", "source": "No monitoring access", "as_of": "2025-02-01"},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Redirect"] == reverse("conditions:unit_conditions", args=[places["SY02"].pk])


def test_the_register_lists_units_with_entries_and_finds_others_by_name(cast, places):
    entry(places["SY0200"], "services", as_of=D(2025, 1, 1))
    client = _client(cast, "jo_registration_officer")
    body = client.get(reverse("conditions:index")).content.decode()
    assert 'data-testid="unit-SY0200"' in body and 'data-testid="unit-SY04"' not in body
    found = client.get(reverse("conditions:index"), {"q": "حمص"}).content.decode()
    assert 'data-testid="unit-SY04"' in found and 'data-testid="unit-SY0400"' in found


def test_the_arabic_package_page_is_right_to_left_and_in_arabic(cast, places):
    entry(places["SY02"], "safety", as_of=D(2025, 1, 1), text_en="Calm for months.", text_ar="هدوء منذ أشهر.")
    client = _client(cast, "lb_protection_officer")
    body = client.get(reverse("conditions:package_current", args=[places["SY020000"].pk, "ar"])).content.decode()
    assert '<article class="package" lang="ar" dir="rtl"' in body
    assert "هدوء منذ أشهر." in body and "Calm for months." not in body
    assert "جبل سمعان" in body
    english = client.get(reverse("conditions:package_current", args=[places["SY020000"].pk, "en"])).content.decode()
    assert '<article class="package" lang="en" dir="ltr"' in english and "Calm for months." in english
    assert "never a reason to refuse your decision" in english


def test_a_stored_version_is_shown_as_it_was(cast, places):
    entry(places["SY020000"], "hlp", as_of=D(2025, 1, 1), text_en="Houses damaged.")
    client = _client(cast, "lb_registration_officer")
    client.get(reverse("conditions:package_current", args=[places["SY020000"].pk, "en"]))
    first = InformationPackage.objects.get()
    entry(places["SY020000"], "hlp", as_of=D(2025, 2, 1), text_en="Houses repaired.")
    client.get(reverse("conditions:package_current", args=[places["SY020000"].pk, "en"]))
    body = client.get(reverse("conditions:package_detail", args=[first.pk])).content.decode()
    assert "Houses damaged." in body and "Houses repaired." not in body


def test_an_unknown_package_language_is_not_found(cast, places):
    client = _client(cast, "lb_registration_officer")
    assert client.get(reverse("conditions:package_current", args=[places["SY02"].pk, "fr"])).status_code == 404


# Session, user, second factor, memberships and the page's own reads; they do not grow with the
# number of entries or units.
# The unit page asks once for the reader's time zone (times are shown in it, the zone named).
BUDGETS = {"unit": 15, "index": 9}  # unit: 13, one read of the observed entries, one of the monitoring findings


def test_the_pages_stay_within_their_query_budgets(cast, places, django_assert_max_num_queries):
    for day in range(15):
        entry(places["SY020000"], "services", as_of=D(2024, 1, 1) + dt.timedelta(days=day))
        entry(places["SY0200"], "hlp", as_of=D(2024, 1, 1) + dt.timedelta(days=day))
    client = _client(cast, "lb_protection_officer")
    with django_assert_max_num_queries(BUDGETS["unit"]):
        assert client.get(reverse("conditions:unit_conditions", args=[places["SY020000"].pk])).status_code == 200
    with django_assert_max_num_queries(BUDGETS["index"]):
        assert client.get(reverse("conditions:index")).status_code == 200
