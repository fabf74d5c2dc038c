"""From the records to the planning engine's instance, and back.

Eligibility is asked only through ``consent.eligibility.households_eligibility`` (the one entry).
A household may be planned on day ``d`` when the verdict assessed on ``d`` for a departure on ``d``
lets it be scheduled; the engine wants that as a window, ``eligible_from`` .. ``eligible_until``:

* asked for the first day of the horizon: schedulable → the window opens then; held back only by
  its cooling-off → it opens on the day the cooling-off ends (the reason's ``until``); anything
  else → the household stays out of the run, with the reason;
* asked for the last day: schedulable → the window runs to the end; held back only by consents
  that expire first → it ends on the earliest last valid day; held back by anything else → the
  window is the first day's answer only (asked again on that day);
* each edge so found is asked again on its own day (households grouped by day, so the number of
  questions does not grow with the households), and a household whose edge is not confirmed stays
  out (fail closed).

Re-confirmation is a condition of departure, not of scheduling: the check-in asks for it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sabeel.consent.eligibility import HouseholdEligibility, households_eligibility
from sabeel.consent.reason_display import CHILD_PROCEDURE, SPECIFIC_NEEDS_REASONS
from sabeel.engines import eligibility as eligibility_engine
from sabeel.engines import planning
from sabeel.geo.models import BorderCrossing
from sabeel.movements.models import CrossingClosure, DeparturePoint, MovementRequest, ReceptionCapacity
from sabeel.registry.models import Household

COOLING_OFF = str(eligibility_engine.ReasonCode.COOLING_OFF_NOT_OVER)
EXPIRES = str(eligibility_engine.ReasonCode.CONSENT_EXPIRES_BEFORE_DEPARTURE)
EXPIRED = str(eligibility_engine.ReasonCode.CONSENT_EXPIRED)  # asked on a later day, the consent has expired by then
NOT_ELIGIBLE = "not_eligible"  # the Unplaced reason of a household eligibility kept out of the run


@dataclass(frozen=True)
class Window:
    eligible_from: dt.date
    eligible_until: dt.date
    travelling: frozenset[int] = frozenset()  # the members who travel (a recorded split leaves some)


def _codes(verdict: HouseholdEligibility) -> set[str]:
    return {r.code for r in verdict.reasons_not_schedulable}


def _until(verdict: HouseholdEligibility, code: str) -> list[dt.date]:
    if verdict.assessment is None:
        return []
    return [r.until for r in verdict.assessment.reasons_not_schedulable if str(r.code) == code and r.until is not None]


def _ask(households: Sequence[Household], day: dt.date) -> dict[int, HouseholdEligibility]:
    return households_eligibility(households=households, on=day, departure_on=day)


def _confirm(
    households: Mapping[int, Household], edges: Mapping[int, dt.date], travelling: dict[int, frozenset[int]] | None = None
) -> set[int]:
    """The households that may be scheduled on their own edge day (asked once per distinct day);
    ``travelling`` takes the members who travel from the answer on the opening day."""
    by_day: dict[dt.date, list[Household]] = defaultdict(list)
    for pk, day in edges.items():
        by_day[day].append(households[pk])
    confirmed: set[int] = set()
    for day, group in by_day.items():
        for pk, verdict in _ask(group, day).items():
            if verdict.may_schedule:
                confirmed.add(pk)
                if travelling is not None:
                    travelling[pk] = verdict.travelling_member_ids
    return confirmed


def eligibility_windows(
    households: Iterable[Household], *, start: dt.date, end: dt.date
) -> tuple[dict[int, Window], dict[int, str]]:
    """Each household's window of eligibility inside ``start`` .. ``end``, or the code of the first
    reason that keeps it out (``not_eligible:<code>``)."""
    by_pk = {h.pk: h for h in households}
    if not by_pk:
        return {}, {}
    left_out: dict[int, str] = {}
    opens: dict[int, dt.date] = {}
    to_confirm_open: dict[int, dt.date] = {}
    travelling: dict[int, frozenset[int]] = {}
    for pk, verdict in _ask(list(by_pk.values()), start).items():
        travelling[pk] = verdict.travelling_member_ids
        codes = _codes(verdict)
        if verdict.may_schedule:
            opens[pk] = start
        elif codes == {COOLING_OFF} and _until(verdict, COOLING_OFF):
            day = max(_until(verdict, COOLING_OFF))
            if day > end:
                left_out[pk] = f"{NOT_ELIGIBLE}:{COOLING_OFF}"
            else:
                to_confirm_open[pk] = day
        else:
            first = verdict.reasons_not_schedulable[0].code if verdict.reasons_not_schedulable else "unknown"
            # movement officers read this: a reason that reveals a child's specific needs is neutral
            first = CHILD_PROCEDURE if first in SPECIFIC_NEEDS_REASONS else first
            left_out[pk] = f"{NOT_ELIGIBLE}:{first}"
    confirmed = _confirm(by_pk, to_confirm_open, travelling)
    for pk, day in to_confirm_open.items():
        if pk in confirmed:
            opens[pk] = day
        else:
            left_out[pk] = f"{NOT_ELIGIBLE}:{COOLING_OFF}"
    closes: dict[int, dt.date] = {}
    to_confirm_close: dict[int, dt.date] = {}
    for pk, verdict in _ask([by_pk[pk] for pk in opens], end).items():
        if verdict.may_schedule:
            closes[pk] = end
        elif _codes(verdict) <= {EXPIRES, EXPIRED} and _until(verdict, EXPIRES) + _until(verdict, EXPIRED):
            to_confirm_close[pk] = min(_until(verdict, EXPIRES) + _until(verdict, EXPIRED))
        else:
            # Something other than time closes the window by the end: plan only the first day's answer.
            to_confirm_close[pk] = opens[pk]
    confirmed = _confirm(by_pk, to_confirm_close)
    windows: dict[int, Window] = {}
    for pk, day in to_confirm_close.items():
        if pk in confirmed and day >= opens[pk]:
            closes[pk] = day
        else:
            left_out[pk] = f"{NOT_ELIGIBLE}:{EXPIRES}"
    for pk, day in closes.items():
        windows[pk] = Window(opens[pk], day, travelling.get(pk, frozenset()))
    return windows, left_out


@dataclass(frozen=True)
class Built:
    """The engine's instance and what it could not be given (household id → reason)."""

    instance: planning.Instance
    left_out: dict[int, str]
    members: dict[int, frozenset[int]]  # household → the members who travel


