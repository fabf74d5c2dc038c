"""Permission expectations for the movements routes (merged by core/tests/test_route_matrix.py).

Every route needs ``movement.manage`` (movement officers) in the record's working group: a
registration officer (no such action) gets 403, Jordan's movement officer 404 on Lebanon's rows.
POSTs that a page answers with a redirect expect 302 (a refusal is a message on the next page)."""

from __future__ import annotations

from typing import Any

from sabeel.core.testing_routes import Scoped, Skip
from sabeel.workgroups.testing import Cast

OFFICER = "movement_officer"
NOT_OFFICER = "registration_officer"
MARKER = "Matrix Lebanon departure point"


def _world(cast: Cast, group: str) -> Any:
    from sabeel.movements.tests.factories import world

    return world(cast, group)


def _point_marker(cast: Cast) -> str:
    from sabeel.movements import services

    services.departure_point_create(actor=cast["lb_movement_officer"], working_group=cast.groups["lb"], name_en=MARKER, seats_per_day=10)
    return MARKER


def _draft(cast: Cast, group: str) -> Any:
    from sabeel.movements.tests.factories import mover, planned

    w = _world(cast, group)
    mover(cast, w)
    return planned(cast, w)


def _approved(cast: Cast, group: str) -> Any:
    from sabeel.movements import services

    return services.plan_approve(actor=cast[f"{group}_movement_officer"], plan=_draft(cast, group))


def _run(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _draft(cast, group).run_id}


def _plan(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _draft(cast, group).pk}


def _vehicle(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _approved(cast, group).vehicles.get().pk}


def _vehicle_in(language: str) -> Any:
    def kwargs(cast: Cast, group: str) -> dict[str, Any]:
        return {**_vehicle(cast, group), "language": language}

    return kwargs


def _placement(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _approved(cast, group).placements.get().pk}


def _point(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _world(cast, group).point.pk}


def _household(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.movements.tests.factories import mover

    return {"pk": mover(cast, _world(cast, group)).pk}


def _request(cast: Cast, group: str) -> dict[str, Any]:
    """A household and the Lebanon departure point's id in the body (the matrix sends one body)."""
    w = _world(cast, group)
    from sabeel.movements.tests.factories import mover

    household = mover(cast, w)
    if group == "lb":
        _REQUEST["departure_point"] = w.point.pk
    return {"pk": household.pk}


_REQUEST: dict[str, Any] = {"departure_point": 0, "earliest": "2099-01-01", "latest": "2099-01-10"}


_ROUTE: dict[str, Any] = {"crossing": 0, "travel_minutes": 45}
_RECEPTION: dict[str, Any] = {"destination": 0, "persons_per_day": 25}


def _point_and_crossing(cast: Cast, group: str) -> dict[str, Any]:
    """Lebanon's departure point, and its crossing in the body (the matrix sends one body)."""
    w = _world(cast, group)
    if group == "lb":
        _ROUTE["crossing"] = w.crossing.pk
    return {"pk": w.point.pk}


def _group_and_destination(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.geo.models import AdminUnit

    _world(cast, group)
    _RECEPTION["destination"] = AdminUnit.objects.get(key="SY12").pk
    return {"pk": cast.groups[group].pk}


def _crossing(cast: Cast, group: str) -> dict[str, Any]:
    return {"pk": _world(cast, group).crossing.pk}


def _group(cast: Cast, group: str) -> dict[str, Any]:
    _world(cast, group)
    return {"pk": cast.groups[group].pk}


def _manage(**extra: Any) -> Scoped:
    return Scoped("movement.manage", OFFICER, NOT_OFFICER, **extra)


ALL_PAGES = {
    "movements:index": _manage(marker=_point_marker),
    # a lookup: any answer is a redirect; test_views checks that another group's number is not found
    "movements:find": _manage(method="post", data={"registration_number": "LB-00000000-0"}, ok=302, group_scoped=False),
    "movements:setup": _manage(marker=_point_marker),
    "movements:run_progress": _manage(kwargs=_run),
    "movements:plan_detail": _manage(kwargs=_plan),
    "movements:plan_approve": _manage(kwargs=_plan, method="post", ok=302),
    "movements:plan_cancel": _manage(kwargs=_plan, method="post", data={"reason": "Crossing closed"}, ok=302),
    "movements:manifest": _manage(kwargs=_vehicle),
    "movements:manifest_print": _manage(kwargs=_vehicle_in("ar")),
    "movements:manifest_excel": _manage(kwargs=_vehicle_in("en")),
    # 200 with the PDF, or 302 back to the manifest with a message where fpdf2 is not installed
    "movements:manifest_pdf": Skip("the PDF needs fpdf2 and the font; movements/tests/test_views.py checks its permissions"),
    "movements:manifest_share": _manage(kwargs=_vehicle, method="post", data={"agreement": 0, "recipient": 0}, ok=302),
    "movements:check_in_list": _manage(kwargs=_point),
    "movements:check_in": _manage(kwargs=_placement, method="post", data={"status": "absent"}, ok=302),
    "movements:confirm": _manage(kwargs=_placement, method="post", data={"kind": "crossed"}, ok=302),
    "movements:self_return": _manage(kwargs=_household),
    "movements:request": _manage(kwargs=_household),
    "movements:flags": Scoped("movement.flag", "protection_officer", "movement_officer", kwargs=_household),
}
ALL_API = {
    ("post", "/api/movements/groups/{pk}/runs"): _manage(kwargs=_group, data={"start": "2099-01-01", "days": 7}, ok=201),
    ("get", "/api/movements/runs/{pk}"): _manage(kwargs=_run),
    ("get", "/api/movements/plans/{pk}"): _manage(kwargs=_plan),
    ("post", "/api/movements/plans/{pk}/approve"): _manage(kwargs=_plan),
    ("get", "/api/movements/vehicles/{pk}/manifest"): _manage(kwargs=_vehicle),
    ("post", "/api/movements/placements/{pk}/check-in"): _manage(kwargs=_placement, data={"status": "absent"}, ok=201),
    ("post", "/api/movements/placements/{pk}/confirm"): _manage(kwargs=_placement, data={"kind": "crossed"}, ok=400),
    ("put", "/api/movements/households/{pk}/request"): _manage(kwargs=_request, data=_REQUEST),
    ("put", "/api/movements/households/{pk}/flags"): Scoped(
        "movement.flag", "protection_officer", "movement_officer", kwargs=_household, data={"priority_tier": 1, "needs_medical_vehicle": True}
    ),
    ("post", "/api/movements/groups/{pk}/departure-points"): _manage(
        kwargs=_group, data={"name_en": "Matrix point", "seats_per_day": 40}, ok=201
    ),
    ("put", "/api/movements/departure-points/{pk}/routes"): _manage(kwargs=_point_and_crossing, data=_ROUTE),
    ("put", "/api/movements/groups/{pk}/reception"): _manage(kwargs=_group_and_destination, data=_RECEPTION),
    ("post", "/api/movements/crossings/{pk}/closures"): Scoped(
        "geo.edit", OFFICER, NOT_OFFICER, kwargs=_crossing, data={"date": "2099-01-01", "reason": "Holiday"}, ok=201, group_scoped=False
    ),
    ("post", "/api/movements/households/{pk}/self-organised-return"): _manage(
        kwargs=_household, data={"returned_on": "2025-06-01"}, ok=201
    ),
}


# Every route declared here must be wired in config/urls.py: the matrix fails for one that is not.
PAGES = ALL_PAGES
API = ALL_API
