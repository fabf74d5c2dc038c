"""Return intentions (C4): services and selectors.

Each answer is a new dated record and the latest one counts (by date of the answer, then by
recording order); nothing is changed or deleted. Recording needs ``person.update`` on the
household; reading needs ``person.view`` and is scoped to the reader's working group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sabeel.consent.models import Answer, DecisionMaker, IntentionSource, ReturnIntention
from sabeel.core import audit
from sabeel.core.actors import Actor, as_actor
from sabeel.core.exceptions import ServiceError
from sabeel.core.permissions import can, get_visible, groups_for, require, visible_to
from sabeel.core.runs import Run, runs_of
from sabeel.core.signals import households_changed
from sabeel.geo.choices import Country
from sabeel.geo.models import AdminUnit
from sabeel.registry.choices import HouseholdStatus
from sabeel.registry.models import Household
from sabeel.workgroups.models import WorkingGroup

__all__ = [
    "IMPORT_RUN_KIND",
    "ReturnObstacle",
    "ReturnReason",
    "can_record_intention",
    "import_groups",
    "intention_get",
    "intention_import_get",
    "intention_import_list",
    "intention_latest",
    "intention_list",
    "intention_record",
    "intention_values_check",
]

EARLIEST_ANSWER = dt.date(2011, 3, 15)  # no answer about returning predates the displacement
IMPORT_RUN_KIND = "consent.intention_import"  # the kind of the survey imports' runs (core.runs)


class ReturnReason(models.TextChoices):
    FAMILY = "family", gettext_lazy("To rejoin family")
    HOME = "home", gettext_lazy("To go back to their home or land")
    SAFETY_IMPROVED = "safety_improved", gettext_lazy("Safety has improved")
    LIVELIHOOD = "livelihood", gettext_lazy("Work or income in Syria")
    HOST_CONDITIONS = "host_conditions", gettext_lazy("Hard living conditions in the host country")
    HOST_PRESSURE = "host_pressure", gettext_lazy("Pressure to leave the host country")
    OTHER = "other", gettext_lazy("Another reason")


class ReturnObstacle(models.TextChoices):
    SAFETY = "safety", gettext_lazy("Safety and security")
    MILITARY_SERVICE = "military_service", gettext_lazy("Military service")
    SHELTER = "shelter", gettext_lazy("Housing damaged, destroyed or occupied")
    DOCUMENTS = "documents", gettext_lazy("Missing civil documents")
    LIVELIHOOD = "livelihood", gettext_lazy("No work or income")
    SERVICES = "services", gettext_lazy("No basic services (water, power, health, school)")
    PROPERTY = "property", gettext_lazy("Property or land dispute")
    LEGAL = "legal", gettext_lazy("Legal or security concerns")
    OTHER = "other", gettext_lazy("Another obstacle")


Errors = dict[str, list[str]]


def _local_today(household: Household) -> dt.date:
    return timezone.localdate(timezone=ZoneInfo(household.working_group.time_zone or "UTC"))


def _destination(value: AdminUnit | str | int | None, errors: Errors) -> AdminUnit | None:
    if value in (None, ""):
        return None
    if isinstance(value, AdminUnit):
        unit: AdminUnit | None = value
    else:
        lookup: dict[str, Any] = {"pk": value} if isinstance(value, int) else {"key": str(value).strip()}
        unit = AdminUnit.objects.filter(**lookup).first()
    if unit is None or unit.country != Country.SYRIA:
        errors["preferred_destination"] = [_("Choose an admin unit in Syria (any level).")]
        return None
    return unit


def _codes(name: str, values: Sequence[str], allowed: type[models.TextChoices], errors: Errors) -> list[str]:
    codes = list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))
    unknown = [c for c in codes if c not in allowed.values]
    if unknown:
        errors[name] = [_("Not one of the listed choices: %(codes)s.") % {"codes": ", ".join(unknown)}]
    return codes


def intention_values_check(
    *,
    household: Household,
    recorded_on: dt.date | None,
    hopes_to_return: str,
    intends_within_12_months: str,
    preferred_destination: AdminUnit | str | int | None = None,
    reasons: Sequence[str] = (),
    obstacles: Sequence[str] = (),
    go_and_see_interest: bool = False,
    decision_maker: str = "",
) -> tuple[dict[str, Any], Errors]:
    """The model values of one answer and the problems found, one translated message per field.
    Shared by the officer's form and the survey import; checks no permission."""
    errors: Errors = {}
    today = _local_today(household)
    day = recorded_on or today
    if day > today:
        errors["recorded_on"] = [_("The date of the answer cannot be in the future.")]
    elif day < EARLIEST_ANSWER:
        errors["recorded_on"] = [_("The date of the answer is too far in the past.")]
    if hopes_to_return not in Answer.values:
        errors["hopes_to_return"] = [_("Choose yes, no or does not know yet.")]
    if intends_within_12_months not in Answer.values:
        errors["intends_within_12_months"] = [_("Choose yes, no or does not know yet.")]
    if decision_maker and decision_maker not in DecisionMaker.values:
        errors["decision_maker"] = [_("Choose who decides, or leave it empty.")]
    if household.status != HouseholdStatus.OPEN:
        errors["household"] = [_("The household's file is closed; reopen it before recording an intention.")]
    values = {
        "household": household,
        "recorded_on": day,
        "hopes_to_return": hopes_to_return,
        "intends_within_12_months": intends_within_12_months,
        "preferred_destination": _destination(preferred_destination, errors),
        "reasons": _codes("reasons", reasons, ReturnReason, errors),
        "obstacles": _codes("obstacles", obstacles, ReturnObstacle, errors),
        "go_and_see_interest": bool(go_and_see_interest),
        "decision_maker": decision_maker or "",
    }
    return values, errors


