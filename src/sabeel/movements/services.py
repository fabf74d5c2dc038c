"""Writes of the movements app: set-up (departure points, routes, reception capacity, a household's
request and its protection flags), plan runs, approval, informing households, check-in, crossing
and arrival confirmations, vehicle seats on the day, self-organised returns, and the audited
print and share of a manifest.

Every service checks the permission first (``movement.manage``; the flags ``movement.flag``),
writes in one transaction and one audit row with ids only; messages leave on commit."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sabeel.consent.eligibility import households_eligibility, local_today
from sabeel.consent.models import WithdrawalChannel
from sabeel.core import audit, runs
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.models import Run, RunStatus
from sabeel.core.permissions import require
from sabeel.core.signals import households_changed
from sabeel.engines import planning
from sabeel.geo.models import AdminUnit, BorderCrossing
from sabeel.movements.adapter import build_instance
from sabeel.movements.choices import CheckInStatus, ConfirmationKind, PlanStatus, VehicleClass
from sabeel.movements.models import (
    CheckIn,
    Confirmation,
    CrossingClosure,
    DeparturePoint,
    DepartureRoute,
    MovementRequest,
    Placement,
    Plan,
    ReceptionCapacity,
    SelfOrganisedReturn,
    Unplaced,
    Vehicle,
)
from sabeel.registry.choices import HouseholdStatus
from sabeel.registry.models import Household, Individual
from sabeel.workgroups.models import WorkingGroup

logger = logging.getLogger(__name__)

RUN_KIND = "movements.plan"
MAX_DAYS = 90
DEFAULT_TIME_LIMIT = 60.0
DROPPED_NOT_ELIGIBLE = "not_eligible_at_approval"
DROPPED_PARTY_CHANGED = "travelling_members_changed"


def _fail(field: str, message: str) -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def group_today(group: WorkingGroup) -> dt.date:
    return local_today(group.time_zone)


# --- set-up ---------------------------------------------------------------------------------------


@transaction.atomic
def departure_point_create(
    *,
    actor: Actor,
    working_group: WorkingGroup,
    name_en: str = "",
    name_ar: str = "",
    seats_per_day: int = 0,
    medical_seats_per_day: int = 0,
    vehicle_seats: int = 50,
    medical_vehicle_seats: int = 8,
) -> DeparturePoint:
    require(actor, "movement.manage", working_group_obj(working_group))
    if not (name_en.strip() or name_ar.strip()):
        raise _fail("name_en", _("Give the departure point an English or an Arabic name."))
    if vehicle_seats < 1 or medical_vehicle_seats < 1:
        raise _fail("vehicle_seats", _("A vehicle has at least one seat."))
    if min(seats_per_day, medical_seats_per_day) < 0:
        raise _fail("seats_per_day", _("Seats cannot be negative."))
    point = DeparturePoint.objects.create(
        working_group=working_group,
        name_en=name_en.strip(),
        name_ar=name_ar.strip(),
        seats_per_day=seats_per_day,
        medical_seats_per_day=medical_seats_per_day,
        vehicle_seats=vehicle_seats,
        medical_vehicle_seats=medical_vehicle_seats,
    )
    audit.record(actor=actor, action="movement.departure_point_created", target=point, working_group_id=working_group.pk)
    return point


class _GroupRef:
    """A working group as a permission target (``group_of`` reads ``working_group_id``)."""

    def __init__(self, group: WorkingGroup) -> None:
        self.working_group_id = group.pk


def working_group_obj(group: WorkingGroup) -> _GroupRef:
    return _GroupRef(group)


@transaction.atomic
def route_set(*, actor: Actor, departure_point: DeparturePoint, crossing: BorderCrossing, travel_minutes: int) -> DepartureRoute:
    require(actor, "movement.manage", departure_point)
    if travel_minutes < 0 or travel_minutes > 24 * 60:
        raise _fail("travel_minutes", _("Give the travel time in minutes, at most a day."))
    route, _created = DepartureRoute.objects.update_or_create(
        departure_point=departure_point, crossing=crossing, defaults={"travel_minutes": travel_minutes}
    )
    audit.record(
        actor=actor,
        action="movement.route_set",
        target=route,
        data={"departure_point_id": departure_point.pk, "crossing_id": crossing.pk, "travel_minutes": travel_minutes},
        working_group_id=departure_point.working_group_id,
    )
    return route


@transaction.atomic
def reception_capacity_set(
    *, actor: Actor, working_group: WorkingGroup, destination: AdminUnit, persons_per_day: int
) -> ReceptionCapacity:
    require(actor, "movement.manage", working_group_obj(working_group))
    if persons_per_day < 0 or persons_per_day > 100_000:
        raise _fail("persons_per_day", _("Give the persons a day as a number from 0 to 100,000."))
    row, _created = ReceptionCapacity.objects.update_or_create(
        working_group=working_group, destination=destination, defaults={"persons_per_day": persons_per_day}
    )
    audit.record(
        actor=actor,
        action="movement.reception_capacity_set",
        target=row,
        data={"destination_id": destination.pk, "persons_per_day": persons_per_day},
        working_group_id=working_group.pk,
    )
    return row


@transaction.atomic
def crossing_closure_record(*, actor: Actor, crossing: BorderCrossing, date: dt.date, reason: str) -> CrossingClosure:
    """A day the crossing is closed (a holiday, an incident): no plan places anyone through it
    that day. Set by whoever sets the crossing's opening days (``geo.edit``)."""
    require(actor, "geo.edit", crossing)
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise _fail("reason", _("Say why the crossing is closed (at most 200 characters)."))
    if CrossingClosure.objects.filter(crossing=crossing, date=date).exists():
        raise _fail("date", _("This crossing is already recorded as closed that day."))
    row = CrossingClosure.objects.create(crossing=crossing, date=date, reason=reason, recorded_by_id=as_actor(actor).user_id)
    audit.record(
        actor=actor, action="movement.crossing_closed", target=crossing, data={"crossing_id": crossing.pk, "date": date.isoformat()}
    )
    return row


