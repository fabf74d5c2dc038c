"""Permission expectations for the composition root's own routes (merged by
core/tests/test_route_matrix.py; ``core:home`` is declared there)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sabeel.core.testing_routes import Scoped
from sabeel.workgroups.testing import Cast


def _waiting_membership(cast: Cast, group: str) -> dict[str, Any]:
    """A registration officer's membership of ``group`` asked for by a platform administrator."""
    from sabeel.core.roles import Role
    from sabeel.workgroups.models import Membership, MembershipApproval
    from sabeel.workgroups.testing import _user

    newcomer = _user(f"{group}_matrix_newcomer", display_name="Matrix newcomer")
    membership = Membership.objects.create(
        user=newcomer,
        working_group=cast.groups[group],
        role=Role.REGISTRATION_OFFICER,
        organisation=cast.organisations["un"],
        starts_on=dt.date(2020, 1, 1),
        approval=MembershipApproval.PENDING,
        requested_by=cast["platform_admin"],
    )
    return {"pk": membership.pk}


PAGES = {
    # A second administrator of the group approves from the home page (then back to it).
    "core:membership_approve": Scoped(
        "workgroup.manage", "administrator", "registration_officer", kwargs=_waiting_membership, method="post", ok=302
    ),
}
