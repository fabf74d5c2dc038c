"""The one permission path: ``can``, ``require`` and ``visible_to``.

Every check is made membership by membership: a role grants its actions only inside the working
group of that membership and only while the membership is current. Selectors scope with
``visible_to``; services call ``require``; nothing else checks roles.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import Http404
from django.utils import timezone

from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import NotPermitted, NotSignedIn
from sabeel.core.models import ActorKind, BreakGlass, CaseAssignment
from sabeel.core.roles import ACTIONS, POLICY, REFUGEE_ACTIONS, FieldGroup, Role

M = TypeVar("M", bound=models.Model)

_CACHE_ATTR = "_sabeel_memberships"


def memberships(who: Actor) -> list[tuple[int, Role]]:
    """The actor's current (working group id, role) pairs, cached on the user for the request."""
    actor = as_actor(who)
    if actor.kind != ActorKind.USER or actor.user is None or not actor.user.is_active:
        return []
    user = actor.user
    cached: list[tuple[int, Role]] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        # Named by the setting, as Django names the user model: core imports no app.
        membership: Any = apps.get_model(settings.SABEEL_MEMBERSHIP_MODEL)
        cached = [
            (group_id, Role(role))
            for group_id, role in membership.objects.current().filter(user=user).values_list("working_group_id", "role")
        ]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def groups_for(who: Actor, action: str) -> set[int]:
    """Working groups in which one of the actor's memberships grants ``action``."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return {group_id for group_id, role in memberships(who) if action in POLICY[role].actions}


def group_of(obj: Any) -> int | None:
    """The working group a record belongs to (``working_group_id``), or None for reference data."""
    return getattr(obj, "working_group_id", None)


def household_of(obj: Any) -> int | None:
    """The household a record belongs to (the household itself, or ``household_id``)."""
    if obj is None:
        return None
    if getattr(obj, "_meta", None) is not None and obj._meta.label_lower == "registry.household":
        return int(obj.pk)
    value = getattr(obj, "household_id", None)
    return int(value) if value is not None else None


def can(who: Actor, action: str, obj: Any = None) -> bool:
    """May ``who`` do ``action`` (on ``obj``, if given)?"""
    actor = as_actor(who)
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    if actor.kind == ActorKind.SYSTEM:
        return True
    if actor.kind == ActorKind.REFUGEE:
        return action in REFUGEE_ACTIONS and obj is not None and str(household_of(obj)) == actor.id
    if actor.kind != ActorKind.USER:
        return False
    groups = groups_for(actor, action)
    if obj is None or not ACTIONS[action].group_scoped:
        return bool(groups)
    group_id = group_of(obj)
    return group_id is not None and group_id in groups


def require(who: Actor, action: str, obj: Any = None) -> None:
    """Raise unless ``who`` may do ``action``: not signed in, not permitted, or (for a record of a
    group the actor cannot see at all) ``Http404`` so that its existence is not revealed."""
    actor = as_actor(who)
    if not actor.is_authenticated:
        raise NotSignedIn
    if can(actor, action, obj):
        return
    if actor.kind == ActorKind.REFUGEE:
        if obj is not None and str(household_of(obj)) != actor.id:
            raise Http404  # another household's record is not revealed
        raise NotPermitted
    if obj is not None and ACTIONS[action].group_scoped:
        group_id = group_of(obj)
        if group_id is None or group_id not in {g for g, _ in memberships(actor)}:
            raise Http404
    raise NotPermitted


def visible_to(who: Actor, queryset: models.QuerySet[M], action: str | None = None) -> models.QuerySet[M]:
    """Scope ``queryset`` to the rows the actor may ``action`` (default: the model's view action).

    The model names its path to the working group in ``sabeel_scope`` (for example
    ``"household__working_group"``) and its view action in ``sabeel_view_action``.
    """
    model = queryset.model
    action = action or str(getattr(model, "sabeel_view_action", "workgroup.view"))
    path = getattr(model, "sabeel_scope", None)
    actor = as_actor(who)
    if actor.kind == ActorKind.SYSTEM:
        return queryset
    if path is None:
        raise TypeError(f"{model.__name__} declares no sabeel_scope; it cannot be scoped")
    groups = groups_for(actor, action)
    if not groups:
        return queryset.none()
    lookup = "pk__in" if path == "self" else f"{path}__in"
    return queryset.filter(**{lookup: groups})


def get_visible(who: Actor, queryset: models.QuerySet[M], action: str | None = None, **lookup: Any) -> M:
    """One row of ``visible_to(...)`` or ``Http404`` (a record of another group is not revealed)."""
    actor = as_actor(who)
    if not actor.is_authenticated:
        raise NotSignedIn
    try:
        return visible_to(actor, queryset, action).get(**lookup)
    except queryset.model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise Http404 from exc


def target_ref(obj: Any) -> tuple[str, str]:
    """A record's (type, id) as used in the audit trail and in case assignments."""
    ref = getattr(obj, "sabeel_target_ref", None)
    if ref is not None:
        return ref() if callable(ref) else ref
    return obj._meta.label_lower, str(obj.pk)


def is_assigned(who: Actor, obj: Any) -> bool:
    actor = as_actor(who)
    if actor.user is None:
        return False
    target_type, target_id = target_ref(obj)
    return CaseAssignment.objects.filter(
        target_type=target_type, target_id=target_id, officer_id=actor.user_id, ended_at__isnull=True
    ).exists()


def has_break_glass(who: Actor, obj: Any) -> bool:
    actor = as_actor(who)
    if actor.user is None:
        return False
    target_type, target_id = target_ref(obj)
    return BreakGlass.objects.filter(
        target_type=target_type, target_id=target_id, officer_id=actor.user_id, expires_at__gt=timezone.now()
    ).exists()


def visible_field_groups(who: Actor, obj: Any) -> frozenset[FieldGroup]:
    """Field groups of ``obj`` the actor may see, from their memberships in obj's group only.

    The protection-sensitive case group also needs an assignment to the case or a current
    break-glass opening.
    """
    actor = as_actor(who)
    if actor.kind == ActorKind.SYSTEM:
        return frozenset(FieldGroup)
    group_id = group_of(obj)
    granted: set[FieldGroup] = set()
    for membership_group, role in memberships(actor):
        if membership_group == group_id:
            granted |= POLICY[role].field_groups
    if FieldGroup.PROTECTION_CASE in granted and not (is_assigned(actor, obj) or has_break_glass(actor, obj)):
        granted.discard(FieldGroup.PROTECTION_CASE)
    return frozenset(granted)


def redact(
    who: Actor, obj: Any, values: dict[str, Any], field_groups: dict[str, FieldGroup]
) -> dict[str, Any]:
    """Leave out (never mask) the entries of ``values`` whose field group the actor may not see.

    Used for a record and for each of its versions alike."""
    allowed = visible_field_groups(who, obj)
    return {k: v for k, v in values.items() if k not in field_groups or field_groups[k] in allowed}