@transaction.atomic
def movement_request_set(
    *, actor: Actor, household: Household, departure_point: DeparturePoint, earliest: dt.date, latest: dt.date
) -> MovementRequest:
    """The household's departure point and the dates it chose (a movement officer records them)."""
    require(actor, "movement.manage", household)
    if departure_point.working_group_id != household.working_group_id:
        raise _fail("departure_point", _("Choose a departure point of the household's working group."))
    if earliest > latest:
        raise _fail("latest", _("The latest date must not be before the earliest."))
    row, _created = MovementRequest.objects.update_or_create(
        household=household, defaults={"departure_point": departure_point, "earliest": earliest, "latest": latest}
    )
    audit.record(
        actor=actor,
        action="movement.request_set",
        target=household,
        data={"household_id": household.pk, "departure_point_id": departure_point.pk},
        working_group_id=household.working_group_id,
    )
    return row


@transaction.atomic
def movement_flags_set(*, actor: Actor, household: Household, priority_tier: int, needs_medical_vehicle: bool) -> MovementRequest:
    """A protection officer's two flags: the priority tier and the need of a medical-fit vehicle.
    Movement officers see the flags, never the specific needs they come from."""
    require(actor, "movement.flag", household)
    if priority_tier not in (1, 2, 3):
        raise _fail("priority_tier", _("Choose a priority tier from 1 to 3."))
    row = MovementRequest.objects.select_for_update().filter(household=household).first()
    if row is None:
        raise _fail("household", _("A movement officer must first record the household's departure point and dates."))
    row.priority_tier = priority_tier
    row.needs_medical_vehicle = needs_medical_vehicle
    row.flags_set_by_id = as_actor(actor).user_id
    row.flags_set_at = timezone.now()
    row.save(update_fields=["priority_tier", "needs_medical_vehicle", "flags_set_by", "flags_set_at", "updated_at"])
    audit.record(
        actor=actor,
        action="movement.flags_set",
        target=household,
        data={"household_id": household.pk, "priority_tier": priority_tier, "needs_medical_vehicle": needs_medical_vehicle},
        working_group_id=household.working_group_id,
    )
    return row


# --- plan runs ------------------------------------------------------------------------------------


