"""Permission expectations for the registry routes (merged by core/tests/test_route_matrix.py).

Every registry route is person-level: roles without the action (the donor or sponsor viewer,
the reconstruction planner, the auditor, the administrator) get 403 everywhere;
``test_views.py::test_a_donor_gets_403_and_no_name_on_every_registry_route`` walks all of them
with the donor viewer. Detail routes build a household of the given group; list and search
routes show a Lebanon household's registration number to Lebanon and never to Jordan."""

from __future__ import annotations

from typing import Any

from sabeel.core.testing_routes import Scoped, Skip
from sabeel.workgroups.testing import Cast

REGISTRAR = "registration_officer"
NO_PEOPLE = "donor_viewer"  # holds no person-level action
READ_ONLY = "finance_officer"  # reads people, may not change them


def _household(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.registry.tests.factories import household_make

    return {"pk": household_make(cast, group).pk}


def _closed_household(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.registry.services import household_close
    from sabeel.registry.tests.factories import household_make

    household = household_make(cast, group)
    household_close(actor=cast[f"{group}_{REGISTRAR}"], household=household, reason="Returned to Syria")
    return {"pk": household.pk}


def _individual(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.registry.tests.factories import household_make

    return {"pk": household_make(cast, group).members.get(relationship="spouse").pk}


def _member_of(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.registry.tests.factories import household_make

    household = household_make(cast, group)
    return {"pk": household.pk, "member": household.members.get(relationship="spouse").pk}


def _lebanon_number(cast: Cast) -> str:
    from sabeel.registry.tests.factories import household_make

    return household_make(cast, "lb").registration_number


def _read(action: str = "person.view", **extra: Any) -> Scoped:
    return Scoped(action, REGISTRAR, NO_PEOPLE, **extra)


def _write(**extra: Any) -> Scoped:
    return Scoped("person.update", REGISTRAR, READ_ONLY, **extra)


def _waiting_departure(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.consent.intentions import intention_record
    from sabeel.registry.models import MemberDeparture
    from sabeel.registry.services import member_remove
    from sabeel.registry.tests.factories import household_make

    household = household_make(cast, group)
    officer = cast[f"{group}_{REGISTRAR}"]
    intention_record(actor=officer, household=household, hopes_to_return="yes", intends_within_12_months="yes")
    member_remove(actor=officer, individual=household.members.get(relationship="spouse"), reason="Stays behind")
    return {"pk": household.pk, "departure": MemberDeparture.objects.get(household=household).pk}


def _waiting_birth_date(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.registry.services import birth_date_change_propose
    from sabeel.registry.tests.factories import household_make

    household = household_make(cast, group)
    change = birth_date_change_propose(
        actor=cast[f"{group}_{REGISTRAR}"], individual=household.members.get(relationship="spouse"), date_of_birth="2012", reason="Booklet"
    )
    assert change is not None
    return {"pk": household.pk, "change": change.pk}


def _protection(**extra: Any) -> Scoped:
    return Scoped("consent.record", "protection_officer", REGISTRAR, **extra)


SEARCH = {"query": "Muhammad al-Hariri"}
# Search before create: a Latin spelling of the factory's head (محمد … الحريري, Mohamad … El Hariri).
LIKELY = {"likely_prefix": "members-0", "members-0-first_name_lat": "Muhammad", "members-0-family_name_lat": "al-Hariri"}
LIKELY_MEMBER = {"first_name_lat": "Muhammad", "family_name_lat": "al-Hariri"}
CREATE = {"members": [{"relationship": "head", "first_name_ar": "محمد", "family_name_lat": "Hariri", "first_name_lat": "Muhammad"}]}

PAGES: dict[str, Scoped | Skip] = {
    "registry:household_list": _read(marker=_lebanon_number),
    "registry:search": _read("person.search", marker=_lebanon_number, method="post", data=SEARCH),
    "registry:household_detail": _read(kwargs=_household),
    "registry:household_history": _read("person.history", kwargs=_household),
    "registry:household_print": _read(kwargs=_household),
    "registry:household_create": Scoped("person.create", REGISTRAR, READ_ONLY, group_scoped=False),
    "registry:member_row": Scoped("person.create", REGISTRAR, READ_ONLY, group_scoped=False),
    "registry:likely": Scoped("person.create", REGISTRAR, READ_ONLY, marker=_lebanon_number, method="post", data=LIKELY),
    "registry:member_likely": _write(kwargs=_household, method="post", data=LIKELY_MEMBER),
    "registry:household_edit": _write(kwargs=_household),
    "registry:household_status": _write(kwargs=_household),
    # deregistration: the matrix posts no arrival confirmation, so the permitted officer is told to
    # choose one (400); assistance/tests/test_deregistration_pages.py closes real files
    "registry:household_verified_return": _write(kwargs=_household, method="post", ok=400),
    "registry:household_presumed_return": Scoped("deregistration.presume", "protection_officer", REGISTRAR, kwargs=_household),
    "registry:member_add": _write(kwargs=_household),
    "registry:member_edit": _write(kwargs=_member_of),
    "registry:member_remove": _write(kwargs=_member_of),
    "registry:member_move": _write(kwargs=_member_of),
    "registry:member_make_head": _write(kwargs=_member_of),
    "registry:member_presence": _write(kwargs=_member_of),
    "registry:member_exit": _write(kwargs=_member_of),
    "registry:member_birth_date": _write(kwargs=_member_of),
    "registry:departure_confirm": _protection(kwargs=_waiting_departure),
    "registry:birth_date_decide": _protection(kwargs=_waiting_birth_date),
}
API: dict[tuple[str, str], Scoped | Skip] = {
    ("get", "/api/registry/households"): _read(marker=_lebanon_number),
    ("post", "/api/registry/households"): Scoped("person.create", REGISTRAR, READ_ONLY, group_scoped=False, data=CREATE, ok=201),
    ("get", "/api/registry/households/{pk}"): _read(kwargs=_household),
    ("patch", "/api/registry/households/{pk}"): _write(kwargs=_household, data={"version": 1, "preferred_language": "en"}),
    ("post", "/api/registry/households/{pk}/close"): _write(kwargs=_household, data={"reason": "Returned to Syria"}),
    ("post", "/api/registry/households/{pk}/reopen"): _write(kwargs=_closed_household, data={"reason": "Came back"}),
    ("get", "/api/registry/households/{pk}/history"): _read("person.history", kwargs=_household),
    ("post", "/api/registry/households/{pk}/members"): _write(
        kwargs=_household, data={"member": {"relationship": "son", "first_name_lat": "Yousef"}}, ok=201
    ),
    ("get", "/api/registry/individuals/{pk}"): _read(kwargs=_individual),
    ("patch", "/api/registry/individuals/{pk}"): _write(kwargs=_individual, data={"version": 1, "first_name_lat": "Fatme"}),
    ("post", "/api/registry/individuals/{pk}/remove"): _write(kwargs=_individual, data={"reason": "Left the household"}),
    ("post", "/api/registry/individuals/{pk}/move"): Skip(
        "the body names a second household by id; all four cases are in registry/tests/test_api.py"
    ),
    ("post", "/api/registry/individuals/{pk}/make-head"): _write(kwargs=_individual, data={"former_head_relationship": "spouse"}),
    ("post", "/api/registry/search"): _read("person.search", marker=_lebanon_number, data=SEARCH),
    ("post", "/api/registry/search/likely"): Scoped("person.create", REGISTRAR, READ_ONLY, marker=_lebanon_number, data=LIKELY_MEMBER),
}
