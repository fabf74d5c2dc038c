"""The registry pages, with the personas: what each one sees, the query-count budgets, the
registration form, corrections with a conflict, and that no page or error echoes a name to
someone who may not see it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sabeel.core.models import ReadEntry
from sabeel.core.testing_routes import Scoped
from sabeel.registry.models import Household, Individual
from sabeel.registry.tests import route_expectations
from sabeel.registry.tests.factories import household_make
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

# Query-count budgets per page and persona (session, user, second factor, memberships and the
# audit row included); they do not grow with the number of rows or members.
BUDGETS = {
    # A list page writes one read-log row (its households' ids); a file opened writes one too, without the chain lock.
    # The household page: + 1 for what waits for a protection officer (departures, changes of date of birth, absences),
    # + 1 for the members' records merged into another (identity's merge badges, one query),
# + 1 for the deregistration transitions (one query; their actors and evidence only when there are some).
    "lb_registration_officer": {"list": 12, "household": 17, "history": 16},
    "lb_protection_officer": {"list": 14, "household": 19, "history": 20},  # + case-assignment checks
}


def _audited(budget: int) -> int:
    """An audited page takes the audit chain's advisory lock on PostgreSQL: one query more."""
    from django.db import connection

    return budget + (1 if connection.vendor == "postgresql" else 0)

NAMES = ("محمد", "الحريري", "Hariri", "Fatima", "فاطمة")


def _client(cast, persona: str) -> Client:
    return sign_in(Client(), cast[persona])