def _time_limit() -> float:
    return float(getattr(settings, "SABEEL_PLAN_TIME_LIMIT", DEFAULT_TIME_LIMIT))


@transaction.atomic
def plan_run_start(*, actor: Actor, working_group: WorkingGroup, start: dt.date, days: int) -> Run:
    """Queue a plan run over the group's households waiting to move; the task runs on commit."""
    require(actor, "movement.manage", working_group_obj(working_group))
    if not 1 <= days <= MAX_DAYS:
        raise _fail("days", _("A plan covers 1 to 90 days."))
    if start < group_today(working_group):
        raise _fail("start", _("A plan cannot start in the past."))
    run = runs.run_create(
        actor=actor,
        kind=RUN_KIND,
        working_group_id=working_group.pk,
        params={"start": start.isoformat(), "days": days, "time_limit": _time_limit()},
    )
    audit.record(actor=actor, action="movement.plan_run_started", target=run, data={"run_id": run.pk}, working_group_id=working_group.pk)
    run_id = run.pk
    transaction.on_commit(lambda: _enqueue_plan(run_id))
    return run


def _enqueue_plan(run_id: int) -> None:
    from sabeel.movements.tasks import plan_run_task

    plan_run_task.enqueue(run_id=run_id)


def households_in_pool(working_group_id: int, today: dt.date) -> list[Household]:
    """Households of the group with a movement request, open, that are not already on an approved
    plan for a day still to come (or boarded): no-shows and those left out go back to the pool."""
    on_plan = Placement.objects.filter(plan__status=PlanStatus.APPROVED, dropped_reason="").exclude(
        check_in__status__in=[CheckInStatus.ABSENT, CheckInStatus.WITHDREW]
    )
    busy_ids = set(on_plan.filter(date__gte=today).values_list("household_id", flat=True)) | set(
        on_plan.filter(check_in__status=CheckInStatus.PRESENT).values_list("household_id", flat=True)
    )
    returned = set(SelfOrganisedReturn.objects.values_list("household_id", flat=True))
    return list(
        Household.objects.filter(
            working_group_id=working_group_id, status=HouseholdStatus.OPEN, movement_request__isnull=False
        )
        .exclude(pk__in=busy_ids | returned)
        .prefetch_related("members")
        .order_by("pk")
    )


def plan_run_execute(*, run_id: int) -> Run | None:
    """The task's work: never raises (a failure fails the run)."""
    return runs.run_execute(run_id=run_id, work=_plan_work)


def _solve(instance: planning.Instance, time_limit: float) -> planning.Plan:
    """The engine's planner. Its LP solver runs in a forked child that the engine kills at
    ``time_limit`` (``engines.planning._subprocess``, the machinery of ``run_with_time_limit``);
    the plan's ``solver_status`` says when it did. (The planner itself cannot run inside
    ``run_with_time_limit``: that child is a daemon and may not fork the solver's own child.)"""
    return planning.plan(instance, planning.PlanSettings(time_limit=time_limit))


def _plan_work(run: Run) -> None:
    if Plan.objects.filter(run=run).exists():  # enqueued again after the plan was written: nothing to redo
        runs.run_finish(run=run)
        return
    group = WorkingGroup.objects.get(pk=int(run.working_group_id or 0))
    start = dt.date.fromisoformat(run.params["start"])
    days = int(run.params["days"])
    households = households_in_pool(group.pk, group_today(group))
    runs.run_progress(run=run, done=0, total=3)
    built = build_instance(working_group_id=group.pk, start=start, days=days, households=households)
    if not runs.run_progress(run=run, done=1, counts={"households": len(households), "eligible": len(built.instance.households)}):
        return
    made = _solve(built.instance, float(run.params.get("time_limit", _time_limit())))
    killed = "killed" in made.stats.solver_status
    if not runs.run_progress(run=run, done=2):
        return
    with transaction.atomic():
        locked = Run.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.RUNNING or Plan.objects.filter(run=run).exists():
            return
        plan = _write_plan(run, group, built.instance, made, built.left_out, killed, built.members)
        runs.run_finish(
            run=run,
            counts={
                "households": len(households),
                "eligible": len(built.instance.households),
                "placed": plan.households_moved,
                "persons_placed": plan.persons_moved,
                "solver_killed": int(killed),
            },
        )
        audit.record(
            actor=runs.run_actor(run),
            action="movement.plan_made",
            target=plan,
            data={"plan_id": plan.pk, "run_id": run.pk, "placed": plan.households_moved, "solver_killed": killed},
            working_group_id=group.pk,
        )


