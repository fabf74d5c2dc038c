"""Permission expectations for the self-service routes (merged by core/tests/test_route_matrix.py).

These pages are for refugees, not staff: a staff sign-in neither opens nor closes them. The start
page is open to all; every other page needs the refugee session (a right code) or a code request
under way, and otherwise sends anonymous and staff alike back to the start page (302). The refugee
session's own cases are covered by ``portal/tests/test_views.py``.

Checked against ``config/urls.py`` itself, like every other route."""

from __future__ import annotations

from sabeel.core.testing_routes import Open, Skip

EXPECTATIONS: dict[str, Open | Skip] = {
    "portal:start": Open(anonymous=200, signed_in=200),
    "portal:code": Open(anonymous=302, signed_in=302),
    "portal:status": Open(anonymous=302, signed_in=302),
    "portal:callback": Open(anonymous=302, signed_in=302, method="post"),
    "portal:withdraw": Open(anonymous=302, signed_in=302),
    "portal:sign_out": Open(anonymous=302, signed_in=302, method="post"),
    # The messaging gateway's webhook: no sign-in of any kind opens it, only the shared secret
    # (portal/tests/test_rapidpro.py).
    "portal:rapidpro_inbound": Open(anonymous=403, signed_in=403, method="post"),
}

PAGES: dict[str, Open | Skip] = EXPECTATIONS