@transaction.atomic
def intention_record(
    *,
    actor: Actor,
    household: Household,
    hopes_to_return: str,
    intends_within_12_months: str,
    recorded_on: dt.date | None = None,
    preferred_destination: AdminUnit | str | int | None = None,
    reasons: Sequence[str] = (),
    obstacles: Sequence[str] = (),
    go_and_see_interest: bool = False,
    decision_maker: str = "",
) -> ReturnIntention:
    """Record a household's answer about returning, as told to an officer (default date: today in
    the host country). A new answer never changes an older one; the latest one counts."""
    require(actor, "person.update", household)
    values, errors = intention_values_check(
        household=household,
        recorded_on=recorded_on,
        hopes_to_return=hopes_to_return,
        intends_within_12_months=intends_within_12_months,
        preferred_destination=preferred_destination,
        reasons=reasons,
        obstacles=obstacles,
        go_and_see_interest=go_and_see_interest,
        decision_maker=decision_maker,
    )
    if errors:
        raise ServiceError(_("The intention was not recorded."), fields=errors)
    intention = ReturnIntention.objects.create(source=IntentionSource.OFFICER, recorded_by_id=as_actor(actor).user_id, **values)
    households_changed([household.pk])  # the funnel snapshot refreshes the household on commit
    audit.record(
        actor=actor,
        action="intention.recorded",
        target=intention,
        working_group_id=household.working_group_id,
        data={"household_id": household.pk, "intention_id": intention.pk},
    )
    return intention


# --- selectors ----------------------------------------------------------------------------------


def can_record_intention(*, actor: Actor, household: Household) -> bool:
    return can(actor, "person.update", household)


def intention_list(*, actor: Actor, household: Household) -> QuerySet[ReturnIntention]:
    """The household's answers, the one that counts first (404 for another group's household)."""
    require(actor, "person.view", household)
    intentions = visible_to(actor, ReturnIntention.objects.filter(household=household))
    return intentions.select_related("preferred_destination", "recorded_by").order_by("-recorded_on", "-id")


def intention_latest(*, actor: Actor, household: Household) -> ReturnIntention | None:
    """The answer that counts: the latest by date of the answer, then by recording order."""
    return intention_list(actor=actor, household=household).first()


def intention_get(*, actor: Actor, pk: int) -> ReturnIntention:
    require(actor, "person.view")
    return get_visible(actor, ReturnIntention.objects.select_related("household", "preferred_destination"), pk=pk)


def import_groups(*, actor: Actor) -> QuerySet[WorkingGroup]:
    """Host-country groups whose households the actor may import answers for."""
    return WorkingGroup.objects.filter(pk__in=groups_for(actor, "person.update"), host_country__isnull=False).order_by("code")


def intention_import_list(*, actor: Actor) -> QuerySet[Run]:
    """The survey imports (runs) of the groups where the actor may change files, newest first."""
    require(actor, "person.update")
    return visible_to(actor, runs_of(kind=IMPORT_RUN_KIND), "person.update")


def intention_import_get(*, actor: Actor, pk: int) -> Run:
    """One survey import (run); 404 for another group's."""
    require(actor, "person.update")
    return get_visible(actor, runs_of(kind=IMPORT_RUN_KIND), "person.update", pk=pk)