def _write_plan(
    run: Run,
    group: WorkingGroup,
    instance: planning.Instance,
    made: planning.Plan,
    left_out: dict[int, str],
    killed: bool,
    members: dict[int, frozenset[int]],
) -> Plan:
    stats = made.stats
    plan = Plan.objects.create(
        working_group=group,
        run=run,
        start=instance.start,
        days=instance.days,
        method=stats.method[:200],
        solver_status=stats.solver_status[:300],
        solver_killed=killed,
        persons_moved=stats.persons_moved,
        persons_total=stats.persons_total,
        households_moved=stats.households_moved,
        households_total=stats.households_total + len(left_out),
        upper_bound=stats.upper_bound,
        gap=stats.gap,
        inversions=stats.inversions,
        comparable_pairs=stats.comparable_pairs,
        seconds=stats.seconds,
    )
    size_of = {h.id: h.size for h in instance.households}
    Placement.objects.bulk_create(
        [
            Placement(
                plan=plan,
                household_id=int(p.household_id),
                date=p.date,
                departure_point_id=int(p.departure),
                crossing_id=int(p.crossing),
                vehicle_class=VehicleClass.MEDICAL if p.vehicle == planning.VehicleClass.MEDICAL else VehicleClass.STANDARD,
                persons=size_of.get(p.household_id, 0),
                member_ids=sorted(members.get(int(p.household_id), frozenset())),
            )
            for p in made.placements
        ],
        batch_size=500,
    )
    rows = [
        Unplaced(plan=plan, household_id=int(u.household_id), reason=str(u.reason), blocked_days={str(r): n for r, n in u.blocked_days})
        for u in made.unplaced
    ]
    rows += [Unplaced(plan=plan, household_id=pk, reason=reason[:40]) for pk, reason in left_out.items()]
    Unplaced.objects.bulk_create(rows, batch_size=500)
    return plan


# --- approval and informing -----------------------------------------------------------------------


def _pack(placements: list[Placement], seats: int) -> list[list[Placement]]:
    """Families into vehicles of ``seats``, largest first, each into the first vehicle with room;
    a family never split (one larger than a vehicle fills one of its own)."""
    vehicles: list[tuple[int, list[Placement]]] = []
    for p in sorted(placements, key=lambda p: (-p.persons, p.pk)):
        for i, (used, members) in enumerate(vehicles):
            if used + p.persons <= seats:
                members.append(p)
                vehicles[i] = (used + p.persons, members)
                break
        else:
            vehicles.append((p.persons, [p]))
    return [members for _used, members in vehicles]


