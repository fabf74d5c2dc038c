"""The funnel snapshot: each household's funnel position and protection verdict, refreshed.

``refresh_households(ids)`` recomputes the rows of some households in batches: the verdict comes
from the one eligibility function (``consent.eligibility.households_eligibility``: a fixed number
of queries per batch), the stage facts from the records (latest intention, first counselling
session, current consents). ``refresh_all`` does every household as a background run
(``reports.snapshot``), batch by batch, each batch its own short transaction, with progress.

A household's row is refreshed when its facts change: the services call
``core.signals.households_changed(ids)``, whose signal is sent on commit and received here
(``receive_households_changed``): a few households are refreshed inline, many through a task.
The receiver never raises into the request: a failure marks the rows stale (not eligible) and
logs the household ids and the exception's class, never a name.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sabeel.consent.eligibility import households_eligibility, local_today
from sabeel.consent.models import Answer, CounsellingSession, ReturnConsent, ReturnIntention
from sabeel.core import runs
from sabeel.core.actors import Actor
from sabeel.core.models import Run
from sabeel.engines.eligibility import ReasonCode
from sabeel.registry.choices import HouseholdStatus
from sabeel.registry.models import Household
from sabeel.reports.choices import ConsentState
from sabeel.reports.models import HouseholdFunnel
from sabeel.workgroups.models import WorkingGroup

__all__ = [
    "BATCH",
    "INLINE_LIMIT",
    "RUN_KIND",
    "compute_rows",
    "mark_stale",
    "refresh_all",
    "refresh_all_run",
    "refresh_households",
    "refresh_households_safely",
    "refresh_or_enqueue",
]

logger = logging.getLogger(__name__)

RUN_KIND = "reports.snapshot"
BATCH = 500  # households per batch (one transaction each)
INLINE_LIMIT = 50  # more households than this changed at once: refreshed by a task

_CONSENT_MISSING = {ReasonCode.NO_CONSENT, ReasonCode.CONSENT_INCOMPLETE, ReasonCode.CONSENT_NOT_VERIFIED}


def _intentions(ids: Sequence[int]) -> dict[int, tuple[str, dt.date | None]]:
    """The latest answer of each household, and the day its current run of "yes" answers began."""
    answers: dict[int, list[tuple[dt.date, int, str]]] = {}
    rows = ReturnIntention.objects.filter(household_id__in=ids).values_list(
        "household_id", "recorded_on", "pk", "hopes_to_return"
    )
    for household_id, recorded_on, pk, hopes in rows:
        answers.setdefault(household_id, []).append((recorded_on, pk, hopes))
    found: dict[int, tuple[str, dt.date | None]] = {}
    for household_id, items in answers.items():
        items.sort()
        latest = items[-1][2]
        since: dt.date | None = None
        if latest == Answer.YES:
            for recorded_on, _pk, hopes in reversed(items):
                if hopes != Answer.YES:
                    break
                since = recorded_on
        found[household_id] = (latest, since)
    return found


def _counselled(ids: Sequence[int]) -> dict[int, dt.date]:
    first: dict[int, dt.date] = {}
    for household_id, held_on in CounsellingSession.objects.filter(household_id__in=ids).values_list(
        "household_id", "held_on"
    ):
        if household_id not in first or held_on < first[household_id]:
            first[household_id] = held_on
    return first


def _current_consents(ids: Sequence[int]) -> dict[int, dt.date]:
    """The latest day a consent still in force was given, per household."""
    latest: dict[int, dt.date] = {}
    rows = ReturnConsent.objects.filter(household_id__in=ids, ended_at__isnull=True).values_list(
        "household_id", "given_on"
    )
    for household_id, given_on in rows:
        if household_id not in latest or given_on > latest[household_id]:
            latest[household_id] = given_on
    return latest


@dataclass
class _Later:
    """The stages after eligibility a household reached, and when (see ``_after_eligibility``)."""

    scheduled_on: dt.date | None = None
    departed_on: dt.date | None = None
    arrived_on: dt.date | None = None
    self_organised: bool = False
    monitored_on: dt.date | None = None


def _earliest(current: dt.date | None, day: dt.date) -> dt.date:
    return day if current is None or day < current else current


def _after_eligibility(ids: Sequence[int]) -> dict[int, _Later]:
    """Movements and monitoring, read in a fixed number of queries:

    - scheduled: a place in an approved plan that was not dropped at approval nor ended at the bus
      (absent or withdrew); the day the plan was approved;
    - departed: checked in present at the bus (the travel day) or confirmed across the border;
    - arrived: confirmed at the reception point, or a self-organised return (its date; it counts
      as departed that day too, and by the funnel's nesting in every stage before);
    - monitored: the first monitoring visit at which the household was reached."""
    from sabeel.monitoring.selectors import monitored_households
    from sabeel.movements.choices import CheckInStatus, ConfirmationKind, PlanStatus
    from sabeel.movements.models import CheckIn, Confirmation, Placement, SelfOrganisedReturn

    later: dict[int, _Later] = {}

    def of(household_id: int) -> _Later:
        return later.setdefault(household_id, _Later())

    scheduled = (
        Placement.objects.filter(household_id__in=ids, plan__status=PlanStatus.APPROVED, dropped_reason="")
        .exclude(check_in__status__in=[CheckInStatus.ABSENT, CheckInStatus.WITHDREW])
        .values_list("household_id", "plan__approved_at", "date")
    )
    for household_id, approved_at, travel_day in scheduled:
        row = of(household_id)
        row.scheduled_on = _earliest(row.scheduled_on, approved_at.date() if approved_at else travel_day)
    present = CheckIn.objects.filter(placement__household_id__in=ids, status=CheckInStatus.PRESENT).values_list(
        "placement__household_id", "placement__date"
    )
    for household_id, travel_day in present:
        row = of(household_id)
        row.departed_on = _earliest(row.departed_on, travel_day)
    confirmed = Confirmation.objects.filter(placement__household_id__in=ids).values_list("placement__household_id", "kind", "at")
    for household_id, kind, at in confirmed:
        row = of(household_id)
        row.departed_on = _earliest(row.departed_on, at.date())
        if kind == ConfirmationKind.ARRIVED:
            row.arrived_on = _earliest(row.arrived_on, at.date())
    for household_id, returned_on in SelfOrganisedReturn.objects.filter(household_id__in=ids).values_list(
        "household_id", "returned_on"
    ):
        row = of(household_id)
        row.self_organised = True
        row.departed_on = _earliest(row.departed_on, returned_on)
        row.arrived_on = _earliest(row.arrived_on, returned_on)
    for household_id, visited_on in monitored_households(ids).items():
        of(household_id).monitored_on = visited_on
    return later


def _consent_state(codes: set[str], assessed: bool, consented: bool, counselled: bool) -> str:
    if ReasonCode.CONSENT_WITHDRAWN in codes:
        return ConsentState.WITHDRAWN
    if ReasonCode.CONSENT_EXPIRED in codes:
        return ConsentState.EXPIRED
    if consented:
        if assessed and not (codes & _CONSENT_MISSING):
            return ConsentState.CONSENTED
        return ConsentState.PARTIAL
    return ConsentState.COUNSELLED if counselled else ConsentState.NONE


def compute_rows(households: Sequence[Household], *, now: dt.datetime | None = None) -> list[HouseholdFunnel]:
    """The snapshot rows of ``households`` (not saved), in a fixed number of queries."""
    if not households:
        return []
    now = now or timezone.now()
    ids = [h.pk for h in households]
    verdicts = households_eligibility(households=households)
    intentions = _intentions(ids)
    counselled = _counselled(ids)
    consents = _current_consents(ids)
    after = _after_eligibility(ids)
    previous = dict(
        HouseholdFunnel.objects.filter(household_id__in=ids, eligible=True).values_list(
            "household_id", "eligible_since"
        )
    )
    zones = dict(
        WorkingGroup.objects.filter(pk__in={h.working_group_id for h in households}).values_list("pk", "time_zone")
    )
    rows = []
    for household in households:
        verdict = verdicts[household.pk]
        codes = [reason.code for reason in verdict.reasons_not_schedulable]
        intention, intending_on = intentions.get(household.pk, ("", None))
        counselled_on = counselled.get(household.pk)
        consented_on = consents.get(household.pk)
        state = _consent_state(
            set(codes), verdict.assessment is not None, consented_on is not None, counselled_on is not None
        )
        eligible = verdict.may_schedule and household.status == HouseholdStatus.OPEN
        since = None
        if eligible:
            since = previous.get(household.pk) or local_today(zones.get(household.working_group_id))
        later = after.get(household.pk) or _Later()
        rows.append(
            HouseholdFunnel(
                household_id=household.pk,
                working_group_id=household.working_group_id,
                intention=intention,
                consent_state=state,
                intending_on=intending_on,
                counselled_on=counselled_on,
                consented_on=consented_on if state == ConsentState.CONSENTED else None,
                eligible_since=since,
                eligible=eligible,
                reasons=list(dict.fromkeys(codes)),
                scheduled_on=later.scheduled_on,
                departed_on=later.departed_on,
                arrived_on=later.arrived_on,
                self_organised=later.self_organised,
                monitored_on=later.monitored_on,
                stale=False,
                computed_at=now,
            )
        )
    return rows


_FIELDS = [
    "working_group",
    "intention",
    "consent_state",
    "intending_on",
    "counselled_on",
    "consented_on",
    "eligible_since",
    "eligible",
    "reasons",
    "scheduled_on",
    "departed_on",
    "arrived_on",
    "self_organised",
    "monitored_on",
    "stale",
    "computed_at",
]


def _save(rows: list[HouseholdFunnel]) -> None:
    HouseholdFunnel.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["household"], update_fields=_FIELDS, batch_size=BATCH
    )


def refresh_households(ids: Iterable[int], *, batch: int = BATCH) -> int:
    """Recompute and store the rows of these households, ``batch`` at a time, each batch its own
    transaction. Returns how many rows were written."""
    wanted = sorted(set(ids))
    written = 0
    for start in range(0, len(wanted), batch):
        chunk = wanted[start : start + batch]
        with transaction.atomic():
            households = list(Household.objects.filter(pk__in=chunk))
            rows = compute_rows(households)
            _save(rows)
        written += len(rows)
    return written


def mark_stale(ids: Iterable[int]) -> None:
    """The rows of these households could not be refreshed: not eligible until they are."""
    HouseholdFunnel.objects.filter(household_id__in=list(ids)).update(stale=True, eligible=False, eligible_since=None)


def refresh_all(*, actor: Actor, working_group_id: int | None = None) -> Run:
    """Queue a full refresh of the snapshot as a background run (on commit)."""
    from sabeel.reports.tasks import snapshot_refresh_task

    households = Household.objects.all()
    if working_group_id is not None:
        households = households.filter(working_group_id=working_group_id)
    run = runs.run_create(actor=actor, kind=RUN_KIND, working_group_id=working_group_id, total=households.count())
    transaction.on_commit(lambda: snapshot_refresh_task.enqueue(run_id=run.pk))
    return run


def refresh_all_run(*, run_id: int, batch: int = BATCH) -> Run | None:
    """The worker's side of ``refresh_all``: every household (of the run's group), in id order,
    batch by batch, with progress; stops when the run is cancelled. Never raises."""

    def work(run: Run) -> None:
        households = Household.objects.order_by("pk")
        if run.working_group_id is not None:
            households = households.filter(working_group_id=run.working_group_id)
        total = households.count()
        done, last = 0, 0
        runs.run_progress(run=run, done=0, total=total)
        while True:
            chunk = list(households.filter(pk__gt=last)[:batch])
            if not chunk:
                break
            with transaction.atomic():
                _save(compute_rows(chunk))
                done += len(chunk)
                last = chunk[-1].pk
                if not runs.run_progress(run=run, done=done, counts={"households": done}):
                    return
        runs.run_finish(run=run, counts={"households": done})

    return runs.run_execute(run_id=run_id, work=work)


def refresh_households_safely(ids: Iterable[int]) -> None:
    """``refresh_households`` that never raises: a failure marks the rows stale (not eligible)
    and is logged with the household ids and the exception's class, never a name."""
    wanted = sorted(set(ids))
    try:
        refresh_households(wanted)
    except Exception as exc:
        logger.error("funnel snapshot of households %s not refreshed: %s", wanted[:20], type(exc).__name__)
        try:
            mark_stale(wanted)
        except Exception as again:  # the database itself failed: the rows stay as they were
            logger.error("funnel snapshot of households %s not marked stale: %s", wanted[:20], type(again).__name__)


def refresh_or_enqueue(ids: Iterable[int]) -> None:
    """After a commit that changed these households' facts: refresh them now when they are few,
    else through a task. Never raises."""
    wanted = sorted(set(ids))
    if not wanted:
        return
    if len(wanted) <= getattr(settings, "SABEEL_FUNNEL_INLINE_LIMIT", INLINE_LIMIT):
        refresh_households_safely(wanted)
        return
    try:
        from sabeel.reports.tasks import snapshot_households_task

        snapshot_households_task.enqueue(household_ids=wanted)
    except Exception as exc:
        logger.error("funnel snapshot refresh of %s households not queued: %s", len(wanted), type(exc).__name__)
        mark_stale_safely(wanted)


def mark_stale_safely(ids: Iterable[int]) -> None:
    try:
        mark_stale(ids)
    except Exception as exc:
        logger.error("funnel snapshot rows not marked stale: %s", type(exc).__name__)
