"""Writes on a household's members: add, move, remove, correct."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sabeel.core import audit
from sabeel.core.actors import Actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.registry.choices import (
    DepartureKind,
    HouseholdStatus,
    MemberStatus,
    Relationship,
)
from sabeel.registry.fieldgroups import FIELD_GROUPS, NAME_FIELDS
from sabeel.registry.models import ExternalId, Household, Individual
from sabeel.registry.services._inputs import (
    INDIVIDUAL_FIELDS,
    REASON_MAX,
    REASON_MIN,
    DuplicateCheck,
    Errors,
    MemberInput,
    _check_hidden,
    _duplicate_audit,
    _duplicate_check,
    _member_errors,
    _refuse,
)
from sabeel.registry.services._protection import birth_date_change_needs_confirmation, departure_record
from sabeel.registry.services._records import (
    _active_heads,
    _bump,
    _check_version,
    _generate_readings,
    _ids_of,
    _index_birth_year,
    _index_names,
    _individual_values,
    _locked_household,
    _locked_individual,
    _refresh_needs,
    _set_external_ids,
    _version,
)


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    household: Household,
    member: MemberInput,
    expected_version: int | None = None,
    duplicate_check: DuplicateCheck | None = None,
) -> Individual:
    """Add a person to a household (a second head is refused: change the head instead).
    ``duplicate_check``: as for ``household_create``, recorded in the person's first version."""
    require(actor, "person.update", household)
    household = _locked_household(household)
    _check_version(actor, household, expected_version, household)
    if household.status != HouseholdStatus.OPEN:
        raise ServiceError(_("Reopen the household before adding a member."))
    errors: Errors = {}
    values = _member_errors(member, prefix="", errors=errors)
    _check_hidden(actor, household, [k for k, v in values.items() if v and k in FIELD_GROUPS])
    if values.get("relationship") == Relationship.HEAD and _active_heads(household):
        errors.setdefault("relationship", []).append(_("This household already has a head; change the head instead."))
    checked = _duplicate_check(duplicate_check, errors)
    _refuse(errors)
    person = Individual(household=household, joined_at=timezone.now(), **_individual_values(values))
    _generate_readings(person)
    person.save(force_insert=True)
    _set_external_ids(household, person, values["external_ids"])
    _index_names([person], working_group_id=household.working_group_id, replace=False)
    _refresh_needs(household)
    version = _bump(household)
    initial: dict[str, tuple[Any, Any]] = {k: (None, v) for k, v in _individual_values(values).items() if v not in ("", [], None)}
    if values["external_ids"]:
        initial["external_ids"] = ([], _ids_of(household, person))
    if checked is not None:
        initial["duplicate_check"] = (None, checked)
    _version(actor=actor, household=household, individual=person, version=1, action="individual.created", changes=initial)
    _version(
        actor=actor, household=household, individual=None, version=version, action="household.member_added",
        changes={"member_added": (None, person.pk)},
    )
    audit.record(
        actor=actor,
        action="household.member_added",
        target=household,
        data={"individual_id": person.pk, **_duplicate_audit(checked)},
    )
    return person


