"""Permission expectations for the conditions routes (merged by core/tests/test_route_matrix.py).

Conditions are platform-wide information, like geography: every staff role reads them
(``geo.view``); protection officers and administrators record entries (``conditions.record``). No working group owns them, so there is no "other group"
case.

``PAGES`` and ``API`` (the same as ``ALL_PAGES`` and ``ALL_API``) hold every expectation, and the
matrix checks them against ``config/urls.py`` itself: a route declared here and not wired fails."""

from __future__ import annotations

from typing import Any

from sabeel.core.testing_routes import Scoped
from sabeel.workgroups.testing import Cast

READER = "registration_officer"
RECORDER = "protection_officer"
NOT_RECORDER = "registration_officer"
ENTRY = {"threshold": "safety", "status": "partly_met", "source": "Matrix report", "as_of": "2025-01-15", "text_en": "Calm", "text_ar": "هادئ"}


def _unit(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.conditions.tests.factories import places_load

    return {"pk": places_load()["SY020000"].pk}


def _unit_in_arabic(cast: Cast, group: str) -> dict[str, Any]:
    return {**_unit(cast, group), "language": "ar"}


def _package(cast: Cast, group: str) -> dict[str, Any]:
    from sabeel.conditions.services import information_package_current
    from sabeel.conditions.tests.factories import places_load

    return {"pk": information_package_current(destination=places_load()["SY020000"], language="ar").pk}


def _read(**extra: Any) -> Scoped:
    return Scoped("geo.view", READER, None, group_scoped=False, **extra)


def _record(**extra: Any) -> Scoped:
    return Scoped("conditions.record", RECORDER, NOT_RECORDER, group_scoped=False, **extra)


ALL_PAGES = {
    "conditions:index": _read(),
    "conditions:unit_conditions": _read(kwargs=_unit),
    "conditions:condition_record": _record(kwargs=_unit),
    "conditions:package_current": _read(kwargs=_unit_in_arabic),
    "conditions:package_detail": _read(kwargs=_package),
}
ALL_API = {
    ("get", "/api/conditions/units/{pk}/current"): _read(kwargs=_unit),
    ("get", "/api/conditions/units/{pk}/entries"): _read(kwargs=_unit),
    ("post", "/api/conditions/units/{pk}/entries"): _record(kwargs=_unit, data=ENTRY, ok=201),
    ("get", "/api/conditions/units/{pk}/package"): _read(kwargs=_unit),
    ("get", "/api/conditions/packages/{pk}"): _read(kwargs=_package),
}


# Every route declared here must be wired in config/urls.py: the matrix fails for one that is not.
PAGES = ALL_PAGES
API = ALL_API
