"""Permission expectations for the funnel pages (merged by core/tests/test_route_matrix.py).

Every staff role holds ``aggregate.view``, so no role of a group is refused; a signed-in user
without a membership is. The figures are aggregates of the actor's own groups: that another
group's households never count, and that every aggregate role gets suppressed figures, is tested
in ``reports/tests/test_views.py`` (a list marker cannot show it: an aggregate has no row to find)."""

from __future__ import annotations

from sabeel.core.testing_routes import Scoped

_REASON = "aggregate figures of the actor's groups; group separation and suppression: reports/tests/test_views.py"

PAGES = {
    "reports:funnel": Scoped("aggregate.view", "donor_viewer", None, group_scoped=False, reason=_REASON),
    "reports:funnel_export": Scoped("aggregate.view", "donor_viewer", None, group_scoped=False, reason=_REASON),
    "reports:home_card": Scoped("aggregate.view", "coordinator", None, group_scoped=False, reason=_REASON),
}
API = {
    ("get", "/api/reports/funnel"): Scoped("aggregate.view", "donor_viewer", None, group_scoped=False, reason=_REASON),
}
