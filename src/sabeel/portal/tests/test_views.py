"""Stories of the self-service page: a refugee types the household's registration number, gets a
code on the household's phone, and sees the household's file; the page gives nothing away about
numbers that do not exist, and limits how often codes are asked for and guessed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as DjangoClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sabeel.consent.models import FollowUp, FollowUpKind
from sabeel.core.models import AuditEntry
from sabeel.portal.models import CodeRequest
from sabeel.portal.services import MAX_REQUESTS_PER_ADDRESS, MAX_REQUESTS_PER_NUMBER, MAX_WRONG_CODES
from sabeel.registry.numbers import registration_number
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

class Client(DjangoClient):
    """A phone whose owner chose English, so that the stories read the page's English wording; the
    Arabic default is tested on its own (``ArabicClient``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


ArabicClient = DjangoClient  # no language chosen: the page is in Arabic

UNKNOWN = registration_number("LB", 99_000_001)  # a well-formed number nobody holds
HERE = "198.51.100.7"


@pytest.fixture
def ask(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Post a registration number on the start page (the code is sent when the request commits)."""

    def ask(client: Client, number: str, *, address: str = HERE) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("portal:start"), {"number": number}, REMOTE_ADDR=address)

    return ask


def _enter(client: Client, code: str) -> Any:
    return client.post(reverse("portal:code"), {"code": code})


def _visible(response: Any, typed: str = "") -> str:
    """The page without its CSRF token and without the number the person typed (echoed back)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return page.replace(typed, "<typed>") if typed else page


def _signed_in_refugee(client: Client, household: Any, outbox: Any, ask: Any) -> Client:
    ask(client, household.registration_number)
    assert _enter(client, outbox.last_code())["Location"] == reverse("portal:status")
    return client


# --- asking for a code -------------------------------------------------------------------------


def test_a_known_and_an_unknown_number_get_the_same_answer_for_the_same_work(household, outbox, ask):
    answers = []
    for number in (household.registration_number, UNKNOWN):
        client = Client()
        with CaptureQueriesContext(connection) as queries:
            response = ask(client, number)
        code_page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], len(queries), code_page.status_code, _visible(code_page)))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (302, reverse("portal:code"))
    assert len(outbox.messages()) == 1  # only the real household's phone gets a text


def test_the_number_may_be_typed_with_eastern_arabic_digits_and_without_dashes(household, outbox, ask):
    typed = household.registration_number.replace("-", " ").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    ask(Client(), typed.lower())
    assert outbox.messages()[0]["household_id"] == household.pk


def test_a_number_that_is_not_a_registration_number_is_refused_without_a_request(household, ask):
    response = ask(Client(), household.registration_number[:-1] + "0")  # wrong check digit
    assert response.status_code == 200
    assert "This is not a registration number" in response.content.decode()
    assert not CodeRequest.objects.exists()


def test_the_sixth_request_in_an_hour_for_one_number_is_refused_alike_for_an_unknown_number(household, outbox, ask, clock):
    refusals = []
    for number in (household.registration_number, UNKNOWN):
        for i in range(MAX_REQUESTS_PER_NUMBER):
            assert ask(Client(), number, address=f"203.0.113.{i}").status_code == 302
        refusals.append(ask(Client(), number, address="203.0.113.99"))
    assert [r.status_code for r in refusals] == [429, 429]
    assert _visible(refusals[0], household.registration_number) == _visible(refusals[1], UNKNOWN)
    assert "Too many codes were asked for" in refusals[0].content.decode()
    assert len(outbox.messages()) == MAX_REQUESTS_PER_NUMBER

    clock.advance(minutes=61)
    assert ask(Client(), household.registration_number).status_code == 302


def test_the_twenty_first_request_from_one_address_is_refused(db, ask):
    for sequence in range(1, MAX_REQUESTS_PER_ADDRESS + 1):
        assert ask(Client(), registration_number("JO", sequence)).status_code == 302
    assert ask(Client(), registration_number("JO", 500)).status_code == 429
    assert ask(Client(), registration_number("JO", 500), address="192.0.2.1").status_code == 302


def test_the_number_travels_in_the_body_and_never_into_urls_or_the_audit_trail(household, outbox, ask):
    client = Client()
    response = ask(client, household.registration_number)
    assert household.registration_number not in response["Location"]
    _enter(client, outbox.last_code())
    client.get(reverse("portal:status"))
    secrets = [household.registration_number, "3123456", "Mohamad", "محمد", "Fatima", "فاطمة"]
    for row in AuditEntry.objects.all():
        text = repr((row.actor_id, row.target_type, row.target_id, row.data))
        assert not any(secret in text for secret in secrets), text
    assert not any(secret in str(value) for secret in secrets for value in CodeRequest.objects.values_list("number_hash", "code_hash"))


