"""After the crossing, for the demo: today's boarded households of Lebanon's approved plan cross
and arrive, the programme's grant rule is set, a payment run pays them (one paid, one failed),
files are closed in each deregistration state (verified return, presumed return, closed on
request, and one reopened after a failed return), and a monitor visits an arrived family."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from sabeel.core.actors import as_actor
from sabeel.core.exceptions import ServiceError

GROUP = "lb"


def _registered_months_ago(household: Any, months: int) -> bool:
    """Date a demo household's registration back ``months`` months (its record versions and
    rows), when its only contact in the period is that registration. True when done."""
    import datetime as dt

    from django.apps import apps

    from sabeel.registry.models import Individual, RecordVersion

    if household.versions.exclude(action__in=["household.created", "individual.created"]).exists():
        return False
    for label in ("consent.CounsellingSession", "consent.ReturnIntention", "consent.ReturnConsent", "consent.Withdrawal", "consent.FollowUp", "assistance.Payment"):
        if apps.get_model(label).objects.filter(household_id=household.pk).exists():
            return False
    then = timezone.now() - dt.timedelta(days=30 * months + 5)
    RecordVersion.objects.filter(household=household).update(at=then)
    Individual.objects.filter(household=household).update(created_at=then)
    type(household).objects.filter(pk=household.pk).update(created_at=then)
    return True


def demo_after_crossing_load(*, users: Mapping[str, Any]) -> str:
    from sabeel.assistance import services
    from sabeel.assistance.models import GrantRule, PaymentList
    from sabeel.consent.models import ReturnProgramme
    from sabeel.monitoring import services as monitoring
    from sabeel.movements import services as movements
    from sabeel.movements.choices import CheckInStatus, PlanStatus
    from sabeel.movements.models import Confirmation, Placement
    from sabeel.registry import services as registry
    from sabeel.registry.choices import DeregistrationState
    from sabeel.registry.models import Household
    from sabeel.workgroups.models import WorkingGroup

    group = WorkingGroup.objects.filter(code=GROUP).first()
    roles = ("finance_officer", "movement_officer", "registration_officer", "protection_officer", "monitor")
    people = [users.get(f"{GROUP}_{role}") for role in roles]
    programme = ReturnProgramme.objects.filter(working_group=group, is_active=True).first() if group else None
    monitor_user = people[-1]
    if group is None or programme is None or monitor_user is None or any(user is None for user in people):
        return "After the crossing: no Lebanon programme or personas; skipped."
    finance, mover, registrar, protection, monitor = (as_actor(user) for user in people)
    if GrantRule.objects.filter(programme=programme).exists():
        return "After the crossing: already loaded."
    lines = []
    # 1. today's placements board, cross and arrive
    today = timezone.localdate()
    arrived: list[Household] = []
    placements = Placement.objects.filter(plan__working_group=group, plan__status=PlanStatus.APPROVED, dropped_reason="", vehicle__isnull=False).order_by("date", "pk")
    for placement in placements[:12]:
        try:
            if not hasattr(placement, "check_in"):
                if placement.date != today:
                    continue
                movements.check_in(actor=mover, placement=placement, status=CheckInStatus.PRESENT)
            for kind in ("crossed", "arrived"):
                if not Confirmation.objects.filter(placement=placement, kind=kind).exists():
                    movements.confirm(actor=mover, placement=placement, kind=kind)
            arrived.append(placement.household)
        except ServiceError:
            continue
        if len(arrived) >= 4:
            break
    lines.append(f"After the crossing: {len(arrived)} households boarded today and arrived.")
    # 2. the grant rule, a payment run, one paid and one failed
    services.grant_rule_create(
        actor=finance, programme=programme, currency="USD", per_family="100", per_person="50", top_ups={"DS": "75"}, cap="600", presumed_return_months=6
    )
    run = services.payment_run_start(actor=finance, programme=programme)
    services.payment_run_execute(run_id=run.pk)
    plist = PaymentList.objects.get(run=run)
    payments = list(plist.payments.order_by("pk")[:2])
    if len(payments) == 2:
        content = f"idempotency_key,result,reference\n{payments[0].idempotency_key},paid,DEMO-TX-1\n{payments[1].idempotency_key},failed,\n"
        services.results_import(actor=finance, payment_list=plist, content=content.encode())
    lines.append(f"Return grants: payment list {plist.pk} with {plist.payments.count()} payments (one paid, one failed when there were two).")
    # 3. deregistration in each state
    states: dict[str, int] = {}
    if arrived:
        confirmation = Confirmation.objects.get(placement__household=arrived[0], kind="arrived")
        registry.household_verified_return(actor=registrar, household=arrived[0], confirmation_id=confirmation.pk)
        states["verified"] = 1
    quiet = Household.objects.filter(working_group=group, deregistration=DeregistrationState.ACTIVE).exclude(pk__in=[h.pk for h in arrived]).order_by("-pk")
    # The demo's households were all registered today; one of them is made a family registered
    # seven months ago and not heard from since (its rows dated back, nothing else changed), so
    # that the programme's six-month rule can presume its return.
    for household in quiet[:60]:
        aged = set(registry.presumed_return_blockers(household, months=6)) == {"contact"} and _registered_months_ago(household, 7)
        if aged and not registry.presumed_return_blockers(household, months=6):
            break
    for household in quiet[:60]:
        if "presumed" not in states and not registry.presumed_return_blockers(household, months=6):
            services.presumed_return_confirm(actor=protection, household=household)
            states["presumed"] = 1
            continue
        if "request" not in states:
            registry.household_close(actor=registrar, household=household, reason="Moved to a third country")
            states["request"] = 1
            continue
        if "reopened" not in states:
            registry.household_close(actor=registrar, household=household, reason="Said they would return on their own")
            registry.household_reopen(actor=registrar, household=household, reason="The return failed: back in Lebanon")
            states["reopened"] = 1
        if len(states) == 4:
            break
    lines.append("Deregistration: " + ", ".join(sorted(states)) + ".")
    # 4. monitoring: visits scheduled, one arrived family assigned and visited
    added = monitoring.schedule_make(working_group_id=group.pk)
    visited = 0
    for household in arrived[1:3]:
        monitoring.assignment_set(actor=protection, household=household, monitor_id=monitor_user.pk)
        monitoring.visit_record(actor=monitor, household=household, visited_on=today, reached="yes", hlp="no", services="partly", safety_incident=visited == 0, incidents=["medium"] if visited == 0 else [])
        visited += 1
    lines.append(f"Monitoring: {added} visits scheduled, {visited} recorded.")
    return "\n".join(lines)
