"""The Django admin: platform administrators with a verified second factor only; organisations,
working groups, users and memberships, never person records; every write audited; no deletes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sabeel.core.admin import admin_site
from sabeel.core.models import AuditEntry
from sabeel.workgroups.models import Membership, Organisation, User, WorkingGroup
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("core:sign_in")


@pytest.fixture
def administrator(cast) -> Client:
    return sign_in(Client(), cast["platform_admin"])


def test_admin_requires_superuser_with_verified_device(cast):
    index = reverse("admin:index")
    anonymous = Client().get(index, follow=True)
    assert anonymous.redirect_chain[-1][0].startswith(SIGN_IN)

    password_only = Client()
    password_only.force_login(cast["platform_admin"])  # superuser, second factor not verified
    response = password_only.get(index, follow=True)
    assert response.redirect_chain[-1][0].startswith(SIGN_IN)
    assert "Sabeel administration" not in response.content.decode()

    group_administrator = sign_in(Client(), cast["lb_administrator"])  # verified, not a superuser
    response = group_administrator.get(index, follow=True)
    assert response.redirect_chain[-1][0].startswith(SIGN_IN)
    assert "Sabeel administration" not in response.content.decode()

    assert sign_in(Client(), cast["platform_admin"]).get(index).status_code == 200


def test_admin_login_page_sends_people_to_the_throttled_sign_in(cast):
    response = Client().get(reverse("admin:login"), {"next": "/admin/workgroups/user/"})

    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    assert "next=/admin/workgroups/user/" in response["Location"]


def test_admin_holds_organisations_groups_users_memberships_and_reference_data_only():
    registered = set(admin_site._registry)
    assert {Organisation, WorkingGroup, User, Membership} <= registered
    others = {model._meta.app_label for model in registered - {Organisation, WorkingGroup, User, Membership}}
    assert others <= {"geo"}, f"only reference data may join them in the admin, not {others}"


def test_admin_change_is_audited_with_field_names_only(administrator, cast):
    organisation = cast.organisations["ngo"]
    url = reverse("admin:workgroups_organisation_change", args=[organisation.pk])

    response = administrator.post(
        url, {"name": organisation.name, "name_ar": "اسم جديد", "kind": organisation.kind, "is_active": "on"}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    [entry] = AuditEntry.objects.filter(action="admin.organisation.changed")
    assert (entry.actor_id, entry.target_id) == (str(cast["platform_admin"].pk), str(organisation.pk))
    assert entry.data == {"changed_fields": ["name_ar"]}


def test_admin_creates_a_user_who_must_enrol_an_app(administrator, cast):
    response = administrator.post(
        reverse("admin:workgroups_user_add"),
        {
            "username": "new_officer",
            "display_name": "New officer",
            "email": "",
            "preferred_language": "ar",
            "usable_password": "true",
            "password1": "a long enough passphrase 71",
            "password2": "a long enough passphrase 71",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="new_officer")
    assert user.check_password("a long enough passphrase 71") and user.preferred_language == "ar"
    [entry] = AuditEntry.objects.filter(action="admin.user.created")
    assert entry.target_id == str(user.pk) and "new_officer" not in str(entry.data)
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_admin_membership_creation_is_audited_in_its_working_group(administrator, cast):
    newcomer = User.objects.create_user(username="newcomer")
    url = reverse("admin:workgroups_membership_add")

    response = administrator.post(
        url,
        {
            "user": newcomer.pk,
            "working_group": cast.groups["jo"].pk,
            "organisation": cast.organisations["un"].pk,
            "role": "registration_officer",
            "starts_on": "2025-01-01",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    [entry] = AuditEntry.objects.filter(action="admin.membership.created")
    assert entry.working_group_id == cast.groups["jo"].pk


def test_nothing_can_be_deleted_in_the_admin(administrator, cast):
    organisation = cast.organisations["ngo"]

    delete = administrator.post(reverse("admin:workgroups_organisation_delete", args=[organisation.pk]), {"post": "yes"})

    assert delete.status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    changelist = administrator.get(reverse("admin:workgroups_user_changelist")).content.decode()
    assert "delete_selected" not in changelist
    bulk = administrator.post(
        reverse("admin:workgroups_user_changelist"),
        {"action": "delete_selected", "_selected_action": [cast["lb_monitor"].pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert User.objects.filter(pk=cast["lb_monitor"].pk).exists()


def test_admin_action_deactivates_users(administrator, cast):
    officer = cast["jo_monitor"]

    administrator.post(
        reverse("admin:workgroups_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [officer.pk, cast["platform_admin"].pk]},
    )

    officer.refresh_from_db()
    assert not officer.is_active
    assert User.objects.get(pk=cast["platform_admin"].pk).is_active  # not oneself
    assert [e.target_id for e in AuditEntry.objects.filter(action="user.deactivated")] == [str(officer.pk)]


def test_admin_action_resets_the_second_factor(administrator, cast):
    officer = cast["lb_registration_officer"]

    administrator.post(
        reverse("admin:workgroups_user_changelist"),
        {"action": "reset_otp_devices", "_selected_action": [officer.pk]},
    )

    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert AuditEntry.objects.filter(action="auth.otp_device_reset", target_id=str(officer.pk)).exists()


def test_admin_action_ends_memberships(administrator, cast):
    membership = Membership.objects.get(user=cast["jo_registration_officer"])

    administrator.post(
        reverse("admin:workgroups_membership_changelist"),
        {"action": "end_memberships", "_selected_action": [membership.pk]},
    )

    assert not Membership.objects.current().filter(pk=membership.pk).exists()
    assert AuditEntry.objects.get(action="membership.ended").target_id == str(membership.pk)


def test_admin_password_change_of_a_user_is_audited(administrator, cast):
    officer = cast["lb_auditor"]
    url = reverse("admin:auth_user_password_change", args=[officer.pk])

    response = administrator.post(
        url, {"password1": "a new long passphrase 93", "password2": "a new long passphrase 93", "usable_password": "true"}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    officer.refresh_from_db()
    assert officer.check_password("a new long passphrase 93")
    assert AuditEntry.objects.filter(action="admin.user.password_set", target_id=str(officer.pk)).exists()
