"""Failed sign-ins are throttled: 5 per account and 20 per address in 15 minutes, counted in the
database (so every worker sees the same count), at the password and at the code stage alike."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sabeel.core import otp, throttle
from sabeel.core.models import AuditEntry, SignInAttempt
from sabeel.workgroups.testing import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("core:sign_in")
CODE = reverse("core:sign_in_code")
HOME = reverse("core:home")
THROTTLED = "Too many failed sign-in attempts. Wait 15 minutes and try again."


def password(client: Client, username: str, secret: str = PASSWORD):
    return client.post(SIGN_IN, {"username": username, "password": secret})


def fail_password(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        response = password(client, username, "wrong password")
        assert response.status_code == 200


def app_code(user) -> str:
    return otp.current_code(otp.confirmed_totp_device(user))


def test_sixth_failed_password_in_15_minutes_is_refused_even_with_the_right_password(client, cast, clock):
    officer = cast["lb_registration_officer"]
    fail_password(client, officer.username, 5)
    clock.advance(minutes=14)

    response = password(client, officer.username)

    assert response.status_code == 429
    assert THROTTLED in response.content.decode()
    assert client.get(CODE)["Location"] == SIGN_IN  # the right password did not open the code step
    [refused] = AuditEntry.objects.filter(action="auth.sign_in_throttled")
    assert (refused.actor_kind, refused.target_id, refused.data["stage"]) == ("anonymous", str(officer.pk), "password")


def test_throttle_lifts_once_the_failures_are_15_minutes_old(client, cast, clock):
    officer = cast["lb_registration_officer"]
    fail_password(client, officer.username, 5)
    assert password(client, officer.username).status_code == 429

    clock.advance(minutes=15, seconds=1)

    assert password(client, officer.username)["Location"] == CODE
    assert client.post(CODE, {"code": app_code(officer)})["Location"] == HOME


def test_other_accounts_are_not_throttled_by_one_accounts_failures(client, cast):
    fail_password(Client(REMOTE_ADDR="10.0.0.1"), cast["lb_registration_officer"].username, 5)

    assert password(Client(REMOTE_ADDR="10.0.0.2"), cast["lb_auditor"].username)["Location"] == CODE


def test_unknown_account_is_throttled_exactly_like_a_known_one(cast):
    known, unknown = Client(), Client()
    fail_password(known, cast["jo_auditor"].username, 5)
    fail_password(unknown, "no_such_account", 5)

    answers = [password(known, cast["jo_auditor"].username), password(unknown, "no_such_account")]

    def visible(response) -> str:
        text = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", response.content.decode())
        return text.replace(cast["jo_auditor"].username, "U").replace("no_such_account", "U")

    assert [a.status_code for a in answers] == [429, 429]
    assert visible(answers[0]) == visible(answers[1])
    unknown_audit = AuditEntry.objects.filter(action="auth.sign_in_throttled", target_id="").get()
    assert "no_such_account" not in str(unknown_audit.data)
    assert set(unknown_audit.data) == {"stage", "username_hmac", "address_hmac"}


def test_failures_at_the_code_stage_count_towards_the_account_limit(client, cast):
    officer = cast["jo_protection_officer"]
    fail_password(client, officer.username, 3)
    password(client, officer.username)
    assert client.post(CODE, {"code": "000000"}).status_code == 200
    assert client.post(CODE, {"code": "wrongcode"}).status_code == 200

    response = client.post(CODE, {"code": app_code(officer)})

    assert response.status_code == 429
    assert THROTTLED in response.content.decode()
    assert client.get(HOME).status_code == 302
    assert password(client, officer.username).status_code == 429


def test_twenty_failures_from_one_address_throttle_every_account_from_it(cast):
    same_office = Client(REMOTE_ADDR="192.0.2.7")
    for n in range(20):
        fail_password(same_office, f"guess{n}", 1)

    assert password(same_office, cast["lb_monitor"].username).status_code == 429
    assert password(Client(REMOTE_ADDR="192.0.2.8"), cast["lb_monitor"].username)["Location"] == CODE


def test_failures_recorded_by_another_worker_count_too(client, cast):
    officer = cast["lb_finance_officer"]
    key = throttle.account_key(officer.username)
    SignInAttempt.objects.bulk_create(
        SignInAttempt(at=timezone.now(), username=key, address="198.51.100.9", stage="password") for _ in range(5)
    )

    assert password(client, officer.username).status_code == 429


def test_the_table_keeps_no_username_and_settles_each_attempt(client, cast):
    officer = cast["lb_finance_officer"]
    fail_password(client, officer.username, 1)
    password(client, officer.username)
    client.post(CODE, {"code": app_code(officer)})

    rows = list(SignInAttempt.objects.order_by("pk").values_list("username", "stage", "succeeded", "address"))
    key = throttle.account_key(officer.username)
    assert rows == [
        (key, "password", False, "127.0.0.1"),
        (key, "passed", False, "127.0.0.1"),
        (key, "signed_in", True, "127.0.0.1"),
    ]
    assert officer.username not in key


def test_throttled_attempts_do_not_extend_the_lock(client, cast, clock):
    officer = cast["jo_registration_officer"]
    fail_password(client, officer.username, 5)
    clock.advance(minutes=10)
    for _ in range(3):
        assert password(client, officer.username, "still guessing").status_code == 429

    clock.advance(minutes=5, seconds=1)

    assert password(client, officer.username)["Location"] == CODE


def test_address_comes_from_forwarded_for_only_behind_configured_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.1")
    assert throttle.client_address(request) == "10.0.0.1"

    settings.SABEEL_TRUSTED_PROXY_COUNT = 1
    assert throttle.client_address(request) == "198.51.100.1"
    settings.SABEEL_TRUSTED_PROXY_COUNT = 2
    assert throttle.client_address(request) == "203.0.113.5"
