"""Permission expectations for the identity routes (merged by core/tests/test_route_matrix.py).

Runs and the review queue belong to the officers who hold ``identity.run`` / ``identity.review``
(registration and protection officers) in the run's working group; a movement officer holds
neither (403) and the same role in Jordan gets 404 for Lebanon's run or pair. The merges' routes
are declared in ``merge_route_expectations.py`` (the merges part's) and merged here."""

from __future__ import annotations

from typing import Any

from sabeel.core.testing_routes import Open, Scoped, Skip
from sabeel.workgroups.testing import Cast

OFFICER = "registration_officer"
NO_IDENTITY = "movement_officer"


def _run(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.identity.tests.factories import run_make

    return {"pk": run_make(cast, group).pk}


def _pair(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.identity.tests.factories import pair_make, run_make
    from sabeel.registry.tests.factories import household_make

    household = household_make(cast, group)
    left, right = household.members.order_by("pk")
    return {"pk": pair_make(run_make(cast, group), left, right, 0.6).pk}


def _lebanon_run_file(cast: Cast) -> str:
    from sabeel.identity.tests.factories import run_make

    run = run_make(cast, "lb")
    run.file_name = "LB-RUN-MARKER.csv"
    run.save(update_fields=["file_name"])
    return "LB-RUN-MARKER.csv"


def _lebanon_run_id(cast: Cast) -> str:
    from sabeel.identity.tests.factories import run_make

    return f'"working_group_id": {run_make(cast, "lb").working_group_id}'


PAGES: dict[str, Open | Scoped | Skip] = {
    "identity:run_list": Scoped("identity.review", OFFICER, NO_IDENTITY, marker=_lebanon_run_file),
    "identity:run_start": Scoped("identity.run", OFFICER, NO_IDENTITY, group_scoped=False, method="post", ok=400),
    "identity:list_upload": Scoped("identity.run", OFFICER, NO_IDENTITY, group_scoped=False),
    "identity:run_detail": Scoped("identity.review", OFFICER, NO_IDENTITY, kwargs=_run),
    "identity:run_progress": Scoped("identity.review", OFFICER, NO_IDENTITY, kwargs=_run),
    "identity:run_stop": Scoped("identity.run", OFFICER, NO_IDENTITY, kwargs=_run, method="post", ok=302),
    "identity:pair_queue": Scoped("identity.review", OFFICER, NO_IDENTITY, kwargs=_run),
    "identity:pair_detail": Scoped("identity.review", OFFICER, NO_IDENTITY, kwargs=_pair),
    "identity:pair_decide": Scoped(
        "identity.review", OFFICER, NO_IDENTITY, kwargs=_pair, method="post", data={"decision": "unsure"}, ok=302
    ),
}

API: dict[tuple[str, str], Open | Scoped | Skip] = {
    # An empty registry: the permitted officer is refused with a clear 400, not queued.
    ("post", "/api/identity/runs"): Scoped("identity.run", OFFICER, NO_IDENTITY, group_scoped=False, ok=400),
    ("post", "/api/identity/runs/list"): Skip(
        "a multipart upload; anonymous, wrong role, other group and permitted cases are in identity/tests/test_review.py"
    ),
    ("get", "/api/identity/runs"): Scoped("identity.review", OFFICER, NO_IDENTITY, marker=_lebanon_run_id),
    ("get", "/api/identity/runs/{pk}"): Scoped("identity.review", OFFICER, NO_IDENTITY, kwargs=_run),
    ("get", "/api/identity/runs/{pk}/pairs"): Scoped("identity.review", OFFICER, NO_IDENTITY, kwargs=_run),
    ("post", "/api/identity/pairs/{pk}/decision"): Scoped(
        "identity.review", OFFICER, NO_IDENTITY, kwargs=_pair, data={"decision": "unsure"}
    ),
}

try:  # the merges part's routes
    from sabeel.identity.tests.merge_route_expectations import API as _MERGE_API
    from sabeel.identity.tests.merge_route_expectations import PAGES as _MERGE_PAGES
except ImportError:  # not written yet
    _MERGE_PAGES, _MERGE_API = {}, {}
PAGES.update(_MERGE_PAGES)
API.update(_MERGE_API)
