"""Reads for working groups and memberships, always scoped to the actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F, Max, Min, QuerySet

from sabeel.core.actors import Actor
from sabeel.core.models import AuditEntry, ReadEntry
from sabeel.core.permissions import get_visible, groups_for, require, visible_to
from sabeel.workgroups.models import Membership, User, WorkingGroup


def working_group_list(*, actor: Actor) -> QuerySet[WorkingGroup]:
    require(actor, "workgroup.view")
    return visible_to(actor, WorkingGroup.objects.filter(is_active=True))


def working_group_get(*, actor: Actor, pk: int) -> WorkingGroup:
    return get_visible(actor, WorkingGroup.objects.all(), pk=pk)


def membership_list(*, actor: Actor, working_group: WorkingGroup) -> QuerySet[Membership]:
    return (
        visible_to(actor, Membership.objects.current().filter(working_group=working_group))
        .select_related("user", "organisation")
        .order_by("role", "user__username")
    )


def my_memberships(*, actor: Actor) -> QuerySet[Membership]:
    from sabeel.core.actors import as_actor

    who = as_actor(actor)
    if who.user_id is None:
        return Membership.objects.none()
    return Membership.objects.current().filter(user_id=who.user_id).select_related("working_group", "organisation")


def audit_entries(*, actor: Actor) -> QuerySet[AuditEntry]:
    """Audit rows of the working groups in which the actor is an auditor, newest first."""
    require(actor, "audit.view")
    return visible_to(actor, AuditEntry.objects.all()).order_by("-seq")


def read_entries(*, actor: Actor) -> QuerySet[ReadEntry]:
    """Read-log rows (who read which people's rows) of the groups in which the actor is an
    auditor, newest first."""
    require(actor, "audit.view")
    return visible_to(actor, ReadEntry.objects.all()).order_by("-id")


def time_zones_by_group() -> dict[int, str]:
    """Each working group's time zone (reference data, not scoped: it reveals no record)."""
    return dict(WorkingGroup.objects.values_list("pk", "time_zone"))


# --- the audit trail's filters -----------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What the auditor narrowed the trail (or the read log) to. Carries ids and codes only, so it
    travels in the query string and into the ``audit.exported`` row as it is."""

    actor_kind: str = ""  # ActorKind value, or "" for any
    actor_id: str = ""  # with actor_kind "user": the user's id
    action: str = ""
    working_group_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    time_zone: str = "UTC"  # the days above are days in this zone
    target_type: str = ""
    target_id: str = ""

    def as_data(self) -> dict[str, Any]:
        """The filters set, for the audit row of an export (no names: ids, codes and days)."""
        values: dict[str, Any] = {
            "actor_kind": self.actor_kind,
            "actor_id": self.actor_id,
            "action": self.action,
            "working_group_id": self.working_group_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "target_type": self.target_type,
            "target_id": self.target_id,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def _filtered(queryset: QuerySet[Any], filters: AuditFilters | None) -> QuerySet[Any]:
    if filters is None:
        return queryset
    if filters.working_group_id is not None:
        queryset = queryset.filter(working_group_id=filters.working_group_id)
    if filters.actor_kind:
        queryset = queryset.filter(actor_kind=filters.actor_kind)
        if filters.actor_id:
            queryset = queryset.filter(actor_id=filters.actor_id)
    if filters.action:
        queryset = queryset.filter(action=filters.action)
    if filters.target_type:
        queryset = queryset.filter(target_type=filters.target_type)
        if filters.target_id:
            queryset = queryset.filter(target_id=filters.target_id)
    zone = ZoneInfo(filters.time_zone)
    if filters.date_from is None and filters.date_to is None:
        return queryset
    if filters.date_from is not None:
        queryset = queryset.filter(at__gte=dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=zone))
    if filters.date_to is not None:
        end = filters.date_to + dt.timedelta(days=1)
        queryset = queryset.filter(at__lt=dt.datetime.combine(end, dt.time.min, tzinfo=zone))
    # The rows of a span of days lie between two keys; saying so (a condition the rows meet
    # anyway, so nothing is left out) lets the database walk the key's index over that stretch
    # only, instead of from the newest row back to a span months ago.
    # ``+ 0``: a bare MIN/MAX of the key is planned as a walk along the key's index from one end
    # until a row of the span turns up (half a second a million rows back); over an expression
    # the database reads the span's rows by their own index, or by one scan where there is none.
    key = queryset.model._meta.pk.name
    bounds = queryset.order_by().aggregate(low=Min(F(key) + 0), high=Max(F(key) + 0))
    if bounds["low"] is None:
        return queryset.none()
    return queryset.filter(**{f"{key}__gte": bounds["low"], f"{key}__lte": bounds["high"]})


def audit_entries_filtered(*, actor: Actor, filters: AuditFilters | None) -> QuerySet[AuditEntry]:
    """``audit_entries`` narrowed by the auditor's filters, newest first."""
    return _filtered(audit_entries(actor=actor), filters)


def read_entries_filtered(*, actor: Actor, filters: AuditFilters | None) -> QuerySet[ReadEntry]:
    """``read_entries`` narrowed by the same filters, newest first."""
    return _filtered(read_entries(actor=actor), filters)


def audit_groups(*, actor: Actor) -> QuerySet[WorkingGroup]:
    """The working groups whose trail the actor may read (``audit.view``)."""
    require(actor, "audit.view")
    return WorkingGroup.objects.filter(pk__in=groups_for(actor, "audit.view")).order_by("code")


@dataclass(frozen=True)
class StaffLabel:
    user_id: int
    name: str  # the user's display name (staff, not a refugee)
    organisations: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.name} ({', '.join(self.organisations)})" if self.organisations else self.name


def _staff_labels(memberships: QuerySet[Membership]) -> dict[int, StaffLabel]:
    found: dict[int, tuple[str, list[str]]] = {}
    rows = memberships.select_related("user", "organisation").order_by("user_id", "organisation__name")
    for m in rows:
        org = m.organisation.local_name
        _name, orgs = found.setdefault(m.user_id, (str(m.user), []))
        if org not in orgs:
            orgs.append(org)
    return {uid: StaffLabel(uid, name, tuple(orgs)) for uid, (name, orgs) in found.items()}


def audit_actor_choices(*, actor: Actor) -> list[StaffLabel]:
    """The staff of the actor's audited groups (every membership, ended ones too: a former member's
    rows stay in the trail), by display name and organisation, sorted by name."""
    groups = groups_for(actor, "audit.view")
    if not groups:
        return []
    labels = _staff_labels(Membership.objects.filter(working_group_id__in=groups))
    return sorted(labels.values(), key=lambda label: (label.name.casefold(), label.user_id))


def staff_labels(*, actor: Actor, user_ids: set[int]) -> dict[int, StaffLabel]:
    """Readable names for the users acting in a page of the trail. A user with no membership
    (a platform operator) is named without an organisation."""
    require(actor, "audit.view")
    if not user_ids:
        return {}
    labels = _staff_labels(Membership.objects.filter(user_id__in=user_ids))
    for user in User.objects.filter(pk__in=user_ids - labels.keys()):
        labels[user.pk] = StaffLabel(user.pk, str(user), ())
    return labels