@transaction.atomic
def member_move(
    *, actor: Actor, individual: Individual, to_household: Household, expected_version: int | None = None, reason: str = ""
) -> Individual:
    """Move a person to another household of the same working group, with their identifiers;
    both households record it. The head cannot be moved (make someone else the head first). While
    the household left has a return process, the move is a family split: the person still counts
    there for eligibility until a protection officer records it (``member_departure_confirm``)."""
    require(actor, "person.update", individual.household)
    require(actor, "person.update", to_household)
    person = _locked_individual(individual)
    source = _locked_household(person.household)
    target = _locked_household(to_household)
    _check_version(actor, person, expected_version, source)
    if source.working_group_id != target.working_group_id:
        raise ServiceError(
            _("A person moves only between households of the same working group."),
            fields={"to_household": [_("Choose a household of the same working group.")]},
        )
    if source.pk == target.pk:
        raise ServiceError(_("The person is already in this household."), fields={"to_household": [_("Choose another household.")]})
    if target.status != HouseholdStatus.OPEN:
        raise ServiceError(_("Reopen the household before adding a member."), fields={"to_household": [_("This household is closed.")]})
    if person.status != MemberStatus.ACTIVE:
        raise ServiceError(_("Only a current member can be moved."))
    if person.relationship == Relationship.HEAD:
        raise ServiceError(
            _("The head of household cannot be moved; make another member the head first."),
            fields={"relationship": [_("Make another member the head first.")]},
        )
    person.household = target
    person.joined_at = timezone.now()
    person.version += 1
    person.save(update_fields=["household", "joined_at", "version", "updated_at"])
    departure = departure_record(
        actor=actor, person=person, household=source, kind=DepartureKind.MOVED,
        reason=" ".join((reason or "").split())[:REASON_MAX], to_household=target,
    )
    ExternalId.objects.filter(individual=person).update(household=target)
    _refresh_needs(source, target)
    _version(
        actor=actor, household=target, individual=person, version=person.version, action="individual.moved",
        changes={"household": (source.registration_number, target.registration_number)},
    )
    for household, action, key in ((source, "household.member_moved_out", "member_moved_out"), (target, "household.member_moved_in", "member_moved_in")):
        version = _bump(household)
        change = (person.pk, None) if key == "member_moved_out" else (None, person.pk)
        _version(actor=actor, household=household, individual=None, version=version, action=action, changes={key: change})
    audit.record(
        actor=actor,
        action="household.member_moved",
        target=person,
        working_group_id=target.working_group_id,
        data={
            "individual_id": person.pk,
            "from_household_id": source.pk,
            "to_household_id": target.pk,
            "departure_id": departure.pk,
        },
    )
    return person


