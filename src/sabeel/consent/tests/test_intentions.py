"""Return intentions recorded by officers: each answer is a new dated record and the latest one
counts; a Jordan officer never sees a Lebanon household's answers; pages and API alike."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.http import Http404
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from sabeel.conditions.tests.factories import places_load
from sabeel.consent import intentions
from sabeel.consent.models import ReturnIntention
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.registry.services import household_close
from sabeel.registry.tests.factories import household_make
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def lebanon(cast):
    places_load()
    return household_make(cast, "lb")


@pytest.fixture
def jordan(cast):
    places_load()
    return household_make(cast, "jo")


def _record(cast, household, persona="lb_registration_officer", **values):
    defaults = {"hopes_to_return": "yes", "intends_within_12_months": "unsure"}
    return intentions.intention_record(actor=cast[persona], household=household, **{**defaults, **values})


def test_an_officer_records_an_answer_and_the_trail_holds_ids_only(cast, lebanon):
    intention = _record(
        cast, lebanon, preferred_destination="SY020000", reasons=["family"], obstacles=["documents", "shelter"],
        go_and_see_interest=True, decision_maker="joint", recorded_on=D(2025, 1, 15),
    )
    assert intention.source == "officer" and intention.recorded_by == cast["lb_registration_officer"]
    assert intention.preferred_destination.key == "SY020000" and intention.obstacles == ["documents", "shelter"]
    row = AuditEntry.objects.get(action="intention.recorded")
    assert row.data == {"household_id": lebanon.pk, "intention_id": intention.pk}
    assert row.working_group_id == cast.groups["lb"].pk


def test_each_answer_is_a_new_record_and_the_latest_counts(cast, lebanon):
    first = _record(cast, lebanon, intends_within_12_months="no", recorded_on=D(2025, 1, 1))
    second = _record(cast, lebanon, intends_within_12_months="yes", recorded_on=D(2025, 3, 1))
    _record(cast, lebanon, intends_within_12_months="unsure", recorded_on=D(2024, 6, 1))  # an older answer, entered late
    officer = cast["lb_protection_officer"]
    assert intentions.intention_latest(actor=officer, household=lebanon) == second
    assert list(intentions.intention_list(actor=officer, household=lebanon))[:2] == [second, first]
    first.refresh_from_db()
    assert first.intends_within_12_months == "no"  # never changed


def test_two_answers_on_the_same_day_the_later_recorded_counts(cast, lebanon):
    _record(cast, lebanon, intends_within_12_months="no", recorded_on=D(2025, 1, 1))
    later = _record(cast, lebanon, intends_within_12_months="yes", recorded_on=D(2025, 1, 1))
    assert intentions.intention_latest(actor=cast["lb_registration_officer"], household=lebanon) == later


def test_no_answer_yet_means_no_latest(cast, lebanon):
    assert intentions.intention_latest(actor=cast["lb_registration_officer"], household=lebanon) is None


def test_a_jordan_officer_never_sees_a_lebanon_households_answers(cast, lebanon, jordan):
    _record(cast, lebanon)
    for persona in ("jo_registration_officer", "jo_protection_officer"):
        with pytest.raises(Http404):
            intentions.intention_list(actor=cast[persona], household=lebanon)
        with pytest.raises(Http404):
            _record(cast, lebanon, persona=persona)
    client = sign_in(Client(), cast["jo_protection_officer"])
    assert client.get(reverse("consent:intention_list", args=[lebanon.pk])).status_code == 404
    response = client.get(f"/api/consent/households/{lebanon.pk}/intentions")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert ReturnIntention.objects.filter(household=lebanon).count() == 1


def test_a_finance_officer_reads_answers_but_does_not_record_them(cast, lebanon):
    _record(cast, lebanon)
    assert intentions.intention_list(actor=cast["lb_finance_officer"], household=lebanon).count() == 1
    with pytest.raises(NotPermitted):
        _record(cast, lebanon, persona="lb_finance_officer")
    with pytest.raises(NotPermitted):
        intentions.intention_list(actor=cast["lb_donor_viewer"], household=lebanon)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"hopes_to_return": "maybe"}, "hopes_to_return"),
        ({"intends_within_12_months": ""}, "intends_within_12_months"),
        ({"preferred_destination": "LB2"}, "preferred_destination"),
        ({"preferred_destination": "SY999999"}, "preferred_destination"),
        ({"reasons": ["bored"]}, "reasons"),
        ({"obstacles": ["weather"]}, "obstacles"),
        ({"decision_maker": "neighbour"}, "decision_maker"),
        ({"recorded_on": D(2999, 1, 1)}, "recorded_on"),
        ({"recorded_on": D(2001, 1, 1)}, "recorded_on"),
    ],
)
def test_a_wrong_answer_is_refused_with_a_message_on_the_field(cast, lebanon, values, field):
    with pytest.raises(ServiceError) as refused:
        _record(cast, lebanon, **values)
    assert field in refused.value.fields
    assert not ReturnIntention.objects.exists()


def test_no_answer_is_recorded_on_a_closed_file(cast, lebanon):
    household_close(actor=cast["lb_registration_officer"], household=lebanon, reason="Returned to Syria")
    lebanon.refresh_from_db()
    with pytest.raises(ServiceError) as refused:
        _record(cast, lebanon)
    assert "household" in refused.value.fields


# --- pages ----------------------------------------------------------------------------------------


def test_the_list_page_shows_the_answers_and_the_form(cast, lebanon):
    _record(cast, lebanon, intends_within_12_months="yes", obstacles=["documents"], recorded_on=D(2025, 2, 1))
    body = sign_in(Client(), cast["lb_protection_officer"]).get(reverse("consent:intention_list", args=[lebanon.pk])).content.decode()
    assert 'data-testid="intention-latest"' in body and "Missing civil documents" in body
    assert 'data-testid="intention-form"' in body
    finance = sign_in(Client(), cast["lb_finance_officer"]).get(reverse("consent:intention_list", args=[lebanon.pk])).content.decode()
    assert 'data-testid="intention-rows"' in finance and 'data-testid="intention-form"' not in finance


def test_the_list_page_stays_within_its_query_budget(cast, lebanon, django_assert_max_num_queries):
    """Session, user, second factor, memberships, the household (audited: one more query on
    PostgreSQL for the chain's lock) and the answers; it does not grow with the answers."""
    from django.db import connection

    for day in range(12):
        _record(cast, lebanon, preferred_destination="SY02", obstacles=["documents"], recorded_on=D(2024, 1, 1) + dt.timedelta(days=day))
    client = sign_in(Client(), cast["lb_registration_officer"])
    with django_assert_max_num_queries(13 + (1 if connection.vendor == "postgresql" else 0)):
        body = client.get(reverse("consent:intention_list", args=[lebanon.pk])).content.decode()
    assert body.count('data-testid="intention-') >= 12


def test_the_rows_partial_renders_inside_another_page(cast, lebanon):
    """The household timeline page includes ``consent/intention_list.html#rows``."""
    intention = _record(cast, lebanon)
    html = render_to_string(
        "consent/intention_list.html#rows",
        {"household": lebanon, "intentions": intentions.intention_list(actor=cast["lb_registration_officer"], household=lebanon)},
    )
    assert html.strip().startswith('<div id="intention-rows"') and f'data-testid="intention-{intention.pk}"' in html


def test_recording_through_htmx_returns_the_refreshed_rows(cast, lebanon):
    client = sign_in(Client(), cast["lb_registration_officer"])
    response = client.post(
        reverse("consent:intention_record", args=[lebanon.pk]),
        {"hopes_to_return": "yes", "intends_within_12_months": "yes", "preferred_destination": "SY020000", "obstacles": ["services"]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The form comes back empty, confirming on the page; the rows are refreshed out of band.
    assert page.strip().startswith('<form id="intention-form"') and 'data-testid="intention-recorded"' in page
    assert '<div id="intention-rows" data-testid="intention-rows" hx-swap-oob="true">' in page
    assert ReturnIntention.objects.get().preferred_destination.key == "SY020000"


def test_recording_without_htmx_redirects_to_the_list(cast, lebanon):
    client = sign_in(Client(), cast["lb_registration_officer"])
    response = client.post(reverse("consent:intention_record", args=[lebanon.pk]), {"hopes_to_return": "no", "intends_within_12_months": "no"})
    assert response.status_code == 302 and response["Location"] == reverse("consent:intention_list", args=[lebanon.pk])


def test_the_form_shows_a_refusal_on_the_form(cast, lebanon):
    household_close(actor=cast["lb_registration_officer"], household=lebanon, reason="Returned to Syria")
    client = sign_in(Client(), cast["lb_registration_officer"])
    response = client.post(
        reverse("consent:intention_record", args=[lebanon.pk]), {"hopes_to_return": "no", "intends_within_12_months": "no"}, HTTP_HX_REQUEST="true"
    )
    assert "reopen it before recording an intention" in response.content.decode()
    assert not ReturnIntention.objects.exists()


# --- API ------------------------------------------------------------------------------------------


def test_the_api_records_and_lists_answers_newest_first(cast, lebanon):
    client = sign_in(Client(), cast["lb_registration_officer"])
    url = f"/api/consent/households/{lebanon.pk}/intentions"
    body = {"hopes_to_return": "yes", "intends_within_12_months": "no", "recorded_on": "2025-01-01"}
    assert client.post(url, json.dumps(body), content_type="application/json").status_code == 201
    later = {**body, "intends_within_12_months": "yes", "recorded_on": "2025-02-01", "preferred_destination": "SY02", "reasons": ["home"]}
    created = client.post(url, json.dumps(later), content_type="application/json")
    assert created.status_code == 201 and created.json()["preferred_destination"]["key"] == "SY02"
    listed = client.get(url).json()
    assert [i["intends_within_12_months"] for i in listed] == ["yes", "no"]


def test_the_api_refuses_a_wrong_answer_in_the_envelope(cast, lebanon):
    client = sign_in(Client(), cast["lb_registration_officer"])
    url = f"/api/consent/households/{lebanon.pk}/intentions"
    response = client.post(url, json.dumps({"hopes_to_return": "yes", "intends_within_12_months": "no", "preferred_destination": "LB2"}),
                           content_type="application/json")
    assert response.status_code == 400 and "preferred_destination" in response.json()["error"]["fields"]
    invalid = client.post(url, json.dumps({"hopes_to_return": "perhaps", "intends_within_12_months": "no"}), content_type="application/json")
    assert invalid.status_code == 422 and "hopes_to_return" in invalid.json()["error"]["fields"]


def test_the_panel_shows_the_answers_on_any_household_page(cast, lebanon, rf):
    """The voluntariness timeline includes ``consent/intention_panel.html`` with ``household``."""
    intention = _record(cast, lebanon)
    request = rf.get("/")
    request.user = cast["lb_finance_officer"]
    html = render_to_string("consent/intention_panel.html", {"household": lebanon}, request=request)
    assert f'data-testid="intention-{intention.pk}"' in html
    assert 'data-testid="intention-record-link"' not in html  # a finance officer reads only
    request.user = cast["lb_registration_officer"]
    assert 'data-testid="intention-record-link"' in render_to_string("consent/intention_panel.html", {"household": lebanon}, request=request)
