"""Reads of the data-sharing app, always scoped: agreements to their group's administrators
(``agreement.manage``), the share log to auditors (``audit.view``) and administrators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from sabeel.core.actors import Actor
from sabeel.core.permissions import get_visible, groups_for, require, visible_to
from sabeel.sharing.choices import AgreementStatus, Level
from sabeel.sharing.models import Agreement, AgreementToken, ShareEntry
from sabeel.workgroups.models import Organisation, WorkingGroup

__all__ = [
    "agreement_get",
    "agreement_list",
    "agreements_in_force",
    "export_agreements",
    "manageable_groups",
    "recipients_of",
    "share_log",
    "share_log_agreements",
    "token_get",
]


def manageable_groups(*, actor: Actor) -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.filter(pk__in=groups_for(actor, "agreement.manage")).order_by("code")


def agreement_list(*, actor: Actor) -> QuerySet[Agreement]:
    require(actor, "agreement.manage")
    return (
        visible_to(actor, Agreement.objects.all(), "agreement.manage")
        .select_related("working_group")
        .prefetch_related("parties")
    )


def agreement_get(*, actor: Actor, pk: int) -> Agreement:
    require(actor, "agreement.manage")  # a role without it anywhere: 403; another group's: 404
    agreement: Agreement = get_visible(
        actor, Agreement.objects.select_related("working_group").prefetch_related("parties"), "agreement.manage", pk=pk
    )
    return agreement


def token_get(*, actor: Actor, agreement: Agreement, pk: int) -> AgreementToken:
    token: AgreementToken = get_visible(
        actor, AgreementToken.objects.filter(agreement=agreement).select_related("agreement"), "agreement.manage", pk=pk
    )
    return token


def export_agreements(*, actor: Actor) -> QuerySet[Agreement]:
    """Person-level agreements, active and in force, of the groups where the actor may export."""
    return agreements_in_force(working_group_ids=groups_for(actor, "person.export"))


def agreements_in_force(*, working_group_ids: Iterable[int]) -> QuerySet[Agreement]:
    """Person-level agreements of these groups, active and in force: the choices a form offers
    where names leave a group (the share's service still checks every term, in the group's zone)."""
    today = timezone.now().date()  # a day of slack either side: the check itself uses the group's zone
    return (
        Agreement.objects.filter(
            working_group_id__in=list(working_group_ids),
            status=AgreementStatus.ACTIVE,
            level=Level.PERSON,
            starts_on__lte=today + dt.timedelta(days=1),
            expires_on__gte=today - dt.timedelta(days=1),
        )
        .select_related("working_group")
        .prefetch_related("parties")
        .order_by("working_group__code", "reference")
    )


def recipients_of(agreements: QuerySet[Agreement]) -> QuerySet[Organisation]:
    """The active organisations that are a party to one of ``agreements``, by name."""
    return Organisation.objects.filter(agreements__in=agreements, is_active=True).distinct().order_by("name")


def _log_groups(actor: Actor) -> set[int]:
    return groups_for(actor, "audit.view") | groups_for(actor, "agreement.manage")


def share_log(
    *,
    actor: Actor,
    agreement_id: int | None = None,
    kind: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[ShareEntry]:
    """The share log of the groups where the actor audits or manages agreements, newest first."""
    groups = _log_groups(actor)
    if not groups:
        require(actor, "audit.view")
    entries = ShareEntry.objects.filter(working_group_id__in=groups).select_related(
        "agreement", "working_group", "recipient", "user"
    )
    if agreement_id:
        entries = entries.filter(agreement_id=agreement_id)
    if kind:
        entries = entries.filter(kind=kind)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-at", "-pk")


def share_log_agreements(*, actor: Actor) -> QuerySet[Agreement]:
    """The agreements one may filter the share log by."""
    return Agreement.objects.filter(Q(working_group_id__in=_log_groups(actor))).order_by("reference")