@transaction.atomic
def member_remove(*, actor: Actor, individual: Individual, reason: str, expected_version: int | None = None) -> Individual:
    """Mark a person as no longer in the household (status ``removed`` with the reason). The
    record stays; nothing is deleted. The head cannot be removed (change the head first). While the
    household has a return process, the removal is a family split: the person still counts for
    eligibility until a protection officer records it (``member_departure_confirm``)."""
    require(actor, "person.update", individual.household)
    person = _locked_individual(individual)
    household = _locked_household(person.household)
    _check_version(actor, person, expected_version, household)
    reason = " ".join((reason or "").split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise ServiceError(
            _("Give the reason (%(min)d to %(max)d characters).") % {"min": REASON_MIN, "max": REASON_MAX},
            fields={"reason": [_("Give the reason.")]},
        )
    if person.status != MemberStatus.ACTIVE:
        raise ServiceError(_("This person is no longer a current member."))
    if person.relationship == Relationship.HEAD:
        raise ServiceError(
            _("The head of household cannot be removed; make another member the head first."),
            fields={"relationship": [_("Make another member the head first.")]},
        )
    old_status = person.status
    person.status, person.status_reason = MemberStatus.REMOVED, reason
    person.version += 1
    person.save(update_fields=["status", "status_reason", "version", "updated_at"])
    departure = departure_record(actor=actor, person=person, household=household, kind=DepartureKind.REMOVED, reason=reason)
    _refresh_needs(household)
    _version(
        actor=actor, household=household, individual=person, version=person.version, action="individual.removed",
        changes={"status": (old_status, person.status), "status_reason": ("", reason)},
    )
    version = _bump(household)
    _version(
        actor=actor, household=household, individual=None, version=version, action="household.member_removed",
        changes={"member_removed": (person.pk, None)},
    )
    audit.record(
        actor=actor,
        action="household.member_removed",
        target=household,
        data={"individual_id": person.pk, "departure_id": departure.pk},
    )
    return person



@transaction.atomic
def individual_update(
    *, actor: Actor, individual: Individual, expected_version: int, changes: Mapping[str, Any]
) -> Individual:
    """Correct a person's fields (names, sex, date of birth, documents, needs, identifiers). The
    relationship may change, but not to or from head (``household_head_set`` does that). The
    save is refused if the person's record moved on since ``expected_version``."""
    require(actor, "person.update", individual.household)
    unknown = sorted(set(changes) - set(INDIVIDUAL_FIELDS))
    if unknown:
        raise ServiceError(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)},
            fields={name: [_("This field cannot be changed here.")] for name in unknown},
        )
    person = _locked_individual(individual)
    household = person.household
    _check_version(actor, person, expected_version, household)
    _check_hidden(actor, household, list(changes))
    if "dob_precision" in changes and "date_of_birth" not in changes:
        changes = {**changes, "date_of_birth": person.date_of_birth}
    errors: Errors = {}
    values = _member_errors(changes, prefix="", errors=errors, partial=True)
    if "sensitive_needs" in values and "sensitive_needs" not in changes:
        _check_hidden(actor, household, ["sensitive_needs"])
    changes_head = "relationship" in values and values["relationship"] != person.relationship
    if changes_head and Relationship.HEAD in (values["relationship"], person.relationship):
        errors.setdefault("relationship", []).append(_("To change the head of household, use “make head” on the new head."))
    after = {name: values.get(name, getattr(person, name)) for name in NAME_FIELDS}
    if not (after["first_name_ar"] or after["first_name_lat"]):
        errors.setdefault("first_name_ar", []).append(_("Write the first name, in Arabic or Latin script."))
    if "documents_held" in values or "documents_missing" in values:
        held = values.get("documents_held", person.documents_held)
        missing = values.get("documents_missing", person.documents_missing)
        if set(held) & set(missing) and "documents_missing" not in errors:
            errors["documents_missing"] = [_("A document cannot be both held and missing.")]
    if ("date_of_birth" in values or "dob_precision" in values) and "date_of_birth" not in errors:
        younger = birth_date_change_needs_confirmation(
            old_date=person.date_of_birth,
            old_precision=person.dob_precision,
            new_date=values.get("date_of_birth", person.date_of_birth),
            new_precision=values.get("dob_precision", person.dob_precision),
        )
        if younger:
            errors.setdefault("date_of_birth", []).append(
                _(
                    "This date of birth could make the person a child: propose the change, and a protection "
                    "officer confirms it with the evidence."
                )
            )
    _refuse(errors)

    diff: dict[str, tuple[Any, Any]] = {}
    if "sensitive_needs" in values and "sensitive_needs" not in changes:
        values["sensitive_needs"] = list(dict.fromkeys([*person.sensitive_needs, *values["sensitive_needs"]]))
    for name, value in _individual_values(values).items():
        old = getattr(person, name)
        if old != value:
            diff[name] = (old, value)
            setattr(person, name, value)
    if "external_ids" in values:
        old_ids = _ids_of(household, person)
        _set_external_ids(household, person, values["external_ids"])
        new_ids = _ids_of(household, person)
        if old_ids != new_ids:
            diff["external_ids"] = (old_ids, new_ids)
    if not diff:
        return person
    person.version += 1
    # The generated reading follows the typed names; it is saved, never recorded as a change.
    regenerated = any(name in NAME_FIELDS for name in diff) and _generate_readings(person)
    person.save(
        update_fields=[*[n for n in diff if n != "external_ids"], *(["generated_names"] if regenerated else []), "version", "updated_at"]
    )
    if "specific_needs" in diff:
        _refresh_needs(household)
    if any(name in NAME_FIELDS for name in diff):
        _index_names([person], working_group_id=household.working_group_id, replace=True)
    elif "date_of_birth" in diff:
        _index_birth_year(person)
    _version(actor=actor, household=household, individual=person, version=person.version, action="individual.updated", changes=diff)
    audit.record(
        actor=actor,
        action="individual.updated",
        target=person,
        working_group_id=household.working_group_id,
        data={"household_id": household.pk, "version": person.version, "fields": sorted(diff)},
    )
    return person
