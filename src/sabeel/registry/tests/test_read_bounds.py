"""Reads of names are audited and bounded: each page of the household list (page or API) and each
search leaves one read row with the ids it returned; a role without ``person.export`` gets pages of
at most 50 and cannot page through a whole group, while one with it can."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sabeel.core.models import ReadEntry
from sabeel.registry.search import person_search
from sabeel.registry.tests.factories import household_make
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

API = "/api/registry/households"
NAMES = ("محمد", "الحريري", "Hariri")


@pytest.fixture
def fifty_five(cast, places) -> list[int]:
    return [household_make(cast, "lb").pk for _ in range(55)]


def test_each_list_page_is_one_read_holding_its_households_ids_and_no_name(cast, fifty_five):
    officer = cast["lb_registration_officer"]
    browser = sign_in(Client(), officer)

    response = browser.get(reverse("registry:household_list"), {"page": 2})

    assert response.status_code == 200
    [read] = ReadEntry.objects.filter(action="registry.households_listed")
    newest_first = sorted(fifty_five, reverse=True)
    assert read.data == {"row_ids": newest_first[50:]} and read.count == 5
    assert (read.actor_id, read.working_group_id, read.is_list) == (str(officer.pk), cast.groups["lb"].pk, True)
    assert not any(name in str(read.data) for name in NAMES)


def test_a_role_without_export_gets_at_most_fifty_rows_from_the_api(cast, fifty_five):
    finance = sign_in(Client(), cast["lb_finance_officer"])
    registration = sign_in(Client(), cast["lb_registration_officer"])

    capped = finance.get(API, {"limit": 200}).json()
    full = registration.get(API, {"limit": 200}).json()

    assert (capped["count"], capped["limit"], len(capped["items"])) == (55, 50, 50)
    assert (full["limit"], len(full["items"])) == (200, 55)
    assert [r.count for r in ReadEntry.objects.filter(action="registry.households_listed").order_by("pk")] == [50, 55]


def test_a_role_without_export_cannot_page_through_the_group(cast, places, settings, clock: Any):
    settings.READ_LIST_PAGES_PER_WINDOW = 3
    household_make(cast, "lb")
    finance = sign_in(Client(), cast["lb_finance_officer"])
    for page in range(3):
        assert finance.get(API, {"offset": page * 50}).status_code == 200

    refused = finance.get(API, {"offset": 150})
    page = finance.get(reverse("registry:household_list"))

    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert refused.json()["error"]["message"].startswith("You have opened many list pages in a short time. Wait 10 minutes")
    assert page.status_code == 429 and 'data-testid="read-limited"' in page.content.decode()
    assert ReadEntry.objects.filter(action="registry.households_listed").count() == 3  # refusals return no rows
    clock.advance(minutes=11)
    assert finance.get(API).status_code == 200


def test_a_role_with_export_is_not_held_by_the_paging_limit(cast, places, settings):
    settings.READ_LIST_PAGES_PER_WINDOW = 1
    household_make(cast, "lb")
    registration = sign_in(Client(), cast["lb_registration_officer"])

    assert [registration.get(API).status_code for _ in range(3)] == [200, 200, 200]


def test_a_search_is_one_read_holding_the_people_it_returned(cast, places):
    household = household_make(cast, "lb")

    result = person_search(actor=cast["lb_registration_officer"], query="Muhammad al-Hariri")

    [read] = ReadEntry.objects.filter(action="person.searched")
    assert read.data["row_ids"] == [hit.individual_id for hit in result.hits] and read.count == len(result.hits) >= 1
    assert household.members.filter(pk=read.data["row_ids"][0]).exists()
    assert "Hariri" not in str(read.data)


def test_export_in_one_group_does_not_lift_the_cap_for_another(cast, fifty_five):
    from sabeel.workgroups.models import Membership

    officer = cast["lb_registration_officer"]
    Membership.objects.create(
        user=officer,
        working_group=cast.groups["jo"],
        organisation=cast.organisations["un"],
        role="monitor",  # reads Jordan's people, may not export them
        starts_on=cast.groups["jo"].created_at.date(),
    )

    answer = sign_in(Client(), officer).get(API, {"limit": 200}).json()

    assert (answer["limit"], len(answer["items"])) == (50, 50)
