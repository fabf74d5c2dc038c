"""What each role does first: the reads behind the home page, one builder per role.

The home page shows a section per (working group, role) the user holds; each section is a
template ``core/home/<role>.html`` fed by the builder of that role below. A later capability adds
its entry points by extending one builder and one partial. Every figure is a query scoped through
``core.permissions`` (never a loop over rows); aggregate roles receive counts only, never a
person's name; the one list of households on the page (a protection officer's pending
verifications) is recorded in the read log like any other read.

It lives in the composition root because it reads several apps (core imports none).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Min, Q
from django.http import Http404
from django.utils import timezone

from sabeel.config.menu import optional_url
from sabeel.consent.intentions import intention_import_list
from sabeel.consent.models import FollowUp
from sabeel.core import audit
from sabeel.core.actors import Actor
from sabeel.core.management.commands.audit_verify import ANCHOR_PREFIX, default_anchor_dir
from sabeel.core.models import AuditEntry, BreakGlass
from sabeel.core.permissions import can, get_visible, require, visible_to
from sabeel.core.roles import Role
from sabeel.core.selectors import break_glass_on_my_cases
from sabeel.identity.selectors import pending_review
from sabeel.registry.choices import BirthDateChangeState, MemberStatus
from sabeel.registry.models import BirthDateChange, Household, MemberDeparture
from sabeel.workgroups.models import Membership, MembershipApproval, WorkingGroup
from sabeel.workgroups.selectors import my_memberships
from sabeel.workgroups.services import is_platform_administrator

RECENT_IMPORTS = 3
# ``audit_verify`` runs every few minutes; an anchor older than this says it has not passed lately.
CHAIN_STALE_AFTER = dt.timedelta(minutes=30)
PENDING_SHOWN = 10
PROTECTION_ACTION = "consent.record"  # as registry/member_protection.py: the protection officers'
# Roles whose first work is the funnel's figures (the headline card of reports:home_card).
FUNNEL_ROLES = frozenset({Role.COORDINATOR, Role.DONOR_VIEWER, Role.RECONSTRUCTION_PLANNER})


@dataclass
class RoleSection:
    role: Role
    membership: Membership
    template: str
    context: dict[str, Any]


@dataclass
class GroupWorkspace:
    group: WorkingGroup
    sections: list[RoleSection] = field(default_factory=list)


@dataclass
class Workspaces:
    groups: list[GroupWorkspace]
    platform: dict[str, Any] | None  # a platform administrator's section (superusers)
    break_glass: list[BreakGlass]
    urls: dict[str, str | None]


def _local_midnight(now: dt.datetime, group: WorkingGroup, days_back: int = 0) -> dt.datetime:
    local = now.astimezone(ZoneInfo(group.time_zone or "UTC"))
    day = local.date() - dt.timedelta(days=days_back)
    return dt.datetime.combine(day, dt.time.min, tzinfo=local.tzinfo)


# --- one builder per role ----------------------------------------------------------------------


def _registration(actor: Actor, group: WorkingGroup, now: dt.datetime) -> dict[str, Any]:
    today, week = _local_midnight(now, group), _local_midnight(now, group, days_back=6)
    households = visible_to(actor, Household.objects.filter(working_group=group), "person.view")
    counts = households.filter(created_at__gte=week).aggregate(
        today=Count("pk", filter=Q(created_at__gte=today)),
        week=Count("pk"),
        mine_today=Count("pk", filter=Q(created_at__gte=today, created_by=actor.user)),
    )
    imports = []
    if can(actor, "person.update", group):
        imports = list(intention_import_list(actor=actor).filter(working_group_id=group.pk)[:RECENT_IMPORTS])
    return {
        "counts": counts,
        "imports": imports,
        "may_create": can(actor, "person.create", group),
        "duplicates": pending_review(actor=actor, working_group=group),
    }


def _protection(actor: Actor, group: WorkingGroup, now: dt.datetime) -> dict[str, Any]:
    follow_ups = visible_to(actor, FollowUp.objects.filter(household__working_group=group, done_at__isnull=True), PROTECTION_ACTION)
    queue = follow_ups.aggregate(open=Count("pk"), oldest=Min("created_at"))
    # A departure during a return process waits for a protection officer, unless the person is
    # back in the household (as registry/member_protection.py reads it).
    departures = visible_to(
        actor,
        MemberDeparture.objects.filter(household__working_group=group, during_return_process=True, confirmed_at__isnull=True),
        PROTECTION_ACTION,
    ).exclude(individual__household=F("household"), individual__status=MemberStatus.ACTIVE)
    birth_dates = visible_to(
        actor, BirthDateChange.objects.filter(household__working_group=group, state=BirthDateChangeState.PENDING), PROTECTION_ACTION
    )
    pending: dict[int, dict[str, Any]] = {}
    for kind, rows in (("departures", departures), ("birth_dates", birth_dates)):
        for row in rows.values("household_id").annotate(n=Count("pk"), since=Min("created_at")).order_by("since")[:PENDING_SHOWN]:
            entry = pending.setdefault(row["household_id"], {"departures": 0, "birth_dates": 0, "since": row["since"]})
            entry[kind] = row["n"]
            entry["since"] = min(entry["since"], row["since"])
    numbers = dict(Household.objects.filter(pk__in=pending).values_list("pk", "registration_number"))
    shown = sorted(pending.items(), key=lambda item: item[1]["since"])[:PENDING_SHOWN]
    verifications = [{"household_id": pk, "number": numbers.get(pk, ""), **facts} for pk, facts in shown]
    if verifications:
        audit.record_read(
            actor=actor,
            action="home.verifications_listed",
            ids=[v["household_id"] for v in verifications],
            working_group_id=group.pk,
        )
    return {
        "follow_ups": queue,
        "departures": departures.count(),
        "birth_dates": birth_dates.count(),
        "verifications": verifications,
        "duplicates": pending_review(actor=actor, working_group=group),
    }


def _movement(actor: Actor, group: WorkingGroup, now: dt.datetime) -> dict[str, Any]:
    return {"may_edit_crossings": can(actor, "geo.edit")}


def _finance(actor: Actor, group: WorkingGroup, now: dt.datetime) -> dict[str, Any]:
    return {}


def _monitor(actor: Actor, group: WorkingGroup, now: dt.datetime) -> dict[str, Any]:
    return {}


def _funnel(actor: Actor, group: WorkingGroup, now: dt.datetime) -> dict[str, Any]:
    return {}


def chain_verified_at() -> dt.datetime | None:
    """When ``audit_verify`` last found the whole chain intact: the time in the name of the newest
    anchor file it wrote (it writes one only after every check passed). A directory listing, no
    walk of the chain."""
    directory = default_anchor_dir()
    if not directory.is_dir():
        return None
    names = [entry.name for entry in os.scandir(directory) if entry.name.startswith(ANCHOR_PREFIX) and entry.name.endswith(".txt")]
    if not names:
        return None
    stamp = max(names)[len(ANCHOR_PREFIX) : -len(".txt")]
    try:
        return dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _auditor(actor: Actor, group: WorkingGroup, now: dt.datetime) -> dict[str, Any]:
    entries = visible_to(actor, AuditEntry.objects.filter(working_group_id=group.pk), "audit.view")
    since = now - dt.timedelta(days=7)
    trail = entries.aggregate(latest=Max("seq"), week=Count("seq", filter=Q(at__gte=since)))
    latest_at = entries.filter(seq=trail["latest"]).values_list("at", flat=True).first() if trail["latest"] else None
    verified_at = chain_verified_at()
    return {
        "trail": trail,
        "latest_at": latest_at,
        "verified_at": verified_at,
        "chain_stale": verified_at is None or now - verified_at > CHAIN_STALE_AFTER,
    }


def _administrator(actor: Actor, group: WorkingGroup, now: dt.datetime) -> dict[str, Any]:
    members = visible_to(actor, Membership.objects.filter(working_group=group), "workgroup.manage")
    pending = list(
        members.filter(approval=MembershipApproval.PENDING, is_active=True)
        .select_related("user", "requested_by", "organisation")
        .order_by("created_at")[:PENDING_SHOWN]
    )
    return {
        "pending": pending,
        "pending_count": members.filter(approval=MembershipApproval.PENDING, is_active=True).count(),
        "members": visible_to(actor, Membership.objects.current().filter(working_group=group), "workgroup.manage").count(),
    }


BUILDERS: dict[Role, Callable[[Actor, WorkingGroup, dt.datetime], dict[str, Any]]] = {
    Role.REGISTRATION_OFFICER: _registration,
    Role.PROTECTION_OFFICER: _protection,
    Role.MOVEMENT_OFFICER: _movement,
    Role.FINANCE_OFFICER: _finance,
    Role.MONITOR: _monitor,
    Role.COORDINATOR: _funnel,
    Role.DONOR_VIEWER: _funnel,
    Role.RECONSTRUCTION_PLANNER: _funnel,
    Role.AUDITOR: _auditor,
    Role.ADMINISTRATOR: _administrator,
}
ROLE_ORDER = list(Role)


def _platform(actor: Actor) -> dict[str, Any] | None:
    """A platform administrator (an active superuser) approves memberships of every group."""
    if actor.user is None or not is_platform_administrator(actor):
        return None
    waiting = Membership.objects.filter(approval=MembershipApproval.PENDING, is_active=True)
    return {
        "pending": list(waiting.select_related("user", "working_group", "requested_by").order_by("created_at")[:PENDING_SHOWN]),
        "pending_count": waiting.count(),
    }


def membership_waiting(*, actor: Actor, pk: int) -> Membership:
    """A membership to approve from the home page: any for a platform administrator; otherwise one
    of a group where the actor holds ``workgroup.manage`` (403 without it anywhere, 404 for another
    group's). ``workgroups.services.membership_approve`` makes the decision itself."""
    memberships = Membership.objects.select_related("user", "working_group")
    if actor.user is not None and is_platform_administrator(actor):
        found = memberships.filter(pk=pk).first()
        if found is None:
            raise Http404
        return found
    require(actor, "workgroup.manage")
    return get_visible(actor, memberships, "workgroup.manage", pk=pk)


URL_NAMES = (
    "reports:funnel",
    "reports:home_card",
    "sharing:agreement_list",
    "sharing:share_log",
    "workgroups:audit",
    "consent:follow_up_list",
    "consent:intention_import",
    "consent:programme_list",
    "registry:household_list",
    "registry:household_create",
    "registry:search",
    "identity:run_list",
    "geo:crossing_list",
    "conditions:index",
    "movements:index",
    "admin:index",
)


def _grouped(memberships: Iterable[Membership]) -> list[tuple[WorkingGroup, list[Membership]]]:
    ordered = sorted(memberships, key=lambda m: (m.working_group.code, ROLE_ORDER.index(Role(m.role))))
    return [(group, list(rows)) for group, rows in groupby(ordered, key=lambda m: m.working_group)]


def workspaces(*, actor: Actor, now: dt.datetime | None = None) -> Workspaces:
    """The home page of ``actor``: a section per role, grouped by working group."""
    now = now or timezone.now()
    groups = []
    card_shown = False
    for group, memberships in _grouped(my_memberships(actor=actor)):
        workspace = GroupWorkspace(group)
        for membership in memberships:
            role = Role(membership.role)
            context = BUILDERS[role](actor, group, now)
            if role in FUNNEL_ROLES:
                # The headline card covers every group the user reads figures of: shown once.
                context["show_card"], card_shown = not card_shown, True
            workspace.sections.append(RoleSection(role, membership, f"core/home/{role.value}.html", context))
        groups.append(workspace)
    return Workspaces(
        groups=groups,
        platform=_platform(actor),
        break_glass=list(break_glass_on_my_cases(actor=actor)[:20]),
        urls={name.replace(":", "_"): optional_url(name) for name in URL_NAMES},
    )
