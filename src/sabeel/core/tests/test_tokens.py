"""Personal API tokens: created on the tokens page (secret shown once, stored hashed), carrying
their owner's scope, refused with the error envelope once revoked, expired or deactivated."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from unittest import mock

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sabeel.core.models import ApiToken, AuditEntry
from sabeel.core.tokens import api_token_create, api_token_revoke
from sabeel.workgroups import services
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

TOKENS = reverse("core:tokens")
GROUPS_API = "/api/working-groups/"


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def assert_refused(response) -> None:
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "unauthenticated", "message": "Sign in or send a valid API token.", "fields": {}}
    }


def test_officer_creates_a_token_and_sees_its_secret_once(client, cast):
    officer = cast["lb_registration_officer"]
    sign_in(client, officer)

    created = client.post(TOKENS, {"name": "Kobo sync", "expires_in_days": "30"})

    assert created.status_code == 200
    [raw] = re.findall(r'data-testid="new-token">(sbl_[\w-]+)<', created.content.decode())
    token = ApiToken.objects.get(user=officer)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=30)).date()
    later = client.get(TOKENS).content.decode()
    assert raw not in later and token.prefix in later
    assert AuditEntry.objects.filter(action="apitoken.created", target_id=str(token.pk), actor_id=str(officer.pk)).exists()


def test_token_carries_exactly_its_owners_scope(cast):
    _token, raw = api_token_create(actor=cast["lb_registration_officer"], name="script")

    response = bearer(raw).get(GROUPS_API)

    assert response.status_code == 200
    assert [g["code"] for g in response.json()] == ["lb"]
    assert bearer(raw).get(f"{GROUPS_API}{cast.groups['jo'].pk}").status_code == 404


def test_officer_revokes_a_token_on_the_page_and_the_api_refuses_it(client, cast):
    officer = cast["jo_registration_officer"]
    token, raw = api_token_create(actor=officer, name="script")
    assert bearer(raw).get(GROUPS_API).status_code == 200
    sign_in(client, officer)

    response = client.post(reverse("core:token_revoke", args=[token.pk]))

    assert response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_refused(bearer(raw).get(GROUPS_API))
    assert AuditEntry.objects.filter(action="apitoken.revoked", target_id=str(token.pk)).exists()


def test_deactivated_user_token_is_refused(cast):
    officer = cast["lb_movement_officer"]
    _token, raw = api_token_create(actor=officer, name="script")
    assert bearer(raw).get(GROUPS_API).status_code == 200

    services.user_deactivate(actor=cast["platform_admin"], user=officer)

    assert_refused(bearer(raw).get(GROUPS_API))


def test_expired_token_is_refused(cast):
    _token, raw = api_token_create(actor=cast["lb_monitor"], name="script", expires_in_days=30)
    later = timezone.now() + dt.timedelta(days=30, minutes=1)

    with mock.patch("django.utils.timezone.now", return_value=later):
        response = bearer(raw).get(GROUPS_API)

    assert_refused(response)


def test_unknown_or_malformed_token_is_refused(cast):
    assert_refused(bearer("sbl_not-a-real-token").get(GROUPS_API))
    assert_refused(bearer("something-else").get(GROUPS_API))


def test_officer_cannot_revoke_someone_elses_token(client, cast):
    token, raw = api_token_create(actor=cast["lb_finance_officer"], name="script")
    sign_in(client, cast["lb_registration_officer"])

    assert client.post(reverse("core:token_revoke", args=[token.pk])).status_code == 404
    with pytest.raises(Http404):
        api_token_revoke(actor=cast["lb_registration_officer"], token=token)
    assert bearer(raw).get(GROUPS_API).status_code == 200


def test_tokens_page_lists_only_ones_own_tokens(client, cast):
    mine, _ = api_token_create(actor=cast["lb_auditor"], name="mine")
    theirs, _ = api_token_create(actor=cast["jo_auditor"], name="theirs")
    sign_in(client, cast["lb_auditor"])

    page = client.get(TOKENS).content.decode()

    assert f'data-testid="token-{mine.pk}"' in page
    assert f'data-testid="token-{theirs.pk}"' not in page


def test_the_lifetimes_offered_are_in_the_pages_language(client, cast):
    sign_in(client, cast["lb_auditor"])
    client.cookies["django_language"] = "ar"
    arabic = client.get(TOKENS).content.decode()
    assert "90 يومًا" in arabic and "90 days" not in arabic
    client.cookies["django_language"] = "en"
    assert "90 days" in client.get(TOKENS).content.decode()


def test_tokens_page_needs_a_full_sign_in(client, cast):
    response = client.get(TOKENS)
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:sign_in"))

    client.force_login(cast["lb_auditor"])  # password only, no second factor
    assert client.get(TOKENS).status_code == 302
    assert client.post(TOKENS, {"name": "x", "expires_in_days": "30"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_user_without_membership_cannot_create_tokens(client, cast):
    sign_in(client, cast["outsider"])

    assert "You need a current membership" in client.get(TOKENS).content.decode()
    assert client.post(TOKENS, {"name": "x", "expires_in_days": "30"}).status_code == 403
    assert not ApiToken.objects.exists()


# --- tokens die with the second factor ----------------------------------------------------------


def test_a_reset_of_a_lost_device_revokes_every_token_of_its_owner(cast):
    """The Lebanon registration officer loses her phone; the platform administrator resets her
    second factor. Whoever has the phone may have her tokens too: all of them stop at once, each
    revocation audited in the administrator's name, while her colleague's token keeps working."""
    officer = cast["lb_registration_officer"]
    kobo, kobo_raw = api_token_create(actor=officer, name="Kobo sync")
    report, report_raw = api_token_create(actor=officer, name="weekly report")
    old, _old_raw = api_token_create(actor=officer, name="old script")
    api_token_revoke(actor=officer, token=old)
    _colleague, colleague_raw = api_token_create(actor=cast["lb_protection_officer"], name="script")

    services.otp_device_reset(actor=cast["platform_admin"], user=officer)

    assert_refused(bearer(kobo_raw).get(GROUPS_API))
    assert_refused(bearer(report_raw).get(GROUPS_API))
    assert bearer(colleague_raw).get(GROUPS_API).status_code == 200
    revocations = AuditEntry.objects.filter(action="apitoken.revoked", data__reason="otp_reset")
    assert sorted(int(e.target_id) for e in revocations) == sorted([kobo.pk, report.pk])
    assert {e.actor_id for e in revocations} == {str(cast["platform_admin"].pk)}
    old.refresh_from_db()
    assert old.revoked_at is not None and not AuditEntry.objects.filter(target_id=str(old.pk), data__reason="otp_reset").exists()


def test_the_admin_reset_action_revokes_the_tokens_too(cast):
    """The same reset made from the administration site's action on the users list."""
    officer = cast["jo_movement_officer"]
    _token, raw = api_token_create(actor=officer, name="manifest sync")
    admin = sign_in(Client(), cast["platform_admin"])

    response = admin.post(
        reverse("admin:workgroups_user_changelist"),
        {"action": "reset_otp_devices", "_selected_action": [officer.pk]},
    )

    assert response.status_code == 302
    assert_refused(bearer(raw).get(GROUPS_API))


def test_enrolling_an_app_again_revokes_the_tokens_made_under_the_old_one(cast):
    """After the reset the officer signs in with her password and enrols a new app; no token of
    hers survives, not even one somebody created between the reset and the enrolment."""
    from sabeel.core import otp
    from sabeel.workgroups.testing import PASSWORD

    officer = cast["lb_finance_officer"]
    services.otp_device_reset(actor=cast["platform_admin"], user=officer)
    # A token that escaped the reset (made in the moment between reset and enrolment).
    straggler = ApiToken.objects.create(user=officer, name="straggler", prefix="sbl_straggle", key_hash="0" * 64)
    browser = Client()
    browser.post(reverse("core:sign_in"), {"username": officer.username, "password": PASSWORD})
    device = otp.enrolment_device(officer)

    assert browser.post(reverse("core:otp_enrol"), {"code": otp.current_code(device)}).status_code == 200

    straggler.refresh_from_db()
    assert straggler.revoked_at is not None
    [entry] = AuditEntry.objects.filter(action="apitoken.revoked", target_id=str(straggler.pk))
    assert (entry.actor_id, entry.data) == (str(officer.pk), {"reason": "otp_enrolled"})
