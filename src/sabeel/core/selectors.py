"""Reads on protection-case access records, scoped to the actor."""

from __future__ import annotations

from django.db.models import QuerySet

from sabeel.core.actors import Actor, as_actor
from sabeel.core.models import BreakGlass, CaseAssignment


def break_glass_on_my_cases(*, actor: Actor) -> QuerySet[BreakGlass]:
    """Break-glass openings of the cases the actor is assigned to (shown to assigned officers)."""
    who = as_actor(actor)
    if who.user is None:
        return BreakGlass.objects.none()
    mine = CaseAssignment.objects.filter(officer_id=who.user_id, ended_at__isnull=True)
    refs = {(a.target_type, a.target_id) for a in mine}
    if not refs:
        return BreakGlass.objects.none()
    from django.db.models import Q

    condition = Q()
    for target_type, target_id in refs:
        condition |= Q(target_type=target_type, target_id=target_id)
    return BreakGlass.objects.filter(condition).exclude(officer_id=who.user_id).select_related("officer").order_by("-created_at")
