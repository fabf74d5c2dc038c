"""Writes on the protection-case access records: assignments and break-glass openings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.models import BreakGlass, CaseAssignment
from sabeel.core.permissions import group_of, memberships, require, target_ref
from sabeel.core.roles import Role

BREAK_GLASS_HOURS = 8
MIN_REASON_LENGTH = 15


@transaction.atomic
def case_assign(*, actor: Actor, case: Any, officer: Any) -> CaseAssignment:
    """Assign a protection officer of the case's working group to a protection-sensitive case."""
    require(actor, "consent.record", case)
    group_id = group_of(case)
    if (group_id, Role.PROTECTION_OFFICER) not in memberships(officer):
        raise ServiceError(
            _("Only a protection officer of this working group can be assigned."),
            fields={"officer": [_("Not a protection officer of this working group.")]},
        )
    target_type, target_id = target_ref(case)
    assignment, _created = CaseAssignment.objects.get_or_create(
        target_type=target_type,
        target_id=target_id,
        officer=officer,
        ended_at__isnull=True,
        defaults={"working_group_id": group_id},
    )
    audit.record(actor=actor, action="case.assigned", target=case, data={"officer_id": officer.pk})
    return assignment


@transaction.atomic
def break_glass_open(*, actor: Actor, case: Any, reason: str) -> BreakGlass:
    """A protection officer of the case's group who is not assigned opens it, giving a reason.

    Audited and shown to the assigned officers; valid for ``BREAK_GLASS_HOURS``."""
    require(actor, "protection.break_glass", case)
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ServiceError(
            _("Give the reason for opening this case."),
            fields={"reason": [_("Write at least %(count)d characters.") % {"count": MIN_REASON_LENGTH}]},
        )
    target_type, target_id = target_ref(case)
    who = as_actor(actor)
    group_id = group_of(case)
    if who.user_id is None or group_id is None:  # require() above already refused these
        raise PermissionError("break-glass needs a staff user and a case of a working group")
    opening = BreakGlass.objects.create(
        target_type=target_type,
        target_id=target_id,
        working_group_id=group_id,
        officer_id=who.user_id,
        reason=reason,
        expires_at=timezone.now() + dt.timedelta(hours=BREAK_GLASS_HOURS),
    )
    audit.record(actor=actor, action="case.break_glass", target=case, data={"break_glass_id": opening.pk})
    return opening
