"""Writes on a household: register, correct, change the head, close, reopen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.geo.models import AdminUnit
from sabeel.registry.choices import (
    DeregistrationState,
    HouseholdStatus,
    Language,
    MemberStatus,
    Relationship,
)
from sabeel.registry.models import Household, Individual
from sabeel.registry.numbers import number_allocate
from sabeel.registry.services._deregistration import transition_record
from sabeel.registry.services._inputs import (
    HOUSEHOLD_FIELDS,
    REASON_MAX,
    REASON_MIN,
    DuplicateCheck,
    Errors,
    ExternalIdInput,
    MemberInput,
    _check_hidden,
    _creation_hidden,
    _duplicate_audit,
    _duplicate_check,
    _external_id_errors,
    _member_errors,
    _phone_errors,
    _refuse,
    _unit_errors,
)
from sabeel.registry.services._records import (
    _bump,
    _check_version,
    _generate_readings,
    _ids_of,
    _index_names,
    _individual_values,
    _locked_household,
    _locked_individual,
    _phones_of,
    _refresh_needs,
    _set_external_ids,
    _set_phones,
    _version,
)
from sabeel.workgroups.models import WorkingGroup


@transaction.atomic
def household_create(
    *,
    actor: Actor,
    working_group: WorkingGroup,
    members: Sequence[MemberInput],
    phones: Sequence[str] = (),
    external_ids: Sequence[ExternalIdInput] = (),
    current_location: AdminUnit | str | int | None = None,
    origin: AdminUnit | str | int | None = None,
    destination: AdminUnit | str | int | None = None,
    preferred_language: str = Language.ARABIC,
    protection_notes: str = "",
    duplicate_check: DuplicateCheck | None = None,
) -> Household:
    """Register a household with its members, phones and external ids in a host-country working
    group; it receives the next registration number of the group's host country.
    ``duplicate_check``: the likely matches shown while the officer typed (search before create)
    and, when any were, the reason for registering anyway (required then); recorded in the
    household's first version, its code and the ids in the audit row."""
    require(actor, "person.create", working_group)
    country = working_group.host_country
    if not country:
        raise ServiceError(_("Households are registered in a host-country working group."))
    errors: Errors = {}
    location, messages = _unit_errors("current_location", current_location, country=country)
    errors.update({"current_location": messages} if messages else {})
    origin_unit, messages = _unit_errors("origin", origin, country="SY")
    errors.update({"origin": messages} if messages else {})
    destination_unit, messages = _unit_errors("destination", destination, country="SY")
    errors.update({"destination": messages} if messages else {})
    if preferred_language not in Language.values:
        errors["preferred_language"] = [_("Choose a language.")]
    if protection_notes.strip():
        errors["protection_notes"] = [
            _("Protection notes are written by an assigned protection officer once the household is registered.")
        ]
    numbers = _phone_errors(phones, country=country, errors=errors)
    household_ids = _external_id_errors(external_ids, prefix="external_ids", errors=errors)
    if not members:
        errors["members"] = [_("Register at least one person.")]
    people: list[dict[str, Any]] = []
    for index, member in enumerate(members):
        values = _member_errors(member, prefix=f"members.{index}.", errors=errors)
        _creation_hidden(values, prefix=f"members.{index}.", errors=errors)
        people.append(values)
    heads = sum(1 for p in people if p.get("relationship") == Relationship.HEAD)
    if members and heads != 1:
        errors.setdefault("members", []).append(_("A household has exactly one head."))
    checked = _duplicate_check(duplicate_check, errors)
    _refuse(errors)

    household = Household.objects.create(
        registration_number=number_allocate(country),
        working_group=working_group,
        host_country=country,
        current_location=location,
        origin=origin_unit,
        destination=destination_unit,
        preferred_language=preferred_language,
        created_by_id=as_actor(actor).user_id,
    )
    _set_phones(household, numbers)
    _set_external_ids(household, None, household_ids)
    individuals: list[Individual] = []
    for values in sorted(people, key=lambda v: v["relationship"] != Relationship.HEAD):
        person = Individual(household=household, **_individual_values(values))
        _generate_readings(person)
        person.save(force_insert=True)
        _set_external_ids(household, person, values["external_ids"])
        individuals.append(person)
    _index_names(individuals, working_group_id=working_group.pk, replace=False)
    created: dict[str, tuple[Any, Any]] = {
        "current_location": (None, location),
        "origin": (None, origin_unit),
        "destination": (None, destination_unit),
        "preferred_language": (None, preferred_language),
        "status": (None, HouseholdStatus.OPEN),
    }
    if numbers:
        created["phones"] = ([], numbers)
    if household_ids:
        created["external_ids"] = ([], _ids_of(household))
    if checked is not None:
        created["duplicate_check"] = (None, checked)
    _refresh_needs(household)
    _version(actor=actor, household=household, individual=None, version=1, action="household.created", changes=created)
    for person, values in zip(individuals, sorted(people, key=lambda v: v["relationship"] != Relationship.HEAD), strict=True):
        initial: dict[str, tuple[Any, Any]] = {k: (None, v) for k, v in _individual_values(values).items() if v not in ("", [], None)}
        if values["external_ids"]:
            initial["external_ids"] = ([], _ids_of(household, person))
        _version(actor=actor, household=household, individual=person, version=1, action="individual.created", changes=initial)
    audit.record(
        actor=actor,
        action="household.created",
        target=household,
        data={
            "household_id": household.pk,
            "individual_ids": [p.pk for p in individuals],
            **_duplicate_audit(checked),
        },
    )
    return household



