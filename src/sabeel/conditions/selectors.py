"""Reads of the area conditions register (C9). Conditions are platform-wide information, like
geography: any staff role with ``geo.view`` reads them.

A threshold's current entry for a unit comes from the most specific level that has one
(sub-district → district → governorate → country), and says where it came from. The
active-hostilities flag takes the cautious reading described in ``hostilities_status``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from sabeel.conditions.models import AreaCondition, AreaObservation, InformationPackage, Threshold
from sabeel.core.actors import Actor
from sabeel.core.permissions import can, require
from sabeel.geo.choices import Country
from sabeel.geo.models import AdminUnit

__all__ = [
    "READ_ACTION",
    "RECORD_ACTION",
    "CurrentCondition",
    "HostilitiesStatus",
    "area_condition_history",
    "area_condition_units",
    "area_conditions_current",
    "area_observations",
    "can_record_conditions",
    "condition_unit_get",
    "conditions_record_check",
    "current_conditions",
    "destination_has_active_hostilities",
    "hostilities_status",
    "information_package_get",
    "information_package_versions",
    "unit_chain",
]

READ_ACTION = "geo.view"
# Protection officers record conditions. A platform-wide ``conditions.record`` action (protection
# officers and administrators, not group-scoped) is proposed to the lead; until it exists in
# ``core/roles.py`` this is the action that guards the register.
RECORD_ACTION = "conditions.record"
HISTORY_LIMIT = 200


@dataclass(frozen=True)
class CurrentCondition:
    """One threshold as it stands for a unit: the entry in force and the unit it was recorded for
    (the unit itself or one of its ancestors); ``entry`` is None when no level has one."""

    threshold: Threshold
    entry: AreaCondition | None
    source_unit: AdminUnit | None
    unit: AdminUnit

    @property
    def inherited(self) -> bool:
        return self.source_unit is not None and self.source_unit.pk != self.unit.pk

    @property
    def status(self) -> str:
        return self.entry.status if self.entry else "unknown"


@dataclass(frozen=True)
class HostilitiesStatus:
    """Whether a unit is flagged for active hostilities, since when, and the unit whose entry
    raised the flag (the unit itself or an ancestor)."""

    flagged: bool
    since: dt.date | None = None
    source_unit: AdminUnit | None = None


def unit_chain(unit: AdminUnit) -> list[AdminUnit]:
    """The unit and its ancestors, the unit first."""
    chain = [unit]
    current = unit.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain


def _chain_ids(unit: AdminUnit) -> list[int]:
    """The ids of the unit and its ancestors, the unit first: from the loaded parents where they
    are, else in one query (units nest three levels deep)."""
    ids = [unit.pk]
    current: AdminUnit | None = unit
    while current is not None and current.parent_id is not None:
        if "parent" not in current._state.fields_cache:
            row = AdminUnit.objects.filter(pk=current.pk).values_list("parent_id", "parent__parent_id", "parent__parent__parent_id").first()
            return ids + [pk for pk in row or () if pk is not None]
        current = current.parent
        if current is not None:
            ids.append(current.pk)
    return ids


OBSERVATIONS_SHOWN = 20  # the newest observed entries of a unit and the units above it


def area_observations(unit: AdminUnit, *, on: dt.date | None = None) -> list[AreaObservation]:
    """The observed entries of ``unit`` and the units above it, newest first (at most
    ``OBSERVATIONS_SHOWN``; those dated on or before ``on`` when given). Information for every
    staff role and the person, like the conditions themselves."""
    rows = AreaObservation.objects.filter(admin_unit_id__in=_chain_ids(unit)).select_related("admin_unit")
    if on is not None:
        rows = rows.filter(observed_on__lte=on)
    return list(rows.order_by("-observed_on", "-id")[:OBSERVATIONS_SHOWN])


def _entries(unit_ids: list[int], *, threshold: str | None = None, on: dt.date | None = None) -> dict[int, list[AreaCondition]]:
    """Entries of each unit, newest first (by date, then by recording order)."""
    entries = AreaCondition.objects.filter(admin_unit__in=unit_ids)
    if threshold is not None:
        entries = entries.filter(threshold=threshold)
    if on is not None:
        entries = entries.filter(as_of__lte=on)
    by_unit: dict[int, list[AreaCondition]] = {}
    for entry in entries.order_by("-as_of", "-id"):
        by_unit.setdefault(entry.admin_unit_id, []).append(entry)
    return by_unit


def current_conditions(unit: AdminUnit, *, on: dt.date | None = None) -> list[CurrentCondition]:
    """Every threshold for ``unit`` (as known on ``on``, default: all entries), each resolved
    from the most specific level that has an entry. No permission check: callers check."""
    chain = unit_chain(unit)
    by_unit = _entries([u.pk for u in chain], on=on)
    result = []
    for threshold in Threshold:
        found: tuple[AreaCondition, AdminUnit] | None = None
        for level_unit in chain:
            latest = next((e for e in by_unit.get(level_unit.pk, ()) if e.threshold == threshold), None)
            if latest is not None:
                found = (latest, level_unit)
                break
        entry, source = found if found else (None, None)
        result.append(CurrentCondition(threshold=threshold, entry=entry, source_unit=source, unit=unit))
    return result


def _hostilities(unit: AdminUnit, on: dt.date | None) -> tuple[dt.date, int] | None:
    """(since, id of the unit whose entry raised it), or None when the unit is not flagged."""
    chain = _chain_ids(unit)
    by_unit = _entries(chain, threshold=Threshold.SAFETY, on=on)
    newest_specific: dt.date | None = None
    flags: list[tuple[dt.date, int]] = []
    for depth, unit_id in enumerate(chain):
        level_entries = by_unit.get(unit_id)
        if not level_entries:
            continue
        latest = level_entries[0]
        in_force = newest_specific is None or latest.as_of > newest_specific
        if in_force and latest.active_hostilities:
            since = latest.as_of
            for older in level_entries[1:]:
                if not older.active_hostilities:
                    break
                since = older.as_of
            flags.append((since, depth))
        newest_specific = latest.as_of if newest_specific is None else max(newest_specific, latest.as_of)
    if not flags:
        return None
    since, depth = min(flags)  # the earliest; on a tie, the most specific
    return since, chain[depth]


def hostilities_status(unit: AdminUnit, *, on: dt.date | None = None) -> HostilitiesStatus:
    """The active-hostilities flag for ``unit`` as known on ``on`` (default: all entries).

    Each level's latest safety entry is in force unless a more specific level has an entry of the
    same date or later: a newer report for the governorate is not hidden by an older one for the
    sub-district. The unit is flagged when an entry in force is flagged; ``since`` is the first day
    of the unbroken run of flagged entries at that level (the earliest such day when several
    levels are flagged)."""
    found = _hostilities(unit, on)
    if found is None:
        return HostilitiesStatus(flagged=False)
    since, source_id = found
    source = unit if source_id == unit.pk else AdminUnit.objects.get(pk=source_id)
    return HostilitiesStatus(flagged=True, since=since, source_unit=source)


def destination_has_active_hostilities(*, destination: AdminUnit, on: dt.date) -> tuple[bool, dt.date | None]:
    """Is ``destination`` (or an area above it) flagged for active hostilities on ``on``, and
    since when? For eligibility: an organised movement there needs a protection officer's
    recorded sign-off. Never a reason to refuse a person's own decision. No permission check;
    two queries."""
    found = _hostilities(destination, on)
    return (True, found[0]) if found else (False, None)


# --- reads for pages and the API (the actor is checked) ---------------------------------------


def can_record_conditions(*, actor: Actor) -> bool:
    """May the actor record entries (to show or hide the record links)?"""
    return can(actor, RECORD_ACTION)


def conditions_record_check(*, actor: Actor) -> None:
    """Raise unless the actor may record entries (for the form before anything is posted)."""
    require(actor, RECORD_ACTION)


def condition_unit_get(*, actor: Actor, pk: int) -> AdminUnit:
    """A Syrian admin unit with its ancestors loaded (404 for another country's unit)."""
    require(actor, READ_ACTION)
    try:
        return AdminUnit.objects.select_related("parent__parent__parent").get(pk=pk, country=Country.SYRIA)
    except AdminUnit.DoesNotExist as exc:
        raise Http404 from exc


def area_conditions_current(*, actor: Actor, admin_unit: AdminUnit, on: dt.date | None = None) -> list[CurrentCondition]:
    require(actor, READ_ACTION)
    return current_conditions(admin_unit, on=on)


def area_condition_history(*, actor: Actor, admin_unit: AdminUnit, threshold: str | None = None) -> QuerySet[AreaCondition]:
    """The entries recorded for this unit itself, newest first; superseded ones included."""
    require(actor, READ_ACTION)
    entries = AreaCondition.objects.filter(admin_unit=admin_unit).select_related("recorded_by")
    if threshold:
        entries = entries.filter(threshold=threshold)
    return entries.order_by("-as_of", "-id")


def area_condition_units(*, actor: Actor, q: str | None = None) -> QuerySet[AdminUnit]:
    """Syrian units that have entries of their own (``entries``, ``last_as_of``), or, with ``q``,
    the Syrian units whose key or name matches."""
    require(actor, READ_ACTION)
    units = AdminUnit.objects.filter(country=Country.SYRIA).select_related("parent")
    if q:
        units = units.filter(Q(key__iexact=q.strip()) | Q(name_en__icontains=q.strip()) | Q(name_ar__icontains=q.strip()))
    else:
        units = units.filter(conditions__isnull=False)
    return units.annotate(entries=Count("conditions"), last_as_of=Max("conditions__as_of")).order_by("level", "key")


def information_package_get(*, actor: Actor, pk: int) -> InformationPackage:
    require(actor, READ_ACTION)
    try:
        return InformationPackage.objects.select_related("admin_unit").get(pk=pk)
    except InformationPackage.DoesNotExist as exc:
        raise Http404 from exc


def information_package_versions(*, actor: Actor, admin_unit: AdminUnit, language: str | None = None) -> QuerySet[InformationPackage]:
    require(actor, READ_ACTION)
    packages = InformationPackage.objects.filter(admin_unit=admin_unit)
    if language:
        packages = packages.filter(language=language)
    return packages.order_by("language", "-version")
