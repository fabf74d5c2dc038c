"""Organised movements: where households board, how many each crossing and reception point takes,
the plans the optimiser makes (``engines.planning``) and a movement officer approves, the
vehicles of each day with their manifests, the departure-day check-in, the crossing and arrival
confirmations, and the returns households organise themselves.

Crossings are ``geo.BorderCrossing`` (its opening days and daily capacity, set with
``geo.services.crossing_operations_set``); nothing here copies them. A withdrawal is never copied
onto a placement: manifests derive it from the consent records when they are read (hard rule 2)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sabeel.core.i18n import in_page_language
from sabeel.core.models import BaseModel
from sabeel.movements.choices import CheckInStatus, ConfirmationKind, PlanStatus, PriorityTier, VehicleClass

MAX_SEATS = 100_000


class DeparturePoint(BaseModel):
    """Where households of a working group board: its seats a day in ordinary and in medical-fit
    vehicles (the engine's two pools) and the size of one vehicle of each kind (manifests pack
    families into vehicles of that size)."""

    working_group = models.ForeignKey(
        "workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="departure_points", verbose_name=_("working group")
    )
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_ar = models.CharField(_("Arabic name"), max_length=200, blank=True)
    seats_per_day = models.PositiveIntegerField(_("seats a day in ordinary vehicles"), default=0)
    medical_seats_per_day = models.PositiveIntegerField(_("seats a day in medical-fit vehicles"), default=0)
    vehicle_seats = models.PositiveIntegerField(_("seats in one ordinary vehicle"), default=50)
    medical_vehicle_seats = models.PositiveIntegerField(_("seats in one medical-fit vehicle"), default=8)
    is_active = models.BooleanField(_("active"), default=True)

    sabeel_scope = "working_group"
    sabeel_view_action = "movement.manage"

    class Meta:
        ordering = ["working_group", "name_en", "pk"]
        verbose_name = _("departure point")
        verbose_name_plural = _("departure points")
        constraints = [
            models.CheckConstraint(
                name="mv_departure_has_name",
                condition=~Q(name_en="", name_ar=""),
                violation_error_message=_("A departure point needs an English or an Arabic name."),
            ),
            models.CheckConstraint(
                name="mv_departure_vehicle_sizes",
                condition=Q(vehicle_seats__gte=1, medical_vehicle_seats__gte=1),
                violation_error_message=_("A vehicle has at least one seat."),
            ),
            models.CheckConstraint(
                name="mv_departure_seats_bounded",
                condition=Q(seats_per_day__lte=MAX_SEATS, medical_seats_per_day__lte=MAX_SEATS),
                violation_error_message=_("The seats a day are too many."),
            ),
        ]

    def __str__(self) -> str:
        return self.name_en or self.name_ar

    @property
    def local_name(self) -> str:
        return in_page_language(self.name_en, self.name_ar)


class DepartureRoute(BaseModel):
    """A crossing the vehicles of a departure point can reach, and how long the drive takes."""

    departure_point = models.ForeignKey(
        DeparturePoint, on_delete=models.PROTECT, related_name="routes", verbose_name=_("departure point")
    )
    crossing = models.ForeignKey(
        "geo.BorderCrossing", on_delete=models.PROTECT, related_name="departure_routes", verbose_name=_("crossing")
    )
    travel_minutes = models.PositiveIntegerField(_("travel time (minutes)"), default=60)

    sabeel_scope = "departure_point__working_group"
    sabeel_view_action = "movement.manage"

    class Meta:
        verbose_name = _("route to a crossing")
        verbose_name_plural = _("routes to crossings")
        constraints = [
            models.UniqueConstraint(
                fields=["departure_point", "crossing"],
                name="mv_route_once",
                violation_error_message=_("This departure point already has a route to this crossing."),
            )
        ]


class ReceptionCapacity(BaseModel):
    """How many persons of this working group's movements a destination's reception point can
    receive a day (the allotment agreed with the receiving side)."""

    working_group = models.ForeignKey(
        "workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="reception_capacities", verbose_name=_("working group")
    )
    destination = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("destination")
    )
    persons_per_day = models.PositiveIntegerField(_("persons a day"))

    sabeel_scope = "working_group"
    sabeel_view_action = "movement.manage"

    class Meta:
        verbose_name = _("reception capacity")
        verbose_name_plural = _("reception capacities")
        constraints = [
            models.UniqueConstraint(
                fields=["working_group", "destination"],
                name="mv_reception_once",
                violation_error_message=_("This destination already has a reception capacity."),
            ),
            models.CheckConstraint(
                name="mv_reception_bounded",
                condition=Q(persons_per_day__lte=MAX_SEATS),
                violation_error_message=_("The persons a day are too many."),
            ),
        ]


class MovementRequest(BaseModel):
    """What the planner needs to know of a household beyond its eligibility: where it boards, the
    dates it chose, and two flags a protection officer sets (priority tier, needs a medical-fit
    vehicle) so that movement officers see the flag and never the specific needs behind it."""

    household = models.OneToOneField(
        "registry.Household", on_delete=models.PROTECT, related_name="movement_request", verbose_name=_("household")
    )
    departure_point = models.ForeignKey(
        DeparturePoint, on_delete=models.PROTECT, related_name="requests", verbose_name=_("departure point")
    )
    earliest = models.DateField(_("earliest date chosen by the household"))
    latest = models.DateField(_("latest date chosen by the household"))
    priority_tier = models.PositiveSmallIntegerField(
        _("priority tier"), choices=PriorityTier.choices, default=PriorityTier.ORDINARY
    )
    needs_medical_vehicle = models.BooleanField(_("needs a medical-fit vehicle"), default=False)
    flags_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("flags set by")
    )
    flags_set_at = models.DateTimeField(_("flags set at"), null=True, blank=True)

    sabeel_scope = "household__working_group"
    sabeel_view_action = "movement.manage"

    class Meta:
        verbose_name = _("movement request")
        verbose_name_plural = _("movement requests")
        constraints = [
            models.CheckConstraint(
                name="mv_request_window",
                condition=Q(earliest__lte=models.F("latest")),
                violation_error_message=_("The earliest date must not be after the latest."),
            ),
        ]

    @property
    def working_group_id(self) -> int:
        return int(self.household.working_group_id)


class Plan(BaseModel):
    """One plan, made by one run of the planner (``run``), for one working group: a draft until a
    movement officer approves it (nobody is told before), or cancelled. Written whole, in one
    transaction, when the run ends: a run killed half-way leaves no plan."""

    working_group = models.ForeignKey(
        "workgroups.WorkingGroup", on_delete=models.PROTECT, related_name="movement_plans", verbose_name=_("working group")
    )
    run = models.OneToOneField("core.Run", on_delete=models.PROTECT, related_name="movement_plan", verbose_name=_("run"))
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    start = models.DateField(_("first day"))
    days = models.PositiveSmallIntegerField(_("days"))
    method = models.CharField(_("method"), max_length=200, blank=True)
    solver_status = models.CharField(_("solver"), max_length=300, blank=True)
    solver_killed = models.BooleanField(_("solver killed at its time limit"), default=False)
    persons_moved = models.PositiveIntegerField(_("persons placed"), default=0)
    persons_total = models.PositiveIntegerField(_("persons asked about"), default=0)
    households_moved = models.PositiveIntegerField(_("households placed"), default=0)
    households_total = models.PositiveIntegerField(_("households asked about"), default=0)
    upper_bound = models.FloatField(_("upper bound (persons)"), null=True, blank=True)
    gap = models.FloatField(_("gap to the bound"), null=True, blank=True)
    inversions = models.PositiveIntegerField(_("first-come-first-served inversions"), default=0)
    comparable_pairs = models.PositiveBigIntegerField(_("comparable pairs"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    sabeel_scope = "working_group"
    sabeel_view_action = "movement.manage"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("movement plan")
        verbose_name_plural = _("movement plans")
        constraints = [
            models.CheckConstraint(
                name="mv_plan_approved_has_officer",
                condition=~Q(status=PlanStatus.APPROVED) | Q(approved_at__isnull=False),
                violation_error_message=_("An approved plan names when it was approved."),
            ),
        ]

    def __str__(self) -> str:
        return f"plan #{self.pk}"

    @property
    def end(self):  # type: ignore[no-untyped-def]
        import datetime as dt

        return self.start + dt.timedelta(days=self.days - 1)

    @property
    def solver_status_display(self) -> str:
        """The solver's status in the page's language. The engine writes it in English with
        ``SolverStatus``'s phrases (it knows no Django): they are translated here, and a failure keeps
        the engine's own technical detail after a translated word."""
        from sabeel.engines.planning import SolverStatus  # numpy and the planner: only when a plan is shown

        status = self.solver_status
        limit = re.search(r"\(([\d.]+) s\)$", status)
        seconds = limit.group(1) if limit else ""
        if status == SolverStatus.OPTIMAL:
            return str(_("solved to optimality"))
        if status == SolverStatus.NOT_RUN:
            return str(_("not run"))
        if status.startswith(SolverStatus.PARTIAL):
            return str(_("solved without the reception limits; the full model was stopped at its time limit (%(seconds)s s)") % {"seconds": seconds})
        if status.startswith(SolverStatus.KILLED):
            return str(_("stopped at its time limit (%(seconds)s s)") % {"seconds": seconds})
        if status.startswith(SolverStatus.FAILED):
            detail = status.removeprefix(SolverStatus.FAILED).removesuffix(SolverStatus.PARTIAL_BOUND)
            if status.endswith(SolverStatus.PARTIAL_BOUND):
                return str(_("failed (%(detail)s); the bound was solved without the reception limits") % {"detail": detail})
            return str(_("failed (%(detail)s)") % {"detail": detail})
        return status