@transaction.atomic
def plan_approve(*, actor: Actor, plan: Plan) -> Plan:
    """A movement officer approves a draft: every household is asked again whether it may be
    scheduled on its date (one question per date); one that may not is left out (its placement
    kept, marked, on no manifest); the others are packed into the day's vehicles; households are
    told on commit."""
    require(actor, "movement.manage", plan)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise _fail("plan", _("Only a draft plan can be approved."))
    overlapping = Plan.objects.filter(
        working_group_id=plan.working_group_id, status=PlanStatus.APPROVED, start__lte=plan.end
    ).exclude(pk=plan.pk)
    if any(other.end >= plan.start for other in overlapping):
        raise _fail("plan", _("Another approved plan covers some of these days; cancel it first."))
    approved_at = timezone.now()  # before the re-check: a withdrawal after it is derived on the manifests
    placements = list(plan.placements.select_related("household", "departure_point").order_by("date", "pk"))
    by_date: dict[dt.date, list[Placement]] = defaultdict(list)
    for p in placements:
        by_date[p.date].append(p)
    dropped: list[Placement] = []
    for day, group in by_date.items():
        verdicts = households_eligibility(households=[p.household for p in group], on=day, departure_on=day)
        for p in group:
            verdict = verdicts[p.household_id]
            if not verdict.may_schedule:
                p.dropped_reason = DROPPED_NOT_ELIGIBLE
                dropped.append(p)
            elif sorted(verdict.travelling_member_ids) != sorted(p.member_ids):
                p.dropped_reason = DROPPED_PARTY_CHANGED  # planned for other members: plan it again
                dropped.append(p)
    Placement.objects.bulk_update(dropped, ["dropped_reason"])
    kept = [p for p in placements if not p.dropped_reason]
    groups: dict[tuple[Any, ...], list[Placement]] = defaultdict(list)
    for p in kept:
        groups[(p.date, p.departure_point_id, p.crossing_id, p.vehicle_class)].append(p)
    for (day, point_id, crossing_id, vehicle_class), members in sorted(groups.items(), key=lambda kv: str(kv[0])):
        point = members[0].departure_point
        size = point.medical_vehicle_seats if vehicle_class == VehicleClass.MEDICAL else point.vehicle_seats
        for number, load in enumerate(_pack(members, size), start=1):
            vehicle = Vehicle.objects.create(
                plan=plan,
                departure_point_id=point_id,
                crossing_id=crossing_id,
                date=day,
                vehicle_class=vehicle_class,
                number=number,
                seats=max(size, sum(p.persons for p in load)),
            )
            Placement.objects.filter(pk__in=[p.pk for p in load]).update(vehicle=vehicle)
    plan.status = PlanStatus.APPROVED
    plan.approved_at = approved_at
    plan.approved_by_id = as_actor(actor).user_id
    plan.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    audit.record(
        actor=actor,
        action="movement.plan_approved",
        target=plan,
        data={"plan_id": plan.pk, "placed": len(kept), "left_out_at_approval": len(dropped)},
        working_group_id=plan.working_group_id,
    )
    plan_id = plan.pk
    transaction.on_commit(lambda: _enqueue_inform(plan_id))
    households_changed([p.household_id for p in placements])  # the funnel's "scheduled" stage
    return plan


def _enqueue_inform(plan_id: int) -> None:
    from sabeel.movements.tasks import households_inform_task

    households_inform_task.enqueue(plan_id=plan_id)


@transaction.atomic
def plan_cancel(*, actor: Actor, plan: Plan, reason: str) -> Plan:
    require(actor, "movement.manage", plan)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.CANCELLED:
        raise _fail("plan", _("This plan is already cancelled."))
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise _fail("reason", _("Say why the plan is cancelled (at most 200 characters)."))
    if CheckIn.objects.filter(placement__plan=plan).exists():
        raise _fail("plan", _("Check-in has started on this plan; it can no longer be cancelled."))
    plan.status = PlanStatus.CANCELLED
    plan.cancelled_at = timezone.now()
    plan.cancelled_reason = reason
    plan.save(update_fields=["status", "cancelled_at", "cancelled_reason", "updated_at"])
    audit.record(actor=actor, action="movement.plan_cancelled", target=plan, data={"plan_id": plan.pk}, working_group_id=plan.working_group_id)
    plan_id = plan.pk
    transaction.on_commit(lambda: _enqueue_tell_cancelled(plan_id))
    households_changed(plan.placements.values_list("household_id", flat=True))
    return plan


def _enqueue_tell_cancelled(plan_id: int) -> None:
    from sabeel.movements.tasks import households_tell_cancelled_task

    households_tell_cancelled_task.enqueue(plan_id=plan_id)


def households_tell_cancelled(*, plan_id: int) -> int:
    """The plan was cancelled: each household that had been told its date is told, once, that the
    date no longer holds (nobody is left waiting at a departure point). Returns how many."""
    told = Placement.objects.filter(
        plan_id=plan_id, plan__status=PlanStatus.CANCELLED, informed_at__isnull=False, cancel_told_at__isnull=True
    ).select_related("household")
    return _tell(
        list(told),
        marker="cancel_told_at",
        message=lambda p: _(
            "Sabeel: the return journey planned for you on %(date)s will not take place. Do not go to the departure point; we will contact you again."
        ) % {"date": p.date.strftime("%d/%m/%Y")},
    )


