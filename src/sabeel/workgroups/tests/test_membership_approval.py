"""Two administrators for access to people's files: a platform administrator cannot give anyone,
least of all themselves, a person-level role alone. The membership waits, granting nothing, until
a second administrator approves it; the audit trail names the user, the group and the role."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse

from sabeel.core import permissions
from sabeel.core.actors import system
from sabeel.core.exceptions import NotPermitted, ServiceError
from sabeel.core.models import AuditEntry
from sabeel.workgroups.models import Membership, MembershipApproval, User
from sabeel.workgroups.services import membership_approve
from sabeel.workgroups.testing import sign_in

pytestmark = pytest.mark.django_db

ADD = reverse("admin:workgroups_membership_add")
CHANGELIST = reverse("admin:workgroups_membership_changelist")


def _form(cast, *, user: User, group: str = "lb", role: str = "protection_officer", **extra: str) -> dict[str, object]:
    return {
        "user": user.pk,
        "working_group": cast.groups[group].pk,
        "organisation": cast.organisations["un"].pk,
        "role": role,
        "starts_on": "2025-01-01",
        "is_active": "on",
        **extra,
    }


def _approve(browser: Client, membership: Membership) -> None:
    browser.post(CHANGELIST, {"action": "approve_memberships", "_selected_action": [membership.pk]})


def test_an_administrator_who_makes_themselves_a_protection_officer_gains_nothing_until_another_approves(cast):
    first, second = cast["platform_admin"], cast["platform_admin_2"]
    browser = sign_in(Client(), first)

    response = browser.post(ADD, _form(cast, user=first))

    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=first)
    assert membership.approval == MembershipApproval.PENDING and membership.requested_by == first
    assert not permissions.can(User.objects.get(pk=first.pk), "person.view")
    [requested] = AuditEntry.objects.filter(action="membership.requested")
    assert (requested.actor_id, requested.working_group_id, requested.data) == (
        str(first.pk),
        cast.groups["lb"].pk,
        {"user_id": first.pk, "role": "protection_officer"},
    )

    _approve(browser, membership)  # the same administrator: refused
    membership.refresh_from_db()
    assert membership.approval == MembershipApproval.PENDING
    assert not AuditEntry.objects.filter(action="membership.approved").exists()

    _approve(sign_in(Client(), second), membership)

    membership.refresh_from_db()
    assert (membership.approval, membership.approved_by) == (MembershipApproval.APPROVED, second)
    assert permissions.can(User.objects.get(pk=first.pk), "person.view", cast.groups["lb"])
    [approved] = AuditEntry.objects.filter(action="membership.approved")
    assert (approved.actor_id, approved.working_group_id, approved.target_id) == (
        str(second.pk),
        cast.groups["lb"].pk,
        str(membership.pk),
    )
    assert approved.data == {"user_id": first.pk, "role": "protection_officer", "requested_by_id": first.pk}


def test_no_administrator_approves_their_own_request_or_a_membership_for_themselves(cast):
    first, second = cast["platform_admin"], cast["platform_admin_2"]
    sign_in(Client(), first).post(ADD, _form(cast, user=second, role="registration_officer"))
    membership = Membership.objects.get(user=second)

    with pytest.raises(ServiceError, match="you cannot approve it"):
        membership_approve(actor=first, membership=membership)
    with pytest.raises(ServiceError, match="for yourself"):
        membership_approve(actor=second, membership=membership)
    assert not permissions.can(User.objects.get(pk=second.pk), "person.view")

    # The Lebanon group's own administrator (another organisation's) may be the second administrator.
    membership_approve(actor=cast["lb_administrator"], membership=membership)
    assert permissions.can(User.objects.get(pk=second.pk), "person.search")


def test_only_administrators_of_that_group_or_the_platform_approve_and_never_a_job(cast):
    sign_in(Client(), cast["platform_admin"]).post(ADD, _form(cast, user=cast["outsider"]))
    membership = Membership.objects.get(user=cast["outsider"])

    with pytest.raises(Http404):
        membership_approve(actor=cast["jo_administrator"], membership=membership)
    with pytest.raises(NotPermitted):
        membership_approve(actor=cast["lb_protection_officer"], membership=membership)
    with pytest.raises(NotPermitted):
        membership_approve(actor=system("nightly"), membership=membership)
    assert Membership.objects.get(pk=membership.pk).approval == MembershipApproval.PENDING


def test_an_aggregate_role_takes_effect_at_once(cast):
    sign_in(Client(), cast["platform_admin"]).post(ADD, _form(cast, user=cast["outsider"], role="donor_viewer"))

    membership = Membership.objects.get(user=cast["outsider"])
    assert membership.approval == MembershipApproval.APPROVED and membership.requested_by is None
    assert permissions.can(User.objects.get(pk=cast["outsider"].pk), "aggregate.view")
    assert not AuditEntry.objects.filter(action="membership.requested").exists()


def test_widening_a_membership_into_a_person_level_role_or_reviving_one_needs_approval_again(cast):
    browser = sign_in(Client(), cast["platform_admin"])
    donor = Membership.objects.get(user=cast["lb_donor_viewer"])
    change = reverse("admin:workgroups_membership_change", args=[donor.pk])

    browser.post(change, _form(cast, user=cast["lb_donor_viewer"], role="movement_officer"))

    donor.refresh_from_db()
    assert (donor.role, donor.approval) == ("movement_officer", MembershipApproval.PENDING)
    assert not permissions.can(User.objects.get(pk=cast["lb_donor_viewer"].pk), "person.view")

    ended = Membership.objects.get(user=cast["jo_monitor"])
    Membership.objects.filter(pk=ended.pk).update(is_active=False, ends_on=ended.starts_on)
    browser.post(
        reverse("admin:workgroups_membership_change", args=[ended.pk]),
        _form(cast, user=cast["jo_monitor"], group="jo", role="monitor"),
    )
    ended.refresh_from_db()
    assert ended.is_active and ended.approval == MembershipApproval.PENDING
    assert AuditEntry.objects.filter(action="membership.requested").count() == 2


def test_the_approval_cannot_be_typed_into_the_admin_form(cast):
    browser = sign_in(Client(), cast["platform_admin"])

    browser.post(ADD, _form(cast, user=cast["outsider"], approval="approved", approved_by=str(cast["platform_admin_2"].pk)))

    membership = Membership.objects.get(user=cast["outsider"])
    assert membership.approval == MembershipApproval.PENDING and membership.approved_by is None


def test_the_database_refuses_an_approval_by_the_requester(cast):
    admin = cast["platform_admin"]
    membership = Membership.objects.get(user=cast["lb_monitor"])

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(requested_by=admin, approved_by=admin)
