"""The geography API, mounted at ``/api/geo``: read admin units, crossings and sites; set a
crossing's opening days and capacity (``geo.edit``); look up a place name (POST, so the query
is never in a URL)."""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from sabeel.core.actors import request_actor
from sabeel.geo import selectors, services
from sabeel.geo.choices import Country, Level, SiteKind
from sabeel.geo.lookup import MAX_LIMIT, LookupResult, UnitMatch
from sabeel.geo.models import MAX_DAILY_CAPACITY, AdminUnit, BorderCrossing, Site

router = Router(tags=["geography"])


class UnitRef(Schema):
    id: int
    key: str
    level: int
    name_en: str
    name_ar: str


class AdminUnitOut(Schema):
    id: int
    key: str
    key_kind: str
    country: str
    level: int
    parent: UnitRef | None
    name_en: str
    name_ar: str
    iso_code: str
    wikidata: str
    lat: float | None
    lon: float | None
    source: str


class AdminUnitFilters(Schema):
    country: Country | None = None
    level: Level | None = None
    parent: int | None = Field(None, ge=1)
    q: str | None = Field(None, max_length=100)


class CrossingOut(Schema):
    id: int
    key: str
    name_en: str
    name_ar: str
    syria_side_name_ar: str
    neighbour_side_name_en: str
    neighbour_side_name_ar: str
    syria_unit: UnitRef
    neighbour_country: UnitRef
    neighbour_unit: UnitRef | None
    kind: str
    lat: float | None
    lon: float | None
    opening_days: list[int] | None = Field(None, description="Weekdays, 0 = Monday; null when unknown")
    daily_capacity: int | None = Field(None, description="Persons per day; null when unknown")

    @staticmethod
    def resolve_opening_days(obj: BorderCrossing) -> list[int] | None:
        days = obj.opening_weekdays
        return None if days is None else [int(d) for d in days]


class CrossingPatch(Schema):
    """Only the fields sent are changed; send null to mark a value unknown."""

    opening_days: list[int] | None = Field(None, description="Weekdays, 0 = Monday … 6 = Sunday")
    daily_capacity: int | None = Field(None, ge=1, le=MAX_DAILY_CAPACITY)


class LookupIn(Schema):
    query: str = Field(..., description="A place name in Arabic or Latin script, 1 to 200 characters")
    country: Country | None = None
    level: Level | None = None
    limit: int = Field(10, ge=1, le=MAX_LIMIT)


class LookupMatchOut(Schema):
    unit: UnitRef
    level: int
    score: float
    matched_name: str
    exact: bool
    tied: bool


class LookupOut(Schema):
    query: str
    tie: bool
    explanation: str
    matches: list[LookupMatchOut]


class SiteOut(Schema):
    id: int
    kind: str
    name_en: str
    name_ar: str
    admin_unit: UnitRef
    lat: float | None
    lon: float | None


@router.get("/units", response=list[AdminUnitOut])
@paginate(LimitOffsetPagination)
def list_admin_units(request: HttpRequest, filters: Query[AdminUnitFilters]) -> list[AdminUnit]:
    actor = request_actor(request)
    values = filters.dict(exclude_none=True)
    if "parent" in values:
        values["parent"] = selectors.admin_unit_get(actor=actor, pk=values["parent"])
    return selectors.admin_unit_list(actor=actor, **values)  # type: ignore[return-value]


@router.get("/units/{pk}", response=AdminUnitOut)
def get_admin_unit(request: HttpRequest, pk: int) -> AdminUnit:
    actor = request_actor(request)
    return selectors.admin_unit_get(actor=actor, pk=pk)


@router.get("/crossings", response=list[CrossingOut])
def list_crossings(request: HttpRequest, country: Country | None = None) -> list[BorderCrossing]:
    actor = request_actor(request)
    return list(selectors.crossing_list(actor=actor, country=country))


@router.get("/crossings/{pk}", response=CrossingOut)
def get_crossing(request: HttpRequest, pk: int) -> BorderCrossing:
    actor = request_actor(request)
    return selectors.crossing_get(actor=actor, pk=pk)


@router.patch("/crossings/{pk}", response=CrossingOut)
def update_crossing(request: HttpRequest, pk: int, payload: CrossingPatch) -> BorderCrossing:
    actor = request_actor(request)
    crossing = selectors.crossing_get(actor=actor, pk=pk, action="geo.edit")
    sent = payload.model_fields_set
    days = crossing.opening_weekdays
    return services.crossing_operations_set(
        actor=actor,
        crossing=crossing,
        opening_days=payload.opening_days if "opening_days" in sent else (None if days is None else [int(d) for d in days]),
        daily_capacity=payload.daily_capacity if "daily_capacity" in sent else crossing.daily_capacity,
    )


@router.get("/sites", response=list[SiteOut])
def list_sites(request: HttpRequest, kind: SiteKind | None = None) -> list[Site]:
    actor = request_actor(request)
    return list(selectors.site_list(actor=actor, kind=kind))


def _match_out(match: UnitMatch, result: LookupResult) -> LookupMatchOut:
    return LookupMatchOut(
        unit=UnitRef.from_orm(match.unit),
        level=match.level,
        score=match.score,
        matched_name=match.matched_name,
        exact=match.exact,
        tied=result.is_tie and match in result.tied,
    )


@router.post("/lookup", response=LookupOut)
def lookup_place(request: HttpRequest, payload: LookupIn) -> LookupOut:
    actor = request_actor(request)
    result = selectors.admin_unit_lookup(
        actor=actor, query=payload.query, country=payload.country, level=payload.level, limit=payload.limit
    )
    return LookupOut(
        query=result.query,
        tie=result.is_tie,
        explanation=result.explanation,
        matches=[_match_out(m, result) for m in result.matches],
    )


