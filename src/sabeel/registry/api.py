"""The registry API, mounted at ``/api/registry``: households and individuals (list with the same
filters as the page, detail, create, correct with the loaded ``version``, close, reopen, members)
and the person search (``POST /search``: the query travels in the body, never in a URL).

Responses are redacted: a field of a group the caller may not see is absent, not null. A stale
``version`` answers 409 with the other change in the message; bad input answers 4xx with a
message per field and changes nothing.
"""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import require
from sabeel.core.throttle import list_page_size
from sabeel.registry import selectors, services
from sabeel.registry.fieldgroups import NAME_FIELDS
from sabeel.registry.filters import FUNNEL_FILTERS, HouseholdFilterForm, funnel_as_of
from sabeel.registry.likely import likely_matches, shown_check
from sabeel.registry.search import MAX_QUERY, person_search
from sabeel.registry.services import DuplicateCheck, ExternalIdInput, MemberInput, dob_parse
from sabeel.workgroups.models import WorkingGroup

router = Router(tags=["registry"])

MAX_PAGE = 200


# --- schemas ------------------------------------------------------------------------------------


class UnitOut(Schema):
    key: str
    name_en: str
    name_ar: str
    level: int
    country: str


class ExternalIdIO(Schema):
    scheme: str = Field(..., description="unhcr_case, unhcr_individual, host_government, syrian_national or other")
    value: str = Field(..., max_length=64)


class PersonNamesOut(Schema):
    """The eight typed name fields and the generated reading (members, search hits, likely matches)."""

    first_name_ar: str = ""
    father_name_ar: str = ""
    grandfather_name_ar: str = ""
    family_name_ar: str = ""
    first_name_lat: str = ""
    father_name_lat: str = ""
    grandfather_name_lat: str = ""
    family_name_lat: str = ""
    generated_names: dict[str, str] = Field(
        {},
        description="The generated reading — not typed by an officer: the other-script reading of each name field "
        "left empty (first_name_lat … family_name_ar), produced by the name model. Never a typed name.",
    )


class MemberOut(PersonNamesOut):
    id: int
    version: int
    relationship: str
    sex: str
    date_of_birth: dt.date | None
    dob_precision: str
    status: str
    status_reason: str
    documents_held: list[str] = []
    documents_missing: list[str] = []
    specific_needs: list[str] = []
    sensitive_needs: list[str] = []
    external_ids: list[ExternalIdIO] = []


class IndividualOut(MemberOut):
    household_id: int
    registration_number: str


class HouseholdOut(Schema):
    id: int
    registration_number: str
    working_group_id: int
    host_country: str
    status: str
    closed_reason: str
    closed_at: dt.datetime | None
    version: int
    preferred_language: str
    current_location: UnitOut | None
    origin: UnitOut | None
    destination: UnitOut | None
    created_at: dt.datetime
    phones: list[str] = []
    external_ids: list[ExternalIdIO] = []
    protection_notes: str = ""
    members: list[MemberOut]


class HouseholdRowOut(Schema):
    id: int
    registration_number: str
    working_group_id: int
    status: str
    version: int
    current_location: str | None
    origin: str | None
    members: int
    head_first_name_ar: str = ""
    head_family_name_ar: str = ""
    head_first_name_lat: str = ""
    head_family_name_lat: str = ""


class HouseholdPage(Schema):
    count: int
    eligibility_as_of: dt.datetime | None = Field(
        None, description="With a funnel filter: when the oldest snapshot row of the listed households was computed"
    )
    limit: int = Field(50, description="The page size applied (at most 50 without person.export)")
    items: list[HouseholdRowOut]


class HouseholdFilters(Schema):
    """The filters of the household list page (``registry.filters.HouseholdFilterForm``)."""

    status: str | None = Field(None, description="open or closed")
    location: str | None = Field(
        None, max_length=200, description="A host-country place: its key (p-code) or name in Arabic or English; places within it included"
    )
    origin: str | None = Field(
        None, max_length=200, description="A Syrian place: its key (p-code) or name in Arabic or English; places within it included"
    )
    need: str | None = Field(None, description="A specific-needs code (never a protection-sensitive one)")
    intention: str | None = Field(None, description="Latest answer to 'hopes to return': yes, no, unsure, or never (never asked)")
    consent_state: str | None = Field(None, description="none, counselled, partial, consented, withdrawn or expired (the funnel snapshot)")
    eligible: str | None = Field(
        None, description="yes, no, or unknown (no verdict in the snapshot yet; such a household is never listed as eligible)"
    )
    limit: int = Field(50, ge=1, le=MAX_PAGE, description="At most 50 for roles that may not export person-level lists")
    offset: int = Field(0, ge=0)


