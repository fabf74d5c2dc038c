"""Reads of the voluntariness records, scoped by ``visible_to`` (404 for another group's record).

Names of members pass through the registry's field groups: a role that may not see names sees
"#id" and the member's place in the household instead. Every read that returns a household's
people is audited in the read log (``audit.record_read``, one row per request, ids only):
``household_get`` records the page that opens the household (the timeline, the eligibility panel,
a consent form, the printed consent), and the lists record the ids they return
(``records_listed``; ``follow_up_page`` for the work queue, bounded like every list page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language

from sabeel.consent.eligibility import birth_date_of, local_today
from sabeel.consent.models import (
    BestInterestsProcedure,
    CounsellingSession,
    DataSharingConsent,
    FollowUp,
    GoAndSeeVisit,
    HostilitiesSignOff,
    Reconfirmation,
    ReturnConsent,
    ReturnIntention,
    ReturnProgramme,
    SplitDecision,
    Withdrawal,
)
from sabeel.core import audit, throttle
from sabeel.core.actors import Actor, as_actor
from sabeel.core.permissions import can, get_visible, groups_for, require, visible_to
from sabeel.registry import selectors as registry_selectors
from sabeel.registry.choices import MemberStatus, Relationship
from sabeel.registry.fieldgroups import NAME_FIELDS, allowed_fields, keep
from sabeel.registry.models import Household, Individual
from sabeel.workgroups.models import Organisation, WorkingGroup

__all__ = [
    "AdultChoice",
    "MemberLabel",
    "TimelineEntry",
    "can_record",
    "consent_get",
    "consent_list",
    "counselling_list",
    "follow_up_get",
    "follow_up_page",
    "follow_up_queue",
    "household_get",
    "household_timeline",
    "individual_get",
    "manageable_groups",
    "member_labels",
    "organisations",
    "person_names",
    "procedure_get",
    "programme_get",
    "programme_list",
    "records_listed",
    "sharing_consent_get",
    "visit_get",
    "withdrawal_candidates",
    "withdrawal_list",
]


# --- programmes -------------------------------------------------------------------------------------


def programme_list(*, actor: Actor) -> QuerySet[ReturnProgramme]:
    """Programmes of the actor's working groups, active first."""
    require(actor, "workgroup.view")
    return visible_to(actor, ReturnProgramme.objects.select_related("working_group")).order_by(
        "working_group__code", "-is_active", "-pk"
    )


def programme_get(*, actor: Actor, pk: int, action: str = "workgroup.view") -> ReturnProgramme:
    """One programme (404 for another group's); ``action`` ``workgroup.manage`` to change it."""
    require(actor, action)
    return get_visible(actor, ReturnProgramme.objects.select_related("working_group"), action, pk=pk)


def manageable_groups(*, actor: Actor) -> QuerySet[WorkingGroup]:
    """Host-country groups whose programmes the actor may set up."""
    return WorkingGroup.objects.filter(pk__in=groups_for(actor, "workgroup.manage"), host_country__isnull=False).order_by("code")


# --- households and their members ---------------------------------------------------------------------


BY_ACTION = "by action"


def household_get(*, actor: Actor, pk: int, action: str = "person.view", audit_as: str | None = BY_ACTION) -> Household:
    """One household (404 for another group's; 403 for a role without ``action``), audited as a
    read: ``audit_as`` names it; by default ``consent.household_viewed`` (a page of the household,
    such as the eligibility panel) or, for a recording action, ``consent.form_viewed`` (a form that
    lists the members); None when the caller records its own read."""
    if audit_as == BY_ACTION:
        audit_as = "consent.household_viewed" if action == "person.view" else "consent.form_viewed"
    household = registry_selectors.household_get(actor=actor, pk=pk, action="person.view", audit_as=None)
    if action != "person.view":
        require(actor, action, household)
    if audit_as:
        registry_selectors.household_viewed(actor=actor, household=household, action=audit_as)
    return household