def households_inform(*, plan_id: int) -> int:
    """Tell each household of an approved plan its date and departure point, by text message in
    its own language (the messaging interface, ``portal.sms``); each once. Returns how many."""
    pending = Placement.objects.filter(
        plan_id=plan_id, plan__status=PlanStatus.APPROVED, dropped_reason="", informed_at__isnull=True
    ).select_related("plan", "household", "departure_point")
    rows = list(pending)
    withdrawn = withdrawn_after_approval(rows)  # nobody who withdrew meanwhile is told a date
    return _tell(
        [p for p in rows if p.household_id not in withdrawn],
        marker="informed_at",
        message=lambda p: _(
            "Sabeel: your return journey is planned for %(date)s from %(place)s. Bring every member of the household. You may still change your mind at any time."
        ) % {"date": p.date.strftime("%d/%m/%Y"), "place": p.departure_point.local_name},
    )


def _tell(rows: Sequence[Placement], *, marker: str, message: Callable[[Placement], str]) -> int:
    """Send each placement's household ``message`` (in its own language) once: ``marker`` is set
    in its own short transaction before the text goes, so a retry never sends twice."""
    from sabeel.portal.sms import sms_sender

    sent = 0
    for placement in rows:
        phone = placement.household.phones.filter(is_active=True).order_by("-is_primary", "pk").first()
        if phone is None:
            continue
        with translation.override(placement.household.preferred_language or "ar"):
            text = message(placement)
        with transaction.atomic():
            updated = Placement.objects.filter(pk=placement.pk, **{f"{marker}__isnull": True}).update(**{marker: timezone.now()})
            if not updated:
                continue
        sms_sender().send(to=phone.number, text=text, meta={"household_id": placement.household_id, "placement_id": placement.pk})
        sent += 1
    return sent


# --- the departure day ----------------------------------------------------------------------------


def withdrawn_after_approval(placements: Sequence[Placement]) -> set[int]:
    """The households that withdrew (any channel) after their plan was approved: derived from the
    consent records each time, never copied (hard rule 2)."""
    from sabeel.consent.models import Withdrawal

    found: set[int] = set()
    by_plan: dict[int, tuple[Any, list[int]]] = {}
    for p in placements:
        by_plan.setdefault(p.plan_id, (p.plan.approved_at, []))[1].append(p.household_id)
    for approved_at, household_ids in by_plan.values():
        if approved_at is None:
            continue
        found |= set(
            Withdrawal.objects.filter(household_id__in=household_ids, created_at__gte=approved_at).values_list("household_id", flat=True)
        )
    return found


def _boarded(vehicle: Vehicle) -> int:
    return int(CheckIn.objects.filter(vehicle=vehicle, status=CheckInStatus.PRESENT).aggregate(n=Sum("persons"))["n"] or 0)


