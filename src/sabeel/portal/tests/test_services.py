from __future__ import annotations

import pytest
from django.http import Http404

from sabeel.core.actors import refugee
from sabeel.core.exceptions import NotPermitted
from sabeel.portal.models import CodeRequest
from sabeel.portal.services import (
    MAX_REQUESTS_PER_NUMBER,
    Verdict,
    adult_withdraw,
    callback_request,
    code_issue,
    code_request,
    code_verify,
)
from sabeel.registry.numbers import registration_number

pytestmark = pytest.mark.django_db


def test_only_keyed_hashes_of_the_number_and_the_code_are_stored(household, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = code_request(number=household.registration_number, address="192.0.2.5", language="ar")
    row.refresh_from_db()
    code = outbox.last_code()
    assert household.registration_number not in row.number_hash and len(row.number_hash) == 32
    assert code not in row.code_hash and len(row.code_hash) == 32
    assert row.phone_id == household.phones.get(is_primary=True).pk
    assert row.expires_at is not None and row.sent_at is not None


def test_a_code_is_made_and_sent_once_and_never_for_an_unknown_number(household, outbox):
    known = code_request(number=household.registration_number, address=None, language="en")
    unknown = code_request(number=registration_number("LB", 4242), address=None, language="en")
    assert code_issue(code_request_id=known.pk, language="en") is True
    assert code_issue(code_request_id=known.pk, language="en") is False
    assert code_issue(code_request_id=unknown.pk, language="en") is False
    [message] = outbox.messages()
    assert message["code"] in message["text"] and "10 minutes" in message["text"]


def test_the_text_message_is_in_the_page_language(household, outbox):
    row = code_request(number=household.registration_number, address=None, language="ar")
    code_issue(code_request_id=row.pk, language="ar")
    assert outbox.messages()[0]["text"] != ""


def test_a_refused_request_is_not_counted_so_the_limit_lifts_on_time(household):
    for _ in range(MAX_REQUESTS_PER_NUMBER + 3):
        code_request(number=household.registration_number, address=None, language="ar")
    assert CodeRequest.objects.filter(throttled=False).count() == MAX_REQUESTS_PER_NUMBER
    assert CodeRequest.objects.filter(throttled=True).count() == 3


def test_a_right_code_counts_once(household, outbox):
    row = code_request(number=household.registration_number, address=None, language="ar")
    code_issue(code_request_id=row.pk, language="ar")
    code = outbox.last_code()
    first = code_verify(code_request_id=row.pk, code=code)
    assert (first.verdict, first.household_id) == (Verdict.VERIFIED, household.pk)
    assert code_verify(code_request_id=row.pk, code=code).verdict == Verdict.EXPIRED


def test_a_refugee_acts_only_on_their_own_household(cast, household):
    from sabeel.registry.tests.factories import household_make

    other = household_make(cast, "lb")
    stranger = refugee(household_id=other.pk)
    with pytest.raises(Http404):  # another household's file is not revealed
        callback_request(actor=stranger, household=household)
    spouse = household.members.get(relationship="spouse")
    with pytest.raises(Http404):
        adult_withdraw(actor=refugee(household_id=other.pk, individual_id=spouse.pk), individual=spouse)
    with pytest.raises(NotPermitted):
        callback_request(actor=cast["lb_protection_officer"], household=household)  # a staff user is not the refugee