def individual_get(*, actor: Actor, pk: int, action: str = "person.view") -> Individual:
    """One person (404 for another group's; 403 for a role without ``action``)."""
    person = registry_selectors.individual_get(actor=actor, pk=pk, audit_as=None)
    if action != "person.view":
        require(actor, action, person.household)
    return person


@dataclass(frozen=True)
class MemberLabel:
    """A member as the voluntariness pages name them: their name when the actor may see names
    (in the active language's script), else "#id"; their relationship and status."""

    id: int
    name: str
    relationship: str
    status: str
    may_be_adult: bool
    may_be_child: bool

    @property
    def is_current(self) -> bool:
        return self.status == MemberStatus.ACTIVE


def _name(values: dict[str, Any], person_id: int) -> str:
    scripts = ("ar", "lat") if (get_language() or "").startswith("ar") else ("lat", "ar")
    for script in scripts:
        parts = [str(values.get(f"{p}_{script}") or "") for p in ("first_name", "father_name", "family_name")]
        text = " ".join(p for p in parts if p).strip()
        if text:
            return text
    return f"#{person_id}"


def member_labels(*, actor: Actor, household: Household, on: dt.date | None = None) -> dict[int, MemberLabel]:
    """Every member of the household (current first, head first), names redacted."""
    require(actor, "person.view", household)
    allowed = allowed_fields(actor, household)
    day = on or local_today(household.working_group.time_zone)
    people = Individual.objects.filter(household=household).only(
        "id", "relationship", "status", "date_of_birth", "dob_precision", *NAME_FIELDS
    )
    ordered = sorted(people, key=lambda p: (p.status != MemberStatus.ACTIVE, p.relationship != Relationship.HEAD, p.pk))
    labels: dict[int, MemberLabel] = {}
    for person in ordered:
        names = keep({n: getattr(person, n) for n in NAME_FIELDS}, allowed)
        born = birth_date_of(person)
        labels[person.pk] = MemberLabel(
            id=person.pk,
            name=_name(names, person.pk),
            relationship=person.relationship,
            status=person.status,
            may_be_adult=born.may_be_adult_on(day),
            may_be_child=born.may_be_child_on(day),
        )
    return labels


def person_names(*, actor: Actor, individual: Individual, household: Household) -> dict[str, str]:
    """The person's full name in Arabic script and in Latin letters, empty when the actor may not
    see names (for the printed consent record)."""
    require(actor, "person.view", household)
    names = keep({n: getattr(individual, n) for n in NAME_FIELDS}, allowed_fields(actor, household))
    parts = ("first_name", "father_name", "grandfather_name", "family_name")
    return {
        script: " ".join(str(names[f"{p}_{script}"]) for p in parts if names.get(f"{p}_{script}"))
        for script in ("ar", "lat")
    }


@dataclass(frozen=True)
class AdultChoice:
    """For the self-service page: an adult who may withdraw, by id and first name only."""

    id: int
    first_name_ar: str
    first_name_lat: str


def withdrawal_candidates(*, actor: Actor, household: Household) -> list[AdultChoice]:
    """The household's current members who may withdraw consent: everyone who may be an adult
    today, and anyone who has given a consent (a 17-year-old who consented for a later departure).
    Ids and first names only. The actor is the refugee of this household (self-service) or staff
    who may open the file."""
    who = as_actor(actor)
    require(who, "person.view", household)
    time_zone = WorkingGroup.objects.filter(pk=household.working_group_id).values_list("time_zone", flat=True).first()
    today = local_today(time_zone)
    consented = set(ReturnConsent.objects.filter(household=household).values_list("individual_id", flat=True))
    people = Individual.objects.filter(household=household, status=MemberStatus.ACTIVE).only(
        "id", "relationship", "date_of_birth", "dob_precision", "first_name_ar", "first_name_lat"
    )
    ordered = sorted(people, key=lambda p: (p.relationship != Relationship.HEAD, p.pk))
    return [
        AdultChoice(id=p.pk, first_name_ar=p.first_name_ar, first_name_lat=p.first_name_lat)
        for p in ordered
        if p.pk in consented or birth_date_of(p).may_be_adult_on(today)
    ]


