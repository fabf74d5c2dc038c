"""Reading the version history: each saved change, redacted by field group and labelled.

A version entry keeps only the fields the actor may see (``core.permissions.redact`` with the
household); an entry whose every change is hidden is left out, so that the history does not
reveal that a hidden field changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.translation import gettext as _

from sabeel.core.actors import Actor
from sabeel.core.timezones import local_time
from sabeel.registry.fieldgroups import allowed_fields, keep
from sabeel.registry.models import Household, Individual, RecordVersion
from sabeel.workgroups.models import User

__all__ = ["Change", "VersionEntry", "actor_label", "describe", "field_label", "version_entries"]


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class VersionEntry:
    pk: int
    version: int
    at: dt.datetime
    action: str
    action_label: str
    actor: str
    individual_id: int | None
    changes: tuple[Change, ...]


def field_label(name: str) -> str:
    """A field's translated label (its ``verbose_name``), for history entries and messages."""
    extra = {
        "phones": _("phone numbers"),
        "external_ids": _("external ids"),
        "member_added": _("member added"),
        "member_removed": _("member removed"),
        "member_moved_in": _("member moved in"),
        "member_moved_out": _("member moved out"),
        "head": _("head of household"),
        "reopen_reason": _("reason for reopening"),
        "household": _("household"),
        "duplicate_check": _("reason for registering despite likely matches"),
    }
    if name in extra:
        return str(extra[name])
    for model in (Individual, Household):
        try:
            return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        except (FieldDoesNotExist, AttributeError):
            continue
    return name


def action_label(action: str) -> str:
    labels = {
        "household.created": _("Household registered"),
        "created": _("Registered (bulk load)"),
        "household.updated": _("Household corrected"),
        "household.closed": _("Household closed"),
        "household.reopened": _("Household reopened"),
        "household.member_added": _("Member added"),
        "household.member_removed": _("Member removed"),
        "household.member_moved_in": _("Member moved in"),
        "household.member_moved_out": _("Member moved out"),
        "household.head_changed": _("Head of household changed"),
        "individual.created": _("Person registered"),
        "individual.updated": _("Person corrected"),
        "individual.removed": _("Person removed from the household"),
        "individual.moved": _("Person moved to another household"),
    }
    return str(labels.get(action, action))


def actor_labels(versions: Iterable[RecordVersion]) -> dict[tuple[str, str], str]:
    """Display names of the staff users who made these versions (one query)."""
    user_ids = {int(v.actor_id) for v in versions if v.actor_kind == "user" and v.actor_id.isdigit()}
    users = {str(u.pk): str(u) for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    return {("user", pk): name for pk, name in users.items()}


def actor_label(kind: str, actor_id: str, known: dict[tuple[str, str], str] | None = None) -> str:
    if known and (kind, actor_id) in known:
        return known[(kind, actor_id)]
    if kind == "user":
        user = User.objects.filter(pk=actor_id).first() if actor_id.isdigit() else None
        return str(user) if user else _("a former user")
    if kind == "system":
        return _("a system job (%(job)s)") % {"job": actor_id}
    if kind == "refugee":
        return _("the household itself (self-service)")
    return _("unknown")


def version_entries(actor: Actor, household: Household, versions: Sequence[RecordVersion]) -> list[VersionEntry]:
    """``versions`` of ``household``, redacted for ``actor`` and labelled, in the given order."""
    known = actor_labels(versions)
    allowed = allowed_fields(actor, household)  # one redact for the whole history
    entries: list[VersionEntry] = []
    for version in versions:
        raw = version.changes if isinstance(version.changes, dict) else {}
        visible = keep(raw, allowed)
        if raw and not visible:
            continue  # every change of this entry is hidden: leave the entry out
        entries.append(
            VersionEntry(
                pk=version.pk,
                version=version.version,
                at=version.at,
                action=version.action,
                action_label=action_label(version.action),
                actor=actor_label(version.actor_kind, version.actor_id, known),
                individual_id=version.individual_id,
                changes=tuple(
                    Change(field=name, label=field_label(name), old=_pair(value)[0], new=_pair(value)[1])
                    for name, value in visible.items()
                ),
            )
        )
    return entries


def _pair(value: Any) -> tuple[Any, Any]:
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]
    return None, value


def _show(value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def describe(entry: VersionEntry, *, time_zone: str | None) -> str:
    """One sentence for a message: who changed what, when (in the group's time zone)."""
    local = local_time(entry.at, time_zone)
    when = f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} ({local.tzname()})" if local else ""
    if entry.changes:
        what = "; ".join(
            _("%(field)s: %(old)s → %(new)s") % {"field": c.label, "old": _show(c.old), "new": _show(c.new)}
            for c in entry.changes
        )
    else:
        what = entry.action_label
    return _("%(who)s saved a change at %(when)s (version %(version)s): %(what)s.") % {
        "who": entry.actor,
        "when": when,
        "version": entry.version,
        "what": what,
    }