@transaction.atomic
def check_in(
    *,
    actor: Actor,
    placement: Placement,
    status: str,
    vehicle: Vehicle | None = None,
    individual: Individual | None = None,
) -> CheckIn:
    """Record the household at its vehicle on its day: present (eligibility to depart is asked at
    this moment; the vehicle row is locked so two officers cannot board its last seat twice),
    absent (back to the pool for the next plan), or withdrew here (one tap: a withdrawal recorded
    through the consent app, channel check-in, effective at once)."""
    require(actor, "movement.manage", placement)
    placement = Placement.objects.select_for_update(of=("self",)).select_related("plan", "household", "vehicle").get(pk=placement.pk)
    if status not in CheckInStatus.values:
        raise _fail("status", _("Choose present, absent or withdrew here."))
    if placement.plan.status != PlanStatus.APPROVED or placement.dropped_reason or placement.vehicle_id is None:
        raise _fail("placement", _("This household is on no approved manifest."))
    group = WorkingGroup.objects.get(pk=placement.plan.working_group_id)
    today = group_today(group)
    if placement.date != today:
        raise _fail("placement", _("Check-in is open on the day of departure only."))
    if CheckIn.objects.filter(placement=placement).exists():
        raise _fail("placement", _("This household has already been checked in."))
    who = as_actor(actor)
    row = CheckIn(placement=placement, status=status, recorded_by_id=who.user_id)
    if status == CheckInStatus.WITHDREW:
        from sabeel.consent.services import consent_withdraw

        person = individual or _first_adult(placement.household)
        if person is None or person.household_id != placement.household_id:
            raise _fail("individual", _("Choose the adult of this household who withdrew."))
        row.withdrawal = consent_withdraw(actor=actor, individual=person, channel=WithdrawalChannel.CHECK_IN)
    elif status == CheckInStatus.PRESENT:
        if placement.household_id in withdrawn_after_approval([placement]):
            raise _fail("placement", _("A member of this household withdrew consent; the household cannot board."))
        verdict = households_eligibility(households=[placement.household], on=today, departure_on=today)[placement.household_id]
        if not verdict.may_depart:
            reasons = "; ".join(r.text for r in verdict.reasons_not_departable[:3])
            raise _fail("placement", _("This household may not depart today: %(reasons)s") % {"reasons": reasons})
        if sorted(verdict.travelling_member_ids) != sorted(placement.member_ids):
            raise _fail("placement", _("The members who travel have changed since the plan; plan the household again."))
        target = vehicle if vehicle is not None else placement.vehicle
        if target is None or target.plan_id != placement.plan_id or target.date != placement.date or target.vehicle_class != placement.vehicle_class:
            raise _fail("vehicle", _("Choose a vehicle of this plan, day and class."))
        locked = Vehicle.objects.select_for_update().get(pk=target.pk)
        if _boarded(locked) + placement.persons > locked.seats:
            raise _fail("vehicle", _("There are not enough seats left on this vehicle."))
        row.vehicle = locked
        row.persons = placement.persons
    row.save()
    audit.record(
        actor=actor,
        action="movement.checked_in",
        target=placement,
        data={
            "placement_id": placement.pk,
            "household_id": placement.household_id,
            "status": status,
            "vehicle_id": row.vehicle_id,
            "withdrawal_id": row.withdrawal_id,
        },
        working_group_id=group.pk,
    )
    households_changed([placement.household_id])  # the funnel's "departed" stage (or back to the pool)
    return row


def _first_adult(household: Household) -> Individual | None:
    from sabeel.registry.choices import MemberStatus

    return household.members.filter(status=MemberStatus.ACTIVE, relationship="head").first() or household.members.filter(
        status=MemberStatus.ACTIVE
    ).order_by("pk").first()


@transaction.atomic
def vehicle_seats_set(*, actor: Actor, vehicle: Vehicle, seats: int) -> Vehicle:
    """The vehicle that came on the day has ``seats`` (never fewer than those already boarded)."""
    require(actor, "movement.manage", vehicle)
    locked = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    if seats < 1 or seats > 1000:
        raise _fail("seats", _("Give the seats as a number from 1 to 1,000."))
    if seats < _boarded(locked):
        raise _fail("seats", _("More people have already boarded this vehicle."))
    locked.seats = seats
    locked.save(update_fields=["seats", "updated_at"])
    audit.record(actor=actor, action="movement.vehicle_seats_set", target=locked, data={"vehicle_id": locked.pk, "seats": seats})
    return locked


@transaction.atomic
def confirm(*, actor: Actor, placement: Placement, kind: str) -> Confirmation:
    """The household crossed (it boarded), or arrived (it crossed)."""
    require(actor, "movement.manage", placement)
    placement = Placement.objects.select_for_update(of=("self",)).select_related("plan").get(pk=placement.pk)
    if kind not in ConfirmationKind.values:
        raise _fail("kind", _("Choose crossed or arrived."))
    boarded = CheckIn.objects.filter(placement=placement, status=CheckInStatus.PRESENT).exists()
    if not boarded:
        raise _fail("kind", _("Only a household that boarded can cross or arrive."))
    if kind == ConfirmationKind.ARRIVED and not Confirmation.objects.filter(placement=placement, kind=ConfirmationKind.CROSSED).exists():
        raise _fail("kind", _("Confirm the crossing first."))
    if Confirmation.objects.filter(placement=placement, kind=kind).exists():
        raise _fail("kind", _("This has already been confirmed."))
    row = Confirmation.objects.create(placement=placement, kind=kind, at=timezone.now(), recorded_by_id=as_actor(actor).user_id)
    audit.record(
        actor=actor,
        action=f"movement.{kind}",
        target=placement,
        data={"placement_id": placement.pk, "household_id": placement.household_id},
        working_group_id=placement.plan.working_group_id,
    )
    households_changed([placement.household_id])  # the funnel's "departed" and "arrived" stages
    return row