class MemberIn(Schema):
    relationship: str
    sex: str = "U"
    first_name_ar: str = Field("", max_length=100)
    father_name_ar: str = Field("", max_length=100)
    grandfather_name_ar: str = Field("", max_length=100)
    family_name_ar: str = Field("", max_length=100)
    first_name_lat: str = Field("", max_length=100)
    father_name_lat: str = Field("", max_length=100)
    grandfather_name_lat: str = Field("", max_length=100)
    family_name_lat: str = Field("", max_length=100)
    date_of_birth: str | None = Field(None, description="1985, 1985-03 or 1985-03-12")
    dob_precision: str | None = Field(None, description="day, month or year; follows from the date when left out")
    documents_held: list[str] = []
    documents_missing: list[str] = []
    specific_needs: list[str] = []
    sensitive_needs: list[str] = []
    external_ids: list[ExternalIdIO] = []


class DuplicateCheckIn(Schema):
    """Search before create: the likely matches you showed (``POST /search/likely``) and, when
    any were, why the person is registered anyway."""

    shown: list[int] = Field([], description="Individual ids of the likely matches shown to the officer")
    reason: str = Field("", description="different_documents, different_details or cannot_check; required when shown is not empty")
    note: str = Field("", max_length=200, description="Optional; kept in the version history, never in the audit trail")


class HouseholdIn(Schema):
    working_group: int | None = Field(None, description="Needed only when you register in more than one group")
    members: list[MemberIn] = Field(..., min_length=1)
    phones: list[str] = []
    external_ids: list[ExternalIdIO] = []
    current_location: str | None = Field(None, description="Admin unit key in the host country")
    origin: str | None = Field(None, description="Syrian admin unit key, any level")
    destination: str | None = Field(None, description="Syrian admin unit key, any level")
    preferred_language: str = "ar"
    duplicate_check: DuplicateCheckIn | None = None


class HouseholdPatch(Schema):
    """Only the fields sent change. ``version`` is the household's version as you loaded it."""

    version: int
    current_location: str | None = None
    origin: str | None = None
    destination: str | None = None
    preferred_language: str | None = None
    phones: list[str] | None = None
    external_ids: list[ExternalIdIO] | None = None
    protection_notes: str | None = None


class IndividualPatch(Schema):
    """Only the fields sent change. ``version`` is the person's version as you loaded it."""

    version: int
    sex: str | None = None
    first_name_ar: str | None = Field(None, max_length=100)
    father_name_ar: str | None = Field(None, max_length=100)
    grandfather_name_ar: str | None = Field(None, max_length=100)
    family_name_ar: str | None = Field(None, max_length=100)
    first_name_lat: str | None = Field(None, max_length=100)
    father_name_lat: str | None = Field(None, max_length=100)
    grandfather_name_lat: str | None = Field(None, max_length=100)
    family_name_lat: str | None = Field(None, max_length=100)
    date_of_birth: str | None = None
    dob_precision: str | None = None
    relationship: str | None = None
    documents_held: list[str] | None = None
    documents_missing: list[str] | None = None
    specific_needs: list[str] | None = None
    sensitive_needs: list[str] | None = None
    external_ids: list[ExternalIdIO] | None = None


class ReasonIn(Schema):
    reason: str = Field(..., max_length=200)
    version: int | None = None


class ReopenIn(Schema):
    reason: str = Field("", max_length=200)
    version: int | None = None


class MemberAddIn(Schema):
    version: int | None = None
    member: MemberIn
    duplicate_check: DuplicateCheckIn | None = None


class MoveIn(Schema):
    to_household: int
    version: int | None = None


class MakeHeadIn(Schema):
    former_head_relationship: str
    version: int | None = Field(None, description="The household's version")


class ChangeOut(Schema):
    field: str
    label: str
    old: Any = None
    new: Any = None


class VersionOut(Schema):
    version: int
    at: dt.datetime
    action: str
    actor: str
    individual_id: int | None
    changes: list[ChangeOut]


class SearchIn(Schema):
    query: str = Field(..., max_length=MAX_QUERY, description="A name in either script, a registration number, a phone or an id")
    limit: int = Field(25, ge=1, le=100)
    born: int | None = Field(
        None,
        description="Year of birth, if known: people born within a year of it are looked up first and, among names "
        "that agree equally well, those born that year come first",
    )