@pytest.mark.parametrize("persona", sorted(BUDGETS))
def test_the_list_page_shows_the_groups_households_within_budget(cast, places, persona, django_assert_max_num_queries):
    for _ in range(12):
        household_make(cast, "lb")
    client = _client(cast, persona)
    with django_assert_max_num_queries(BUDGETS[persona]["list"]):
        response = client.get(reverse("registry:household_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="household-') == 12 + 1  # rows and the table
    assert "محمد الحريري" in body
    jordan = _client(cast, "jo_registration_officer").get(reverse("registry:household_list")).content.decode()
    assert "LB-" not in jordan and "الحريري" not in jordan


def test_list_filters_travel_in_the_url_and_htmx_gets_only_the_rows(cast, places):
    household_make(cast, "lb", current_location="LB1")
    client = _client(cast, "lb_registration_officer")
    response = client.get(reverse("registry:household_list"), {"location": "LB2"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="household-rows">') and "LB-" not in body


@pytest.mark.parametrize("persona", sorted(BUDGETS))
def test_the_household_page_and_history_within_budget_and_audited(cast, places, persona, django_assert_max_num_queries):
    from sabeel.registry.tests.factories import head, spouse

    household = household_make(cast, "lb", members=[head(), spouse(), *[spouse(relationship="daughter", first_name_lat=f"Child {i}") for i in range(6)]])
    client = _client(cast, persona)
    url = reverse("registry:household_detail", args=[household.pk])
    with django_assert_max_num_queries(_audited(BUDGETS[persona]["household"])):
        response = client.get(url)
    body = response.content.decode()
    assert household.registration_number in body and "محمد أحمد خالد الحريري" in body
    assert "+9613123456" in body and "LB-15C01234" in body
    assert ReadEntry.objects.filter(action="person.viewed", target_id=str(household.pk)).count() == 1
    with django_assert_max_num_queries(_audited(BUDGETS[persona]["history"])):
        assert client.get(reverse("registry:household_history", args=[household.pk])).status_code == 200


def test_a_finance_officer_sees_names_but_not_needs_or_documents(cast, lebanon_household):
    body = _client(cast, "lb_finance_officer").get(reverse("registry:household_detail", args=[lebanon_household.pk])).content.decode()
    assert "محمد" in body
    assert "SM-CI" not in body and "LB-15C01234" not in body and "National ID" not in body


def test_search_only_by_post_and_the_query_never_in_a_url(cast, lebanon_household):
    client = _client(cast, "lb_registration_officer")
    url = reverse("registry:search")
    page = client.get(url, {"query": "Hariri"}).content.decode()
    assert 'method="post"' in page and "hit-" not in page  # a query in the URL is ignored
    response = client.post(url, {"query": "Muhammad al-Hariri"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="search-results"') and lebanon_household.registration_number in body
    assert not re.search(r"(action|href|hx-post|hx-get)=\"[^\"]*Hariri", body)


def test_the_print_record_is_in_arabic_and_english_with_the_number_prominent(cast, lebanon_household):
    client = _client(cast, "lb_registration_officer")
    body = client.get(reverse("registry:household_print", args=[lebanon_household.pk])).content.decode()
    assert 'data-testid="print-ar"' in body and 'data-testid="print-en"' in body
    assert "محمد أحمد خالد الحريري" in body and "Mohamad Ahmad Khaled El Hariri" in body
    assert body.count(lebanon_household.registration_number) >= 3
    # The print layout is a static stylesheet (the Content-Security-Policy allows no inline style).
    assert '<link rel="stylesheet" href="/static/sabeel/registry-print.css">' in body
    assert "@media print" in "".join(c.decode() for c in Client().get("/static/sabeel/registry-print.css").streaming_content)
    assert ReadEntry.objects.filter(action="person.printed").exists()


def test_registering_a_household_with_two_members_from_the_form(cast, places):
    from sabeel.registry.tests.factories import gazetteer

    gazetteer()
    client = _client(cast, "lb_registration_officer")
    url = reverse("registry:household_create")
    assert client.get(url).status_code == 200
    row = client.get(reverse("registry:member_row"), {"index": 1}).content.decode()
    assert 'name="members-1-first_name_ar"' in row and 'hx-swap-oob="true"' in row and 'value="2"' in row
    data = {
        "working_group": cast.groups["lb"].pk,
        "current_location": "LB2",
        "origin": "SY12",
        "destination": "SY12",
        "preferred_language": "ar",
        "phones": "٠٣ ١٢٣ ٤٥٦",
        "unhcr_case": "LEB-15C09999",
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "40",
        "members-0-relationship": "head",
        "members-0-sex": "M",
        "members-0-first_name_ar": "عبد الرحمن",
        "members-0-family_name_ar": "الحمصي",
        "members-0-first_name_lat": "Abdulrahman",
        "members-0-family_name_lat": "Al-Homsi",
        "members-0-date_of_birth": "1975",
        "members-0-specific_needs": ["SM-CI"],
        "members-1-relationship": "daughter",
        "members-1-sex": "F",
        "members-1-first_name_ar": "آية",
        "members-1-date_of_birth": "2012-06",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get()
    assert response["Location"] == reverse("registry:household_detail", args=[household.pk])
    assert household.phones.get().number == "+9613123456"
    assert household.members.count() == 2


def test_a_form_with_mistakes_shows_a_message_at_each_field_and_saves_nothing(cast, places):
    client = _client(cast, "lb_registration_officer")
    data = {
        "working_group": cast.groups["lb"].pk,
        "preferred_language": "ar",
        "phones": "call me",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-relationship": "spouse",
        "members-0-sex": "F",
        "members-0-date_of_birth": "3000",
    }
    response = client.post(reverse("registry:household_create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Not a phone number" in body and "exactly one head" in body and "date of birth must be between" in body
    assert "Write the first name" in body
    assert Household.objects.count() == 0


def test_two_officers_correcting_a_name_at_once_the_second_sees_the_others_change(cast, lebanon_household):
    principal = lebanon_household.members.get(relationship="head")
    url = reverse("registry:member_edit", args=[lebanon_household.pk, principal.pk])
    first, second = _client(cast, "lb_registration_officer"), _client(cast, "lb_protection_officer")
    form = first.get(url)
    assert 'name="version" value="1"' in form.content.decode()
    second.get(url)
    base = {"version": "1", "relationship": "head", "sex": "M", "date_of_birth": "1980", "first_name_ar": "محمد", "father_name_ar": "أحمد", "grandfather_name_ar": "خالد", "family_name_ar": "الحريري", "father_name_lat": "Ahmad", "grandfather_name_lat": "Khaled", "family_name_lat": "El Hariri", "documents_held": ["national_id"], "documents_missing": ["passport"], "specific_needs": ["SM-CI"], "unhcr_individual": "", "syrian_national": ""}
    assert first.post(url, {**base, "first_name_lat": "Muhammad"}).status_code == 302
    refused = second.post(url, {**base, "first_name_lat": "Mohammed"})
    body = refused.content.decode()
    assert refused.status_code == 200 and 'data-testid="conflict"' in body
    assert str(cast["lb_registration_officer"]) in body and "Muhammad" in body
    principal.refresh_from_db()
    assert principal.first_name_lat == "Muhammad"


def test_close_and_reopen_from_the_page(cast, lebanon_household):
    client = _client(cast, "lb_registration_officer")
    url = reverse("registry:household_status", args=[lebanon_household.pk])
    assert "Give the reason" in client.post(url, {"version": "1", "reason": ""}).content.decode()
    assert client.post(url, {"version": "1", "reason": "Returned to Syria"}).status_code == 302
    assert client.post(url, {"version": "2", "reason": "Came back"}).status_code == 302
    lebanon_household.refresh_from_db()
    assert lebanon_household.status == "open" and lebanon_household.version == 3


def test_remove_and_move_keep_every_record(cast, lebanon_household):
    other = household_make(cast, "lb")
    client = _client(cast, "lb_registration_officer")
    wife = lebanon_household.members.get(relationship="spouse")
    move = reverse("registry:member_move", args=[lebanon_household.pk, wife.pk])
    assert client.post(move, {"version": "1", "registration_number": other.registration_number.replace("-", "")}).status_code == 302
    wife.refresh_from_db()
    assert wife.household_id == other.pk
    remove = reverse("registry:member_remove", args=[other.pk, wife.pk])
    assert client.post(remove, {"version": "2", "reason": "Married and left"}).status_code == 302
    assert Individual.objects.filter(pk=wife.pk, status="removed").exists()


def test_the_history_tab_renders_in_the_groups_time_zone(cast, lebanon_household):
    client = _client(cast, "lb_finance_officer")
    body = client.get(reverse("registry:household_history", args=[lebanon_household.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "Asia/Beirut" in body and "Household registered" in body
    assert "SM-CI" not in body  # finance does not see needs, in the history either
    assert ReadEntry.objects.filter(action="person.history_viewed").exists()


def _urls():
    for name, spec in route_expectations.PAGES.items():
        if isinstance(spec, Scoped):
            yield name, spec


@pytest.mark.parametrize(("name", "spec"), list(_urls()), ids=[n for n, _ in _urls()])
def test_a_donor_gets_403_and_no_name_on_every_registry_route(cast, places, name, spec):
    kwargs = spec.kwargs(cast, "lb") if spec.kwargs else {}
    if spec.marker:
        spec.marker(cast)
    client = _client(cast, "lb_donor_viewer")
    url = reverse(name, kwargs=kwargs)
    response = client.post(url, spec.data) if spec.method == "post" else client.get(url)
    assert response.status_code == 403
    body = response.content.decode()
    assert not any(n in body for n in NAMES)


@pytest.mark.parametrize(("method", "path"), [k for k, v in route_expectations.API.items() if isinstance(v, Scoped)])
def test_a_donor_gets_403_and_no_name_from_every_registry_endpoint(cast, places, method, path):
    spec = route_expectations.API[(method, path)]
    kwargs = spec.kwargs(cast, "lb") if spec.kwargs else {}
    client = _client(cast, "lb_donor_viewer")
    url = path.format(**kwargs)
    response = client.get(url) if method == "get" else getattr(client, method)(url, spec.data, content_type="application/json")
    assert response.status_code == 403
    assert not any(n in response.content.decode() for n in NAMES)


def test_an_error_page_never_echoes_a_name(cast, lebanon_household):
    jordan = _client(cast, "jo_registration_officer")
    for url in (
        reverse("registry:household_detail", args=[lebanon_household.pk]),
        reverse("registry:household_print", args=[lebanon_household.pk]),
        reverse("registry:household_history", args=[lebanon_household.pk]),
    ):
        response = jordan.get(url)
        assert response.status_code == 404
        body = response.content.decode()
        assert not any(n in body for n in NAMES) and lebanon_household.registration_number not in body


def test_opening_a_correction_form_is_a_view_of_the_file_but_a_refusal_records_nothing(cast, lebanon_household):
    member = lebanon_household.members.get(relationship="head")
    url = reverse("registry:member_edit", args=[lebanon_household.pk, member.pk])
    assert _client(cast, "lb_finance_officer").get(url).status_code == 403
    assert not ReadEntry.objects.filter(action="person.viewed").exists()
    assert _client(cast, "lb_registration_officer").get(url).status_code == 200
    assert ReadEntry.objects.filter(action="person.viewed", target_id=str(lebanon_household.pk)).count() == 1


def test_the_list_offers_an_export_under_an_agreement_to_those_who_may_export(client, cast):
    from django.urls import reverse

    from sabeel.workgroups.testing import sign_in

    sign_in(client, cast["lb_registration_officer"])
    page = client.get(reverse("registry:household_list"), {"status": "open"}).content.decode()
    assert f'href="{reverse("sharing:household_export")}?status=open"' in page

    sign_in(client, cast["lb_finance_officer"])  # reads people, exports nothing
    assert 'data-testid="export-list"' not in client.get(reverse("registry:household_list")).content.decode()
