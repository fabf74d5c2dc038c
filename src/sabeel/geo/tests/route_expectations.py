"""Permission expectations for the geography routes (merged by core/tests/test_route_matrix.py).

Geography is reference data: any staff role may read it (``geo.view``), movement officers and
administrators may set a crossing's opening days and capacity (``geo.edit``); it is not owned by a
working group, so there is no "other group" case."""

from __future__ import annotations

from typing import Any

from sabeel.core.testing_routes import Scoped
from sabeel.workgroups.testing import Cast


def _geo_unit(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.geo.loader import load_gazetteer
    from sabeel.geo.models import AdminUnit

    load_gazetteer()
    return {"pk": AdminUnit.objects.get(key="SY12").pk}


def _geo_crossing(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.geo.models import AdminUnit, BorderCrossing

    _geo_unit(cast, group)
    crossing, _ = BorderCrossing.objects.get_or_create(
        key="matrix-crossing",
        defaults={
            "name_en": "Matrix crossing",
            "syria_unit": AdminUnit.objects.get(key="SY12"),
            "neighbour_country": AdminUnit.objects.get(key="JO"),
        },
    )
    return {"pk": crossing.pk}


def _read(**extra: Any) -> Scoped:
    return Scoped("geo.view", "registration_officer", None, group_scoped=False, **extra)


def _edit(**extra: Any) -> Scoped:
    return Scoped("geo.edit", "movement_officer", "registration_officer", kwargs=_geo_crossing, group_scoped=False, **extra)


PAGES = {
    "geo:admin_unit_list": _read(),
    "geo:admin_unit_detail": _read(kwargs=_geo_unit),
    "geo:admin_unit_lookup": _read(),
    "geo:crossing_list": _read(),
    "geo:crossing_edit": _edit(),
}
API = {
    ("get", "/api/geo/units"): _read(),
    ("get", "/api/geo/units/{pk}"): _read(kwargs=_geo_unit),
    ("get", "/api/geo/crossings"): _read(),
    ("get", "/api/geo/crossings/{pk}"): _read(kwargs=_geo_crossing),
    ("patch", "/api/geo/crossings/{pk}"): _edit(data={"daily_capacity": 100}),
    ("post", "/api/geo/lookup"): _read(data={"query": "Daraa"}),
    ("get", "/api/geo/sites"): _read(),
}