# --- the code -----------------------------------------------------------------------------------


def test_the_code_from_the_outbox_opens_the_household_once(household, outbox, ask):
    client = Client()
    ask(client, household.registration_number)
    [message] = outbox.messages()
    assert re.fullmatch(r"\d{6}", message["code"]) and message["household_id"] == household.pk
    response = _enter(client, message["code"])
    assert response.status_code == 302 and response["Location"] == reverse("portal:status")
    page = client.get(reverse("portal:status"))
    assert page.status_code == 200 and household.registration_number in page.content.decode()

    # The request is spent: the code page is gone, and the same code on the same request fails.
    assert client.get(reverse("portal:code")).status_code == 302
    other = Client()
    ask(other, household.registration_number)
    session = other.session
    session["sabeel_portal_pending"] = CodeRequest.objects.order_by("pk").first().pk
    session.save()
    refused = _enter(other, message["code"])
    assert "This code is no longer valid" in refused.content.decode()
    assert other.get(reverse("portal:status")).status_code == 302


def test_five_wrong_codes_lock_the_request(household, outbox, ask):
    client = Client()
    ask(client, household.registration_number)
    right = outbox.last_code()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for attempt in range(1, MAX_WRONG_CODES):
        page = _enter(client, wrong).content.decode()
        assert "This code is not right" in page
        assert f"try {MAX_WRONG_CODES - attempt} more" in page
    assert "Too many wrong codes" in _enter(client, wrong).content.decode()
    assert "Too many wrong codes" in _enter(client, right).content.decode()
    assert client.get(reverse("portal:status")).status_code == 302
    assert CodeRequest.objects.get().attempts == MAX_WRONG_CODES


def test_an_unknown_number_fails_and_locks_like_a_known_one(db, outbox, ask):
    client = Client()
    ask(client, UNKNOWN)
    for _ in range(MAX_WRONG_CODES - 1):
        assert "This code is not right" in _enter(client, "123456").content.decode()
    assert "Too many wrong codes" in _enter(client, "123456").content.decode()


def test_an_expired_code_fails(household, outbox, ask, clock):
    client = Client()
    ask(client, household.registration_number)
    clock.advance(minutes=10, seconds=1)
    assert "This code is no longer valid" in _enter(client, outbox.last_code()).content.decode()
    assert client.get(reverse("portal:status")).status_code == 302


def test_the_code_may_be_typed_in_eastern_arabic_digits(household, outbox, ask):
    client = Client()
    ask(client, household.registration_number)
    arabic = outbox.last_code().translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert _enter(client, arabic)["Location"] == reverse("portal:status")


def test_requests_and_codes_are_audited_with_the_refugee_as_actor(household, outbox, ask):
    client = Client()
    ask(client, household.registration_number)
    _enter(client, "000000" if outbox.last_code() != "000000" else "111111")
    _enter(client, outbox.last_code())
    client.get(reverse("portal:status"))
    phone_id = household.phones.get().pk
    rows = list(AuditEntry.objects.filter(action__startswith="portal.").order_by("seq"))
    assert [r.action for r in rows] == [
        "portal.code_requested",
        "portal.code_failed",
        "portal.code_verified",
        "portal.status_viewed",
    ]
    for row in rows:
        assert (row.actor_kind, row.actor_id) == ("refugee", str(household.pk))
        assert (row.target_type, row.target_id) == ("registry.household", str(household.pk))
        assert row.working_group_id == household.working_group_id
        assert row.data["phone_id"] == phone_id
    assert len(rows[0].data["number_hmac"]) == 32


def test_a_request_for_an_unknown_number_is_audited_without_an_actor(db, ask):
    ask(Client(), UNKNOWN)
    row = AuditEntry.objects.get(action="portal.code_requested")
    assert row.actor_kind == "anonymous" and row.target_id == "" and "number_hmac" in row.data


# --- the refugee's session ----------------------------------------------------------------------


