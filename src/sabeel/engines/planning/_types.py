"""The planning engine's contract: frozen dataclasses in and out."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass


class VehicleClass(enum.StrEnum):
    """The seats a household travels in: medical cases only in medical-fit vehicles, others only in
    ordinary ones (two separate pools of seats per departure point and day)."""

    STANDARD = "standard"
    MEDICAL = "medical"


class Reason(enum.StrEnum):
    """Why a household was not placed (the constraint that stopped it on most of its days)."""

    OUTSIDE_HORIZON = "outside_horizon"  # its window and eligibility do not meet inside the horizon
    NOT_ELIGIBLE_IN_WINDOW = "not_eligible_in_window"  # chosen window and eligibility do not overlap
    CROSSING_CLOSED = "crossing_closed"  # no crossing of its departure point opens on any day it could go
    CROSSING_FULL = "crossing_full"
    SEATS_FULL = "seats_full"
    MEDICAL_SEATS_FULL = "medical_seats_full"
    RECEPTION_FULL = "reception_full"
    # room was left, but using it would have put it ahead of an earlier-consented household of its
    # tier and departure point, no larger, that could not travel that day
    FIRST_COME_FIRST_SERVED = "first_come_first_served"
    UNKNOWN_DEPARTURE = "unknown_departure"
    UNKNOWN_DESTINATION = "unknown_destination"


@dataclass(frozen=True, slots=True)
class Household:
    """An eligible household. ``size`` counts persons; a household always travels whole."""

    id: str
    size: int
    departure: str
    destination: str
    earliest: dt.date  # chosen by the household
    latest: dt.date
    eligible_from: dt.date  # from the eligibility verdict (cooling-off end)
    eligible_until: dt.date  # consent expiry or re-confirmation deadline
    priority: int  # tier: 1 is the most urgent
    needs_medical_vehicle: bool
    consented_on: dt.date


@dataclass(frozen=True, slots=True)
class Crossing:
    """A border crossing: open on ``weekdays`` (0 = Monday) or, when given, exactly on ``open_dates``."""

    id: str
    capacity: int  # persons a day
    weekdays: frozenset[int] = frozenset(range(7))
    open_dates: frozenset[dt.date] | None = None

    def is_open(self, day: dt.date) -> bool:
        if self.open_dates is not None:
            return day in self.open_dates
        return day.weekday() in self.weekdays


@dataclass(frozen=True, slots=True)
class DeparturePoint:
    """Where households board. Seats a day in ordinary vehicles and, separately, in medical-fit ones.

    ``crossings`` are the crossings its vehicles can reach, with the travel time in minutes."""

    id: str
    seats: int
    medical_seats: int
    crossings: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Destination:
    """A destination sub-district and the persons its reception point can receive a day."""

    id: str
    reception: int  # persons a day


@dataclass(frozen=True, slots=True)
class Instance:
    """Everything a plan is made from: the horizon (``days`` from ``start``, at most 90) and the rest."""

    start: dt.date
    days: int  # horizon length, at most 90
    households: tuple[Household, ...]
    crossings: tuple[Crossing, ...]
    departures: tuple[DeparturePoint, ...]
    destinations: tuple[Destination, ...]

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days - 1)


@dataclass(frozen=True, slots=True)
class Placement:
    """A household's travel: its date, departure point, crossing and class of vehicle."""

    household_id: str
    date: dt.date
    departure: str
    crossing: str
    vehicle: VehicleClass


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A household that could not be placed, and why."""

    household_id: str
    reason: Reason
    # days of its window blocked by each constraint (the reason is the most frequent)
    blocked_days: tuple[tuple[Reason, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Fairness:
    """First-come-first-served inversions and the comparable pairs they are counted among; ``strict_*``
    by the literal reading that does not ask whether A's reception point had room (see ``check``)."""

    inversions: int
    comparable_pairs: int
    strict_inversions: int
    strict_comparable_pairs: int
    # the literal inversions that are not inversions: those where A's reception point had no room
    # for A on B's day even with B's room freed (explained), and any other (unexplained: must be 0)
    literal_explained: int = 0
    literal_unexplained: int = 0


class SolverStatus:
    """The phrases ``PlanStats.solver_status`` is written with, so that the platform can translate a
    plan's status by them: "optimal", "not run", "killed at the time limit (60 s)", "optimal without
    the reception limits; the full LP was killed at the time limit (60 s)", "failed: <error>" (then
    PARTIAL_BOUND when the first LP's bound stands)."""

    OPTIMAL = "optimal"
    NOT_RUN = "not run"
    KILLED = "killed at the time limit"
    PARTIAL = "optimal without the reception limits"
    FAILED = "failed: "
    PARTIAL_BOUND = "; the bound is the LP's without the reception limits"


@dataclass(frozen=True, slots=True)
class PlanStats:
    """What a plan achieves: persons and households moved, the bound and gap, the inversions."""

    method: str
    persons_moved: int
    households_moved: int
    persons_total: int
    households_total: int
    upper_bound: float | None  # persons: the weekly-LP relaxation bound, None when the solver did not finish
    gap: float | None  # (upper_bound - persons_moved) / upper_bound
    inversions: int
    comparable_pairs: int
    seconds: float
    solver_status: str  # written with SolverStatus's phrases
    notes: tuple[str, ...] = ()
    solver_seconds: float | None = None
    solver_memory_mib: float | None = None  # the solver child's growth above what it shares with the planner


@dataclass(frozen=True, slots=True)
class Plan:
    """Every household either placed or explained."""

    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    stats: PlanStats


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken constraint found by ``check``."""

    kind: str  # unknown_household, duplicate, window, departure, crossing, crossing_closed, vehicle, capacity kinds, ...
    detail: str
    household_id: str | None = None


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """How long the LP child may run before it is killed, and whether to run it at all."""

    time_limit: float = 60.0  # seconds for the LP solver's subprocess, killed after it
    solve_bound: bool = True
