"""The household list filters, on the page and the API (one ``HouseholdFilterForm``): places by
name in either script or by code, and the funnel snapshot's intention, consent state and
eligibility — a household without a snapshot row is never listed as eligible."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sabeel.registry.models import Household
from sabeel.registry.tests.factories import household_make
from sabeel.reports.choices import ConsentState
from sabeel.reports.models import HouseholdFunnel
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db
API = "/api/registry/households"
PERSONAS = ("lb_registration_officer", "lb_protection_officer")


def _client(cast, persona: str) -> Client:  # type: ignore[no-untyped-def]
    return sign_in(Client(), cast[persona])


def _page_ids(client: Client, **params: str) -> set[int]:
    body = client.get(reverse("registry:household_list"), params).content.decode()
    return {h.pk for h in Household.objects.all() if f'data-testid="household-{h.pk}"' in body}


def _api_ids(client: Client, **params: str) -> set[int]:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def _snapshot(household: Household, *, computed_at: dt.datetime | None = None, **values) -> HouseholdFunnel:  # type: ignore[no-untyped-def]
    return HouseholdFunnel.objects.create(
        household=household, working_group=household.working_group, computed_at=computed_at or timezone.now(), **values
    )


@pytest.fixture
def funnel(cast, places):  # type: ignore[no-untyped-def]
    """Four Lebanese households: eligible, consented but not eligible, never asked, and one
    without a snapshot row; and an eligible one in Jordan (outside the Lebanon personas' scope)."""
    eligible = household_make(cast, "lb")
    blocked = household_make(cast, "lb")
    never = household_make(cast, "lb")
    missing = household_make(cast, "lb")
    jordan = household_make(cast, "jo")
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    _snapshot(eligible, intention="yes", consent_state=ConsentState.CONSENTED, eligible=True, computed_at=an_hour_ago)
    _snapshot(blocked, intention="yes", consent_state=ConsentState.CONSENTED, eligible=False, reasons=["area_not_safe"])
    _snapshot(never, intention="", consent_state=ConsentState.NONE, eligible=False)
    _snapshot(jordan, intention="yes", consent_state=ConsentState.CONSENTED, eligible=True)
    return {"eligible": eligible, "blocked": blocked, "never": never, "missing": missing, "jordan": jordan, "oldest": an_hour_ago}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("read", [_page_ids, _api_ids], ids=["page", "api"])
def test_eligibility_filter_never_lists_a_household_without_a_snapshot_row(cast, funnel, persona, read):
    client = _client(cast, persona)
    assert read(client, eligible="yes") == {funnel["eligible"].pk}
    assert read(client, eligible="no") == {funnel["blocked"].pk, funnel["never"].pk}
    assert read(client, eligible="unknown") == {funnel["missing"].pk}
    assert read(client) == {funnel[k].pk for k in ("eligible", "blocked", "never", "missing")}


@pytest.mark.parametrize("read", [_page_ids, _api_ids], ids=["page", "api"])
def test_a_stale_verdict_is_not_eligible_but_not_yet_assessed(cast, funnel, read):
    HouseholdFunnel.objects.filter(pk=funnel["eligible"].pk).update(stale=True)
    client = _client(cast, "lb_registration_officer")
    assert read(client, eligible="yes") == set()
    assert read(client, eligible="unknown") == {funnel["eligible"].pk, funnel["missing"].pk}


@pytest.mark.parametrize("read", [_page_ids, _api_ids], ids=["page", "api"])
def test_intention_and_consent_state_filters(cast, funnel, read):
    client = _client(cast, "lb_registration_officer")
    assert read(client, intention="yes") == {funnel["eligible"].pk, funnel["blocked"].pk}
    assert read(client, intention="never") == {funnel["never"].pk}
    assert read(client, intention="no") == set()
    assert read(client, consent_state="consented") == {funnel["eligible"].pk, funnel["blocked"].pk}
    assert read(client, consent_state="none") == {funnel["never"].pk}
    assert read(client, consent_state="consented", eligible="yes") == {funnel["eligible"].pk}


def test_the_jordan_officer_sees_only_jordans_eligible_household(cast, funnel):
    client = _client(cast, "jo_registration_officer")
    assert _page_ids(client, eligible="yes") == {funnel["jordan"].pk}
    assert _api_ids(client, eligible="yes") == {funnel["jordan"].pk}


def test_a_bad_funnel_value_is_refused_by_the_api_and_ignored_by_the_page(cast, funnel):
    client = _client(cast, "lb_registration_officer")
    response = client.get(API, {"eligible": "maybe"})
    assert response.status_code == 400 and "eligible" in response.json()["error"]["fields"]
    page = client.get(reverse("registry:household_list"), {"eligible": "maybe"})
    assert page.status_code == 200 and "Some filters are not valid" in page.content.decode()


def test_the_page_and_api_tell_the_as_of_time_of_the_snapshot_only_when_a_funnel_filter_is_used(cast, funnel):
    client = _client(cast, "lb_registration_officer")
    plain = client.get(reverse("registry:household_list")).content.decode()
    assert 'data-testid="funnel-as-of"' not in plain
    filtered = client.get(reverse("registry:household_list"), {"eligible": "yes"}).content.decode()
    assert 'data-testid="funnel-as-of"' in filtered and "Beirut time" in filtered
    body = client.get(API, {"consent_state": "consented"}).json()
    as_of = dt.datetime.fromisoformat(body["eligibility_as_of"])
    assert abs(as_of - funnel["oldest"]) < dt.timedelta(milliseconds=1)  # the oldest row, to the JSON encoder's millisecond
    assert "eligibility_as_of" not in client.get(API).json()
    nobody = client.get(API, {"eligible": "unknown"}).json()
    assert nobody["eligibility_as_of"] is None and nobody["count"] == 1


@pytest.mark.parametrize("read", [_page_ids, _api_ids], ids=["page", "api"])
@pytest.mark.parametrize(("origin", "matches"), [("Daraa", True), ("درعا", True), ("SY12", True), ("Homs", False), ("حمص", False)])
def test_origin_by_name_in_either_script_or_code(cast, places, read, origin, matches):
    household = household_make(cast, "lb")  # from SY12, Daraa
    client = _client(cast, "lb_registration_officer")
    assert read(client, origin=origin) == ({household.pk} if matches else set())


@pytest.mark.parametrize("read", [_page_ids, _api_ids], ids=["page", "api"])
def test_location_by_name_in_either_script(cast, places, read):
    bekaa = household_make(cast, "lb")  # lives in LB2, Bekaa
    beirut = household_make(cast, "lb", current_location="LB1")
    client = _client(cast, "lb_registration_officer")
    assert read(client, location="Bekaa") == {bekaa.pk}
    assert read(client, location="البقاع") == {bekaa.pk}
    assert read(client, location="بيروت") == {beirut.pk}
    assert read(client, location="لبنان") == {bekaa.pk, beirut.pk}  # the country and the places within it


def test_an_ambiguous_or_unknown_place_is_explained_on_the_page_and_by_the_api(cast, places):
    from sabeel.geo.choices import Country, KeyKind, Level
    from sabeel.geo.models import AdminUnit

    AdminUnit.objects.create(
        key="SY0400", key_kind=KeyKind.PCODE, country=Country.SYRIA, level=Level.ADMIN2,
        parent=AdminUnit.objects.get(key="SY04"), name_en="Homs", name_ar="حمص",
    )  # fmt: skip
    client = _client(cast, "lb_registration_officer")
    page = client.get(reverse("registry:household_list"), {"origin": "Homs"}).content.decode()
    assert "matches several places" in page and "SY04 · Homs" in page and "SY0400 · Homs" in page
    api = client.get(API, {"origin": "حمص"})
    assert api.status_code == 400
    assert "SY0400" in api.json()["error"]["fields"]["origin"][0]
    unknown = client.get(API, {"location": "Atlantis"}).json()["error"]["fields"]["location"][0]
    assert "No place matches" in unknown
    wrong = client.get(API, {"location": "Homs"}).json()["error"]["fields"]["location"][0]
    assert "host country" in wrong


def test_the_filter_labels_no_longer_ask_for_an_admin_unit_key(cast, places):
    body = _client(cast, "lb_registration_officer").get(reverse("registry:household_list")).content.decode()
    assert "admin unit key" not in body.lower()
    assert 'name="origin"' in body and 'placeholder="Name or code"' in body


def test_with_the_real_snapshot_a_registered_household_is_not_eligible_and_one_not_yet_refreshed_is_unknown(cast, places):
    """Rows written by ``reports.snapshot`` (the one eligibility function), not by hand: a household
    just registered, never asked nor counselled, is listed as not eligible once refreshed, and as not
    yet assessed before — never as eligible."""
    from sabeel.reports.snapshot import refresh_households

    refreshed = household_make(cast, "lb")
    pending = household_make(cast, "lb")
    HouseholdFunnel.objects.filter(pk__in=[refreshed.pk, pending.pk]).delete()  # whatever a commit hook wrote
    refresh_households([refreshed.pk])
    row = HouseholdFunnel.objects.get(pk=refreshed.pk)
    assert row.eligible is False and row.intention == "" and row.consent_state == ConsentState.NONE
    client = _client(cast, "lb_protection_officer")
    for read in (_page_ids, _api_ids):
        assert read(client, eligible="yes") == set()
        assert read(client, eligible="no") == {refreshed.pk}
        assert read(client, eligible="unknown") == {pending.pk}
        assert read(client, intention="never") == {refreshed.pk}