@transaction.atomic
def self_organised_return_record(
    *,
    actor: Actor,
    household: Household,
    returned_on: dt.date,
    crossing: BorderCrossing | None = None,
    destination: AdminUnit | None = None,
) -> SelfOrganisedReturn:
    """A household returned on its own: the funnel counts it too."""
    require(actor, "movement.manage", household)
    group = WorkingGroup.objects.get(pk=household.working_group_id)
    if returned_on > group_today(group):
        raise _fail("returned_on", _("The date of return cannot be in the future."))
    if destination is not None and destination.country != "SY":
        raise _fail("destination", _("Choose a destination in Syria."))
    if SelfOrganisedReturn.objects.filter(household=household).exists():
        raise _fail("household", _("A self-organised return is already recorded for this household."))
    row = SelfOrganisedReturn.objects.create(
        household=household,
        returned_on=returned_on,
        crossing=crossing,
        destination=destination or household.destination,
        recorded_by_id=as_actor(actor).user_id,
    )
    audit.record(
        actor=actor,
        action="movement.self_organised_return_recorded",
        target=household,
        data={"household_id": household.pk, "return_id": row.pk},
        working_group_id=household.working_group_id,
    )
    households_changed([household.pk])  # the funnel counts it as departed and arrived
    return row


# --- manifests leaving the page -------------------------------------------------------------------


@transaction.atomic
def manifest_printed(*, actor: Actor, vehicle: Vehicle, fmt: str, language: str, household_ids: Sequence[int]) -> None:
    """Printing (or downloading) a manifest is its own audited action: which vehicle, in which
    format and language, how many households (ids only)."""
    require(actor, "movement.manage", vehicle)
    audit.record(
        actor=actor,
        action="movement.manifest_printed",
        target=vehicle,
        data={"vehicle_id": vehicle.pk, "format": fmt, "language": language, "household_ids": list(household_ids)},
        working_group_id=vehicle.plan.working_group_id,
    )


@transaction.atomic
def manifest_share(*, actor: Actor, vehicle: Vehicle, agreement_id: int | None, recipient_id: int | None, individual_ids: Sequence[int]) -> Any:
    """Handing a manifest to a crossing authority is a share (hard rule 4): only under an active
    agreement of the group that covers names for that recipient, only if every person on it is
    covered (their own consent where the agreement asks for it); logged in the share log."""
    from sabeel.core.roles import FieldGroup
    from sabeel.sharing.choices import ShareKind
    from sabeel.sharing.services import agreement_require, people_covered, share_record

    require(actor, "movement.manage", vehicle)
    group = WorkingGroup.objects.get(pk=vehicle.plan.working_group_id)
    categories = [str(FieldGroup.NAMES_CONTACTS)]
    agreement = agreement_require(
        actor, agreement_id=agreement_id, working_group=group, purpose=None, categories=categories, recipient=recipient_id
    )
    covered = set(
        people_covered(agreement, Individual.objects.filter(pk__in=individual_ids), recipient=recipient_id, categories=categories).values_list(
            "pk", flat=True
        )
    )
    missing = len(set(individual_ids) - covered)
    if missing:
        raise _fail(
            "agreement",
            _("%(count)d people on this manifest have not consented to this share; it cannot be handed over.") % {"count": missing},
        )
    return share_record(
        actor=actor,
        kind=ShareKind.AUTHORITY_LIST,
        agreement=agreement,
        recipient=recipient_id,
        individual_ids=list(individual_ids),
        categories=categories,
    )
