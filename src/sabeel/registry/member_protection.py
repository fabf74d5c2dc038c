"""What the household page shows of the members' protection state (docs/eligibility.md, rules 5-9,
14): who is absent, which departures and which changes of date of birth wait for a protection
officer, and whether the viewer may decide them. A read for a page the caller has already scoped
(``selectors.household_get``); persons are shown through the household file the selector built,
so field groups hold."""

from __future__ import annotations

from typing import Any

from sabeel.core.actors import Actor
from sabeel.core.permissions import can
from sabeel.registry.choices import BirthDateChangeState, MemberStatus, Presence
from sabeel.registry.models import BirthDateChange, Household, Individual, MemberDeparture

PROTECTION_ACTION = "consent.record"


def household_protection(*, actor: Actor, household: Household, file: Any) -> dict[str, Any]:
    """``absent``: ids of current members recorded as absent; ``departures``: departures during a
    return process not yet confirmed (each with the member as the file shows them, or None for a
    person now in another household); ``birth_dates``: pending changes of date of birth;
    ``can_confirm``: the viewer may confirm them (a protection officer of the group)."""
    members = {member["id"]: member for member in file.get("members", ())}
    presence = dict(Individual.objects.filter(household=household, status=MemberStatus.ACTIVE).values_list("pk", "presence"))
    current = set(presence)
    absent = {pk for pk, where in presence.items() if where == Presence.ABSENT}
    departures = [
        {"departure": departure, "person": members.get(departure.individual_id)}
        for departure in MemberDeparture.objects.filter(
            household=household, during_return_process=True, confirmed_at__isnull=True
        )
        .select_related("to_household")
        .order_by("at", "pk")
        if departure.individual_id not in current
    ]
    birth_dates = [
        {"change": change, "person": members.get(change.individual_id)}
        for change in BirthDateChange.objects.filter(household=household, state=BirthDateChangeState.PENDING).order_by("pk")
    ]
    return {
        "absent": absent,
        "departures": departures,
        "birth_dates": birth_dates,
        "can_confirm": can(actor, PROTECTION_ACTION, household),
    }
