"""Rows a registry write leaves behind: versions, name keys, phones, identifiers; conflicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import Conflict
from sabeel.core.signals import households_changed
from sabeel.geo.models import AdminUnit
from sabeel.registry.choices import (
    MemberStatus,
    Relationship,
)
from sabeel.registry.fieldgroups import NAME_FIELDS
from sabeel.registry.models import ExternalId, Household, Individual, NameKey, Phone, RecordVersion
from sabeel.registry.readings import generated_readings, with_generated
from sabeel.registry.search import name_keys_for
from sabeel.registry.versions import describe, version_entries


class RecordConflict(Conflict):
    """The record changed since the officer loaded it; ``change`` is the other officer's change as
    this actor may see it (a ``versions.VersionEntry``, or None)."""

    def __init__(self, message: str, *, change: Any = None) -> None:
        super().__init__(message, fields={"version": [message]})
        self.change = change



# --- records and versions -------------------------------------------------------------------


def _json(value: Any) -> Any:
    if isinstance(value, AdminUnit):
        return value.key
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def _version(
    *, actor: Actor, household: Household, individual: Individual | None, version: int, action: str, changes: dict[str, Any]
) -> RecordVersion:
    who = as_actor(actor)
    households_changed([household.pk])  # the funnel snapshot refreshes the household on commit
    return RecordVersion.objects.create(
        household=household,
        individual=individual,
        version=version,
        at=timezone.now(),
        actor_kind=str(who.kind),
        actor_id=str(who.id),
        action=action,
        changes={k: [_json(old), _json(new)] for k, (old, new) in changes.items()},
    )


def _index_names(individuals: Sequence[Individual], *, working_group_id: int, replace: bool) -> None:
    if replace:
        NameKey.objects.filter(individual__in=individuals).delete()
    NameKey.objects.bulk_create(
        NameKey(individual=person, working_group_id=working_group_id, key=key, born=_year(person))
        for person in individuals
        for key in sorted(name_keys_for(with_generated({name: getattr(person, name) for name in NAME_FIELDS}, person.generated_names)))
    )


def _year(person: Individual) -> int | None:
    return person.date_of_birth.year if person.date_of_birth else None


def _index_birth_year(person: Individual) -> None:
    """Keep the year of birth copied into the person's search keys in step with the record."""
    year = _year(person)
    NameKey.objects.filter(individual=person).exclude(born=year).update(born=year)


def _generate_readings(person: Individual) -> bool:
    """Set ``person.generated_names`` from the typed names (``readings.generated_readings``);
    True when it changed. Derived data: never a field of a version or of the audit row."""
    generated = generated_readings({name: getattr(person, name) for name in NAME_FIELDS})
    if generated == (person.generated_names or {}):
        return False
    person.generated_names = generated
    return True


def _ids_of(household: Household, individual: Individual | None = None) -> list[str]:
    rows = ExternalId.objects.filter(household=household, individual=individual, is_active=True).order_by("pk")
    return [f"{row.scheme}:{row.value}" for row in rows]


def _set_external_ids(household: Household, individual: Individual | None, wanted: Sequence[tuple[str, str, str]]) -> None:
    current = {(r.scheme, r.normalised): r for r in ExternalId.objects.filter(household=household, individual=individual)}
    keep = {(scheme, normalised) for scheme, _value, normalised in wanted}
    for key, row in current.items():
        if row.is_active and key not in keep:
            row.is_active = False
            row.save(update_fields=["is_active", "updated_at"])
    for scheme, value, normalised in wanted:
        found = current.get((scheme, normalised))
        if found is None:
            ExternalId.objects.create(
                household=household, individual=individual, scheme=scheme, value=value, normalised=normalised
            )
        elif not found.is_active or found.value != value:
            found.is_active, found.value = True, value
            found.save(update_fields=["is_active", "value", "updated_at"])


def _phones_of(household: Household) -> list[str]:
    return list(household.phones.filter(is_active=True).order_by("-is_primary", "pk").values_list("number", flat=True))


