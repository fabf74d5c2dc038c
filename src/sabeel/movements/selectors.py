"""Reads of the movements app, scoped with ``visible_to`` (``movement.manage``).

A plan's review names households by registration number only. A manifest and the check-in list
name people: each read writes one read-log row with the household ids (``audit.record_read``).

Withdrawals are derived when a manifest is read, never copied (hard rule 2): a household with a
withdrawal recorded after its plan was approved is left off the manifests of days still to come
and flagged on today's (and on past days')."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sabeel.core import audit, runs
from sabeel.core.actors import Actor
from sabeel.core.i18n import choice_label
from sabeel.core.models import Run
from sabeel.core.permissions import get_visible, groups_for, require, visible_to
from sabeel.movements.choices import CheckInStatus, ConfirmationKind, PlanStatus
from sabeel.movements.models import (
    DeparturePoint,
    MovementRequest,
    Placement,
    Plan,
    ReceptionCapacity,
    SelfOrganisedReturn,
    Unplaced,
    Vehicle,
)
from sabeel.movements.services import RUN_KIND, group_today, withdrawn_after_approval
from sabeel.registry.models import Household, Individual
from sabeel.workgroups.models import WorkingGroup

REASONS = {
    "outside_horizon": gettext_lazy("Its dates and its eligibility do not meet inside the plan's days."),
    "not_eligible_in_window": gettext_lazy("It is not eligible on any of the dates it chose."),
    "crossing_closed": gettext_lazy("No crossing it can reach is open on its dates."),
    "crossing_full": gettext_lazy("The crossing was full on its dates."),
    "seats_full": gettext_lazy("The vehicles were full on its dates."),
    "medical_seats_full": gettext_lazy("The medical-fit vehicles were full on its dates."),
    "reception_full": gettext_lazy("The reception point at its destination was full on its dates."),
    "first_come_first_served": gettext_lazy("Room was left only ahead of a household that consented earlier."),
    "unknown_departure": gettext_lazy("Its departure point has no seats or no route to an open crossing."),
    "unknown_destination": gettext_lazy("Its destination has no reception capacity."),
    "not_eligible": gettext_lazy("Not eligible to be scheduled."),
}


def reason_label(code: str) -> str:
    """The words for an Unplaced reason (engine reasons, or ``not_eligible:<verdict code>``)."""
    if code.startswith("not_eligible:"):
        detail = code.split(":", 1)[1].replace("_", " ")
        return _("Not eligible to be scheduled (%(reason)s).") % {"reason": detail}
    return str(REASONS.get(code, code))


def plan_runs(*, actor: Actor) -> QuerySet[Run]:
    zone = WorkingGroup.objects.filter(pk=OuterRef("working_group_id")).values("time_zone")[:1]
    return (
        runs.runs_of(kind=RUN_KIND, working_group_ids=groups_for(actor, "movement.manage"))
        .select_related("movement_plan")
        .annotate(zone=Subquery(zone))  # the group's zone, for the times shown
    )


def run_get(*, actor: Actor, pk: int) -> Run:
    from django.http import Http404

    require(actor, "movement.manage")  # a role without it: 403; another group's row: 404
    run = plan_runs(actor=actor).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def plan_get(*, actor: Actor, pk: int) -> Plan:
    require(actor, "movement.manage")  # a role without it: 403; another group's row: 404
    return get_visible(actor, Plan.objects.select_related("working_group", "run", "approved_by"), pk=pk)


@dataclass
class PlanReview:
    plan: Plan
    days: list[dict[str, object]]
    unplaced: list[tuple[Unplaced, str]]
    reasons: list[tuple[str, int]]
    dropped: int


def plan_review(*, actor: Actor, plan: Plan, unplaced_limit: int = 200) -> PlanReview:
    """Persons and households a day, the households left out and why (registration numbers only)."""
    days = list(
        plan.placements.filter(dropped_reason="")
        .values("date")
        .annotate(households=Count("pk"), persons=Sum("persons"))
        .order_by("date")
    )
    unplaced_qs = plan.unplaced.select_related("household").order_by("reason", "pk")
    reasons = [(reason_label(r["reason"]), r["n"]) for r in unplaced_qs.values("reason").annotate(n=Count("pk")).order_by("-n")]
    rows = [(u, reason_label(u.reason)) for u in unplaced_qs[:unplaced_limit]]
    dropped = plan.placements.exclude(dropped_reason="").count()
    return PlanReview(plan=plan, days=days, unplaced=rows, reasons=reasons, dropped=dropped)


def vehicles_of(*, actor: Actor, plan: Plan) -> QuerySet[Vehicle]:
    return visible_to(actor, Vehicle.objects.filter(plan=plan)).select_related("departure_point", "crossing").annotate(
        households=Count("placements"), persons=Sum("placements__persons")
    )


def vehicle_get(*, actor: Actor, pk: int) -> Vehicle:
    require(actor, "movement.manage")  # a role without it: 403; another group's row: 404
    return get_visible(
        actor, Vehicle.objects.select_related("plan", "plan__working_group", "departure_point", "crossing"), pk=pk
    )


@dataclass
class ManifestRow:
    placement: Placement
    members: list[Individual]
    withdrawn: bool
    check_in: str = ""
    crossed: bool = False
    arrived: bool = False
    adults: list[Individual] = field(default_factory=list)

    @property
    def check_in_label(self) -> str:
        """The check-in in the page's language (``check_in`` is the code the API hands out)."""
        return choice_label(CheckInStatus, self.check_in) if self.check_in else ""