def test_the_refugee_session_ends_after_thirty_idle_minutes(household, outbox, ask, clock):
    client = _signed_in_refugee(Client(), household, outbox, ask)
    clock.advance(minutes=29)
    assert client.get(reverse("portal:status")).status_code == 200
    clock.advance(minutes=29)
    assert client.get(reverse("portal:status")).status_code == 200  # activity keeps it open
    clock.advance(minutes=30)
    response = client.get(reverse("portal:status"))
    assert response.status_code == 302
    assert "Your session ended" in client.get(response["Location"]).content.decode()


def test_a_signed_in_officer_is_not_a_refugee_and_keeps_their_sign_in(cast, household, outbox, ask):
    officer = sign_in(Client(), cast["lb_protection_officer"])
    assert officer.get(reverse("portal:status")).status_code == 302
    _signed_in_refugee(officer, household, outbox, ask)
    assert officer.get(reverse("portal:status")).status_code == 200
    assert officer.get(reverse("core:home")).status_code == 200  # still signed in as staff
    officer.post(reverse("portal:sign_out"))
    assert officer.get(reverse("portal:status")).status_code == 302
    assert officer.get(reverse("core:home")).status_code == 200


def test_leaving_the_page_ends_the_refugee_session(household, outbox, ask):
    client = _signed_in_refugee(Client(), household, outbox, ask)
    client.post(reverse("portal:sign_out"))
    assert client.get(reverse("portal:status")).status_code == 302


# --- the household's page -----------------------------------------------------------------------