class Vehicle(BaseModel):
    """One vehicle of an approved plan on one day from one departure point: its manifest is the
    placements assigned to it. ``seats`` may be lowered on the day (a smaller vehicle came); the
    check-in locks this row so that two officers cannot board the last seat twice."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("plan"))
    departure_point = models.ForeignKey(DeparturePoint, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("departure point"))
    crossing = models.ForeignKey("geo.BorderCrossing", on_delete=models.PROTECT, related_name="+", verbose_name=_("crossing"))
    date = models.DateField(_("date"))
    vehicle_class = models.CharField(_("class of vehicle"), max_length=12, choices=VehicleClass.choices)
    number = models.PositiveSmallIntegerField(_("vehicle number"))
    seats = models.PositiveIntegerField(_("seats"))

    sabeel_scope = "plan__working_group"
    sabeel_view_action = "movement.manage"

    class Meta:
        ordering = ["date", "departure_point", "crossing", "vehicle_class", "number"]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "departure_point", "crossing", "date", "vehicle_class", "number"], name="mv_vehicle_once"
            ),
        ]

    @property
    def working_group_id(self) -> int:
        return int(self.plan.working_group_id)


class Placement(BaseModel):
    """A household's place in a plan: its date, departure point, crossing and class of vehicle (the
    engine's answer), and its vehicle once the plan is approved."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="placements", verbose_name=_("plan"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="movement_placements", verbose_name=_("household"))
    date = models.DateField(_("date"))
    departure_point = models.ForeignKey(DeparturePoint, on_delete=models.PROTECT, related_name="+", verbose_name=_("departure point"))
    crossing = models.ForeignKey("geo.BorderCrossing", on_delete=models.PROTECT, related_name="+", verbose_name=_("crossing"))
    vehicle_class = models.CharField(_("class of vehicle"), max_length=12, choices=VehicleClass.choices)
    persons = models.PositiveSmallIntegerField(_("persons"))
    # the members who travel, from the eligibility verdict (a split recorded by a protection
    # officer leaves some behind); asked again at approval and at check-in
    member_ids = models.JSONField(_("travelling members"), default=list, blank=True)
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, null=True, blank=True, related_name="placements", verbose_name=_("vehicle")
    )
    informed_at = models.DateTimeField(_("household informed at"), null=True, blank=True)
    cancel_told_at = models.DateTimeField(_("household told of the cancellation at"), null=True, blank=True)
    # Set at approval when the household was no longer eligible on its date: off every manifest.
    dropped_reason = models.CharField(_("left out at approval because"), max_length=40, blank=True)

    sabeel_scope = "plan__working_group"
    sabeel_view_action = "movement.manage"

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(fields=["plan", "household"], name="mv_placement_once"),
        ]

    @property
    def working_group_id(self) -> int:
        return int(self.plan.working_group_id)