@transaction.atomic
def household_head_set(
    *, actor: Actor, individual: Individual, former_head_relationship: str, expected_version: int | None = None
) -> Individual:
    """Make a current member the head; the former head takes ``former_head_relationship``.
    ``expected_version`` is the household's version."""
    require(actor, "person.update", individual.household)
    person = _locked_individual(individual)
    household = _locked_household(person.household)
    _check_version(actor, household, expected_version, household)
    if former_head_relationship not in Relationship.values or former_head_relationship == Relationship.HEAD:
        raise ServiceError(
            _("Choose the former head's new relationship."),
            fields={"former_head_relationship": [_("Choose the relationship to the new head.")]},
        )
    if person.status != MemberStatus.ACTIVE or person.relationship == Relationship.HEAD:
        raise ServiceError(_("Choose a current member who is not already the head."))
    former = household.members.select_for_update().filter(relationship=Relationship.HEAD, status=MemberStatus.ACTIVE).first()
    changed: list[Individual] = []
    for member, relationship in ((former, former_head_relationship), (person, Relationship.HEAD)):
        if member is None:
            continue
        old = member.relationship
        member.relationship = relationship
        member.version += 1
        member.save(update_fields=["relationship", "version", "updated_at"])
        _version(
            actor=actor, household=household, individual=member, version=member.version, action="individual.updated",
            changes={"relationship": (old, relationship)},
        )
        changed.append(member)
    version = _bump(household)
    _version(
        actor=actor, household=household, individual=None, version=version, action="household.head_changed",
        changes={"head": (former.pk if former else None, person.pk)},
    )
    audit.record(
        actor=actor, action="household.head_changed", target=household, data={"individual_ids": [m.pk for m in changed]}
    )
    return person


@transaction.atomic
def household_update(
    *, actor: Actor, household: Household, expected_version: int, changes: Mapping[str, Any]
) -> Household:
    """Correct household fields (locations, language, phones, external ids, protection notes).
    Only the keys given change; the save is refused if the household moved on since
    ``expected_version``."""
    require(actor, "person.update", household)
    unknown = sorted(set(changes) - set(HOUSEHOLD_FIELDS))
    if unknown:
        raise ServiceError(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)},
            fields={name: [_("This field cannot be changed here.")] for name in unknown},
        )
    household = _locked_household(household)
    _check_version(actor, household, expected_version, household)
    _check_hidden(actor, household, list(changes))
    country = household.host_country
    errors: Errors = {}
    new: dict[str, Any] = {}
    for name, country_of in (("current_location", country), ("origin", "SY"), ("destination", "SY")):
        if name in changes:
            unit, messages = _unit_errors(name, changes[name], country=country_of)
            if messages:
                errors[name] = messages
            new[name] = unit
    if "preferred_language" in changes:
        if changes["preferred_language"] not in Language.values:
            errors["preferred_language"] = [_("Choose a language.")]
        new["preferred_language"] = changes["preferred_language"]
    if "protection_notes" in changes:
        new["protection_notes"] = str(changes["protection_notes"] or "").strip()
    phones = _phone_errors(changes["phones"] or (), country=country, errors=errors) if "phones" in changes else None
    ids = None
    if "external_ids" in changes:
        items = [i if isinstance(i, ExternalIdInput) else ExternalIdInput(**i) for i in changes["external_ids"] or ()]
        ids = _external_id_errors(items, prefix="external_ids", errors=errors)
    _refuse(errors)

    diff: dict[str, tuple[Any, Any]] = {}
    for name, value in new.items():
        old = getattr(household, name)
        if old != value:
            diff[name] = (old, value)
            setattr(household, name, value)
    if phones is not None:
        old_phones = _phones_of(household)
        if old_phones != phones:
            _set_phones(household, phones)
            diff["phones"] = (old_phones, phones)
    if ids is not None:
        old_ids = _ids_of(household)
        _set_external_ids(household, None, ids)
        new_ids = _ids_of(household)
        if old_ids != new_ids:
            diff["external_ids"] = (old_ids, new_ids)
    if not diff:
        return household
    household.version += 1
    household.save(update_fields=[*[n for n in diff if n in new], "version", "updated_at"])
    _version(actor=actor, household=household, individual=None, version=household.version, action="household.updated", changes=diff)
    audit.record(
        actor=actor, action="household.updated", target=household, data={"version": household.version, "fields": sorted(diff)}
    )
    return household