def test_the_page_is_arabic_and_right_to_left_unless_the_person_chooses_english(db):
    client = ArabicClient(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(reverse("portal:start")).content.decode()
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    client.post(reverse("set_language"), {"language": "en", "next": reverse("portal:start")})
    page = client.get(reverse("portal:start")).content.decode()
    assert 'dir="ltr"' in page and 'lang="en"' in page


def test_the_household_page_shows_status_next_step_and_call_back(household, outbox, ask):
    client = _signed_in_refugee(Client(HTTP_ACCEPT_LANGUAGE="en"), household, outbox, ask)
    page = client.get(reverse("portal:status")).content.decode()
    assert 'data-status="open"' in page
    assert 'data-step="counselling"' in page  # nobody has counselled the household yet
    assert 'data-testid="callback"' in page and 'data-testid="withdraw"' in page


def test_a_closed_household_sees_that_its_file_is_closed(cast, household, outbox, ask):
    from sabeel.registry.services import household_close

    household_close(actor=cast["lb_registration_officer"], household=household, reason="Returned to Syria")
    client = _signed_in_refugee(Client(), household, outbox, ask)
    page = client.get(reverse("portal:status")).content.decode()
    assert 'data-status="closed"' in page and 'data-step="closed"' in page


def test_a_call_back_request_goes_once_into_the_protection_queue(household, outbox, ask):
    client = _signed_in_refugee(Client(), household, outbox, ask)
    client.post(reverse("portal:callback"))
    client.post(reverse("portal:callback"))
    [follow_up] = FollowUp.objects.filter(household=household)
    assert follow_up.kind == FollowUpKind.CALLBACK_REQUEST and follow_up.done_at is None
    assert 'data-testid="callback-pending"' in client.get(reverse("portal:status")).content.decode()
    row = AuditEntry.objects.get(action="portal.callback_requested")
    assert (row.actor_kind, row.actor_id, row.data["follow_up_id"]) == ("refugee", str(household.pk), follow_up.pk)


def test_the_withdraw_page_lists_the_adults_by_first_name_only(household, outbox, ask):
    client = _signed_in_refugee(ArabicClient(), household, outbox, ask)
    page = client.get(reverse("portal:withdraw")).content.decode()
    head, spouse = household.members.order_by("pk")
    assert f'data-testid="adult-{head.pk}"' in page and f'data-testid="adult-{spouse.pk}"' in page
    assert "محمد" in page and "فاطمة" in page
    for other_name in ("الحريري", "الزعبي", "أحمد", "Hariri", "Mohamad"):
        assert other_name not in page


def test_a_child_is_not_offered_as_an_adult(cast, outbox, ask):
    from sabeel.registry.services import MemberInput
    from sabeel.registry.tests.factories import head, household_make, spouse

    child = MemberInput(relationship="son", sex="M", first_name_ar="عمر", first_name_lat="Omar", date_of_birth="2020-03-01")
    household = household_make(cast, "lb", members=[head(), spouse(), child])
    client = _signed_in_refugee(ArabicClient(), household, outbox, ask)
    page = client.get(reverse("portal:withdraw")).content.decode()
    assert "عمر" not in page and "فاطمة" in page


def test_a_person_from_another_household_cannot_be_chosen(cast, household, outbox, ask):
    from sabeel.registry.tests.factories import household_make

    stranger = household_make(cast, "lb").members.get(relationship="spouse")
    client = _signed_in_refugee(Client(), household, outbox, ask)
    response = client.post(reverse("portal:withdraw"), {"adult": stranger.pk})
    assert response.status_code == 200 and 'data-testid="withdraw-form"' in response.content.decode()


# --- withdrawal ---------------------------------------------------------------------------------


def test_withdrawing_as_the_second_adult_counts_at_once_and_leaves_the_registry_record_alone(
    consenting_household, outbox, ask
):
    from sabeel.consent.eligibility import household_eligibility
    from sabeel.consent.models import Withdrawal, WithdrawalChannel
    from sabeel.registry.models import RecordVersion

    household = consenting_household
    _head, spouse = household.members.order_by("pk")
    assert household_eligibility(household=household).reasons_not_schedulable  # cooling-off, not consent
    before = household.__class__.objects.values().get(pk=household.pk)
    members_before = list(household.members.order_by("pk").values())
    versions_before = RecordVersion.objects.filter(household=household).count()

    client = _signed_in_refugee(Client(HTTP_ACCEPT_LANGUAGE="en"), household, outbox, ask)
    assert 'data-step="preparation"' in client.get(reverse("portal:status")).content.decode()
    confirm = client.get(reverse("portal:withdraw"))
    assert confirm.status_code == 200 and not Withdrawal.objects.exists()  # the first tap only asks
    response = client.post(reverse("portal:withdraw"), {"adult": spouse.pk})
    assert response.status_code == 302 and response["Location"] == reverse("portal:status")

    [withdrawal] = Withdrawal.objects.all()
    assert (withdrawal.individual, withdrawal.channel, withdrawal.recorded_by) == (spouse, WithdrawalChannel.SELF_SERVICE, None)
    [follow_up] = FollowUp.objects.filter(household=household)
    assert (follow_up.kind, follow_up.individual, follow_up.done_at) == (FollowUpKind.WITHDRAWAL_CALL, spouse, None)

    verdict = household_eligibility(household=household)
    assert not verdict.may_schedule
    assert any(r.code == "consent_withdrawn" and r.member_id == spouse.pk for r in verdict.reasons_not_schedulable)

    assert household.__class__.objects.values().get(pk=household.pk) == before
    assert list(household.members.order_by("pk").values()) == members_before
    assert RecordVersion.objects.filter(household=household).count() == versions_before

    page = client.get(reverse("portal:status")).content.decode()
    assert "Your consent is withdrawn" in page and 'data-step="consent"' in page

    rows = {r.action: r for r in AuditEntry.objects.filter(action__in=["consent.withdrawn", "portal.withdrawal_made"])}
    assert rows.keys() == {"consent.withdrawn", "portal.withdrawal_made"}
    for row in rows.values():
        assert (row.actor_kind, row.actor_id) == ("refugee", str(household.pk))
        assert row.data["individual_id"] == spouse.pk and row.data["withdrawal_id"] == withdrawal.pk
    assert rows["portal.withdrawal_made"].data["phone_id"] == household.phones.get().pk


def test_a_counselled_and_consenting_household_is_told_its_next_step(consenting_household, outbox, ask, clock):
    client = _signed_in_refugee(Client(), consenting_household, outbox, ask)
    assert 'data-step="preparation"' in client.get(reverse("portal:status")).content.decode()  # cooling-off
    clock.advance(days=8)
    client = _signed_in_refugee(Client(), consenting_household, outbox, ask)
    assert 'data-step="scheduling"' in client.get(reverse("portal:status")).content.decode()


def test_the_information_package_for_the_destination_is_shown_in_the_page_language(consenting_household, outbox, ask):
    client = _signed_in_refugee(ArabicClient(), consenting_household, outbox, ask)
    arabic = client.get(reverse("portal:status")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("portal:status")})
    english = client.get(reverse("portal:status")).content.decode()
    assert 'data-package-language="ar"' in arabic and 'data-package-language="en"' in english
    assert "never a reason to refuse your decision" in english


def test_with_a_departure_day_the_next_step_is_re_confirmation(consenting_household, clock):
    import datetime as dt

    from django.utils import timezone

    from sabeel.portal.selectors import next_step

    clock.advance(days=8)
    departure = timezone.localdate() + dt.timedelta(days=20)
    assert next_step(household=consenting_household, departure_on=departure) == "reconfirmation"
