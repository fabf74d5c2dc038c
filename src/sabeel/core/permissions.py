"""The one permission path: ``can``, ``require`` and ``visible_to``.

Every check is made membership by membership: a role grants its actions only inside the working
group of that membership and only while the membership is current. Selectors scope with
``visible_to``; services call ``require``; nothing else checks roles.

A role of ``Scope.ASSIGNED`` (the monitor) grants its person-level actions only on the households
assigned to the member in that group: an open ``CaseAssignment`` of the role's ``assignment``
type naming the household. Any other household of the group is treated as one of another group
(left out of lists and searches, 404 when asked for).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import NotPermitted, NotSignedIn
from sabeel.core.models import ActorKind, BreakGlass, CaseAssignment
from sabeel.core.roles import ACTIONS, POLICY, REFUGEE_ACTIONS, FieldGroup, Role, Scope

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


def _grants(who: Actor, action: str) -> tuple[set[int], dict[int, set[str]]]:
    """Groups where ``action`` is granted on every record, and groups where it is granted only
    on the households assigned to the actor (group id → the assignment types that count)."""
    full: set[int] = set()
    narrowed: dict[int, set[str]] = {}
    person_level = ACTIONS[action].person_level
    for group_id, role in memberships(who):
        policy = POLICY[role]
        if action not in policy.actions:
            continue
        if person_level and policy.scope is Scope.ASSIGNED:
            narrowed.setdefault(group_id, set()).add(policy.assignment)
        else:
            full.add(group_id)
    return full, {g: types for g, types in narrowed.items() if g not in full}


def is_narrowed(who: Actor, action: str) -> bool:
    """Does ``action`` reach, in some group, only the households assigned to the actor? Readers
    that do not scope with ``visible_to`` (the search) then pass their rows through it."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return bool(_grants(who, action)[1])


def assigned_only_groups(who: Actor, action: str) -> set[int]:
    """The groups where ``action`` reaches only the households assigned to the actor."""
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}")
    return set(_grants(who, action)[1])


def assigned_households(who: Actor, narrowed: dict[int, set[str]]) -> dict[int, set[int]]:
    """The households assigned to the actor, per group of ``narrowed`` (group id → types)."""
    actor = as_actor(who)
    if actor.user_id is None or not narrowed:
        return {}
    condition = Q()
    for group_id, types in narrowed.items():
        condition |= Q(working_group_id=group_id, target_type__in=sorted(types))
    found: dict[int, set[int]] = {}
    rows = CaseAssignment.objects.filter(condition, officer_id=actor.user_id, ended_at__isnull=True)
    for group_id, target_id in rows.values_list("working_group_id", "target_id"):
        if target_id.isdigit():
            found.setdefault(group_id, set()).add(int(target_id))
    return found


def _household_path(model: type[models.Model], path: str) -> str | None:
    """The lookup from ``model`` to its household (``pk`` for the household itself), or None for
    a record that belongs to no household."""
    if model._meta.label_lower == "registry.household":
        return "pk"
    parts = path.split("__")
    if "household" in parts:
        return "__".join(parts[: parts.index("household") + 1])
    if any(field.name == "household" for field in model._meta.get_fields()):
        return "household"
    return None


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
    if group_id is None or group_id not in groups:
        return False
    full, narrowed = _grants(actor, action)
    if group_id in full:
        return True
    if getattr(obj, "_meta", None) is not None and obj._meta.label_lower == "workgroups.workinggroup":
        return True  # the group itself (a menu, a form's choice): its rows are narrowed when read
    household = household_of(obj)
    return household is not None and household in assigned_households(actor, {group_id: narrowed[group_id]}).get(group_id, set())


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
        if group_id in groups_for(actor, action):
            raise Http404  # granted on assigned households only: another one is not revealed
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
    full, narrowed = _grants(actor, action)
    if not narrowed:
        return queryset.filter(**{lookup: groups})
    conditions = [Q(**{lookup: full})] if full else []
    household_path = _household_path(model, path)
    if household_path is not None:  # a record of no household is not reached through an assignment
        for group_id, households in assigned_households(actor, narrowed).items():
            conditions.append(Q(**{lookup: [group_id], f"{household_path}__in": sorted(households)}))
    if not conditions:
        return queryset.none()
    condition = conditions[0]
    for more in conditions[1:]:
        condition |= more
    return queryset.filter(condition)


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
    household = household_of(obj)
    for membership_group, role in memberships(actor):
        if membership_group != group_id:
            continue
        policy = POLICY[role]
        if policy.scope is Scope.ASSIGNED and household is not None:
            assigned = assigned_households(actor, {membership_group: {policy.assignment}})
            if household not in assigned.get(membership_group, set()):
                continue  # a household not assigned: nothing of it through this role
        granted |= policy.field_groups
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