# --- records of a household -----------------------------------------------------------------------------


def _of(actor: Actor, queryset: QuerySet[Any], household: Household) -> QuerySet[Any]:
    return visible_to(actor, queryset.filter(household=household), "person.view")


def consent_list(*, actor: Actor, household: Household) -> QuerySet[ReturnConsent]:
    return _of(actor, ReturnConsent.objects.select_related("information_package", "verified_by"), household).order_by("given_on", "pk")


def withdrawal_list(*, actor: Actor, household: Household) -> QuerySet[Withdrawal]:
    return _of(actor, Withdrawal.objects.select_related("recorded_by"), household).order_by("at", "pk")


def counselling_list(*, actor: Actor, household: Household) -> QuerySet[CounsellingSession]:
    sessions = CounsellingSession.objects.select_related("information_package", "counsellor").prefetch_related(
        Prefetch("attendees", queryset=Individual.objects.only("id"))
    )
    return _of(actor, sessions, household).order_by("held_on", "pk")


def _one(actor: Actor, queryset: QuerySet[Any], household: Household, pk: int) -> Any:
    return get_visible(actor, queryset.filter(household=household), "person.view", pk=pk)


def consent_get(*, actor: Actor, household: Household, pk: int) -> ReturnConsent:
    return _one(actor, ReturnConsent.objects.select_related("information_package", "verified_by", "programme"), household, pk)  # type: ignore[no-any-return]


def visit_get(*, actor: Actor, household: Household, pk: int) -> GoAndSeeVisit:
    return _one(actor, GoAndSeeVisit.objects.select_related("individual", "programme"), household, pk)  # type: ignore[no-any-return]


def sharing_consent_get(*, actor: Actor, household: Household, pk: int) -> DataSharingConsent:
    return _one(actor, DataSharingConsent.objects.all(), household, pk)  # type: ignore[no-any-return]


def procedure_get(*, actor: Actor, household: Household, pk: int) -> BestInterestsProcedure:
    return _one(actor, BestInterestsProcedure.objects.all(), household, pk)  # type: ignore[no-any-return]


def organisations() -> QuerySet[Organisation]:
    """Organisations a person may agree to share data with."""
    return Organisation.objects.filter(is_active=True).order_by("name")


@dataclass(frozen=True)
class TimelineEntry:
    """One record on the household's voluntariness timeline. ``day`` is its date in the host
    country; ``at`` its exact time when it has one (a withdrawal, a follow-up)."""

    kind: str
    day: dt.date
    record: Any
    member_ids: tuple[int, ...] = ()
    at: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


_ORDER = (
    "intention",
    "counselling",
    "go_and_see",
    "consent",
    "sharing_consent",
    "reconfirmation",
    "best_interests",
    "split",
    "sign_off",
    "withdrawal",
    "follow_up",
)


