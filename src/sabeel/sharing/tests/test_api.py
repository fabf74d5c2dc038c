"""The partner API: a token owned by an agreement fetches exactly what the agreement covers, only
here, only while the agreement is in force, and every call is a share in the log."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from sabeel.core.tokens import api_token_create
from sabeel.sharing import services
from sabeel.sharing.models import Agreement, ShareEntry
from sabeel.sharing.services import group_today
from sabeel.sharing.tests.factories import agreement_make, sharing_consent
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

URL = "/api/sharing/export/households"


def _token(cast, agreement):  # type: ignore[no-untyped-def]
    return services.agreement_token_create(
        actor=cast["lb_administrator"], agreement=agreement, recipient=cast.organisations["iom"], name="IOM feed"
    )


def _get(raw: str, url: str = URL):  # type: ignore[no-untyped-def]
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_partner_receives_only_consenting_people_and_the_call_is_logged(cast, household):
    head, _spouse = household.members.order_by("pk")
    sharing_consent(cast, head)
    agreement = agreement_make(cast, categories=["names_contacts"])
    token, raw = _token(cast, agreement)
    response = _get(raw)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == 1 and [p["person"] for p in body["people"]] == [head.pk]
    person = body["people"][0]
    assert person["first_name_lat"] == "Mohamad" and person["phone"]
    assert "documents_held" not in person and "specific_needs" not in person  # not covered
    assert "Fatima" not in response.content.decode()
    entry = ShareEntry.objects.get()
    assert (entry.kind, entry.people_count, entry.token_id, entry.recipient_id) == ("api", 1, token.pk, cast.organisations["iom"].pk)


def test_a_person_registered_twice_and_merged_leaves_once_as_the_surviving_record(cast):
    from sabeel.identity import merges
    from sabeel.registry.tests.factories import head, household_make, spouse

    household = household_make(cast, "lb", members=[head(), spouse(), spouse(first_name_lat="Fatma")])
    _head, fatima, fatma = household.members.order_by("pk")
    merges.merge(actor=cast["lb_registration_officer"], survivor=fatima, merged=fatma, reason="Registered twice")
    sharing_consent(cast, fatma)  # the consent was recorded for the second registration
    _token_row, raw = _token(cast, agreement_make(cast, categories=["names_contacts"]))
    body = _get(raw).json()
    assert body["total"] == 1 and [p["person"] for p in body["people"]] == [fatima.pk]
    assert body["people"][0]["first_name_lat"] == "Fatima" and "Fatma" not in json.dumps(body)
    assert ShareEntry.objects.get().people_count == 1


def test_without_names_in_the_agreement_no_name_leaves(cast, household):
    for person in household.members.all():
        sharing_consent(cast, person)
    agreement = agreement_make(cast, categories=["documents"])
    _token_row, raw = _token(cast, agreement)
    body = _get(raw).json()
    assert body["total"] == 2
    assert all("first_name_lat" not in p and "phone" not in p and "documents_held" in p for p in body["people"])
    assert "Mohamad" not in str(body)


def test_a_partner_token_opens_no_other_endpoint(cast):
    _token_row, raw = _token(cast, agreement_make(cast))
    assert _get(raw, "/api/working-groups/").status_code == 401
    assert _get(raw, "/api/registry/households").status_code == 401


def test_a_staff_session_or_personal_token_does_not_open_the_partner_endpoint(cast):
    agreement_make(cast)
    assert sign_in(Client(), cast["lb_administrator"]).get(URL).status_code == 401
    _personal, raw = api_token_create(actor=cast["lb_registration_officer"], name="mine")
    assert _get(raw).status_code == 401
    assert Client().get(URL).status_code == 401


def test_revocation_and_expiry_stop_the_token_at_once(cast, household):
    agreement = agreement_make(cast)
    _token_row, raw = _token(cast, agreement)
    assert _get(raw).status_code == 200
    today = group_today(cast.groups["lb"])
    Agreement.objects.filter(pk=agreement.pk).update(starts_on=today - dt.timedelta(days=40), expires_on=today - dt.timedelta(days=1))
    assert _get(raw).status_code == 401
    Agreement.objects.filter(pk=agreement.pk).update(expires_on=today + dt.timedelta(days=1))
    assert _get(raw).status_code == 200
    services.agreement_revoke(actor=cast["lb_administrator"], agreement=agreement, reason="Ended early")
    assert _get(raw).status_code == 401


def test_a_partner_sees_only_its_agreements_group(cast, household):
    from sabeel.registry.tests.factories import household_make

    jordan = household_make(cast, "jo")
    agreement = agreement_make(cast, requires_consent=False)
    _token_row, raw = _token(cast, agreement)
    people = {p["person"] for p in _get(raw).json()["people"]}
    assert people == set(household.members.values_list("pk", flat=True))
    assert not people & set(jordan.members.values_list("pk", flat=True))
