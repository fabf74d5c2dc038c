"""The geography pages: every staff role reads them, only movement officers and administrators
edit a crossing, the lookup query never appears in a URL."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sabeel.geo.models import AdminUnit, BorderCrossing
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def page_urls(crossing):
    unit = AdminUnit.objects.get(key="SY12")
    return [
        reverse("geo:admin_unit_list"),
        reverse("geo:admin_unit_detail", args=[unit.pk]),
        reverse("geo:admin_unit_lookup"),
        reverse("geo:crossing_list"),
        reverse("geo:crossing_edit", args=[crossing.pk]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, crossing):
    for url in page_urls(crossing):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("core:sign_in")), url


def test_a_user_without_any_role_is_forbidden(client, cast, crossing):
    sign_in(client, cast["outsider"])

    for url in page_urls(crossing):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["lb_registration_officer", "jo_donor_viewer", "jrg_reconstruction_planner", "lb_auditor"])
def test_every_staff_role_browses_the_same_geography_whatever_its_group(client, cast, gazetteer, persona):
    sign_in(client, cast[persona])

    response = client.get(reverse("geo:admin_unit_list"), {"country": "SY", "level": 1})

    assert response.status_code == 200
    assert [u.key for u in response.context["page"]] == [f"SY{n:02d}" for n in range(1, 15)]
    assert "حلب" in response.content.decode()


def test_the_list_filters_by_parent_and_links_to_the_units_below(client, cast, gazetteer):
    sign_in(client, cast["lb_registration_officer"])
    lebanon = AdminUnit.objects.get(key="LB")

    response = client.get(reverse("geo:admin_unit_list"), {"parent": lebanon.pk})

    assert [u.key for u in response.context["page"]] == [f"LB{n}" for n in range(1, 9)]
    assert response.context["parent"] == lebanon
    all_units = client.get(reverse("geo:admin_unit_list")).content.decode()
    assert f'?parent={lebanon.pk}"' in all_units


def test_the_list_is_paginated_and_keeps_its_filters_on_the_next_page(client, cast, gazetteer):
    sign_in(client, cast["lb_registration_officer"])
    beirut = AdminUnit.objects.get(key="LB1")
    AdminUnit.objects.bulk_create(
        AdminUnit(key=f"LB1{n:02d}", key_kind="pcode", country="LB", level=2, parent=beirut, name_en=f"Quarter {n}")
        for n in range(60)
    )

    first = client.get(reverse("geo:admin_unit_list"), {"level": 2})
    second = client.get(reverse("geo:admin_unit_list"), {"level": 2, "page": 2})

    assert first.context["page"].paginator.count == 60 and len(first.context["page"]) == 50
    assert "?level=2&amp;page=2" in first.content.decode()
    assert [u.key for u in second.context["page"]] == [f"LB1{n:02d}" for n in range(50, 60)]


def test_an_htmx_filter_returns_only_the_rows(client, cast, gazetteer):
    sign_in(client, cast["lb_registration_officer"])

    response = client.get(reverse("geo:admin_unit_list"), {"country": "JO"}, **HTMX)

    html = response.content.decode()
    assert "<html" not in html and 'id="unit-rows"' in html
    assert "Mafraq" in html and "Aleppo" not in html


def test_the_list_page_stays_within_its_query_budget(client, cast, gazetteer, django_assert_max_num_queries):
    sign_in(client, cast["lb_registration_officer"])
    client.get(reverse("geo:admin_unit_list"))  # warm the session and membership caches

    with django_assert_max_num_queries(10):
        client.get(reverse("geo:admin_unit_list"))


def test_a_unit_page_shows_its_names_the_units_above_and_below(client, cast, gazetteer):
    sign_in(client, cast["jo_registration_officer"])
    idlib = AdminUnit.objects.get(key="SY07")

    html = client.get(reverse("geo:admin_unit_detail", args=[idlib.pk])).content.decode()

    assert "إدلب" in html and "Idleb" in html and "SY-ID" in html
    assert reverse("geo:admin_unit_detail", args=[AdminUnit.objects.get(key="SY").pk]) in html


def test_an_unknown_unit_is_not_found(client, cast, gazetteer):
    sign_in(client, cast["jo_registration_officer"])

    assert client.get(reverse("geo:admin_unit_detail", args=[999_999])).status_code == 404


def test_the_lookup_form_posts_and_shows_ties_with_their_levels(client, cast, gazetteer):
    sign_in(client, cast["lb_protection_officer"])
    governorate = AdminUnit.objects.get(key="SY04")
    AdminUnit.objects.create(key="SY0401", key_kind="pcode", country="SY", level=2, parent=governorate, name_en="Homs", name_ar="حمص")

    form = client.get(reverse("geo:admin_unit_lookup")).content.decode()
    response = client.post(reverse("geo:admin_unit_lookup"), {"query": "Homs"})

    assert 'method="post"' in form
    result = response.context["result"]
    assert [m.unit.key for m in result.tied] == ["SY04", "SY0401"]
    html = response.content.decode()
    assert "at different levels" in html and 'data-testid="match-SY0401" class="tied"' in html


def test_an_htmx_lookup_returns_the_results_partial_only(client, cast, gazetteer):
    sign_in(client, cast["lb_protection_officer"])

    response = client.post(reverse("geo:admin_unit_lookup"), {"query": "ادلب"}, **HTMX)

    html = response.content.decode()
    assert "<html" not in html and 'id="lookup-results"' in html
    assert 'data-testid="match-SY07"' in html


def test_a_lookup_in_the_url_is_ignored(client, cast, gazetteer):
    sign_in(client, cast["lb_protection_officer"])

    response = client.get(reverse("geo:admin_unit_lookup"), {"query": "Homs"})

    assert response.context["result"] is None


def test_an_empty_lookup_shows_the_form_error(client, cast, gazetteer):
    sign_in(client, cast["lb_protection_officer"])

    response = client.post(reverse("geo:admin_unit_lookup"), {"query": "  "})

    assert response.context["result"] is None
    assert response.context["form"].errors["query"]


def test_the_crossing_list_says_when_days_and_capacity_are_unknown(client, cast, crossing):
    sign_in(client, cast["jo_registration_officer"])

    response = client.get(reverse("geo:crossing_list"))

    html = response.content.decode()
    assert "Nasib Border Crossing" in html and "unknown" in html
    assert reverse("geo:crossing_edit", args=[crossing.pk]) not in html  # no edit link without geo.edit


def test_the_crossing_list_filters_by_neighbour(client, cast, crossing):
    sign_in(client, cast["jo_registration_officer"])

    assert list(client.get(reverse("geo:crossing_list"), {"country": "LB"}).context["crossings"]) == []
    assert list(client.get(reverse("geo:crossing_list"), {"country": "JO"}).context["crossings"]) == [crossing]


def test_a_movement_officer_sets_opening_days_and_capacity_through_the_form(client, cast, crossing):
    sign_in(client, cast["jo_movement_officer"])
    url = reverse("geo:crossing_edit", args=[crossing.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"days_known": "on", "opening_days": ["0", "1", "2", "3", "6"], "daily_capacity": "1500"})

    assert response.status_code == 302 and response.url == reverse("geo:crossing_list")
    saved = BorderCrossing.objects.get(pk=crossing.pk)
    assert ([int(d) for d in saved.opening_weekdays], saved.daily_capacity) == ([0, 1, 2, 3, 6], 1500)
    listing = client.get(reverse("geo:crossing_list")).content.decode()
    assert "Sunday" in listing and "1500" in listing and url in listing


def test_known_days_with_no_day_ticked_means_closed_every_day(client, cast, crossing):
    sign_in(client, cast["lb_administrator"])

    client.post(reverse("geo:crossing_edit", args=[crossing.pk]), {"days_known": "on", "daily_capacity": ""})

    assert BorderCrossing.objects.get(pk=crossing.pk).opening_weekdays == []


def test_a_role_without_geo_edit_gets_403_on_the_edit_form_and_nothing_changes(client, cast, crossing):
    sign_in(client, cast["lb_registration_officer"])
    url = reverse("geo:crossing_edit", args=[crossing.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"days_known": "on", "opening_days": ["0"], "daily_capacity": "10"}).status_code == 403
    assert BorderCrossing.objects.get(pk=crossing.pk).daily_capacity is None


def test_an_impossible_capacity_is_shown_on_the_form_and_nothing_changes(client, cast, crossing):
    sign_in(client, cast["jo_movement_officer"])

    response = client.post(reverse("geo:crossing_edit", args=[crossing.pk]), {"opening_days": ["0"], "daily_capacity": "0"})

    assert response.status_code == 200
    assert response.context["form"].errors["daily_capacity"]
    saved = BorderCrossing.objects.get(pk=crossing.pk)
    assert (saved.opening_days, saved.daily_capacity) == (None, None)


def test_in_arabic_the_pages_name_units_in_arabic(client, cast, gazetteer):
    sign_in(client, cast["lb_registration_officer"])
    idlib = AdminUnit.objects.get(key="SY07")

    html = client.get(reverse("geo:admin_unit_detail", args=[idlib.pk]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert 'dir="rtl"' in html
    assert "سوريا</a> › إدلب" in html  # the breadcrumb uses the Arabic names


def test_the_crossing_list_separates_opening_days_with_the_comma_of_the_pages_language(client, cast, crossing):
    from django.test import Client
    from django.utils import translation

    sign_in(client, cast["jo_movement_officer"])
    client.post(reverse("geo:crossing_edit", args=[crossing.pk]), {"days_known": "on", "opening_days": ["0", "1"], "daily_capacity": ""})

    english = sign_in(Client(HTTP_ACCEPT_LANGUAGE="en"), cast["jo_registration_officer"]).get(reverse("geo:crossing_list")).content.decode()
    assert "Monday, Tuesday" in english
    with translation.override("ar"):  # the request activates Arabic; leave the language as it was
        arabic = sign_in(Client(HTTP_ACCEPT_LANGUAGE="ar"), cast["jo_registration_officer"]).get(reverse("geo:crossing_list")).content.decode()
        days = "، ".join((translation.gettext("Monday"), translation.gettext("Tuesday")))
    assert days in arabic and days.replace("، ", ", ") not in arabic
