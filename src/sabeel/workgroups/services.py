"""Writes on accounts and memberships: deactivating a user, ending a membership, resetting a lost
second factor. Each is checked, atomic and audited (ids only)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit, otp
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import NotPermitted, NotSignedIn, ServiceError
from sabeel.core.models import ActorKind
from sabeel.core.permissions import forget_memberships, require
from sabeel.workgroups.models import Membership, User


def is_platform_administrator(actor: Any) -> bool:
    """A platform administrator is an active superuser (accounts are platform-wide, not a working
    group's). System jobs count as one."""
    who = as_actor(actor)
    if who.kind == ActorKind.SYSTEM:
        return True
    return who.kind == ActorKind.USER and who.user is not None and who.user.is_active and who.user.is_superuser


def _require_platform_administrator(actor: Any) -> Actor:
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
def user_deactivate(*, actor: Any, user: User) -> User:
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
def membership_end(*, actor: Any, membership: Membership) -> Membership:
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
def otp_device_reset(*, actor: Any, user: User) -> User:
    """Reset a user's lost second factor: the authenticator app's key is replaced and unconfirmed,
    the backup codes are dropped, and a session verified with them is no longer verified. At the
    next sign-in, after the password, the user enrols an app again."""
    who = _require_platform_administrator(actor)
    _refuse_self(who, user, _("You cannot reset your own second factor. Ask another platform administrator."))
    otp.devices_reset(user, actor=who)
    audit.record(actor=who, action="auth.otp_device_reset", target=user)
    return user