class AgreementOut(Schema):
    part: str = Field(..., description="first, father, grandfather or family")
    other: str | None = Field(None, description="The part it met on the other side (none for a free-text query)")
    score: float


class LikelyIn(Schema):
    """The person being typed: the name fields so far (either script), optionally the date of
    birth; ``household`` when a member is being added to it."""

    first_name_ar: str = Field("", max_length=100)
    father_name_ar: str = Field("", max_length=100)
    grandfather_name_ar: str = Field("", max_length=100)
    family_name_ar: str = Field("", max_length=100)
    first_name_lat: str = Field("", max_length=100)
    father_name_lat: str = Field("", max_length=100)
    grandfather_name_lat: str = Field("", max_length=100)
    family_name_lat: str = Field("", max_length=100)
    date_of_birth: str | None = Field(None, description="1985, 1985-03 or 1985-03-12")
    household: int | None = Field(None, description="The household a member is being added to")
    limit: int = Field(5, ge=1, le=20)


class ReasonOut(Schema):
    kind: str = Field(..., description="name, birth, household or reading (met through a generated other-script reading)")
    text: str = Field(..., description="The reason in the caller's language")
    part: str = ""
    other: str = ""
    score: float = 0.0
    detail: str = Field("", description="same_date, same_year, same_household, generated_lat or generated_ar")


class LikelyMatchOut(PersonNamesOut):
    individual_id: int
    household_id: int
    registration_number: str
    score: float = Field(..., description="How well the typed name parts agreed, on average (0 to 1)")
    order: float
    reasons: list[ReasonOut]
    relationship: str
    sex: str
    status: str
    household_status: str
    date_of_birth: dt.date | None
    dob_precision: str


class LikelyOut(Schema):
    matches: list[LikelyMatchOut]


class SearchHitOut(PersonNamesOut):
    individual_id: int
    household_id: int
    registration_number: str
    score: float
    matched_by: str
    household_status: str
    relationship: str
    sex: str
    status: str
    date_of_birth: dt.date | None
    dob_precision: str
    order: float = Field(1.0, description="How well the query's name order agreed (the tie breaker after the score)")
    agreements: list[AgreementOut] = Field([], description="Which name parts met the query, and how well")


class SearchOut(Schema):
    hits: list[SearchHitOut]
    truncated: bool


# --- helpers ------------------------------------------------------------------------------------


def _ids(items: list[ExternalIdIO] | None) -> list[ExternalIdInput]:
    return [ExternalIdInput(scheme=i.scheme, value=i.value) for i in items or []]


def _duplicate(request: HttpRequest, payload: DuplicateCheckIn | None) -> DuplicateCheck | None:
    """The check as sent, the ids shown kept only if the caller may search those people (as the
    page keeps them: ``likely.shown_check``), so a crafted request records nobody else."""
    actor = request_actor(request)
    if payload is None:
        return None
    shown = shown_check(actor=actor, posted=payload.shown, found=())
    return DuplicateCheck(shown=tuple(shown), reason=payload.reason, note=payload.note)


def _member(payload: MemberIn) -> MemberInput:
    values = payload.dict()
    values["external_ids"] = _ids(payload.external_ids)
    return MemberInput(**values)


def _registration_group(request: HttpRequest, pk: int | None) -> WorkingGroup:
    actor = request_actor(request)
    require(actor, "person.create")
    if pk is not None:
        group = WorkingGroup.objects.filter(pk=pk).first()
        if group is None:
            message = _("No working group has this id.")
            raise ServiceError(message, fields={"working_group": [message]})
        return group
    groups = list(selectors.registration_groups(actor=actor))
    if len(groups) != 1:
        message = _("Say in which working group to register the household.")
        raise ServiceError(message, fields={"working_group": [message]})
    return groups[0]


def _file(request: HttpRequest, pk: int) -> dict[str, Any]:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk)
    return selectors.household_file(actor=actor, household=household)


def _row(row: selectors.HouseholdRow) -> dict[str, Any]:
    household = row.household
    out: dict[str, Any] = {
        "id": household.pk,
        "registration_number": household.registration_number,
        "working_group_id": household.working_group_id,
        "status": household.status,
        "version": household.version,
        "current_location": household.current_location.key if household.current_location else None,
        "origin": household.origin.key if household.origin else None,
        "members": row.members,
    }
    for name in ("first_name_ar", "family_name_ar", "first_name_lat", "family_name_lat"):
        if name in row.head:
            out[f"head_{name}"] = row.head[name]
    return out


