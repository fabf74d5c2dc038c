"""Writes on accounts and memberships: deactivating a user, ending a membership, resetting a lost
second factor, and the two-administrator rule for person-level memberships. Each is checked,
atomic and audited (ids only).

An administrator cannot give anyone, least of all themselves, a role that reaches people's files
on their own: a membership granting a person-level role (``roles.PERSON_LEVEL_ROLES``), when it is
created, reactivated, extended or moved to another user, group or role, waits
(``MembershipApproval.PENDING``, granting nothing) until a second administrator approves it —
another platform administrator, or an administrator of the membership's working group — who is
neither the requester nor the member. The audit rows name the user id, the group and the role."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit, otp
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import NotPermitted, NotSignedIn, ServiceError
from sabeel.core.models import ActorKind
from sabeel.core.permissions import can, forget_memberships, require
from sabeel.core.roles import PERSON_LEVEL_ROLES, Role
from sabeel.workgroups.models import Membership, MembershipApproval, User
from sabeel.workgroups.users import staff_user


def is_platform_administrator(actor: Actor) -> bool:
    """A platform administrator is an active superuser (accounts are platform-wide, not a working
    group's). System jobs count as one."""
    who = as_actor(actor)
    if who.kind == ActorKind.SYSTEM:
        return True
    if who.kind != ActorKind.USER or who.user is None:
        return False
    user = staff_user(who)
    return user.is_active and user.is_superuser


def _require_platform_administrator(actor: Actor) -> Actor:
    who = as_actor(actor)
    if not who.is_authenticated:
        raise NotSignedIn
    if not is_platform_administrator(who):
        raise NotPermitted
    return who


def _refuse_self(who: Actor, user: User, message: str) -> None:
    if who.user is not None and who.user.pk == user.pk:
        raise ServiceError(message, code="self")


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User) -> User:
    """Deactivate an account: it can no longer sign in, its sessions and API tokens stop working at
    once, and its memberships stop granting roles. Nothing is deleted; reactivating restores it."""
    who = _require_platform_administrator(actor)
    _refuse_self(who, user, _("You cannot deactivate your own account. Ask another platform administrator."))
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit.record(actor=who, action="user.deactivated", target=user)
    forget_memberships(user)
    return user


@transaction.atomic
def membership_end(*, actor: Actor, membership: Membership) -> Membership:
    """End a membership now: it stops granting its role at once. An administrator of the
    membership's own working group (or a platform administrator) may do this; for a membership of
    another group the answer is 404."""
    who = as_actor(actor)
    if not is_platform_administrator(who):
        require(who, "workgroup.manage", membership)
    today = timezone.now().date()
    if membership.is_active or membership.ends_on is None or membership.ends_on > today:
        previous_end = membership.ends_on
        membership.is_active = False
        # The constraint wants ends_on >= starts_on; a membership that had not begun ends on its start.
        membership.ends_on = max(membership.starts_on, min(previous_end or today, today))
        membership.save(update_fields=["is_active", "ends_on", "updated_at"])
        audit.record(
            actor=who,
            action="membership.ended",
            target=membership,
            data={"user_id": membership.user_id, "role": membership.role},
        )
    forget_memberships(membership.user)
    if who.user is not None and who.user.pk == membership.user_id:
        forget_memberships(who.user)
    return membership


@transaction.atomic
def otp_device_reset(*, actor: Actor, user: User) -> User:
    """Reset a user's lost second factor: the authenticator app's key is replaced and unconfirmed,
    the backup codes are dropped, and a session verified with them is no longer verified. At the
    next sign-in, after the password, the user enrols an app again."""
    who = _require_platform_administrator(actor)
    _refuse_self(who, user, _("You cannot reset your own second factor. Ask another platform administrator."))
    otp.devices_reset(user, actor=who)
    audit.record(actor=who, action="auth.otp_device_reset", target=user)
    return user


# Changes that give a membership (more) access: they need a second administrator's approval.
_GRANTING_FIELDS = frozenset({"user", "working_group", "role", "is_active", "starts_on", "ends_on"})


def membership_needs_approval(*, membership: Membership, changed_fields: Iterable[str] | None) -> bool:
    """Whether saving ``membership`` (new when ``changed_fields`` is None) grants a person-level
    role that no second administrator has approved yet."""
    if Role(membership.role) not in PERSON_LEVEL_ROLES or not membership.is_active:
        return False
    if changed_fields is None or membership.approval == MembershipApproval.PENDING:
        return True
    return bool(_GRANTING_FIELDS & set(changed_fields))


def membership_hold(*, actor: Actor, membership: Membership) -> Membership:
    """Mark an unsaved or changed membership as waiting for a second administrator (the caller
    saves it, then calls ``membership_requested``): it grants nothing until approved."""
    who = as_actor(actor)
    membership.approval = MembershipApproval.PENDING
    membership.requested_by_id = who.user_id
    membership.approved_by = None
    membership.approved_at = None
    return membership


def membership_requested(*, actor: Actor, membership: Membership) -> None:
    """Audit a membership held for approval: the user id, the group and the role."""
    audit.record(
        actor=actor,
        action="membership.requested",
        target=membership,
        data={"user_id": membership.user_id, "role": membership.role},
    )
    forget_memberships(membership.user)


@transaction.atomic
def membership_approve(*, actor: Actor, membership: Membership) -> Membership:
    """A second administrator approves a membership waiting for approval: from now on it grants
    its role. The approver is a platform administrator or an administrator of the membership's
    working group, and is neither the one who asked for it nor the member."""
    who = as_actor(actor)
    if not who.is_authenticated:
        raise NotSignedIn
    if who.user is None:
        raise NotPermitted  # a person, not a job, approves access to people's files
    if not (is_platform_administrator(who) or can(who, "workgroup.manage", membership)):
        require(who, "workgroup.manage", membership)  # 404 for another group's membership, else 403
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.approval != MembershipApproval.PENDING:
        raise ServiceError(_("This membership is not waiting for approval."), code="not_pending")
    if membership.requested_by_id == who.user.pk:
        raise ServiceError(
            _("You asked for this membership, so you cannot approve it. Ask another administrator."), code="self"
        )
    _refuse_self(who, membership.user, _("You cannot approve a membership for yourself. Ask another administrator."))
    membership.approval = MembershipApproval.APPROVED
    membership.approved_by_id = who.user_id
    membership.approved_at = timezone.now()
    membership.save(update_fields=["approval", "approved_by", "approved_at", "updated_at"])
    audit.record(
        actor=who,
        action="membership.approved",
        target=membership,
        data={"user_id": membership.user_id, "role": membership.role, "requested_by_id": membership.requested_by_id},
    )
    forget_memberships(membership.user)
    return membership


def audit_export_record(*, actor: Actor, group_ids: Iterable[int], data: dict[str, Any]) -> None:
    """Record an export of the audit trail (or the read log) in each group it covers: the filters
    and the number of rows (ids, codes and days; never a name)."""
    for group_id in group_ids:
        require(actor, "audit.view", _GroupRef(group_id))
    with transaction.atomic():
        for group_id in group_ids:
            audit.record(actor=actor, action="audit.exported", data=data, working_group_id=group_id)


class _GroupRef:
    """A working group named by id only, for a permission check scoped to it."""

    def __init__(self, working_group_id: int) -> None:
        self.working_group_id = working_group_id