def _set_phones(household: Household, numbers: Sequence[str]) -> None:
    current = {p.number: p for p in household.phones.all()}
    for number, phone in current.items():
        if phone.is_active and number not in numbers:
            phone.is_active = phone.is_primary = False
            phone.save(update_fields=["is_active", "is_primary", "updated_at"])
    for index, number in enumerate(numbers):
        kept = current.get(number)
        if kept is None:
            Phone.objects.create(household=household, number=number, is_primary=index == 0)
        elif not kept.is_active or kept.is_primary != (index == 0):
            kept.is_active, kept.is_primary = True, index == 0
            kept.save(update_fields=["is_active", "is_primary", "updated_at"])


def _locked_household(household: Household) -> Household:
    return Household.objects.select_for_update().select_related("working_group").get(pk=household.pk)


def _locked_individual(individual: Individual) -> Individual:
    return Individual.objects.select_for_update().select_related("household__working_group").get(pk=individual.pk)


def _conflict(actor: Actor, household: Household, individual: Individual | None) -> RecordConflict:
    versions = (
        RecordVersion.objects.filter(individual=individual)
        if individual is not None
        else RecordVersion.objects.filter(household=household, individual=None)
    )
    latest = versions.order_by("-pk")[:1]
    entries = version_entries(actor, household, list(latest))
    entry = entries[0] if entries else None
    if entry is None:
        message = _("This record was changed by someone else since you opened it. Your change was not saved; reload it and make your change again.")
    else:
        message = _("This record was changed since you opened it. %(change)s Your change was not saved; look at the current record and make your change again.") % {
            "change": describe(entry, time_zone=household.working_group.time_zone)
        }
    return RecordConflict(message, change=entry)


def _check_version(actor: Actor, record: Household | Individual, expected: int | None, household: Household) -> None:
    if expected is not None and record.version != expected:
        raise _conflict(actor, household, record if isinstance(record, Individual) else None)


def _bump(household: Household) -> int:
    household.version += 1
    household.save(update_fields=["version", "updated_at"])
    return household.version


def _individual_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "external_ids"}


def _active_heads(household: Household, *, excluding: Individual | None = None) -> int:
    heads = household.members.filter(relationship=Relationship.HEAD, status=MemberStatus.ACTIVE)
    if excluding is not None:
        heads = heads.exclude(pk=excluding.pk)
    return heads.count()


def _refresh_needs(*households: Household) -> None:
    """Keep ``Household.member_needs`` (the current members' specific needs, for the list filter)
    in step after a change of members or of their needs. Derived data: no version, no audit."""
    for household in households:
        codes: set[str] = set()
        for needs in household.members.filter(status=MemberStatus.ACTIVE).values_list("specific_needs", flat=True):
            codes.update(needs or ())
        wanted = sorted(codes)
        if household.member_needs != wanted:
            household.member_needs = wanted
            Household.objects.filter(pk=household.pk).update(member_needs=wanted)


def member_needs_rebuild(*, working_group_id: int | None = None) -> int:
    """Recompute ``Household.member_needs`` for every household (of one working group), e.g. after
    a bulk load that did not fill it. One statement on PostgreSQL. Returns the households updated."""
    from django.db import connection

    if connection.vendor == "postgresql":
        scope = "AND h.working_group_id = %s" if working_group_id is not None else ""
        sql = f"""
            UPDATE registry_household h SET member_needs = sub.needs
              FROM (SELECT i.household_id, jsonb_agg(DISTINCT c.code ORDER BY c.code) AS needs
                      FROM registry_individual i CROSS JOIN LATERAL jsonb_array_elements_text(i.specific_needs) AS c(code)
                     WHERE i.status = 'active' AND i.specific_needs <> '[]'::jsonb
                     GROUP BY i.household_id) sub
             WHERE sub.household_id = h.id AND h.member_needs <> sub.needs {scope}
        """  # noqa: S608 - no value is formatted in, only the optional scope clause
        with connection.cursor() as cursor:
            cursor.execute(sql, [working_group_id] if working_group_id is not None else [])
            return int(cursor.rowcount)
    households = Household.objects.all()
    if working_group_id is not None:
        households = households.filter(working_group_id=working_group_id)
    updated = 0
    for household in households.iterator(chunk_size=2000):
        before = household.member_needs
        _refresh_needs(household)
        updated += household.member_needs != before
    return updated
