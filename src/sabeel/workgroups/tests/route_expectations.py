"""Permission expectations for the working-group routes declared by this app's parts (merged by
core/tests/test_route_matrix.py; ``workgroups:list``, ``workgroups:detail`` and
``workgroups:audit`` are declared there).

The audit trail's CSV export answers with a stream, which the matrix cannot read for its marker;
``workgroups/tests/test_audit_trail_export.py`` checks it the matrix's way: anonymous → sign-in,
a wrong role → 403, an outsider → 403, and the Jordan auditor never receives Lebanon's rows."""

from __future__ import annotations

from sabeel.core.testing_routes import Open, Scoped, Skip

PAGES: dict[str, Open | Scoped | Skip] = {
    "workgroups:audit_export": Skip(
        "a streamed CSV (no .content for the matrix's marker): checked role by role and group by group "
        "in workgroups/tests/test_audit_trail_export.py"
    ),
}
API: dict[tuple[str, str], Open | Scoped | Skip] = {}