@dataclass
class Manifest:
    vehicle: Vehicle
    today: dt.date
    rows: list[ManifestRow]

    @property
    def persons(self) -> int:
        return sum(len(r.members) for r in self.rows if not r.withdrawn)

    @property
    def individual_ids(self) -> list[int]:
        return [m.pk for r in self.rows if not r.withdrawn for m in r.members]


def _rows(placements: Sequence[Placement], today: dt.date) -> list[ManifestRow]:
    withdrawn = withdrawn_after_approval(placements)
    out = []
    for p in placements:
        gone = p.household_id in withdrawn
        if gone and p.date > today:
            continue  # off every future manifest, at once
        travelling = set(p.member_ids)  # only the members who travel (a recorded split leaves some)
        members = [m for m in p.household.members.all() if m.pk in travelling]
        check_in = getattr(p, "check_in", None)
        kinds = {c.kind for c in p.confirmations.all()}
        out.append(
            ManifestRow(
                placement=p,
                members=members,
                withdrawn=gone,
                check_in=check_in.status if check_in is not None else "",
                crossed=ConfirmationKind.CROSSED in kinds,
                arrived=ConfirmationKind.ARRIVED in kinds,
                adults=[m for m in members if m.relationship in ("head", "spouse")] or members[:1],
            )
        )
    return out


def _placements(qs: QuerySet[Placement]) -> list[Placement]:
    return list(
        qs.filter(dropped_reason="", plan__status=PlanStatus.APPROVED)
        .select_related("plan", "household", "vehicle", "check_in", "departure_point", "crossing")
        # Members in registration order (PostgreSQL returns an unordered prefetch in any order).
        .prefetch_related(Prefetch("household__members", queryset=Individual.objects.order_by("pk")), "confirmations")
        .order_by("household__registration_number")
    )


def manifest(*, actor: Actor, vehicle: Vehicle, action: str = "movement.manifest_read") -> Manifest:
    """The households and people on one vehicle (what the crossing needs: names, sex, year of
    birth, registration number). One read-log row with the household ids."""
    today = group_today(vehicle.plan.working_group)
    rows = _rows(_placements(Placement.objects.filter(vehicle=vehicle)), today)
    audit.record_read(
        actor=actor,
        action=action,
        target=vehicle,
        ids=[r.placement.household_id for r in rows],
        working_group_id=vehicle.plan.working_group_id,
    )
    return Manifest(vehicle=vehicle, today=today, rows=rows)


@dataclass
class Departures:
    point: DeparturePoint
    day: dt.date
    vehicles: list[tuple[Vehicle, int]]
    rows: list[ManifestRow]
    is_today: bool = True


def departure_points(*, actor: Actor) -> QuerySet[DeparturePoint]:
    return visible_to(actor, DeparturePoint.objects.filter(is_active=True)).select_related("working_group")


def point_get(*, actor: Actor, pk: int) -> DeparturePoint:
    require(actor, "movement.manage")  # a role without it: 403; another group's row: 404
    return get_visible(actor, DeparturePoint.objects.select_related("working_group"), pk=pk)


def departures(*, actor: Actor, point: DeparturePoint, day: dt.date | None = None) -> Departures:
    """The check-in list of a departure point on a day (today by default): every household of an
    approved plan boarding there, with its vehicle, check-in and confirmations."""
    from sabeel.movements.services import _boarded

    today = group_today(point.working_group)
    day = day or today
    placements = _placements(Placement.objects.filter(departure_point=point, date=day))
    rows = _rows(placements, today)
    vehicles = list(
        Vehicle.objects.filter(departure_point=point, date=day, plan__status=PlanStatus.APPROVED).select_related("crossing")
    )
    audit.record_read(
        actor=actor,
        action="movement.check_in_list_read",
        target=point,
        ids=[r.placement.household_id for r in rows],
        working_group_id=point.working_group_id,
    )
    return Departures(point=point, day=day, vehicles=[(v, _boarded(v)) for v in vehicles], rows=rows, is_today=day == today)


def placement_get(*, actor: Actor, pk: int) -> Placement:
    require(actor, "movement.manage")  # a role without it: 403; another group's row: 404
    return get_visible(
        actor, Placement.objects.select_related("plan", "plan__working_group", "household", "vehicle"), pk=pk
    )


def household_get(*, actor: Actor, pk: int) -> Household:
    require(actor, "movement.manage")
    return get_visible(actor, Household.objects.all(), "movement.manage", pk=pk)


def household_by_number(*, actor: Actor, number: str) -> Household | None:
    require(actor, "movement.manage")
    return visible_to(actor, Household.objects.all(), "movement.manage").filter(registration_number=number.strip().upper()).first()


def household_for_flags(*, actor: Actor, pk: int) -> Household:
    require(actor, "movement.flag")
    return get_visible(actor, Household.objects.all(), "movement.flag", pk=pk)


def movement_request_of(household: Household) -> MovementRequest | None:
    return MovementRequest.objects.select_related("departure_point").filter(household=household).first()


def reception_capacities(*, actor: Actor) -> QuerySet[ReceptionCapacity]:
    return visible_to(actor, ReceptionCapacity.objects.all()).select_related("working_group", "destination").order_by(
        "working_group__code", "destination__key"
    )


def self_organised_returns(*, actor: Actor) -> QuerySet[SelfOrganisedReturn]:
    return visible_to(actor, SelfOrganisedReturn.objects.all()).select_related("household", "crossing", "destination")


def groups_of(*, actor: Actor) -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.filter(pk__in=groups_for(actor, "movement.manage")).order_by("code")


def status_label(status: str) -> str:
    return str(CheckInStatus(status).label) if status else ""
