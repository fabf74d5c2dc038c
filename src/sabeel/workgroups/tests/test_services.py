"""Deactivating accounts, ending memberships and resetting a lost second factor: who may, what
changes at once, and what the audit trail keeps."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sabeel.core import otp, permissions
from sabeel.core.actors import system
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.workgroups.models import Membership
from sabeel.workgroups.services import membership_end, otp_device_reset, user_deactivate
from sabeel.workgroups.testing import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")


def membership_of(cast, username: str) -> Membership:
    return Membership.objects.get(user=cast[username])


def test_lebanon_administrator_cannot_end_jordan_membership(cast):
    jordan = membership_of(cast, "jo_registration_officer")

    with pytest.raises(Http404):
        membership_end(actor=cast["lb_administrator"], membership=jordan)

    jordan.refresh_from_db()
    assert jordan.is_active and jordan.ends_on is None
    assert not AuditEntry.objects.filter(action="membership.ended").exists()


def test_lebanon_officer_without_the_right_cannot_end_a_lebanon_membership(cast):
    with pytest.raises(NotPermitted):
        membership_end(actor=cast["lb_protection_officer"], membership=membership_of(cast, "lb_registration_officer"))


def test_ended_membership_stops_granting_its_role_at_once(cast):
    officer = cast["lb_registration_officer"]
    browser = sign_in(Client(), officer)
    group_page = reverse("workgroups:detail", args=[cast.groups["lb"].pk])
    assert browser.get(group_page).status_code == 200

    ended = membership_end(actor=cast["lb_administrator"], membership=membership_of(cast, "lb_registration_officer"))

    assert browser.get(group_page).status_code == 404
    assert "registration_officer" not in browser.get(HOME).content.decode()
    assert ended.ends_on is not None and not ended.is_active
    [entry] = AuditEntry.objects.filter(action="membership.ended")
    assert (entry.actor_id, entry.target_id, entry.working_group_id) == (
        str(cast["lb_administrator"].pk),
        str(ended.pk),
        cast.groups["lb"].pk,
    )
    assert entry.data == {"user_id": officer.pk, "role": "registration_officer"}


def test_administrator_ending_their_own_membership_loses_the_right_in_the_same_request(cast):
    administrator = cast["lb_administrator"]
    assert permissions.can(administrator, "workgroup.manage")  # memberships now cached on this object

    membership_end(actor=administrator, membership=membership_of(cast, "lb_administrator"))

    assert not permissions.can(administrator, "workgroup.manage")
    with pytest.raises(Http404):
        membership_end(actor=administrator, membership=membership_of(cast, "lb_monitor"))


def test_platform_administrator_can_end_any_membership(cast):
    ended = membership_end(actor=cast["platform_admin"], membership=membership_of(cast, "jo_monitor"))

    assert not Membership.objects.current().filter(pk=ended.pk).exists()


def test_ending_a_membership_twice_is_audited_once(cast):
    membership = membership_of(cast, "lb_monitor")
    membership_end(actor=cast["lb_administrator"], membership=membership)
    membership_end(actor=cast["lb_administrator"], membership=membership)

    assert AuditEntry.objects.filter(action="membership.ended").count() == 1


def test_platform_administrator_deactivates_a_user_who_then_cannot_sign_in(cast):
    officer = cast["jo_finance_officer"]
    browser = sign_in(Client(), officer)

    user_deactivate(actor=cast["platform_admin"], user=officer)

    assert browser.get(HOME).status_code == 302
    fresh = Client()
    response = fresh.post(reverse("core:sign_in"), {"username": officer.username, "password": PASSWORD})
    assert "The username or password is not correct." in response.content.decode()
    assert not permissions.can(officer, "workgroup.view")
    [entry] = AuditEntry.objects.filter(action="user.deactivated")
    assert (entry.actor_id, entry.target_id, entry.data) == (str(cast["platform_admin"].pk), str(officer.pk), {})


def test_working_group_administrator_cannot_deactivate_users(cast):
    with pytest.raises(NotPermitted):
        user_deactivate(actor=cast["lb_administrator"], user=cast["lb_registration_officer"])
    assert type(cast["lb_registration_officer"]).objects.get(pk=cast["lb_registration_officer"].pk).is_active


def test_administrator_cannot_deactivate_themselves(cast):
    with pytest.raises(ServiceError):
        user_deactivate(actor=cast["platform_admin"], user=cast["platform_admin"])


def test_system_job_may_deactivate(cast):
    user_deactivate(actor=system("offboarding"), user=cast["lb_monitor"])

    assert AuditEntry.objects.get(action="user.deactivated").actor_kind == "system"


def test_otp_device_reset_sends_the_user_to_enrolment_again(cast):
    officer = cast["lb_registration_officer"]
    old = otp.confirmed_totp_device(officer)
    old_code = otp.current_code(old)
    otp.backup_codes_generate(user=officer)
    browser = sign_in(Client(), officer)

    otp_device_reset(actor=cast["platform_admin"], user=officer)

    assert browser.get(HOME).status_code == 302  # the session's second factor is no longer valid
    assert otp.confirmed_totp_device(officer) is None
    assert not StaticToken.objects.filter(device__user=officer).exists()
    device = TOTPDevice.objects.get(user=officer)
    assert device.key != old.key
    assert otp.verify_code(officer, old_code) is None
    fresh = Client()
    fresh.post(reverse("core:sign_in"), {"username": officer.username, "password": PASSWORD})
    assert fresh.get(reverse("core:sign_in_code"))["Location"] == reverse("core:otp_enrol")
    assert fresh.post(reverse("core:otp_enrol"), {"code": otp.current_code(device)}).status_code == 200
    assert fresh.get(HOME).status_code == 200
    [entry] = AuditEntry.objects.filter(action="auth.otp_device_reset")
    assert (entry.actor_id, entry.target_id, entry.data) == (str(cast["platform_admin"].pk), str(officer.pk), {})


def test_only_platform_administrators_reset_devices(cast):
    with pytest.raises(NotPermitted):
        otp_device_reset(actor=cast["lb_administrator"], user=cast["lb_registration_officer"])
    assert otp.confirmed_totp_device(cast["lb_registration_officer"]) is not None