def household_timeline(*, actor: Actor, household: Household) -> list[TimelineEntry]:
    """Every voluntariness record of the household, oldest first (a fixed number of queries)."""
    require(actor, "person.view", household)
    zone = ZoneInfo(household.working_group.time_zone or "UTC")
    entries: list[TimelineEntry] = []

    def add(kind: str, rows: Iterable[Any], day: Any, members: Any = lambda r: (), at: Any = lambda r: None) -> None:
        for row in rows:
            entries.append(TimelineEntry(kind=kind, day=day(row), record=row, member_ids=tuple(members(row)), at=at(row)))

    add("intention", _of(actor, ReturnIntention.objects.select_related("preferred_destination"), household), lambda r: r.recorded_on)
    add(
        "counselling",
        counselling_list(actor=actor, household=household),
        lambda r: r.held_on,
        lambda r: [p.pk for p in r.attendees.all()],
    )
    add(
        "go_and_see",
        _of(actor, GoAndSeeVisit.objects.select_related("crossing"), household),
        lambda r: r.starts_on,
        lambda r: [r.individual_id],
    )
    add("consent", consent_list(actor=actor, household=household), lambda r: r.given_on, lambda r: [r.individual_id])
    add("sharing_consent", _of(actor, DataSharingConsent.objects.all(), household), lambda r: r.given_on, lambda r: [r.individual_id])
    add("reconfirmation", _of(actor, Reconfirmation.objects.all(), household), lambda r: r.on, lambda r: [r.individual_id])
    add("best_interests", _of(actor, BestInterestsProcedure.objects.all(), household), lambda r: r.started_on, lambda r: [r.child_id])
    add(
        "split",
        _of(actor, SplitDecision.objects.prefetch_related(Prefetch("members_leaving", queryset=Individual.objects.only("id"))), household),
        lambda r: r.on,
        lambda r: [p.pk for p in r.members_leaving.all()],
    )
    add("sign_off", _of(actor, HostilitiesSignOff.objects.select_related("destination"), household), lambda r: r.on)
    add(
        "withdrawal",
        withdrawal_list(actor=actor, household=household),
        lambda r: r.at.astimezone(zone).date(),
        lambda r: [r.individual_id],
        lambda r: r.at,
    )
    add(
        "follow_up",
        _of(actor, FollowUp.objects.all(), household),
        lambda r: r.created_at.astimezone(zone).date(),
        lambda r: [r.individual_id] if r.individual_id else [],
        lambda r: r.created_at,
    )
    entries.sort(key=lambda e: (e.day, _ORDER.index(e.kind), e.at or dt.datetime.min.replace(tzinfo=dt.UTC), e.record.pk))
    return entries


# --- the protection officers' work queue ------------------------------------------------------------------


def follow_up_queue(*, actor: Actor, include_closed: bool = False) -> QuerySet[FollowUp]:
    """Follow-ups of the households of the actor's groups (protection officers), oldest open first."""
    require(actor, "consent.record")
    rows = visible_to(actor, FollowUp.objects.select_related("household__working_group", "done_by"), "consent.record")
    if not include_closed:
        rows = rows.filter(done_at__isnull=True)
    return rows.order_by("done_at", "created_at", "pk")


def follow_up_page(*, actor: Actor, include_closed: bool = False, offset: int = 0, limit: int = 50) -> tuple[list[FollowUp], int]:
    """One page of the work queue and the queue's length: a list page, so bounded for roles that
    may not export (``core.throttle``) and audited as one read holding the follow-ups' ids."""
    rows = follow_up_queue(actor=actor, include_closed=include_closed)
    throttle.list_page_check(actor)
    page = list(rows[offset : offset + throttle.list_page_size(actor, limit)])
    groups = {f.household.working_group_id for f in page}
    audit.record_read(
        actor=actor,
        action="consent.follow_ups_listed",
        ids=[f.pk for f in page],
        is_list=True,
        working_group_id=next(iter(groups)) if len(groups) == 1 else None,
    )
    return page, rows.count()


def records_listed(*, actor: Actor, household: Household, action: str, rows: Iterable[Any]) -> None:
    """Record that the actor read a list of one household's records (consents, withdrawals,
    counselling sessions): one read holding their ids."""
    audit.record_read(actor=actor, action=action, target=household, ids=[row.pk for row in rows])


def follow_up_get(*, actor: Actor, pk: int) -> FollowUp:
    require(actor, "consent.record")
    return get_visible(actor, FollowUp.objects.select_related("household__working_group"), "consent.record", pk=pk)


def can_record(*, actor: Actor, household: Household) -> dict[str, bool]:
    """Which voluntariness records the actor may make for this household (for showing forms)."""
    return {
        "record": can(actor, "consent.record", household),
        "withdraw": can(actor, "consent.withdraw", household),
    }
