"""The RapidPro-style gateway behind the SMS interface, against a local fake RapidPro (contacts by
URN, broadcasts, flow starts, a 500 before success), and the inbound webhook: 403 without the
shared secret, a refugee's WITHDRAW / انسحاب through the portal's withdrawal service (audited, once
per message id), CALL as a call-back request, and neither the number nor the text in a log line
or an audit row."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from sabeel.consent.models import FollowUp, FollowUpKind, InboundMessage, Withdrawal, WithdrawalChannel
from sabeel.core.models import AuditEntry
from sabeel.portal.rapidpro import RapidProSmsSender, command_of
from sabeel.portal.sms import FileSmsSender, messaging_gateway, sms_sender
from sabeel.registry.tests.factories import head, household_make

pytestmark = pytest.mark.django_db

TOKEN = "rapidpro-test-token"
SECRET = "webhook-shared-secret-for-tests"
SINGLE_PHONE = "+96170111222"


class FakeRapidPro:
    """Answers the RapidPro API v2 endpoints Sabeel uses, keeping every request."""

    def __init__(self) -> None:
        self.contacts: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, Any]]] = []  # (path with query, Authorization, body)
        self.failures: list[int] = []
        self.base = ""

    def answer(self, path: str, authorization: str, body: dict[str, Any]) -> tuple[int, Any]:
        self.requests.append((path, authorization, body))
        if self.failures:
            return self.failures.pop(0), {"detail": "Server Error"}
        if authorization != f"Token {TOKEN}":
            return 403, {"detail": "Invalid token"}
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/api/v2/contacts.json":
            if "urn" in query:
                if query["urn"] not in self.contacts:
                    return 404, {"detail": "Not found."}
                self.contacts[query["urn"]].update(body)
                return 200, {"uuid": "c-1", "urns": [query["urn"]], **body}
            urn = body["urns"][0]
            self.contacts[urn] = dict(body)
            return 201, {"uuid": "c-1", **body}
        if parts.path == "/api/v2/broadcasts.json":
            return 201, {"id": 1234, "urns": body["urns"], "text": body["text"], "status": "queued"}
        if parts.path == "/api/v2/flow_starts.json":
            return 201, {"uuid": "fs-1", "flow": {"uuid": body["flow"]}, "status": "pending"}
        return 404, {"detail": "Not found."}


@pytest.fixture
def rapidpro(settings) -> Iterator[FakeRapidPro]:  # type: ignore[no-untyped-def]
    fake = FakeRapidPro()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            status, answer = fake.answer(self.path, self.headers.get("Authorization", ""), body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    settings.SABEEL_SMS_SENDER = "sabeel.portal.rapidpro.RapidProSmsSender"
    settings.SABEEL_RAPIDPRO_URL = fake.base
    settings.SABEEL_RAPIDPRO_TOKEN = TOKEN
    settings.SABEEL_RAPIDPRO_FLOW = "f5901b62-ba76-4003-9c62-72fdacc1b7b7"
    settings.SABEEL_RAPIDPRO_BACKOFF_SECONDS = 0.0
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_file_sender_stays_the_default_and_is_no_messaging_gateway(settings):
    settings.SABEEL_SMS_SENDER = None
    assert isinstance(sms_sender(), FileSmsSender) and messaging_gateway() is None


def test_a_message_creates_the_contact_by_urn_then_broadcasts_without_a_name(rapidpro, caplog):
    caplog.set_level(logging.DEBUG)
    sender = sms_sender()
    assert isinstance(sender, RapidProSmsSender)
    sender.send(to="+96171234545", text="Sabeel: your code is 123456.", meta={"household_id": 7, "code": "123456"})
    paths = [path for path, _auth, _body in rapidpro.requests]
    assert paths == [
        "/api/v2/contacts.json?urn=tel%3A%2B96171234545",
        "/api/v2/contacts.json",
        "/api/v2/broadcasts.json",
    ]
    assert {auth for _path, auth, _body in rapidpro.requests} == {f"Token {TOKEN}"}
    created = rapidpro.requests[1][2]
    assert created["urns"] == ["tel:+96171234545"]
    assert "name" not in created and "fields" not in created  # neither a name nor the household id
    assert rapidpro.requests[2][2] == {"urns": ["tel:+96171234545"], "text": "Sabeel: your code is 123456."}
    assert "71234545" not in caplog.text and "123456" not in caplog.text and "+961 7x xxx x45" in caplog.text
    # A second message updates the contact it found: no second creation.
    sender.send(to="+96171234545", text="again")
    assert [p for p, _a, _b in rapidpro.requests[3:]] == [
        "/api/v2/contacts.json?urn=tel%3A%2B96171234545",
        "/api/v2/broadcasts.json",
    ]


def test_a_server_error_is_retried_then_the_message_goes(rapidpro):
    rapidpro.failures = [502]
    sms_sender().send(to="+96171234545", text="hello")
    assert [p for p, _a, _b in rapidpro.requests][-1] == "/api/v2/broadcasts.json"
    assert len(rapidpro.requests) == 4  # a 502, then the contact lookup, the creation, the broadcast


def test_a_flow_is_started_for_a_number_and_a_contact_updated(rapidpro):
    gateway = messaging_gateway()
    assert gateway is not None
    gateway.contact_update(to="+96171234545", language="ar", household_id=9)
    gateway.flow_start(to="+96171234545", params={"household_id": 9})
    assert rapidpro.contacts["tel:+96171234545"]["language"] == "ara"
    assert rapidpro.contacts["tel:+96171234545"]["fields"] == {"sabeel_household": "9"}
    path, _auth, body = rapidpro.requests[-1]
    assert path == "/api/v2/flow_starts.json"
    assert body == {
        "flow": "f5901b62-ba76-4003-9c62-72fdacc1b7b7",
        "urns": ["tel:+96171234545"],
        "params": {"household_id": 9},
    }


# --- inbound ------------------------------------------------------------------------------------


def _consenting(cast: Any, household: Any) -> Any:
    from sabeel.consent.services import consent_record, counselling_record, programme_create

    programme_create(actor=cast["lb_administrator"], working_group=cast.groups["lb"], name="Return", name_ar="العودة")
    officer = cast["lb_protection_officer"]
    adults = list(household.members.order_by("pk"))
    counselling_record(actor=officer, household=household, language="ar", attendees=adults)
    for person in adults:
        consent_record(actor=officer, individual=person, free=True, informed=True, express=True)
    return household


@pytest.fixture
def single(cast):  # type: ignore[no-untyped-def]
    """A household of one adult, with consent, whose phone is +96170111222."""
    return _consenting(cast, household_make(cast, "lb", members=[head()], phones=["70 111 222"]))


def _post(body: Any, secret: str | None = SECRET) -> Any:
    headers = {"HTTP_X_SABEEL_WEBHOOK_SECRET": secret} if secret is not None else {}
    return Client().post(
        reverse("portal:rapidpro_inbound"), data=json.dumps(body), content_type="application/json", **headers
    )


@override_settings(SABEEL_RAPIDPRO_WEBHOOK_SECRET=SECRET)
def test_the_webhook_refuses_a_missing_or_wrong_secret(single):
    body = {"message_id": "m-1", "urn": f"tel:{SINGLE_PHONE}", "text": "WITHDRAW"}
    assert _post(body, secret=None).status_code == 403
    assert _post(body, secret="wrong").status_code == 403
    assert _post(body, secret=SECRET[:-1]).status_code == 403
    assert not Withdrawal.objects.exists() and not InboundMessage.objects.exists()


@override_settings(SABEEL_RAPIDPRO_WEBHOOK_SECRET="")
def test_the_webhook_is_closed_while_no_secret_is_configured(single):
    assert _post({"message_id": "m-1", "urn": f"tel:{SINGLE_PHONE}", "text": "WITHDRAW"}, secret="").status_code == 403


@override_settings(SABEEL_RAPIDPRO_WEBHOOK_SECRET=SECRET)
def test_withdraw_by_sms_goes_through_the_portal_withdrawal_once_per_message(single, caplog):
    caplog.set_level(logging.DEBUG)
    adult = single.members.get()
    response = _post({"message_id": "m-1", "urn": f"tel:{SINGLE_PHONE}", "text": "withdraw"})
    assert response.status_code == 200
    assert response.json()["outcome"] == "withdrawn" and "withdrawn" in response.json()["reply"]
    withdrawal = Withdrawal.objects.get()
    assert withdrawal.individual == adult and withdrawal.channel == WithdrawalChannel.SELF_SERVICE
    assert FollowUp.objects.filter(household=single, kind=FollowUpKind.WITHDRAWAL_CALL).exists()
    # The same message delivered again acts no more.
    again = _post({"message_id": "m-1", "urn": f"tel:{SINGLE_PHONE}", "text": "withdraw"})
    assert again.json()["outcome"] == "duplicate" and Withdrawal.objects.count() == 1
    made = AuditEntry.objects.get(action="portal.withdrawal_made")
    assert made.data["individual_id"] == adult.pk and made.actor_kind == "refugee"
    received = AuditEntry.objects.get(action="portal.sms_received")
    assert received.data["outcome"] == "withdrawn" and received.data["command"] == "withdraw"
    trail = json.dumps([e.data for e in AuditEntry.objects.all()])
    assert "70111222" not in trail and "m-1" not in trail
    assert "70111222" not in caplog.text


@override_settings(SABEEL_RAPIDPRO_WEBHOOK_SECRET=SECRET)
def test_arabic_withdraw_in_rapidpros_flow_webhook_body_is_answered_in_arabic(single):
    body = {
        "contact": {"uuid": "c-1", "name": "", "urn": f"tel:{SINGLE_PHONE}"},
        "flow": {"uuid": "f-1", "name": "Sabeel replies"},
        "run": {"uuid": "r-77", "created_on": "2026-12-06T04:00:00Z"},
        "input": {"text": "انسحاب", "type": "msg", "urn": f"tel:{SINGLE_PHONE}", "attachments": []},
    }
    response = _post(body)
    assert response.json()["outcome"] == "withdrawn"
    assert re.search(r"[\u0600-\u06FF]", response.json()["reply"]), "the reply should be in Arabic"
    assert Withdrawal.objects.count() == 1


@override_settings(SABEEL_RAPIDPRO_WEBHOOK_SECRET=SECRET)
def test_withdraw_from_a_household_of_two_adults_asks_for_a_call_instead(cast):
    household = _consenting(cast, household_make(cast, "lb"))  # head and spouse, phone +9613123456
    response = _post({"message_id": "m-2", "urn": "tel:+9613123456", "text": "WITHDRAW"})
    assert response.json()["outcome"] == "withdraw_needs_call"
    assert not Withdrawal.objects.exists()
    assert FollowUp.objects.filter(household=household, kind=FollowUpKind.CALLBACK_REQUEST).count() == 1


@override_settings(SABEEL_RAPIDPRO_WEBHOOK_SECRET=SECRET)
def test_call_asks_for_a_call_back_and_unknown_numbers_or_words_change_nothing(single):
    assert (
        _post({"message_id": "m-3", "urn": f"tel:{SINGLE_PHONE}", "text": "Call"}).json()["outcome"]
        == "callback_requested"
    )
    assert FollowUp.objects.filter(household=single, kind=FollowUpKind.CALLBACK_REQUEST).count() == 1
    assert (
        _post({"message_id": "m-4", "urn": "tel:+96179999999", "text": "WITHDRAW"}).json()["outcome"]
        == "unknown_number"
    )
    assert (
        _post({"message_id": "m-5", "urn": f"tel:{SINGLE_PHONE}", "text": "hello"}).json()["outcome"]
        == "unknown_command"
    )
    assert not Withdrawal.objects.exists()
    assert _post({"urn": f"tel:{SINGLE_PHONE}", "text": "WITHDRAW"}).status_code == 400  # no message id
    assert (
        Client()
        .post(
            reverse("portal:rapidpro_inbound"),
            data="{not json",
            content_type="application/json",
            HTTP_X_SABEEL_WEBHOOK_SECRET=SECRET,
        )
        .status_code
        == 400
    )


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("WITHDRAW", "withdraw"),
        (" withdraw please", "withdraw"),
        ("انسحاب", "withdraw"),
        ("CALL", "call"),
        ("اتصل", "call"),
        ("stop", ""),
        ("", ""),
    ],
)
def test_commands_are_read_in_either_script(text, command):
    assert command_of(text) == command
