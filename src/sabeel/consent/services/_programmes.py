"""Return programmes and their rules: set up and changed by administrators, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sabeel.consent.eligibility import local_today
from sabeel.consent.models import (
    ReturnConsent,
    ReturnProgramme,
)
from sabeel.consent.services._common import (
    NAME_MAX,
    RULE_FIELDS,
    RULE_LIMIT,
)
from sabeel.core import audit
from sabeel.core.actors import Actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.workgroups.models import WorkingGroup

# --- programmes -----------------------------------------------------------------------------------


def _rule_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in RULE_FIELDS:
        value = values[name]
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= RULE_LIMIT:
            errors[name] = [_("Give a whole number of days from 0 to %(limit)d.") % {"limit": RULE_LIMIT}]
    if not errors.get("consent_validity_days") and values["consent_validity_days"] < 1:
        errors["consent_validity_days"] = [_("A consent must be valid for at least one day.")]
    if not errors and values["cooling_off_days"] > values["consent_validity_days"]:
        errors["cooling_off_days"] = [_("The cooling-off period cannot be longer than the consent's validity.")]
    return errors


def _label_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in ("name", "name_ar"):
        value = str(values.get(name) or "").strip()
        if not value or len(value) > NAME_MAX:
            errors[name] = [_("Give a name of at most %(count)d characters.") % {"count": NAME_MAX}]
    return errors


def _another_active(group_id: int, programme_id: int | None) -> bool:
    others = ReturnProgramme.objects.filter(working_group_id=group_id, is_active=True)
    if programme_id is not None:
        others = others.exclude(pk=programme_id)
    return others.exists()


@transaction.atomic
def programme_create(
    *,
    actor: Actor,
    working_group: WorkingGroup,
    name: str,
    name_ar: str,
    consent_validity_days: int = 90,
    cooling_off_days: int = 7,
    reconfirmation_window_days: int = 14,
    go_and_see_visits_allowed: int = 1,
    is_active: bool = True,
    starts_on: dt.date | None = None,
) -> ReturnProgramme:
    """Set up a host-country working group's return programme and its rules (administrators).
    It is in force from ``starts_on`` (today in the host country when not given, or an earlier
    day when the programme ran before it was set up here); nothing of it is dated earlier."""
    require(actor, "workgroup.manage", working_group)
    values: dict[str, Any] = {
        "starts_on": starts_on or local_today(working_group.time_zone),
        "name": (name or "").strip(),
        "name_ar": (name_ar or "").strip(),
        "consent_validity_days": consent_validity_days,
        "cooling_off_days": cooling_off_days,
        "reconfirmation_window_days": reconfirmation_window_days,
        "go_and_see_visits_allowed": go_and_see_visits_allowed,
        "is_active": bool(is_active),
    }
    errors = {**_label_errors(values), **_rule_errors(values)}
    if not working_group.host_country:
        errors["working_group"] = [_("A return programme belongs to a host-country working group.")]
    if values["is_active"] and _another_active(working_group.pk, None):
        errors["is_active"] = [_("This working group already has an active return programme.")]
    if errors:
        raise ServiceError(_("Some fields are not valid."), fields=errors)
    programme = ReturnProgramme.objects.create(working_group=working_group, **values)
    audit.record(
        actor=actor,
        action="programme.created",
        target=programme,
        data={
            "programme_id": programme.pk,
            "rules": {k: values[k] for k in (*RULE_FIELDS, "is_active")},
            "starts_on": str(values["starts_on"]),
        },
    )
    return programme


@transaction.atomic
def programme_update(*, actor: Actor, programme: ReturnProgramme, changes: Mapping[str, Any]) -> ReturnProgramme:
    """Change a programme's rules (or its names, or whether it is active); administrators of its
    working group only. The audit entry keeps the old and new value of every rule changed."""
    require(actor, "workgroup.manage", programme)
    allowed = {*RULE_FIELDS, "is_active", "name", "name_ar", "starts_on"}
    unknown = set(changes) - allowed
    if unknown:
        raise ServiceError(_("Some fields cannot be changed here."), fields={k: [_("Not a programme rule.")] for k in sorted(unknown)})
    current = ReturnProgramme.objects.select_for_update().get(pk=programme.pk)
    values = {name: getattr(current, name) for name in allowed}
    values.update({k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()})
    errors = {**_label_errors(values), **_rule_errors(values)}
    if values["is_active"] and not current.is_active and _another_active(current.working_group_id, current.pk):
        errors["is_active"] = [_("This working group already has an active return programme.")]
    if not isinstance(values["starts_on"], dt.date):
        errors["starts_on"] = [_("Give the day the programme is in force from.")]
    elif ReturnConsent.objects.filter(programme=current, given_on__lt=values["starts_on"]).exists():
        errors["starts_on"] = [_("Consents under this programme are dated before that day; the start cannot move after them.")]
    if errors:
        raise ServiceError(_("Some fields are not valid."), fields=errors)
    changed = {name: [getattr(current, name), values[name]] for name in sorted(allowed) if getattr(current, name) != values[name]}
    if not changed:
        return current
    for name in changed:
        setattr(current, name, values[name])
    current.save(update_fields=[*changed, "updated_at"])
    audit.record(
        actor=actor,
        action="programme.changed",
        target=current,
        data={
            "programme_id": current.pk,
            "rules": {k: v for k, v in changed.items() if k in (*RULE_FIELDS, "is_active")},
            "labels_changed": sorted(k for k in changed if k in ("name", "name_ar")),
            **({"starts_on": [str(d) for d in changed["starts_on"]]} if "starts_on" in changed else {}),
        },
    )
    return current
