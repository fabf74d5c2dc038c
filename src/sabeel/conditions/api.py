"""The area conditions API (mount at ``/api/conditions``): a Syrian unit's current conditions with
where each came from, its entries (history), recording an entry, and the information package in
Arabic or English (current version, or one version by id). Read with ``geo.view`` like geography;
recording needs the record action of ``conditions.selectors``."""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from sabeel.conditions import selectors, services
from sabeel.conditions.models import AreaCondition, ConditionStatus, InformationPackage, Threshold
from sabeel.conditions.selectors import CurrentCondition
from sabeel.core.actors import request_actor

router = Router(tags=["conditions"])


class UnitRef(Schema):
    id: int
    key: str
    level: int
    name_en: str
    name_ar: str


class ConditionOut(Schema):
    id: int
    admin_unit: UnitRef
    threshold: str
    status: str
    active_hostilities: bool
    text_en: str
    text_ar: str
    source: str
    as_of: dt.date
    created_at: dt.datetime


class ConditionIn(Schema):
    threshold: Threshold
    status: ConditionStatus
    source: str = Field(..., max_length=services.SOURCE_MAX)
    as_of: dt.date
    text_en: str = Field("", max_length=services.TEXT_MAX)
    text_ar: str = Field("", max_length=services.TEXT_MAX)
    active_hostilities: bool = False


class CurrentThresholdOut(Schema):
    threshold: str
    status: str
    entry: ConditionOut | None
    recorded_for: UnitRef | None = Field(None, description="The unit whose entry is in force: this unit or one above it")
    inherited: bool


class HostilitiesOut(Schema):
    flagged: bool
    since: dt.date | None
    recorded_for: UnitRef | None


class ObservationOut(Schema):
    """An observed entry (a completed project, a monitoring visit): information, never a status."""

    threshold: str
    observed_on: dt.date
    text_en: str
    text_ar: str
    source: str
    system_actor: str
    cites_type: str
    cites_id: str
    admin_unit: UnitRef  # the unit it was observed in (this one or one above it)


class CurrentOut(Schema):
    unit: UnitRef
    thresholds: list[CurrentThresholdOut]
    active_hostilities: HostilitiesOut
    observed: list[ObservationOut] = Field([], description="The newest observed entries of the unit and the units above it")


class PackageOut(Schema):
    id: int
    admin_unit: UnitRef
    language: str
    version: int
    digest: str
    created_at: dt.datetime
    content: dict[str, Any]


def _current_out(current: CurrentCondition) -> CurrentThresholdOut:
    return CurrentThresholdOut(
        threshold=str(current.threshold.value),
        status=current.status,
        entry=ConditionOut.from_orm(current.entry) if current.entry else None,
        recorded_for=UnitRef.from_orm(current.source_unit) if current.source_unit else None,
        inherited=current.inherited,
    )


@router.get("/units/{pk}/current", response=CurrentOut)
def current_for_unit(request: HttpRequest, pk: int) -> CurrentOut:
    actor = request_actor(request)
    unit = selectors.condition_unit_get(actor=actor, pk=pk)
    current = selectors.area_conditions_current(actor=actor, admin_unit=unit)
    hostilities = selectors.hostilities_status(unit)
    return CurrentOut(
        unit=UnitRef.from_orm(unit),
        thresholds=[_current_out(c) for c in current],
        active_hostilities=HostilitiesOut(
            flagged=hostilities.flagged,
            since=hostilities.since,
            recorded_for=UnitRef.from_orm(hostilities.source_unit) if hostilities.source_unit else None,
        ),
        observed=[ObservationOut.from_orm(o) for o in selectors.area_observations(unit)],
    )


@router.get("/units/{pk}/entries", response=list[ConditionOut])
def entries_for_unit(request: HttpRequest, pk: int, threshold: Threshold | None = None) -> list[AreaCondition]:
    actor = request_actor(request)
    unit = selectors.condition_unit_get(actor=actor, pk=pk)
    history = selectors.area_condition_history(actor=actor, admin_unit=unit, threshold=threshold)
    return list(history.select_related("admin_unit")[: selectors.HISTORY_LIMIT])


@router.post("/units/{pk}/entries", response={201: ConditionOut})
def record_entry(request: HttpRequest, pk: int, payload: ConditionIn) -> tuple[int, AreaCondition]:
    actor = request_actor(request)
    unit = selectors.condition_unit_get(actor=actor, pk=pk)
    values = payload.dict()
    entry = services.area_condition_record(
        actor=actor,
        admin_unit=unit,
        **{**values, "threshold": str(payload.threshold.value), "status": str(payload.status.value)},
    )
    return 201, entry


@router.get("/units/{pk}/package", response=PackageOut)
def package_for_unit(request: HttpRequest, pk: int, language: Literal["ar", "en"] = "ar") -> InformationPackage:
    actor = request_actor(request)
    unit = selectors.condition_unit_get(actor=actor, pk=pk)
    return services.information_package_current(destination=unit, language=language)


@router.get("/packages/{pk}", response=PackageOut)
def package_by_id(request: HttpRequest, pk: int) -> InformationPackage:
    actor = request_actor(request)
    return selectors.information_package_get(actor=actor, pk=pk)