# --- households ---------------------------------------------------------------------------------


@router.get("/households", response=HouseholdPage, exclude_unset=True)
def list_households(request: HttpRequest, filters: Query[HouseholdFilters]) -> dict[str, Any]:
    actor = request_actor(request)
    values = filters.dict(exclude_none=True)
    limit, offset = values.pop("limit"), values.pop("offset")
    form = HouseholdFilterForm(values)
    if not form.is_valid():
        raise ServiceError(_("Some filters are not valid."), fields={k: [str(e) for e in v] for k, v in form.errors.items()})
    chosen = form.filters()
    households = selectors.household_list(actor=actor, **chosen)  # 429 past the paging limit
    limit = list_page_size(actor, limit)
    page = list(households[offset : offset + limit])
    rows = selectors.household_rows(actor=actor, households=page)
    out: dict[str, Any] = {"count": households.count(), "limit": limit, "items": [_row(r) for r in rows]}
    if any(name in chosen for name in FUNNEL_FILTERS):
        out["eligibility_as_of"] = funnel_as_of(households)
    return out


@router.post("/households", response={201: HouseholdOut}, exclude_unset=True)
def create_household(request: HttpRequest, payload: HouseholdIn) -> tuple[int, dict[str, Any]]:
    actor = request_actor(request)
    group = _registration_group(request, payload.working_group)
    household = services.household_create(
        actor=actor,
        working_group=group,
        members=[_member(m) for m in payload.members],
        phones=payload.phones,
        external_ids=_ids(payload.external_ids),
        current_location=payload.current_location,
        origin=payload.origin,
        destination=payload.destination,
        preferred_language=payload.preferred_language,
        duplicate_check=_duplicate(request, payload.duplicate_check),
    )
    return 201, selectors.household_file(actor=actor, household=household)


@router.get("/households/{pk}", response=HouseholdOut, exclude_unset=True)
def get_household(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _file(request, pk)


@router.patch("/households/{pk}", response=HouseholdOut, exclude_unset=True)
def update_household(request: HttpRequest, pk: int, payload: HouseholdPatch) -> dict[str, Any]:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, audit_as=None)
    sent = payload.model_fields_set - {"version"}
    changes: dict[str, Any] = {name: getattr(payload, name) for name in sent}
    if "external_ids" in changes:
        changes["external_ids"] = _ids(payload.external_ids)
    household = services.household_update(actor=actor, household=household, expected_version=payload.version, changes=changes)
    return selectors.household_file(actor=actor, household=household)


@router.post("/households/{pk}/close", response=HouseholdOut, exclude_unset=True)
def close_household(request: HttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, audit_as=None)
    household = services.household_close(actor=actor, household=household, reason=payload.reason, expected_version=payload.version)
    return selectors.household_file(actor=actor, household=household)


@router.post("/households/{pk}/reopen", response=HouseholdOut, exclude_unset=True)
def reopen_household(request: HttpRequest, pk: int, payload: ReopenIn) -> dict[str, Any]:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, audit_as=None)
    household = services.household_reopen(actor=actor, household=household, reason=payload.reason, expected_version=payload.version)
    return selectors.household_file(actor=actor, household=household)


@router.get("/households/{pk}/history", response=list[VersionOut])
def household_history(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, action="person.history", audit_as=None)
    entries = selectors.household_history(actor=actor, household=household)
    return [
        {
            "version": e.version,
            "at": e.at,
            "action": e.action,
            "actor": e.actor,
            "individual_id": e.individual_id,
            "changes": [{"field": c.field, "label": c.label, "old": c.old, "new": c.new} for c in e.changes],
        }
        for e in entries
    ]


@router.post("/households/{pk}/members", response={201: IndividualOut}, exclude_unset=True)
def add_member(request: HttpRequest, pk: int, payload: MemberAddIn) -> tuple[int, dict[str, Any]]:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, audit_as=None)
    person = services.member_add(
        actor=actor,
        household=household,
        member=_member(payload.member),
        expected_version=payload.version,
        duplicate_check=_duplicate(request, payload.duplicate_check),
    )
    return 201, selectors.individual_file(actor=actor, individual=person)


# --- individuals --------------------------------------------------------------------------------


@router.get("/individuals/{pk}", response=IndividualOut, exclude_unset=True)
def get_individual(request: HttpRequest, pk: int) -> dict[str, Any]:
    actor = request_actor(request)
    person = selectors.individual_get(actor=actor, pk=pk)
    return selectors.individual_file(actor=actor, individual=person)