class Unplaced(BaseModel):
    """A household the plan could not place, with the constraint that stopped it (engine
    ``explain``) or the eligibility reason that kept it out of the run."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="unplaced", verbose_name=_("plan"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("household"))
    reason = models.CharField(_("reason"), max_length=40)
    blocked_days = models.JSONField(_("days blocked by each constraint"), default=dict, blank=True)

    sabeel_scope = "plan__working_group"
    sabeel_view_action = "movement.manage"

    class Meta:
        ordering = ["pk"]
        verbose_name = _("household not placed")
        verbose_name_plural = _("households not placed")
        constraints = [models.UniqueConstraint(fields=["plan", "household"], name="mv_unplaced_once")]


class CheckIn(BaseModel):
    """What happened at the vehicle on the departure day: present (boarded), absent (back to the
    pool), or withdrew here (a withdrawal recorded through the consent app at the same moment)."""

    placement = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="check_in", verbose_name=_("placement"))
    status = models.CharField(_("status"), max_length=12, choices=CheckInStatus.choices)
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, null=True, blank=True, related_name="check_ins", verbose_name=_("boarded vehicle")
    )
    persons = models.PositiveSmallIntegerField(_("persons boarded"), default=0)
    withdrawal = models.ForeignKey(
        "consent.Withdrawal", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("withdrawal")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    sabeel_scope = "placement__plan__working_group"
    sabeel_view_action = "movement.manage"

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.CheckConstraint(
                name="mv_checkin_boarded_has_vehicle",
                condition=~Q(status=CheckInStatus.PRESENT) | Q(vehicle__isnull=False),
                violation_error_message=_("A household present at check-in boards a vehicle."),
            ),
        ]


class Confirmation(BaseModel):
    """The household crossed the border, or arrived at its reception point."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="confirmations", verbose_name=_("placement"))
    kind = models.CharField(_("kind"), max_length=12, choices=ConfirmationKind.choices)
    at = models.DateTimeField(_("at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    sabeel_scope = "placement__plan__working_group"
    sabeel_view_action = "movement.manage"

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")
        constraints = [models.UniqueConstraint(fields=["placement", "kind"], name="mv_confirmation_once")]


class SelfOrganisedReturn(BaseModel):
    """A household that returned on its own: the date, the crossing and the destination, so that
    the return funnel is whole."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="self_organised_returns", verbose_name=_("household"))
    returned_on = models.DateField(_("date of return"))
    crossing = models.ForeignKey(
        "geo.BorderCrossing", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("crossing")
    )
    destination = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("destination")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    sabeel_scope = "household__working_group"
    sabeel_view_action = "movement.manage"

    class Meta:
        ordering = ["-returned_on", "-pk"]
        verbose_name = _("self-organised return")
        verbose_name_plural = _("self-organised returns")


class CrossingClosure(BaseModel):
    """A day a crossing is closed although its weekday is an opening day (a holiday, an incident):
    the planner places nobody through it that day. Reference data, like the crossing."""

    crossing = models.ForeignKey("geo.BorderCrossing", on_delete=models.PROTECT, related_name="closures", verbose_name=_("crossing"))
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("crossing closure")
        verbose_name_plural = _("crossing closures")
        constraints = [
            models.UniqueConstraint(
                fields=["crossing", "date"],
                name="mv_closure_once",
                violation_error_message=_("This crossing is already recorded as closed that day."),
            )
        ]
