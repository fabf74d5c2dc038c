"""Reads for working groups and memberships, always scoped to the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sabeel.core.models import AuditEntry, ReadEntry
from sabeel.core.permissions import get_visible, require, visible_to
from sabeel.workgroups.models import Membership, WorkingGroup


def working_group_list(*, actor: Any) -> QuerySet[WorkingGroup]:
    require(actor, "workgroup.view")
    return visible_to(actor, WorkingGroup.objects.filter(is_active=True))


def working_group_get(*, actor: Any, pk: int) -> WorkingGroup:
    return get_visible(actor, WorkingGroup.objects.all(), pk=pk)


def membership_list(*, actor: Any, working_group: WorkingGroup) -> QuerySet[Membership]:
    return (
        visible_to(actor, Membership.objects.current().filter(working_group=working_group))
        .select_related("user", "organisation")
        .order_by("role", "user__username")
    )


def my_memberships(*, actor: Any) -> QuerySet[Membership]:
    from sabeel.core.actors import as_actor

    who = as_actor(actor)
    if who.user is None:
        return Membership.objects.none()
    return Membership.objects.current().filter(user=who.user).select_related("working_group", "organisation")


def audit_entries(*, actor: Any) -> QuerySet[AuditEntry]:
    """Audit rows of the working groups in which the actor is an auditor, newest first."""
    require(actor, "audit.view")
    return visible_to(actor, AuditEntry.objects.all()).order_by("-seq")


def read_entries(*, actor: Any) -> QuerySet[ReadEntry]:
    """Read-log rows (who read which people's rows) of the groups in which the actor is an
    auditor, newest first."""
    require(actor, "audit.view")
    return visible_to(actor, ReadEntry.objects.all()).order_by("-id")


def time_zones_by_group() -> dict[int, str]:
    """Each working group's time zone (reference data, not scoped: it reveals no record)."""
    return dict(WorkingGroup.objects.values_list("pk", "time_zone"))
