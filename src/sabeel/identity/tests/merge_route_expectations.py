"""Permission expectations for the merge pages and API (merged into ``route_expectations.py``).

Merging, unmerging and reading a merge belong to whoever holds ``identity.merge`` (registration
and protection officers) in the records' working group; the family decision on a merge across
households to ``consent.record`` (protection officers). A movement officer holds neither (403; a
registration officer gets 403 on the decision), the same role in Jordan gets 404 for Lebanon's
merge, pair or record."""

from __future__ import annotations

from typing import Any

from sabeel.core.testing_routes import Open, Scoped, Skip
from sabeel.workgroups.testing import Cast

OFFICER = "registration_officer"
PROTECTION = "protection_officer"
NO_MERGE = "movement_officer"
REASON = "Registered twice by two agencies"


def _link(cast: Cast, group: str, *, across: bool = False) -> Any:
    from sabeel.identity import merges
    from sabeel.registry.tests.factories import household_make

    household = household_make(cast, group)
    head, spouse = household.members.order_by("pk")
    if across:
        spouse = household_make(cast, group).members.order_by("pk").last()
    return merges.merge(actor=cast[f"{group}_registration_officer"], survivor=head, merged=spouse, reason=REASON)


def _link_kwargs(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _link(cast, group).pk}


def _pending_kwargs(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _link(cast, group, across=True).pk}


def _person(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.registry.tests.factories import household_make

    return {"pk": household_make(cast, group).members.order_by("pk").first().pk}  # type: ignore[union-attr]


def _pair(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.identity.tests.factories import pair_make, run_make
    from sabeel.registry.tests.factories import household_make

    left, right = household_make(cast, group).members.order_by("pk")
    return {"pair": pair_make(run_make(cast, group), left, right, 0.9).pk}


def _lebanon_waiting(cast: Cast) -> str:
    return f"Decide on merge #{_link(cast, 'lb', across=True).pk}"


def _lebanon_pending(cast: Cast) -> str:
    return f'"merged_id": {_link(cast, "lb", across=True).merged_id},'


PAGES: dict[str, Open | Scoped | Skip] = {
    "identity:merge_decisions": Scoped("consent.record", PROTECTION, OFFICER, marker=_lebanon_waiting),
    "identity:merge_confirm": Scoped("identity.merge", OFFICER, NO_MERGE, kwargs=_pair),
    "identity:merge_person": Scoped("identity.merge", OFFICER, NO_MERGE, kwargs=_person),
    "identity:merge_detail": Scoped("identity.merge", OFFICER, NO_MERGE, kwargs=_link_kwargs),
    "identity:merge_decide": Scoped(
        "consent.record", PROTECTION, OFFICER, kwargs=_pending_kwargs, method="post",
        data={"decision": "refuse", "reason": "Two different women"}, ok=302,
    ),
    "identity:merge_unmerge": Scoped(
        "identity.merge", OFFICER, NO_MERGE, kwargs=_link_kwargs, method="post", data={"reason": "Two different women"}, ok=302
    ),
}

API: dict[tuple[str, str], Open | Scoped | Skip] = {
    # The body names records, not the URL: record 0 does not exist, so the permitted officer gets 404
    # (a role without identity.merge 403 before any lookup). test_merge_api.py makes real merges.
    ("post", "/api/identity/merges"): Scoped(
        "identity.merge", OFFICER, NO_MERGE, group_scoped=False, data={"survivor_id": 0, "merged_id": 0, "reason": REASON}, ok=404
    ),
    ("get", "/api/identity/merges/pending"): Scoped("identity.merge", OFFICER, NO_MERGE, marker=_lebanon_pending),
    ("get", "/api/identity/merges/{pk}"): Scoped("identity.merge", OFFICER, NO_MERGE, kwargs=_link_kwargs),
    ("post", "/api/identity/merges/{pk}/decision"): Scoped(
        "consent.record", PROTECTION, OFFICER, kwargs=_pending_kwargs, data={"decision": "refuse", "reason": "Two different women"}
    ),
    ("post", "/api/identity/merges/{pk}/unmerge"): Scoped(
        "identity.merge", OFFICER, NO_MERGE, kwargs=_link_kwargs, data={"reason": "Two different women"}
    ),
}
