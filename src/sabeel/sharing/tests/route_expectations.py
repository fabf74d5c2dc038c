"""Permission expectations for the data-sharing routes (merged by core/tests/test_route_matrix.py).

Agreements are their group's administrators' (``agreement.manage``); the share log is the
auditors' (``audit.view``, administrators see it too); a person-level export needs
``person.export``. The partner API accepts partner tokens only: sharing/tests/test_api.py covers
it (a staff session or a personal token answers 401 there, a partner token 401 elsewhere)."""

from __future__ import annotations

from typing import Any

from sabeel.core.testing_routes import Open, Scoped, Skip
from sabeel.workgroups.testing import Cast

ADMIN = "administrator"
NO_AGREEMENTS = "registration_officer"


def _agreement(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.sharing.tests.factories import agreement_make

    return {"pk": agreement_make(cast, group).pk}


def _lebanon_agreement(cast: Cast) -> str:
    from sabeel.sharing.tests.factories import agreement_make

    return agreement_make(cast, "lb", reference="LB-MATRIX-MARKER").reference


def _lebanon_share(cast: Cast) -> str:
    from sabeel.sharing.services import share_record
    from sabeel.sharing.tests.factories import agreement_make

    agreement = agreement_make(cast, "lb", reference="LB-SHARE-MARKER")
    share_record(
        actor=cast["lb_registration_officer"],
        kind="export",
        agreement=agreement,
        recipient=cast.organisations["iom"],
        individual_ids=[1, 2],
        categories=["names_contacts"],
    )
    return "LB-SHARE-MARKER"


PAGES: dict[str, Open | Scoped | Skip] = {
    "sharing:agreement_list": Scoped("agreement.manage", ADMIN, NO_AGREEMENTS, marker=_lebanon_agreement),
    "sharing:agreement_create": Scoped("agreement.manage", ADMIN, NO_AGREEMENTS, group_scoped=False),
    "sharing:agreement_detail": Scoped("agreement.manage", ADMIN, NO_AGREEMENTS, kwargs=_agreement),
    "sharing:agreement_edit": Scoped("agreement.manage", ADMIN, NO_AGREEMENTS, kwargs=_agreement),
    "sharing:agreement_revoke": Scoped("agreement.manage", ADMIN, NO_AGREEMENTS, kwargs=_agreement),
    "sharing:token_create": Skip("POST creating a partner token; covered by sharing/tests/test_views.py"),
    "sharing:token_revoke": Skip("POST revoking a partner token; covered by sharing/tests/test_views.py"),
    "sharing:share_log": Scoped("audit.view", "auditor", NO_AGREEMENTS, marker=_lebanon_share),
    "sharing:share_log_export": Scoped("audit.view", "auditor", NO_AGREEMENTS, marker=_lebanon_share),
    "sharing:household_export": Scoped("person.export", "registration_officer", "movement_officer", group_scoped=False),
    "sharing:export_detail": Skip("the requester's own run only (404 for anyone else); covered by sharing/tests/test_views.py"),
    "sharing:export_download": Skip("POST, the requester's own file, once; covered by sharing/tests/test_views.py"),
}

API: dict[tuple[str, str], Open | Scoped | Skip] = {
    ("get", "/api/sharing/export/households"): Skip(
        "partner tokens only (a session or personal token answers 401); covered by sharing/tests/test_api.py"
    ),
}
