"""The voluntariness API, mounted at ``/api/consent``: return programmes (list, detail, change the
rules), a household's consents, withdrawals and counselling sessions (list and record), its
eligibility (``GET /households/{pk}/eligibility?on=&departure_on=``, reasons in the request's
language), and the protection officers' follow-ups (list, close).

Scoped exactly like the pages: a record of another working group answers 404, a role without the
action 403; refusals use the core error envelope with a message per field."""

# No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sabeel.consent import reason_display, selectors, services
from sabeel.consent.eligibility import HouseholdEligibility, household_eligibility
from sabeel.consent.models import CounsellingSession, FollowUp, ReturnConsent, ReturnProgramme, Withdrawal
from sabeel.core.actors import request_actor
from sabeel.core.exceptions import ServiceError

router = Router(tags=["consent"])

MAX_PAGE = 200


# --- schemas ----------------------------------------------------------------------------------------


class ProgrammeOut(Schema):
    id: int
    working_group_id: int
    name: str
    name_ar: str
    consent_validity_days: int
    cooling_off_days: int
    reconfirmation_window_days: int
    go_and_see_visits_allowed: int
    is_active: bool


class ProgrammePatch(Schema):
    """Only the fields sent change."""

    name: str | None = Field(None, max_length=200)
    name_ar: str | None = Field(None, max_length=200)
    consent_validity_days: int | None = Field(None, ge=1, le=3650)
    cooling_off_days: int | None = Field(None, ge=0, le=3650)
    reconfirmation_window_days: int | None = Field(None, ge=0, le=3650)
    go_and_see_visits_allowed: int | None = Field(None, ge=0, le=3650)
    is_active: bool | None = None


class ConsentOut(Schema):
    id: int
    household_id: int
    individual_id: int
    programme_id: int
    given_on: dt.date
    free: bool
    informed: bool
    express: bool
    can_read: bool
    information_package_id: int | None
    verified_by_id: int


class ConsentIn(Schema):
    free: bool = Field(..., description="No pressure or inducement")
    informed: bool = Field(..., description="Has seen the information package")
    express: bool = Field(..., description="Stated clearly by the person")
    given_on: dt.date | None = Field(None, description="Default: today in the host country")
    can_read: bool = True
    information_package: int | None = Field(
        None, description="The package the person saw; default: the one shown at their latest counselling session"
    )


class WithdrawalOut(Schema):
    id: int
    household_id: int
    individual_id: int
    at: dt.datetime
    channel: str
    recorded_by_id: int | None


class WithdrawalIn(Schema):
    channel: str = Field(..., description="phone, in_person or check_in")
    at: dt.datetime | None = Field(None, description="Default: now; with a time zone")


class CounsellingOut(Schema):
    id: int
    household_id: int
    held_on: dt.date
    counsellor_id: int
    language: str
    information_package_id: int | None
    attendee_ids: list[int]


class CounsellingIn(Schema):
    language: str = Field(..., description="ar, en or ku")
    held_on: dt.date | None = Field(None, description="Default: today in the host country")
    attendees: list[int] = Field([], description="Ids of the members who attended")
    questions_raised: str = Field("", max_length=2000)
    information_package: int | None = None


class ReasonOut(Schema):
    code: str
    text: str
    member_id: int | None


class EligibilityOut(Schema):
    household_id: int
    on: dt.date
    departure_on: dt.date
    may_schedule: bool
    may_depart: bool
    reasons_not_schedulable: list[ReasonOut]
    reasons_not_departable: list[ReasonOut]
    travelling_member_ids: list[int]
    hostilities_checked: bool


class EligibilityQuery(Schema):
    on: dt.date | None = Field(None, description="The day assessed; default: today in the host country")
    departure_on: dt.date | None = Field(None, description="The departure day; default: the day assessed")


class FollowUpOut(Schema):
    id: int
    household_id: int
    registration_number: str
    individual_id: int | None
    kind: str
    created_at: dt.datetime
    done_at: dt.datetime | None
    done_by_id: int | None


class FollowUpQuery(Schema):
    include_closed: bool = False
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class FollowUpPage(Schema):
    count: int
    items: list[FollowUpOut]