@router.patch("/individuals/{pk}", response=IndividualOut, exclude_unset=True)
def update_individual(request: HttpRequest, pk: int, payload: IndividualPatch) -> dict[str, Any]:
    actor = request_actor(request)
    person = selectors.individual_get(actor=actor, pk=pk, audit_as=None)
    sent = payload.model_fields_set - {"version"}
    changes: dict[str, Any] = {name: getattr(payload, name) for name in sent}
    if "external_ids" in changes:
        changes["external_ids"] = _ids(payload.external_ids)
    person = services.individual_update(actor=actor, individual=person, expected_version=payload.version, changes=changes)
    return selectors.individual_file(actor=actor, individual=person)


@router.post("/individuals/{pk}/remove", response=IndividualOut, exclude_unset=True)
def remove_individual(request: HttpRequest, pk: int, payload: ReasonIn) -> dict[str, Any]:
    actor = request_actor(request)
    person = selectors.individual_get(actor=actor, pk=pk, audit_as=None)
    person = services.member_remove(actor=actor, individual=person, reason=payload.reason, expected_version=payload.version)
    return selectors.individual_file(actor=actor, individual=person)


@router.post("/individuals/{pk}/move", response=IndividualOut, exclude_unset=True)
def move_individual(request: HttpRequest, pk: int, payload: MoveIn) -> dict[str, Any]:
    actor = request_actor(request)
    person = selectors.individual_get(actor=actor, pk=pk, audit_as=None)
    target = selectors.household_get(actor=actor, pk=payload.to_household, audit_as=None)
    person = services.member_move(actor=actor, individual=person, to_household=target, expected_version=payload.version)
    return selectors.individual_file(actor=actor, individual=person)


@router.post("/individuals/{pk}/make-head", response=IndividualOut, exclude_unset=True)
def make_head(request: HttpRequest, pk: int, payload: MakeHeadIn) -> dict[str, Any]:
    actor = request_actor(request)
    person = selectors.individual_get(actor=actor, pk=pk, audit_as=None)
    person = services.household_head_set(
        actor=actor,
        individual=person,
        former_head_relationship=payload.former_head_relationship,
        expected_version=payload.version,
    )
    return selectors.individual_file(actor=actor, individual=person)


# --- search -------------------------------------------------------------------------------------


@router.post("/search", response=SearchOut, exclude_unset=True)
def search(request: HttpRequest, payload: SearchIn) -> dict[str, Any]:
    actor = request_actor(request)
    result = person_search(actor=actor, query=payload.query, limit=payload.limit, born=payload.born)
    return {
        "truncated": result.truncated,
        "hits": [
            {
                **hit.values,
                "individual_id": hit.individual_id,
                "household_id": hit.household_id,
                "registration_number": hit.registration_number,
                "score": hit.score,
                "matched_by": hit.matched_by,
                "order": hit.order,
                "agreements": [{"part": str(a.part), "other": str(a.other) if a.other else None, "score": a.score} for a in hit.agreements],
            }
            for hit in result.hits
        ],
    }


@router.post("/search/likely", response=LikelyOut, exclude_unset=True)
def search_likely(request: HttpRequest, payload: LikelyIn) -> dict[str, Any]:
    """Search before create: the people already registered in your working groups who are likely
    the person being typed, with the reasons (which name parts agreed, the date of birth, the
    household). The names travel in the body only; audited as a search. When you register the
    person anyway, send the ids shown and a reason as ``duplicate_check``."""
    actor = request_actor(request)
    require(actor, "person.create") if payload.household is None else None
    household_id = None
    if payload.household is not None:
        household = selectors.household_get(actor=actor, pk=payload.household, audit_as=None)
        require(actor, "person.update", household)
        household_id = household.pk
    names = payload.dict(include=set(NAME_FIELDS))
    born, precision = _dob_or_none(payload.date_of_birth)
    matches = likely_matches(
        actor=actor, names=names, date_of_birth=born, dob_precision=precision, household_id=household_id, limit=payload.limit
    )
    return {
        "matches": [
            {
                **m.values,
                "individual_id": m.individual_id,
                "household_id": m.household_id,
                "registration_number": m.registration_number,
                "score": m.score,
                "order": m.order,
                "reasons": [vars(r) for r in m.reasons],
            }
            for m in matches
        ]
    }


def _dob_or_none(value: str | None) -> tuple[dt.date | None, str]:
    try:
        return dob_parse(value)
    except ValueError:
        return None, "unknown"
