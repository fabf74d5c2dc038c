"""Sessions end after 30 minutes idle and 12 hours after sign-in, whatever the activity; the end
is audited with ids only and the sign-in page says why."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sabeel.core import otp
from sabeel.core.middleware import SESSION_SIGNED_IN_AT
from sabeel.core.models import AuditEntry
from sabeel.workgroups.testing import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
SIGN_IN = reverse("core:sign_in")


def signed_in_through_the_pages(client: Client, user) -> Client:
    client.post(SIGN_IN, {"username": user.username, "password": PASSWORD})
    response = client.post(reverse("core:sign_in_code"), {"code": otp.current_code(otp.confirmed_totp_device(user))})
    assert response["Location"] == HOME
    return client


def test_sign_in_starts_the_session_clock(client, cast, clock):
    before = timezone.now().timestamp()

    signed_in_through_the_pages(client, cast["lb_registration_officer"])

    assert before <= client.session[SESSION_SIGNED_IN_AT] <= timezone.now().timestamp()


def test_idle_session_expires_after_30_minutes(client, cast, clock):
    officer = cast["lb_registration_officer"]
    signed_in_through_the_pages(client, officer)
    clock.advance(minutes=29)
    assert client.get(HOME).status_code == 200  # 29 minutes idle: still signed in

    clock.advance(minutes=30)
    response = client.get(HOME)

    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    [expired] = AuditEntry.objects.filter(action="auth.session_expired")
    assert (expired.actor_kind, expired.actor_id, expired.target_id) == ("user", str(officer.pk), str(officer.pk))
    assert expired.data == {"reason": "idle"}
    assert client.get(HOME).status_code == 302  # stays signed out


def test_session_ends_12_hours_after_sign_in_however_busy(client, cast, clock):
    officer = cast["jo_movement_officer"]
    signed_in_through_the_pages(client, officer)
    for _ in range(28):  # a request every 25 minutes: never idle, 11 h 40 min in all
        clock.advance(minutes=25)
        assert client.get(HOME).status_code == 200

    clock.advance(minutes=25)  # 12 h 5 min after sign-in
    response = client.get(HOME)

    assert response.status_code == 302
    assert [e.data for e in AuditEntry.objects.filter(action="auth.session_expired")] == [{"reason": "absolute"}]


def test_sign_in_page_says_the_session_expired(client, cast, clock):
    sign_in(client, cast["lb_auditor"])
    client.get(HOME)
    clock.advance(minutes=31)

    page = client.get(HOME, follow=True)

    assert page.status_code == 200
    assert "You were signed out after 30 minutes without activity." in page.content.decode()
    assert "without activity" not in client.get(SIGN_IN).content.decode()  # said once


def test_api_with_an_expired_session_answers_401(client, cast, clock):
    sign_in(client, cast["lb_registration_officer"])
    assert client.get("/api/working-groups/").status_code == 200
    clock.advance(minutes=31)

    response = client.get("/api/working-groups/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_deactivated_user_session_stops_at_once(client, cast):
    officer = cast["lb_registration_officer"]
    sign_in(client, officer)
    assert client.get(HOME).status_code == 200

    type(officer).objects.filter(pk=officer.pk).update(is_active=False)

    assert client.get(HOME).status_code == 302


def test_the_idle_clock_moves_at_most_once_a_minute_and_still_expires_on_time(cast, clock):
    from sabeel.core.middleware import SESSION_LAST_SEEN

    client = signed_in_through_the_pages(Client(), cast["lb_registration_officer"])
    seen = client.session[SESSION_LAST_SEEN]
    clock.advance(seconds=20)
    client.get(HOME)
    assert client.session[SESSION_LAST_SEEN] == seen  # the session row was not rewritten
    clock.advance(seconds=50)
    client.get(HOME)
    assert client.session[SESSION_LAST_SEEN] > seen
    clock.advance(minutes=29)
    assert client.get(HOME).status_code == 200  # active 29 minutes ago: still signed in
    clock.advance(minutes=31)
    assert client.get(HOME).status_code == 302