class FollowUpCloseIn(Schema):
    outcome: str = Field(..., max_length=2000)


# --- helpers -------------------------------------------------------------------------------------------


def _programme(p: ReturnProgramme) -> dict[str, Any]:
    return {name: getattr(p, name) for name in ProgrammeOut.model_fields if name != "id"} | {"id": p.pk}


def _consent(c: ReturnConsent) -> dict[str, Any]:
    return {name: getattr(c, name) for name in ConsentOut.model_fields if name != "id"} | {"id": c.pk}


def _withdrawal(w: Withdrawal) -> dict[str, Any]:
    return {name: getattr(w, name) for name in WithdrawalOut.model_fields if name != "id"} | {"id": w.pk}


def _session(s: CounsellingSession) -> dict[str, Any]:
    return {
        "id": s.pk,
        "household_id": s.household_id,
        "held_on": s.held_on,
        "counsellor_id": s.counsellor_id,
        "language": s.language,
        "information_package_id": s.information_package_id,
        "attendee_ids": sorted(p.pk for p in s.attendees.all()),
    }


def _follow_up(f: FollowUp) -> dict[str, Any]:
    return {
        "id": f.pk,
        "household_id": f.household_id,
        "registration_number": f.household.registration_number,
        "individual_id": f.individual_id,
        "kind": f.kind,
        "created_at": f.created_at,
        "done_at": f.done_at,
        "done_by_id": f.done_by_id,
    }


def _eligibility(answer: HouseholdEligibility) -> dict[str, Any]:
    def reasons(items: Any) -> list[dict[str, Any]]:
        return [{"code": r.code, "text": r.text, "member_id": r.member_id} for r in items]

    return {
        "household_id": answer.household_id,
        "on": answer.on,
        "departure_on": answer.departure_on,
        "may_schedule": answer.may_schedule,
        "may_depart": answer.may_depart,
        "reasons_not_schedulable": reasons(answer.reasons_not_schedulable),
        "reasons_not_departable": reasons(answer.reasons_not_departable),
        "travelling_member_ids": sorted(answer.travelling_member_ids),
        "hostilities_checked": answer.hostilities_checked,
    }


def _package(pk: int | None) -> Any:
    if pk is None:
        return None
    from sabeel.conditions.models import InformationPackage

    package = InformationPackage.objects.filter(pk=pk).first()
    if package is None:
        message = _("No information package has this id.")
        raise ServiceError(message, fields={"information_package": [message]})
    return package


# --- programmes ------------------------------------------------------------------------------------------


@router.get("/programmes", response=list[ProgrammeOut])
def list_programmes(request: HttpRequest) -> list[dict[str, Any]]:
    actor = request_actor(request)
    return [_programme(p) for p in selectors.programme_list(actor=actor)]


@router.get("/programmes/{pk}", response=ProgrammeOut)
def get_programme(request: HttpRequest, pk: int) -> dict[str, Any]:
    actor = request_actor(request)
    return _programme(selectors.programme_get(actor=actor, pk=pk))


@router.patch("/programmes/{pk}", response=ProgrammeOut)
def update_programme(request: HttpRequest, pk: int, payload: ProgrammePatch) -> dict[str, Any]:
    actor = request_actor(request)
    programme = selectors.programme_get(actor=actor, pk=pk, action="workgroup.manage")
    changes = {k: getattr(payload, k) for k in payload.model_fields_set if getattr(payload, k) is not None}
    return _programme(services.programme_update(actor=actor, programme=programme, changes=changes))


# --- consents, withdrawals, counselling -----------------------------------------------------------------


@router.get("/households/{pk}/consents", response=list[ConsentOut])
def list_consents(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, audit_as=None)
    rows = list(selectors.consent_list(actor=actor, household=household))
    selectors.records_listed(actor=actor, household=household, action="consent.consents_listed", rows=rows)
    return [_consent(c) for c in rows]


