"""Permission expectations for the intention routes, for the lead to merge into the consent app's
``tests/route_expectations.py`` (the matrix in core/tests/test_route_matrix.py reads that file).

Intentions are person-level: reading needs ``person.view`` (the donor viewer has none), recording
and importing need ``person.update`` (the finance officer reads people but may not change them).
A household or an import of the other host-country group answers 404."""

from __future__ import annotations

from typing import Any

from sabeel.core.testing_routes import Scoped, Skip
from sabeel.workgroups.testing import Cast

REGISTRAR = "registration_officer"
NO_PEOPLE = "donor_viewer"
READ_ONLY = "finance_officer"
ANSWER = {"hopes_to_return": "yes", "intends_within_12_months": "unsure", "obstacles": ["documents"]}
LEBANON_FILE = "matrix-lebanon-survey.csv"


def _household(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.registry.tests.factories import household_make

    return {"pk": household_make(cast, group).pk}


def _import_run(cast: Cast, group: str, file_name: str = "survey.csv") -> Any:
    # An import is a core run (core.runs) of the consent import's kind.
    from sabeel.consent.intentions import IMPORT_RUN_KIND
    from sabeel.core.runs import run_create

    return run_create(
        actor=cast[f"{group}_{REGISTRAR}"],
        kind=IMPORT_RUN_KIND,
        working_group_id=cast.groups[group].pk,
        params={"file_name": file_name, "file_digest": "0" * 64},
    )


def _import(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _import_run(cast, group).pk}


def _lebanon_import(cast: Cast) -> str:
    _import_run(cast, "lb", LEBANON_FILE)
    return LEBANON_FILE


PAGES: dict[str, Scoped | Skip] = {
    "consent:intention_list": Scoped("person.view", REGISTRAR, NO_PEOPLE, kwargs=_household),
    "consent:intention_record": Scoped("person.update", REGISTRAR, READ_ONLY, kwargs=_household),
    "consent:intention_import": Scoped("person.update", REGISTRAR, READ_ONLY, marker=_lebanon_import),
    "consent:intention_import_detail": Scoped("person.update", REGISTRAR, READ_ONLY, kwargs=_import),
    "consent:intention_import_progress": Scoped("person.update", REGISTRAR, READ_ONLY, kwargs=_import),
}
API: dict[tuple[str, str], Scoped | Skip] = {
    ("get", "/api/consent/households/{pk}/intentions"): Scoped("person.view", REGISTRAR, NO_PEOPLE, kwargs=_household),
    ("post", "/api/consent/households/{pk}/intentions"): Scoped(
        "person.update", REGISTRAR, READ_ONLY, kwargs=_household, data=ANSWER, ok=201
    ),
    ("post", "/api/consent/intentions/import"): Skip(
        "a multipart upload; anonymous, wrong role, other group and permitted cases are in consent/tests/test_intention_import.py"
    ),
    ("get", "/api/consent/intentions/imports/{pk}"): Scoped("person.update", REGISTRAR, READ_ONLY, kwargs=_import),
}
