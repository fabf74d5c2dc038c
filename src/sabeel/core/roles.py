"""Roles, field groups and the role × action × field-group table the code reads.

This module is the single source of truth for who may do what. ``manage.py permissions_doc``
renders it into ``docs/permissions.md`` and a test fails when the two differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGISTRATION_OFFICER = "registration_officer", _("Registration officer")
    PROTECTION_OFFICER = "protection_officer", _("Protection officer")
    MOVEMENT_OFFICER = "movement_officer", _("Movement officer")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    RECONSTRUCTION_PLANNER = "reconstruction_planner", _("Reconstruction planner")
    COORDINATOR = "coordinator", _("Coordinator")
    DONOR_VIEWER = "donor_viewer", _("Donor or sponsor viewer")
    MONITOR = "monitor", _("Monitor")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


class FieldGroup(StrEnum):
    """Groups of person-level fields that roles may or may not see."""

    NAMES_CONTACTS = "names_contacts"
    SPECIFIC_NEEDS = "specific_needs"
    DOCUMENTS = "documents"
    PROTECTION_CASE = "protection_case"


FIELD_GROUP_LABELS: dict[FieldGroup, Promise] = {
    FieldGroup.NAMES_CONTACTS: _("Names and contacts"),
    FieldGroup.SPECIFIC_NEEDS: _("Specific needs"),
    FieldGroup.DOCUMENTS: _("Documents"),
    FieldGroup.PROTECTION_CASE: _("Protection-sensitive case (assigned protection officers only)"),
}


class Scope(StrEnum):
    """What kind of rows a role receives from its group."""

    PERSON = "person"  # person-level rows of its own working group
    # Person-level rows of its own working group, of the households assigned to the member only
    # (an open ``core.CaseAssignment`` of the role's ``assignment`` type): any other household of
    # the group answers 404, as one of another group does.
    ASSIGNED = "assigned"
    AGGREGATE = "aggregate"  # aggregates only, never a person-level row


@dataclass(frozen=True)
class Action:
    name: str
    label: Promise
    person_level: bool = False  # True: the action reads or writes a person-level record
    group_scoped: bool = True  # False: platform-wide reference data (geography)


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("workgroup.view", _("See the working group and its members")),
        Action("workgroup.manage", _("Manage memberships of the working group")),
        Action("aggregate.view", _("See aggregate figures")),
        Action("audit.view", _("Read the audit trail and the data-sharing log")),
        Action("geo.view", _("See geography and border crossings"), group_scoped=False),
        Action("geo.edit", _("Set crossing opening days and capacity"), group_scoped=False),
        Action("conditions.record", _("Record area conditions (protection thresholds)"), group_scoped=False),
        Action("person.view", _("Open a household or person file"), person_level=True),
        Action("person.history", _("See the version history of a file"), person_level=True),
        Action("person.search", _("Search people"), person_level=True),
        Action("person.create", _("Register households and people"), person_level=True),
        Action("person.update", _("Correct, close and reopen files"), person_level=True),
        Action(
            "deregistration.presume",
            _("Confirm a presumed return (no contact and no assistance for the programme's months)"),
            person_level=True,
        ),
        Action("person.export", _("Export person-level lists"), person_level=True),
        Action("identity.run", _("Run duplicate checks over the registry or an uploaded list"), person_level=True),
        Action("identity.review", _("Review likely duplicates: same person, different people, unsure"), person_level=True),
        Action("identity.merge", _("Merge and unmerge records of the same person"), person_level=True),
        Action("protection.break_glass", _("Open another officer's protection-sensitive case, with a reason"), person_level=True),
        Action("consent.record", _("Record counselling, consent and sign-offs"), person_level=True),
        Action("consent.withdraw", _("Record a withdrawal of consent"), person_level=True),
        Action("movement.manage", _("Plan movements, manifests and check-in"), person_level=True),
        Action(
            "movement.flag",
            _("Set a household's movement priority tier and its need of a medical-fit vehicle"),
            person_level=True,
        ),
        Action("assistance.manage", _("Return grants and payment lists"), person_level=True),
        Action("fund.manage", _("Pledges, projects and the fund ledger")),
        Action("fund.view", _("See the reconstruction fund (donor viewers: their own organisation's pledges and what they funded)")),
        Action("fund.plan", _("Plan the fund's portfolio and approve commitments to projects")),
        Action("monitoring.record", _("Post-return monitoring visits and incidents"), person_level=True),
        Action("monitoring.assign", _("Assign returned households to monitors"), person_level=True),
        Action("apitoken.manage", _("Create and revoke one's own API tokens"), group_scoped=False),
        Action("agreement.manage", _("Data-sharing agreements: record, renew, revoke, and their partners' tokens")),
    )
}


@dataclass(frozen=True)
class RolePolicy:
    scope: Scope
    actions: frozenset[str]
    field_groups: frozenset[FieldGroup]
    # Scope.ASSIGNED: the ``CaseAssignment.target_type`` that assigns a household to the member.
    assignment: str = ""


_ALL_STAFF = {"workgroup.view", "aggregate.view", "geo.view", "apitoken.manage"}
_READ_PEOPLE = {"person.view", "person.history", "person.search"}
_IDENTITY = {"identity.run", "identity.review", "identity.merge"}
_NC, _SN, _DOC, _PC = (
    FieldGroup.NAMES_CONTACTS,
    FieldGroup.SPECIFIC_NEEDS,
    FieldGroup.DOCUMENTS,
    FieldGroup.PROTECTION_CASE,
)

POLICY: dict[Role, RolePolicy] = {
    Role.REGISTRATION_OFFICER: RolePolicy(
        Scope.PERSON,
        frozenset(
            _ALL_STAFF
            | _READ_PEOPLE
            | _IDENTITY
            | {"person.create", "person.update", "person.export", "consent.withdraw"}
        ),
        frozenset({_NC, _SN, _DOC}),
    ),
    Role.PROTECTION_OFFICER: RolePolicy(
        Scope.PERSON,
        frozenset(
            _ALL_STAFF
            | _READ_PEOPLE
            | _IDENTITY
            | {
                "person.create",
                "person.update",
                "person.export",
                "protection.break_glass",
                "consent.record",
                "consent.withdraw",
                "conditions.record",
                "movement.flag",
                "deregistration.presume",
                "monitoring.assign",
            }
        ),
        # PROTECTION_CASE only on the cases the officer is assigned to, or after a break-glass.
        frozenset({_NC, _SN, _DOC, _PC}),
    ),
    Role.MOVEMENT_OFFICER: RolePolicy(
        Scope.PERSON,
        frozenset(_ALL_STAFF | _READ_PEOPLE | {"movement.manage", "consent.withdraw", "geo.edit"}),
        frozenset({_NC, _DOC}),
    ),
    Role.FINANCE_OFFICER: RolePolicy(
        Scope.PERSON,
        frozenset(_ALL_STAFF | _READ_PEOPLE | {"assistance.manage", "fund.manage", "fund.view"}),
        frozenset({_NC}),
    ),
    Role.RECONSTRUCTION_PLANNER: RolePolicy(
        Scope.AGGREGATE, frozenset(_ALL_STAFF | {"fund.manage", "fund.view", "fund.plan"}), frozenset()
    ),
    # The chair of a host-country group: its funnel, queues and plans as figures, never a name.
    Role.COORDINATOR: RolePolicy(Scope.AGGREGATE, frozenset(_ALL_STAFF), frozenset()),
    Role.DONOR_VIEWER: RolePolicy(Scope.AGGREGATE, frozenset(_ALL_STAFF | {"fund.view"}), frozenset()),
    # A monitor reaches only the households a protection officer assigned to them (monitoring).
    Role.MONITOR: RolePolicy(
        Scope.ASSIGNED,
        frozenset(_ALL_STAFF | _READ_PEOPLE | {"monitoring.record"}),
        frozenset({_NC, _SN}),
        assignment="monitoring.household",
    ),
    Role.AUDITOR: RolePolicy(Scope.AGGREGATE, frozenset(_ALL_STAFF | {"audit.view", "fund.view"}), frozenset()),
    Role.ADMINISTRATOR: RolePolicy(
        Scope.AGGREGATE, frozenset(_ALL_STAFF | {"workgroup.manage", "geo.edit", "conditions.record", "agreement.manage"}),
        frozenset(),
    ),
}


# Roles that reach person-level rows: a membership granting one needs a second administrator's
# approval (``workgroups.services.membership_approve``).
PERSON_LEVEL_ROLES: frozenset[Role] = frozenset(role for role, policy in POLICY.items() if policy.scope is not Scope.AGGREGATE)


# A refugee on the self-service page acts on their own household only (the one whose one-time
# code they typed): see its status and information, and withdraw consent.
REFUGEE_ACTIONS: frozenset[str] = frozenset({"person.view", "consent.withdraw"})


def _check_table() -> None:
    for role, policy in POLICY.items():
        unknown = policy.actions - ACTIONS.keys()
        if unknown:
            raise ValueError(f"{role}: unknown actions {sorted(unknown)}")
        if policy.scope is Scope.AGGREGATE:
            leaking = {a for a in policy.actions if ACTIONS[a].person_level}
            if leaking or policy.field_groups:
                raise ValueError(f"{role} is aggregate-only but holds person-level rights")
        if (policy.scope is Scope.ASSIGNED) != bool(policy.assignment):
            raise ValueError(f"{role}: a role narrowed to assigned households names its assignment type, and only it")
    missing = set(Role) - POLICY.keys()
    if missing:
        raise ValueError(f"roles without a policy: {sorted(missing)}")


_check_table()


def render_markdown() -> str:
    """The table as Markdown, for ``docs/permissions.md`` (English labels)."""
    from django.utils import translation

    with translation.override("en"):
        roles = list(Role)
        lines = [
            "# Permissions",
            "",
            "Generated by `python manage.py permissions_doc` from `src/sabeel/core/roles.py`;",
            "do not edit by hand (a test fails when this file and the table differ).",
            "",
            "Every check is made membership by membership: a role grants its actions only inside the",
            "working group of that membership, between its start and end dates.",
            "",
            "## Actions",
            "",
            "| action | what | person-level | " + " | ".join(str(r.label) for r in roles) + " |",
            "|---|---|---|" + "---|" * len(roles),
        ]
        for action in ACTIONS.values():
            marks = ["yes" if action.name in POLICY[r].actions else "" for r in roles]
            lines.append(
                f"| `{action.name}` | {action.label} | {'yes' if action.person_level else ''} | "
                + " | ".join(marks)
                + " |"
            )
        lines += [
            "",
            "## Field groups",
            "",
            "Hidden field groups are left out of responses, not masked. Version history obeys the",
            "same field groups as the record.",
            "",
            "| field group | " + " | ".join(str(r.label) for r in roles) + " |",
            "|---|" + "---|" * len(roles),
        ]
        for group in FieldGroup:
            marks = ["yes" if group in POLICY[r].field_groups else "" for r in roles]
            lines.append(f"| {FIELD_GROUP_LABELS[group]} | " + " | ".join(marks) + " |")
        lines += [
            "",
            "## Scope",
            "",
            "| role | receives |",
            "|---|---|",
        ]
        scopes = {
            Scope.PERSON: "person-level rows of its own working group",
            Scope.ASSIGNED: "person-level rows of its own working group, of the households assigned to the member"
            " only (any other household answers 404)",
            Scope.AGGREGATE: "aggregates only, never a person-level row",
        }
        for r in roles:
            lines.append(f"| {r.label} | {scopes[POLICY[r].scope]} |")
        lines += [
            "",
            "## Refugee (self-service page)",
            "",
            "A refugee who proved who they are (registration number and a one-time code sent to the",
            "household's phone) acts on their own household only: "
            + ", ".join(f"`{a}`" for a in sorted(REFUGEE_ACTIONS))
            + ". Another household's record answers 404.",
            "",
        ]
    return "\n".join(lines)