@router.post("/individuals/{pk}/consents", response={201: ConsentOut})
def record_consent(request: HttpRequest, pk: int, payload: ConsentIn) -> tuple[int, dict[str, Any]]:
    actor = request_actor(request)
    person = selectors.individual_get(actor=actor, pk=pk, action="consent.record")
    consent = services.consent_record(
        actor=actor,
        individual=person,
        free=payload.free,
        informed=payload.informed,
        express=payload.express,
        given_on=payload.given_on,
        can_read=payload.can_read,
        information_package=_package(payload.information_package),
    )
    return 201, _consent(consent)


@router.get("/households/{pk}/withdrawals", response=list[WithdrawalOut])
def list_withdrawals(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, audit_as=None)
    rows = list(selectors.withdrawal_list(actor=actor, household=household))
    selectors.records_listed(actor=actor, household=household, action="consent.withdrawals_listed", rows=rows)
    return [_withdrawal(w) for w in rows]


@router.post("/individuals/{pk}/withdrawals", response={201: WithdrawalOut})
def record_withdrawal(request: HttpRequest, pk: int, payload: WithdrawalIn) -> tuple[int, dict[str, Any]]:
    actor = request_actor(request)
    person = selectors.individual_get(actor=actor, pk=pk, action="consent.withdraw")
    withdrawal = services.consent_withdraw(actor=actor, individual=person, channel=payload.channel, at=payload.at)
    return 201, _withdrawal(withdrawal)


@router.get("/households/{pk}/counselling", response=list[CounsellingOut])
def list_counselling(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, audit_as=None)
    rows = list(selectors.counselling_list(actor=actor, household=household))
    selectors.records_listed(actor=actor, household=household, action="consent.counselling_listed", rows=rows)
    return [_session(s) for s in rows]


@router.post("/households/{pk}/counselling", response={201: CounsellingOut})
def record_counselling(request: HttpRequest, pk: int, payload: CounsellingIn) -> tuple[int, dict[str, Any]]:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, action="consent.record", audit_as=None)
    attendees = list(household.members.filter(pk__in=payload.attendees))
    if len(attendees) != len(set(payload.attendees)):
        message = _("Some attendees are not members of the household.")
        raise ServiceError(message, fields={"attendees": [message]})
    session = services.counselling_record(
        actor=actor,
        household=household,
        held_on=payload.held_on,
        language=payload.language,
        attendees=attendees,
        questions_raised=payload.questions_raised,
        information_package=_package(payload.information_package),
    )
    return 201, _session(session)


# --- eligibility ---------------------------------------------------------------------------------------------


@router.get("/households/{pk}/eligibility", response=EligibilityOut)
def get_eligibility(request: HttpRequest, pk: int, query: Query[EligibilityQuery]) -> dict[str, Any]:
    actor = request_actor(request)
    household = selectors.household_get(actor=actor, pk=pk, audit_as="consent.eligibility_viewed")
    if query.on and query.departure_on and query.departure_on < query.on:
        message = _("The departure cannot be before the day assessed.")
        raise ServiceError(message, fields={"departure_on": [message]})
    answer = household_eligibility(household=household, on=query.on, departure_on=query.departure_on)
    # Reasons that reveal specific needs read neutrally for roles without that field group.
    return _eligibility(reason_display.eligibility_for(actor=actor, household=household, eligibility=answer))


# --- follow-ups -------------------------------------------------------------------------------------------------


@router.get("/follow-ups", response=FollowUpPage)
def list_follow_ups(request: HttpRequest, query: Query[FollowUpQuery]) -> dict[str, Any]:
    actor = request_actor(request)
    page, count = selectors.follow_up_page(  # 429 past the paging limit
        actor=actor, include_closed=query.include_closed, offset=query.offset, limit=query.limit
    )
    return {"count": count, "items": [_follow_up(f) for f in page]}


@router.post("/follow-ups/{pk}/close", response=FollowUpOut)
def close_follow_up(request: HttpRequest, pk: int, payload: FollowUpCloseIn) -> dict[str, Any]:
    actor = request_actor(request)
    follow_up = selectors.follow_up_get(actor=actor, pk=pk)
    return _follow_up(services.follow_up_close(actor=actor, follow_up=follow_up, outcome=payload.outcome))
