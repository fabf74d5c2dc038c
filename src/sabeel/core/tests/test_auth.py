"""Staff sign-in: password, then a code from the authenticator app or a backup code; enrolment of
a new app; sign-out; the demo helpers. The throttle has its own file (test_throttle.py)."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sabeel.core import audit, otp
from sabeel.core.middleware import SESSION_LAST_SEEN, SESSION_SIGNED_IN_AT
from sabeel.core.models import AuditEntry, SignInAttempt
from sabeel.workgroups.models import User
from sabeel.workgroups.testing import PASSWORD, sign_in, totp_seed

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("core:sign_in")
CODE = reverse("core:sign_in_code")
ENROL = reverse("core:otp_enrol")
HOME = reverse("core:home")


def enter_password(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password, **extra})


def app_code(user: User) -> str:
    device = otp.confirmed_totp_device(user)
    assert device is not None
    return otp.current_code(device)


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def test_officer_signs_in_with_password_then_authenticator_code(client, cast):
    officer = cast["lb_registration_officer"]

    response = enter_password(client, officer.username)
    assert response.status_code == 302 and response["Location"] == CODE
    response = client.post(CODE, {"code": app_code(officer)})

    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    signed_in = entries("auth.signed_in")
    assert [(e.actor_id, e.target_id, e.data) for e in signed_in] == [(str(officer.pk), str(officer.pk), {"factor": "totp"})]
    session = client.session
    assert isinstance(session[SESSION_SIGNED_IN_AT], float)
    assert session[SESSION_LAST_SEEN] >= session[SESSION_SIGNED_IN_AT]


def test_right_password_alone_opens_no_staff_page(client, cast):
    enter_password(client, cast["lb_registration_officer"].username)

    home = client.get(HOME)
    assert home.status_code == 302 and home["Location"].startswith(SIGN_IN)
    assert client.get("/api/working-groups/").status_code == 401


def test_wrong_code_is_refused_and_audited_against_the_account(client, cast):
    officer = cast["jo_protection_officer"]
    enter_password(client, officer.username)
    right = app_code(officer)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(CODE, {"code": wrong})

    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    assert client.get(HOME).status_code == 302
    [failed] = entries("auth.sign_in_failed")
    assert (failed.actor_kind, failed.actor_id) == ("anonymous", "")
    assert (failed.target_type, failed.target_id) == ("workgroups.user", str(officer.pk))
    assert failed.data["stage"] == "code"


def test_authenticator_code_cannot_be_used_twice(cast):
    officer = cast["lb_movement_officer"]
    first, second = Client(), Client()
    enter_password(first, officer.username)
    enter_password(second, officer.username)
    code = app_code(officer)

    assert first.post(CODE, {"code": code}).status_code == 302
    replay = second.post(CODE, {"code": code})

    assert replay.status_code == 200
    assert second.get(HOME).status_code == 302


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(cast):
    wrong_password = enter_password(Client(), cast["lb_auditor"].username, "not the password at all")
    unknown_user = enter_password(Client(), "nobody_here", "not the password at all")

    def visible(response) -> str:
        text = response.content.decode()
        text = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", text)
        return text.replace(cast["lb_auditor"].username, "USERNAME").replace("nobody_here", "USERNAME")

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert visible(wrong_password) == visible(unknown_user)
    assert "The username or password is not correct." in visible(unknown_user)


def test_failed_sign_in_of_unknown_account_records_a_keyed_hash_never_the_username(client, cast):
    enter_password(client, "someone.typed.this", "guess")

    [failed] = entries("auth.sign_in_failed")
    assert failed.actor_kind == "anonymous"
    assert failed.target_id == ""
    assert failed.data["username_hmac"] == audit.keyed_hash("someone.typed.this", purpose="username")
    assert "someone.typed.this" not in str(failed.data)
    assert not SignInAttempt.objects.filter(username__icontains="someone").exists()


def test_failed_sign_in_of_known_account_records_its_id_not_its_username(client, cast):
    officer = cast["lb_finance_officer"]
    enter_password(client, officer.username, "wrong password")

    [failed] = entries("auth.sign_in_failed")
    assert (failed.target_type, failed.target_id) == ("workgroups.user", str(officer.pk))
    assert "username_hmac" not in failed.data
    assert officer.username not in str(failed.data)


def test_deactivated_user_cannot_sign_in_even_with_the_right_password(client, cast):
    officer = cast["lb_monitor"]
    officer.is_active = False
    officer.save(update_fields=["is_active"])

    response = enter_password(client, officer.username)

    assert response.status_code == 200
    assert "The username or password is not correct." in response.content.decode()
    assert client.get(CODE)["Location"] == SIGN_IN


def test_user_without_an_app_is_sent_to_enrolment_before_anything_else(client, cast):
    newcomer = User.objects.create_user(username="newcomer", password=PASSWORD)
    cast.groups["lb"].memberships.create(
        user=newcomer, organisation=cast.organisations["un"], role="registration_officer", starts_on="2024-01-01"
    )

    assert enter_password(client, "newcomer")["Location"] == CODE
    assert client.get(CODE)["Location"] == ENROL
    assert client.get(HOME).status_code == 302
    page = client.get(ENROL)
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    assert html.escape(otp.otpauth_uri(device)) in page.content.decode()
    assert "otpauth://totp/Sabeel%3Anewcomer?secret=" in otp.otpauth_uri(device)

    response = client.post(ENROL, {"code": otp.current_code(device)})

    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == otp.BACKUP_CODE_COUNT
    assert client.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert [e.target_id for e in entries("auth.otp_enrolled")] == [str(newcomer.pk)]
    assert [e.data for e in entries("auth.signed_in")] == [{"factor": "totp"}]


def test_enrolment_refuses_a_wrong_confirmation_code(client, cast):
    User.objects.create_user(username="newcomer", password=PASSWORD)
    enter_password(client, "newcomer")
    client.get(ENROL)

    response = client.post(ENROL, {"code": "000000"})

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user__username="newcomer", confirmed=True).exists()
    assert client.get(HOME).status_code == 302
    assert entries("auth.otp_enrolled") == []


def test_enrolment_page_is_closed_to_someone_who_has_not_entered_a_password(client, cast):
    assert client.get(ENROL)["Location"] == SIGN_IN
    assert client.post(ENROL, {"code": "123456"})["Location"] == SIGN_IN


def test_backup_code_works_once(cast):
    officer = cast["lb_protection_officer"]
    [code, *_rest] = otp.backup_codes_generate(user=officer)

    first = Client()
    enter_password(first, officer.username)
    assert first.post(CODE, {"code": code.upper()}).status_code == 302
    assert first.get(HOME).status_code == 200
    assert entries("auth.signed_in")[-1].data == {"factor": "backup_code"}
    assert otp.backup_codes_left(officer) == otp.BACKUP_CODE_COUNT - 1

    second = Client()
    enter_password(second, officer.username)
    again = second.post(CODE, {"code": code})
    assert again.status_code == 200
    assert "The code is not correct" in again.content.decode()
    assert second.get(HOME).status_code == 302


def test_backup_codes_are_shown_once_and_a_new_set_replaces_the_old(client, cast):
    officer = cast["jo_registration_officer"]
    sign_in(client, officer)
    url = reverse("core:otp_backup_codes")

    created = client.post(url)
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", created.content.decode())
    assert len(codes) == otp.BACKUP_CODE_COUNT
    assert created["Cache-Control"].startswith("max-age=0")
    later = client.get(url).content.decode()
    assert not any(code in later for code in codes)
    assert str(otp.BACKUP_CODE_COUNT) in later

    replacement = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", client.post(url).content.decode())
    assert otp.verify_code(officer, codes[0]) is None
    # django-otp backs off for a second after a failed code; step past it.
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + dt.timedelta(seconds=5)):
        assert otp.verify_code(officer, replacement[0]) is not None


def test_sign_out_is_audited_and_ends_the_session(client, cast):
    officer = cast["lb_registration_officer"]
    sign_in(client, officer)

    response = client.post(reverse("core:sign_out"))

    assert response["Location"] == SIGN_IN
    assert client.get(HOME).status_code == 302
    assert [e.actor_id for e in entries("auth.signed_out")] == [str(officer.pk)]


def test_next_leads_back_to_the_page_on_this_site_only(cast):
    officer = cast["lb_registration_officer"]
    here, away = Client(), Client()

    enter_password(here, officer.username, next="/groups/")
    assert here.post(CODE, {"code": app_code(officer)})["Location"] == "/groups/"
    # A new step in the TOTP window is not needed: the second persona has its own device.
    other = cast["lb_finance_officer"]
    enter_password(away, other.username, next="https://evil.example/")
    assert away.post(CODE, {"code": app_code(other)})["Location"] == HOME


def test_password_step_expires_after_ten_minutes(client, cast):
    officer = cast["lb_registration_officer"]
    enter_password(client, officer.username)
    later = timezone.now() + dt.timedelta(minutes=11)

    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.post(CODE, {"code": app_code(officer)})

    assert response["Location"] == SIGN_IN
    assert client.get(HOME).status_code == 302


def test_persona_otpauth_uri_carries_its_fixed_seed(cast):
    from base64 import b32encode

    officer = cast["lb_registration_officer"]
    device = otp.confirmed_totp_device(officer)

    uri = otp.otpauth_uri(device)

    secret = b32encode(bytes.fromhex(totp_seed(officer.username))).decode()
    assert uri.startswith("otpauth://totp/Sabeel%3Alb_registration_officer?")
    assert f"secret={secret}" in uri and "issuer=Sabeel" in uri


def test_demo_totp_prints_the_code_the_sign_in_page_accepts(client, cast):
    officer = cast["jo_movement_officer"]
    out = io.StringIO()

    call_command("demo_totp", officer.username, stdout=out)

    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    enter_password(client, officer.username)
    assert client.post(CODE, {"code": code})["Location"] == HOME


def test_demo_totp_prints_the_otpauth_uri_on_request(cast):
    officer = cast["jo_movement_officer"]
    out = io.StringIO()

    call_command("demo_totp", officer.username, "--uri", stdout=out)

    assert otp.otpauth_uri(otp.confirmed_totp_device(officer)) in out.getvalue()


def test_demo_totp_refuses_unknown_users_and_production(cast, settings):
    with pytest.raises(CommandError):
        call_command("demo_totp", "nobody_here", stdout=io.StringIO())
    settings.SABEEL_PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo_totp", cast["lb_auditor"].username, stdout=io.StringIO())