@transaction.atomic
def household_close(*, actor: Actor, household: Household, reason: str, expected_version: int | None = None) -> Household:
    """Close a household's file with a reason; it stays, readable, and can be reopened."""
    require(actor, "person.update", household)
    household = _locked_household(household)
    _check_version(actor, household, expected_version, household)
    reason = " ".join((reason or "").split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        message = _("Give the reason for closing (%(min)d to %(max)d characters).") % {"min": REASON_MIN, "max": REASON_MAX}
        raise ServiceError(message, fields={"reason": [message]})
    if household.status == HouseholdStatus.CLOSED:
        raise ServiceError(_("This household is already closed."))
    # Deregistration: closing a file by hand is "closed on request", kept as a transition.
    row = transition_record(actor=actor, household=household, to_state=DeregistrationState.CLOSED_ON_REQUEST, reason=reason)
    household.status, household.closed_reason, household.closed_at = HouseholdStatus.CLOSED, reason, row.at
    household.deregistration = DeregistrationState.CLOSED_ON_REQUEST
    household.version += 1
    household.save(update_fields=["status", "closed_reason", "closed_at", "deregistration", "version", "updated_at"])
    _version(
        actor=actor, household=household, individual=None, version=household.version, action="household.closed",
        changes={"status": (HouseholdStatus.OPEN, HouseholdStatus.CLOSED), "closed_reason": ("", reason)},
    )
    audit.record(actor=actor, action="household.closed", target=household, data={"version": household.version})
    return household


@transaction.atomic
def household_reopen(*, actor: Actor, household: Household, reason: str = "", expected_version: int | None = None) -> Household:
    """Reopen a closed household; the reason for reopening is kept in the history."""
    require(actor, "person.update", household)
    household = _locked_household(household)
    _check_version(actor, household, expected_version, household)
    if household.status != HouseholdStatus.CLOSED:
        raise ServiceError(_("This household is open."))
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        message = _("The reason has %(max)d characters at most.") % {"max": REASON_MAX}
        raise ServiceError(message, fields={"reason": [message]})
    old_reason, old_state = household.closed_reason, household.deregistration
    # Any closed state (on request, verified or presumed return) reopens: a failed or reversed return.
    transition_record(actor=actor, household=household, to_state=DeregistrationState.ACTIVE, reason=reason or "Reopened")
    household.status, household.closed_reason, household.closed_at = HouseholdStatus.OPEN, "", None
    household.deregistration = DeregistrationState.ACTIVE
    household.version += 1
    household.save(update_fields=["status", "closed_reason", "closed_at", "deregistration", "version", "updated_at"])
    changes: dict[str, tuple[Any, Any]] = {
        "status": (HouseholdStatus.CLOSED, HouseholdStatus.OPEN),
        "closed_reason": (old_reason, ""),
        "deregistration": (old_state, DeregistrationState.ACTIVE),
    }
    if reason:
        changes["reopen_reason"] = ("", reason)
    _version(actor=actor, household=household, individual=None, version=household.version, action="household.reopened", changes=changes)
    audit.record(actor=actor, action="household.reopened", target=household, data={"version": household.version})
    return household