def build_instance(*, working_group_id: int, start: dt.date, days: int, households: Sequence[Household]) -> Built:
    """The instance for one working group's plan: the households given (each with its movement
    request), their windows of eligibility, the group's departure points and their routes, the
    crossings with opening days and capacity set, the group's reception capacities."""
    end = start + dt.timedelta(days=days - 1)
    requests = {r.household_id: r for r in MovementRequest.objects.filter(household__in=households)}
    windows, left_out = eligibility_windows(households, start=start, end=end)
    members: dict[int, frozenset[int]] = {}
    engine_households = []
    for household in households:
        request = requests.get(household.pk)
        if household.pk not in windows or request is None:
            left_out.setdefault(household.pk, f"{NOT_ELIGIBLE}:no_request")
            continue
        window = windows[household.pk]
        consented = window.eligible_from  # replaced below by the consent date where known
        members[household.pk] = window.travelling
        size = len(window.travelling)
        if size == 0:
            left_out[household.pk] = f"{NOT_ELIGIBLE}:nobody_travelling"
            continue
        engine_households.append(
            planning.Household(
                id=str(household.pk),
                size=size,
                departure=str(request.departure_point_id),
                destination=str(household.destination_id or ""),
                earliest=request.earliest,
                latest=request.latest,
                eligible_from=window.eligible_from,
                eligible_until=window.eligible_until,
                priority=int(request.priority_tier),
                needs_medical_vehicle=request.needs_medical_vehicle,
                consented_on=consented,
            )
        )
    consented_on = _consent_days([int(h.id) for h in engine_households])
    engine_households = [
        _replace_consent(h, consented_on.get(int(h.id))) for h in engine_households
    ]
    points = DeparturePoint.objects.filter(working_group_id=working_group_id, is_active=True).prefetch_related("routes")
    crossing_ids: set[int] = set()
    departures = []
    open_crossings = {
        c.pk: c
        for c in BorderCrossing.objects.filter(daily_capacity__isnull=False, opening_days__isnull=False)
    }
    for point in points:
        routes = tuple((str(r.crossing_id), r.travel_minutes) for r in point.routes.all() if r.crossing_id in open_crossings)
        crossing_ids |= {r.crossing_id for r in point.routes.all() if r.crossing_id in open_crossings}
        departures.append(
            planning.DeparturePoint(
                id=str(point.pk), seats=point.seats_per_day, medical_seats=point.medical_seats_per_day, crossings=routes
            )
        )
    closed: dict[int, set[dt.date]] = defaultdict(set)
    for crossing_id, day in CrossingClosure.objects.filter(crossing_id__in=crossing_ids, date__range=(start, end)).values_list(
        "crossing_id", "date"
    ):
        closed[crossing_id].add(day)
    crossings = []
    for pk in sorted(crossing_ids):
        weekdays = frozenset(d for d in range(7) if (open_crossings[pk].opening_days or 0) & (1 << d))
        open_dates = None
        if closed[pk]:  # its opening weekdays less the days it is closed
            days_ = (start + dt.timedelta(days=i) for i in range(days))
            open_dates = frozenset(d for d in days_ if d.weekday() in weekdays and d not in closed[pk])
        crossings.append(
            planning.Crossing(
                id=str(pk), capacity=int(open_crossings[pk].daily_capacity or 0), weekdays=weekdays, open_dates=open_dates
            )
        )
    destinations = tuple(
        planning.Destination(id=str(r.destination_id), reception=r.persons_per_day)
        for r in ReceptionCapacity.objects.filter(working_group_id=working_group_id)
    )
    instance = planning.Instance(
        start=start,
        days=days,
        households=tuple(engine_households),
        crossings=tuple(crossings),
        departures=tuple(departures),
        destinations=destinations,
    )
    return Built(instance=instance, left_out=left_out, members=members)


def _consent_days(household_ids: list[int]) -> dict[int, dt.date]:
    """The day each household's consent was recorded (the latest of its adults' current consents):
    first come, first served counts from when the household was ready."""
    from django.db.models import Max

    from sabeel.consent.models import ReturnConsent

    rows = (
        ReturnConsent.objects.filter(household_id__in=household_ids, ended_at__isnull=True)
        .values("household_id")
        .annotate(last=Max("created_at"))
    )
    return {r["household_id"]: r["last"].date() for r in rows}


def _replace_consent(h: planning.Household, day: dt.date | None) -> planning.Household:
    if day is None:
        return h
    from dataclasses import replace

    return replace(h, consented_on=day)
